package sqlstore

import (
	"context"
	"database/sql"
	"slices"
	"time"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/affiliate"
	"github.com/loopshop/loopshop/page"
)

// AffiliateStore implements affiliate.Store in each market's region.
type AffiliateStore struct{ r *Router }

// NewAffiliateStore returns the affiliate store over r.
func NewAffiliateStore(r *Router) *AffiliateStore { return &AffiliateStore{r: r} }

var _ affiliate.Store = (*AffiliateStore)(nil)

func (s *AffiliateStore) CreatePlan(ctx context.Context, p *affiliate.Plan) error {
	db, err := s.r.ForMarket(p.Market)
	if err != nil {
		return err
	}
	return db.WriteTx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO affiliate_plans (id, market, shop_id, kind, name, needs_approval, expires_at, status, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.ID, p.Market, p.ShopID, p.Kind, p.Name, p.NeedsApproval, nullTime(p.ExpiresAt), p.Status, p.CreatedAt.UTC()); err != nil {
			return err
		}
		rate := func(productID string, bps int) error {
			_, err := tx.Exec(ctx, `INSERT INTO affiliate_rates (plan_id, product_id, rate_bps, changed_at) VALUES (?, ?, ?, ?)`, p.ID, productID, bps, p.CreatedAt.UTC())
			return err
		}
		if p.ShopWideBPS > 0 {
			if err := rate("", p.ShopWideBPS); err != nil {
				return err
			}
		}
		for _, pr := range p.Products {
			if err := rate(pr.ProductID, pr.RateBPS); err != nil {
				return err
			}
		}
		for _, c := range p.Invited {
			if _, err := tx.Exec(ctx, `INSERT INTO affiliate_invites (plan_id, creator_id) VALUES (?, ?)`, p.ID, c); err != nil {
				return err
			}
		}
		return nil
	})
}

func nullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC()
}

// timeOrNil is nullTime's reverse: a scanned nullable time, in UTC.
func timeOrNil(n sql.NullTime) *time.Time {
	if !n.Valid {
		return nil
	}
	t := n.Time.UTC()
	return &t
}

const planColumns = `p.id, p.market, p.shop_id, p.kind, p.name, p.needs_approval, p.expires_at, p.status, p.created_at`

func scanPlan(row interface{ Scan(...any) error }, extra ...any) (*affiliate.Plan, error) {
	p := &affiliate.Plan{}
	var expires sql.NullTime
	if err := row.Scan(append([]any{&p.ID, &p.Market, &p.ShopID, &p.Kind, &p.Name, &p.NeedsApproval, &expires, &p.Status, &p.CreatedAt}, extra...)...); err != nil {
		return nil, err
	}
	p.CreatedAt = p.CreatedAt.UTC()
	p.ExpiresAt = timeOrNil(expires)
	return p, nil
}

// plans runs a query selecting planColumns and fills in each plan's
// current rates and invitations.
func (s *AffiliateStore) plans(ctx context.Context, db *DB, query string, args []any) ([]*affiliate.Plan, error) {
	var out []*affiliate.Plan
	if err := db.Read().Query(ctx, query, args, func(rows *sql.Rows) error {
		p, err := scanPlan(rows)
		out = append(out, p)
		return err
	}); err != nil {
		return nil, err
	}
	return out, s.fill(ctx, db, out)
}

func (s *AffiliateStore) fill(ctx context.Context, db *DB, ps []*affiliate.Plan) error {
	if len(ps) == 0 {
		return nil
	}
	byID := map[string]*affiliate.Plan{}
	ids := make([]any, len(ps))
	for i, p := range ps {
		byID[p.ID], ids[i] = p, p.ID
	}
	in := placeholders(len(ids))
	// Every rate change, oldest first: the last of each product is now.
	if err := db.Read().Query(ctx, `SELECT r.plan_id, r.product_id, r.rate_bps, COALESCE(pr.title, '') FROM affiliate_rates r
		LEFT JOIN products pr ON pr.id = r.product_id WHERE r.plan_id IN (`+in+`) ORDER BY r.plan_id, r.product_id, r.changed_at`, ids, func(rows *sql.Rows) error {
		var planID string
		var pr affiliate.ProductRate
		if err := rows.Scan(&planID, &pr.ProductID, &pr.RateBPS, &pr.Title); err != nil {
			return err
		}
		p := byID[planID]
		if pr.ProductID == "" {
			p.ShopWideBPS = pr.RateBPS
			return nil
		}
		if n := len(p.Products); n > 0 && p.Products[n-1].ProductID == pr.ProductID {
			p.Products[n-1] = pr
		} else {
			p.Products = append(p.Products, pr)
		}
		return nil
	}); err != nil {
		return err
	}
	return db.Read().Query(ctx, `SELECT plan_id, creator_id FROM affiliate_invites WHERE plan_id IN (`+in+`) ORDER BY plan_id, creator_id`, ids, func(rows *sql.Rows) error {
		var planID, c string
		if err := rows.Scan(&planID, &c); err != nil {
			return err
		}
		byID[planID].Invited = append(byID[planID].Invited, c)
		return nil
	})
}

func (s *AffiliateStore) Plan(ctx context.Context, id string) (*affiliate.Plan, error) {
	db, err := s.r.ForID(id)
	if err != nil {
		return nil, err
	}
	ps, err := s.plans(ctx, db, `SELECT `+planColumns+` FROM affiliate_plans p WHERE p.id = ?`, []any{id})
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, loopshop.ErrNotFound
	}
	return ps[0], nil
}

func (s *AffiliateStore) PlansOfShop(ctx context.Context, shopID string) ([]*affiliate.Plan, error) {
	db, err := s.r.ForID(shopID)
	if err != nil {
		return nil, err
	}
	return s.plans(ctx, db, `SELECT `+planColumns+` FROM affiliate_plans p WHERE p.shop_id = ? ORDER BY p.id DESC`, []any{shopID})
}

func (s *AffiliateStore) ChangeRate(ctx context.Context, planID, productID string, c affiliate.RateChange) error {
	db, err := s.r.ForID(planID)
	if err != nil {
		return err
	}
	return db.WriteTx(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO affiliate_rates (plan_id, product_id, rate_bps, changed_at) VALUES (?, ?, ?, ?)`, planID, productID, c.BPS, c.At.UTC())
		return err
	})
}

func (s *AffiliateStore) EndPlan(ctx context.Context, e affiliate.PlanEnd) error {
	db, err := s.r.ForID(e.PlanID)
	if err != nil {
		return err
	}
	return db.WriteTx(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, `UPDATE affiliate_plans SET status = ?, ended_at = ? WHERE id = ? AND status = ?`, e.To, e.At.UTC(), e.PlanID, e.From)
		return err
	})
}

func (s *AffiliateStore) Join(ctx context.Context, m *affiliate.Membership) error {
	db, err := s.r.ForMarket(m.Market)
	if err != nil {
		return err
	}
	return db.WriteTx(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO affiliate_members (plan_id, creator_id, market, status, joined_at, decided_at) VALUES (?, ?, ?, ?, ?, ?)`,
			m.PlanID, m.CreatorID, m.Market, m.Status, m.JoinedAt.UTC(), nullTime(m.DecidedAt))
		return err
	})
}

const memberColumns = `m.plan_id, m.creator_id, m.market, m.status, m.joined_at, m.decided_at`

func scanMember(row interface{ Scan(...any) error }) (affiliate.Membership, error) {
	var m affiliate.Membership
	var decided sql.NullTime
	err := row.Scan(&m.PlanID, &m.CreatorID, &m.Market, &m.Status, &m.JoinedAt, &decided)
	settleMember(&m, decided)
	return m, err
}

// scanPlanMember scans planColumns followed by memberColumns.
func scanPlanMember(row interface{ Scan(...any) error }) (*affiliate.Plan, affiliate.Membership, error) {
	var m affiliate.Membership
	var decided sql.NullTime
	p, err := scanPlan(row, &m.PlanID, &m.CreatorID, &m.Market, &m.Status, &m.JoinedAt, &decided)
	settleMember(&m, decided)
	return p, m, err
}

// settleMember puts a scanned membership's times in UTC.
func settleMember(m *affiliate.Membership, decided sql.NullTime) {
	m.JoinedAt, m.DecidedAt = m.JoinedAt.UTC(), timeOrNil(decided)
}

func (s *AffiliateStore) Membership(ctx context.Context, planID, creatorID string) (*affiliate.Membership, error) {
	db, err := s.r.ForID(planID)
	if err != nil {
		return nil, err
	}
	var out *affiliate.Membership
	err = db.Read().Query(ctx, `SELECT `+memberColumns+` FROM affiliate_members m WHERE m.plan_id = ? AND m.creator_id = ?`, []any{planID, creatorID},
		func(rows *sql.Rows) error {
			m, err := scanMember(rows)
			out = &m
			return err
		})
	if err == nil && out == nil {
		err = loopshop.ErrNotFound
	}
	return out, err
}

func (s *AffiliateStore) Decide(ctx context.Context, planID, creatorID, from, to string, at time.Time) error {
	db, err := s.r.ForID(planID)
	if err != nil {
		return err
	}
	return db.WriteTx(ctx, func(tx *Tx) error {
		n, err := tx.Exec(ctx, `UPDATE affiliate_members SET status = ?, decided_at = ? WHERE plan_id = ? AND creator_id = ? AND status = ?`,
			to, at.UTC(), planID, creatorID, from)
		if err == nil && n == 0 {
			err = loopshop.ErrNotFound
		}
		return err
	})
}

func (s *AffiliateStore) Members(ctx context.Context, planID string) ([]affiliate.Membership, error) {
	db, err := s.r.ForID(planID)
	if err != nil {
		return nil, err
	}
	var out []affiliate.Membership
	err = db.Read().Query(ctx, `SELECT `+memberColumns+` FROM affiliate_members m WHERE m.plan_id = ? ORDER BY m.joined_at DESC, m.creator_id`, []any{planID},
		func(rows *sql.Rows) error {
			m, err := scanMember(rows)
			out = append(out, m)
			return err
		})
	return out, err
}

func (s *AffiliateStore) CreatorPlans(ctx context.Context, market, creatorID string) ([]*affiliate.Plan, []affiliate.Membership, error) {
	db, err := s.r.ForMarket(market)
	if err != nil {
		return nil, nil, err
	}
	var ps []*affiliate.Plan
	var ms []affiliate.Membership
	err = db.Read().Query(ctx, `SELECT `+planColumns+`, `+memberColumns+` FROM affiliate_members m JOIN affiliate_plans p ON p.id = m.plan_id
		WHERE m.creator_id = ? ORDER BY m.joined_at DESC, p.id`, []any{creatorID}, func(rows *sql.Rows) error {
		p, m, err := scanPlanMember(rows)
		ps, ms = append(ps, p), append(ms, m)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return ps, ms, s.fill(ctx, db, ps)
}

func (s *AffiliateStore) Coverage(ctx context.Context, market, creatorID, productID string) ([]affiliate.Coverage, error) {
	db, err := s.r.ForMarket(market)
	if err != nil {
		return nil, err
	}
	var out []affiliate.Coverage
	err = db.Read().Query(ctx, `SELECT `+planColumns+`, `+memberColumns+` FROM affiliate_members m JOIN affiliate_plans p ON p.id = m.plan_id
		WHERE m.creator_id = ? AND p.shop_id = (SELECT shop_id FROM products WHERE id = ?) ORDER BY p.id`, []any{creatorID, productID}, func(rows *sql.Rows) error {
		p, m, err := scanPlanMember(rows)
		out = append(out, affiliate.Coverage{Plan: p, Membership: m})
		return err
	})
	if err != nil || len(out) == 0 {
		return out, err
	}
	ids := make([]any, 0, len(out)+1)
	ids = append(ids, productID)
	for _, c := range out {
		ids = append(ids, c.Plan.ID)
	}
	own := map[string][]affiliate.RateChange{}
	wide := map[string][]affiliate.RateChange{}
	err = db.Read().Query(ctx, `SELECT plan_id, product_id, rate_bps, changed_at FROM affiliate_rates
		WHERE product_id IN (?, '') AND plan_id IN (`+placeholders(len(out))+`) ORDER BY changed_at`, ids, func(rows *sql.Rows) error {
		var planID, pid string
		var c affiliate.RateChange
		if err := rows.Scan(&planID, &pid, &c.BPS, &c.At); err != nil {
			return err
		}
		c.At = c.At.UTC()
		if pid == "" {
			wide[planID] = append(wide[planID], c)
		} else {
			own[planID] = append(own[planID], c)
		}
		return nil
	})
	for i := range out {
		id := out[i].Plan.ID
		out[i].History = own[id]
		if len(out[i].History) == 0 {
			out[i].History = wide[id]
		}
	}
	return slices.DeleteFunc(out, func(c affiliate.Coverage) bool { return len(c.History) == 0 }), err
}

func (s *AffiliateStore) OpenPlans(ctx context.Context, market string, r page.Request) ([]*affiliate.Plan, error) {
	db, err := s.r.ForMarket(market)
	if err != nil {
		return nil, err
	}
	query := `SELECT ` + planColumns + ` FROM affiliate_plans p WHERE p.market = ? AND p.kind = ? AND p.status = ?`
	args := []any{market, affiliate.Open, affiliate.PlanActive}
	if r.After != "" {
		query += ` AND p.id < ?`
		args = append(args, r.After)
	}
	query += ` ORDER BY p.id DESC LIMIT ?`
	args = append(args, r.Limit+1)
	return s.plans(ctx, db, query, args)
}

func (s *AffiliateStore) CreateSample(ctx context.Context, smp *affiliate.Sample) error {
	db, err := s.r.ForMarket(smp.Market)
	if err != nil {
		return err
	}
	return db.WriteTx(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO affiliate_samples (id, market, shop_id, creator_id, product_id, status, note, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, smp.ID, smp.Market, smp.ShopID, smp.CreatorID, smp.ProductID, smp.Status, smp.Note, smp.CreatedAt.UTC(), smp.UpdatedAt.UTC())
		return err
	})
}

const sampleColumns = `s.id, s.market, s.shop_id, s.creator_id, s.product_id, COALESCE(p.title, ''), s.status, s.note, s.seller_note, s.carrier,
	s.tracking_number, s.content_due_at, s.video_id, s.created_at, s.updated_at`

func (s *AffiliateStore) samples(ctx context.Context, db *DB, where string, args ...any) ([]*affiliate.Sample, error) {
	var out []*affiliate.Sample
	err := db.Read().Query(ctx, `SELECT `+sampleColumns+` FROM affiliate_samples s LEFT JOIN products p ON p.id = s.product_id WHERE `+where+` ORDER BY s.id DESC`,
		args, func(rows *sql.Rows) error {
			smp := &affiliate.Sample{}
			var due sql.NullTime
			if err := rows.Scan(&smp.ID, &smp.Market, &smp.ShopID, &smp.CreatorID, &smp.ProductID, &smp.ProductTitle, &smp.Status, &smp.Note, &smp.SellerNote,
				&smp.Carrier, &smp.TrackingNumber, &due, &smp.VideoID, &smp.CreatedAt, &smp.UpdatedAt); err != nil {
				return err
			}
			smp.CreatedAt, smp.UpdatedAt = smp.CreatedAt.UTC(), smp.UpdatedAt.UTC()
			smp.ContentDueAt = timeOrNil(due)
			out = append(out, smp)
			return nil
		})
	return out, err
}

func (s *AffiliateStore) Sample(ctx context.Context, id string) (*affiliate.Sample, error) {
	db, err := s.r.ForID(id)
	if err != nil {
		return nil, err
	}
	out, err := s.samples(ctx, db, `s.id = ?`, id)
	if err == nil && len(out) == 0 {
		err = loopshop.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

func (s *AffiliateStore) UpdateSample(ctx context.Context, smp *affiliate.Sample, from string) error {
	db, err := s.r.ForID(smp.ID)
	if err != nil {
		return err
	}
	return db.WriteTx(ctx, func(tx *Tx) error {
		n, err := tx.Exec(ctx, `UPDATE affiliate_samples SET status = ?, seller_note = ?, carrier = ?, tracking_number = ?, content_due_at = ?, video_id = ?, updated_at = ?
			WHERE id = ? AND status = ?`, smp.Status, smp.SellerNote, smp.Carrier, smp.TrackingNumber, nullTime(smp.ContentDueAt), smp.VideoID, smp.UpdatedAt.UTC(), smp.ID, from)
		if err == nil && n == 0 {
			err = affiliate.ErrChanged
		}
		return err
	})
}

func (s *AffiliateStore) SamplesOfShop(ctx context.Context, shopID string) ([]*affiliate.Sample, error) {
	db, err := s.r.ForID(shopID)
	if err != nil {
		return nil, err
	}
	return s.samples(ctx, db, `s.shop_id = ?`, shopID)
}

func (s *AffiliateStore) SamplesOfCreator(ctx context.Context, market, creatorID string) ([]*affiliate.Sample, error) {
	db, err := s.r.ForMarket(market)
	if err != nil {
		return nil, err
	}
	return s.samples(ctx, db, `s.creator_id = ?`, creatorID)
}
