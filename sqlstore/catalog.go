package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/catalog"
	"github.com/loopshop/loopshop/identity"
	"github.com/loopshop/loopshop/jobs"
	"github.com/loopshop/loopshop/money"
	"github.com/loopshop/loopshop/page"
)

// CatalogStore implements catalog.Store.
type CatalogStore struct{ r *Router }

// NewCatalogStore returns the catalog store over r.
func NewCatalogStore(r *Router) *CatalogStore { return &CatalogStore{r: r} }

var _ catalog.Store = (*CatalogStore)(nil)

func (s *CatalogStore) CreateShop(ctx context.Context, shop *catalog.Shop, ownerID string, wh *catalog.Warehouse) error {
	db, err := s.r.ForMarket(shop.Market)
	if err != nil {
		return err
	}
	return db.WriteTx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO shops (id, market, name, status, business_type, legal_name, contact_email, ships_from, probation_until, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			shop.ID, shop.Market, shop.Name, shop.Status, shop.BusinessType, shop.LegalName, shop.ContactEmail, shop.ShipsFrom, shop.ProbationUntil, shop.CreatedAt); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO shop_members (shop_id, account_id, role, created_at) VALUES (?, ?, ?, ?)`,
			shop.ID, ownerID, identity.ShopOwner, shop.CreatedAt); err != nil {
			return err
		}
		return insertWarehouse(ctx, tx, wh)
	})
}

func (s *CatalogStore) Shop(ctx context.Context, id string) (*catalog.Shop, error) {
	db, err := s.r.ForID(id)
	if err != nil {
		return nil, err
	}
	var sh catalog.Shop
	var probation sql.NullTime
	err = db.Read().Get(ctx, `SELECT id, market, name, status, business_type, legal_name, contact_email, ships_from, probation_until, created_at FROM shops WHERE id = ?`, []any{id},
		&sh.ID, &sh.Market, &sh.Name, &sh.Status, &sh.BusinessType, &sh.LegalName, &sh.ContactEmail, &sh.ShipsFrom, &probation, &sh.CreatedAt)
	if err != nil {
		return nil, err
	}
	sh.ProbationUntil = probation.Time
	return &sh, nil
}

func (s *CatalogStore) CreateProduct(ctx context.Context, p *catalog.Product, stock []*catalog.Adjustment, js ...*jobs.Job) error {
	db, err := s.r.ForMarket(p.Market)
	if err != nil {
		return err
	}
	options, err := json.Marshal(p.Options)
	if err != nil {
		return err
	}
	return db.WriteTx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO products (id, shop_id, market, handle, title, description, description_html, category, category_id, brand, tags, options,
				status, audit_status, image_key, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			p.ID, p.ShopID, p.Market, p.Handle, p.Title, p.Description, p.DescriptionHTML, p.Category, p.CategoryID, p.Brand, strings.Join(p.Tags, ","), string(options),
			p.Status, p.AuditStatus, p.ImageKey, p.CreatedAt, p.UpdatedAt); err != nil {
			return err
		}
		if err := insertImages(ctx, tx, p.ID, p.Images); err != nil {
			return err
		}
		for i, k := range p.SKUs {
			if err := insertSKU(ctx, tx, p, &k, i); err != nil {
				if errors.Is(err, loopshop.ErrAlreadyExists) && k.SellerSKU != "" {
					// SKU IDs are random: only (shop_id, seller_sku) can clash.
					return &catalog.SellerSKUTakenError{Index: i}
				}
				return err
			}
		}
		for _, a := range stock {
			if _, err := tx.Exec(ctx, `INSERT INTO inventory (sku_id, warehouse_id, received, updated_at) VALUES (?, ?, ?, ?)`,
				a.SKUID, a.WarehouseID, a.Received, a.CreatedAt); err != nil {
				return err
			}
			if err := insertAdjustment(ctx, tx, a); err != nil {
				return err
			}
		}
		return enqueueJobs(ctx, tx, js...)
	})
}

func insertSKU(ctx context.Context, tx *Tx, p *catalog.Product, k *catalog.SKU, position int) error {
	var o [3]string
	copy(o[:], k.Options)
	var compareAt int64
	if k.CompareAt != nil {
		compareAt = k.CompareAt.Amount
	}
	_, err := tx.Exec(ctx, `INSERT INTO skus (id, product_id, shop_id, position, seller_sku, option1, option2, option3, price_amount, compare_at_amount, currency, weight_grams, barcode, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		k.ID, p.ID, p.ShopID, position, k.SellerSKU, o[0], o[1], o[2], k.Price.Amount, compareAt, k.Price.Currency, k.WeightGrams, k.Barcode, p.CreatedAt)
	return err
}

func (s *CatalogStore) UpdateProduct(ctx context.Context, p *catalog.Product, prevUpdated time.Time, removed []string, stock []catalog.StockTarget, actorID string, js ...*jobs.Job) error {
	db, err := s.r.ForMarket(p.Market)
	if err != nil {
		return err
	}
	options, err := json.Marshal(p.Options)
	if err != nil {
		return err
	}
	return db.WriteTx(ctx, func(tx *Tx) error {
		n, err := tx.Exec(ctx, `UPDATE products SET handle = ?, title = ?, description = ?, description_html = ?, category = ?, category_id = ?, brand = ?, tags = ?, options = ?,
				status = ?, audit_status = ?, review_note = ?, image_key = ?, updated_at = ? WHERE id = ? AND updated_at = ?`,
			p.Handle, p.Title, p.Description, p.DescriptionHTML, p.Category, p.CategoryID, p.Brand, strings.Join(p.Tags, ","), string(options),
			p.Status, p.AuditStatus, p.ReviewNote, p.ImageKey, p.UpdatedAt, p.ID, prevUpdated)
		if err != nil {
			return err
		}
		if n == 0 {
			return catalog.ErrChanged
		}
		for _, id := range removed {
			n, err := tx.Exec(ctx, `DELETE FROM skus WHERE id = ? AND NOT EXISTS (SELECT 1 FROM inventory WHERE sku_id = ? AND (reserved > 0 OR sold > 0))`, id, id)
			if err != nil {
				return err
			}
			if n == 0 {
				return &catalog.SKUInUseError{SKUID: id}
			}
		}
		if err := replaceImages(ctx, tx, p.ID, p.Images); err != nil {
			return err
		}
		// Clear seller SKUs first so that two SKUs swapping codes do not
		// trip the unique index half-way.
		if _, err := tx.Exec(ctx, `UPDATE skus SET seller_sku = '' WHERE product_id = ?`, p.ID); err != nil {
			return err
		}
		for i, k := range p.SKUs {
			var o [3]string
			copy(o[:], k.Options)
			var compareAt int64
			if k.CompareAt != nil {
				compareAt = k.CompareAt.Amount
			}
			n, err := tx.Exec(ctx, `UPDATE skus SET position = ?, seller_sku = ?, option1 = ?, option2 = ?, option3 = ?, price_amount = ?, compare_at_amount = ?,
					weight_grams = ?, barcode = ? WHERE id = ? AND product_id = ?`,
				i, k.SellerSKU, o[0], o[1], o[2], k.Price.Amount, compareAt, k.WeightGrams, k.Barcode, k.ID, p.ID)
			if err != nil {
				return err
			}
			if n == 0 {
				if err := insertSKU(ctx, tx, p, &k, i); err != nil {
					return err
				}
			}
		}
		for _, t := range stock {
			avail := t.Available
			adj := &catalog.Adjustment{ID: t.AdjustmentID, SKUID: t.SKUID, WarehouseID: t.WarehouseID, Reason: catalog.ReasonImport,
				Note: "set by a product update", ActorID: actorID, CreatedAt: p.UpdatedAt}
			if _, err := adjustStock(ctx, tx, adj, &avail, p.UpdatedAt); err != nil {
				return err
			}
		}
		return enqueueJobs(ctx, tx, js...)
	})
}

func (s *CatalogStore) SetImages(ctx context.Context, productID string, images []catalog.Image, version time.Time) error {
	db, err := s.r.ForID(productID)
	if err != nil {
		return err
	}
	var imageKey string
	if len(images) > 0 {
		imageKey = images[0].MediaKey
	}
	return db.WriteTx(ctx, func(tx *Tx) error {
		n, err := tx.Exec(ctx, `UPDATE products SET image_key = ? WHERE id = ? AND updated_at = ?`, imageKey, productID, version)
		if err != nil {
			return err
		}
		if n == 0 {
			return catalog.ErrChanged
		}
		return replaceImages(ctx, tx, productID, images)
	})
}

// replaceImages sets a product's images to images.
func replaceImages(ctx context.Context, tx *Tx, productID string, images []catalog.Image) error {
	if _, err := tx.Exec(ctx, `DELETE FROM product_images WHERE product_id = ?`, productID); err != nil {
		return err
	}
	return insertImages(ctx, tx, productID, images)
}

func insertImages(ctx context.Context, tx *Tx, productID string, images []catalog.Image) error {
	for _, im := range images {
		// No source is NULL rather than '': most images are uploads.
		source := sql.NullString{String: im.Source, Valid: im.Source != ""}
		if _, err := tx.Exec(ctx, `INSERT INTO product_images (product_id, position, media_key, alt, source_url) VALUES (?, ?, ?, ?, ?)`,
			productID, im.Position, im.MediaKey, im.Alt, source); err != nil {
			return err
		}
	}
	return nil
}

func (s *CatalogStore) ProductByHandle(ctx context.Context, shopID, handle string) (*catalog.Product, error) {
	db, err := s.r.ForID(shopID)
	if err != nil {
		return nil, err
	}
	return s.queryProduct(ctx, db, `SELECT `+productColumns+` FROM products WHERE shop_id = ? AND handle = ? AND handle <> ''`, shopID, handle)
}

func (s *CatalogStore) ProductsByShop(ctx context.Context, shopID, status string, r page.Request) ([]*catalog.Product, error) {
	db, err := s.r.ForID(shopID)
	if err != nil {
		return nil, err
	}
	query := `SELECT ` + productColumns + ` FROM products WHERE shop_id = ?`
	args := []any{shopID}
	if status != "" {
		query += ` AND status = ?`
		args = append(args, status)
	} else {
		query += ` AND status <> ?`
		args = append(args, catalog.StatusDeleted)
	}
	if r.After != "" {
		query += ` AND id < ?`
		args = append(args, r.After)
	}
	query += ` ORDER BY id DESC LIMIT ?`
	args = append(args, r.Limit+1)
	return s.queryProducts(ctx, db, query, args)
}

func (s *CatalogStore) SetStatus(ctx context.Context, c catalog.StatusChange) error {
	db, err := s.r.ForID(c.ProductID)
	if err != nil {
		return err
	}
	if len(c.From) == 0 {
		return fmt.Errorf("status change of %s: no statuses to move from", c.ProductID)
	}
	query := `UPDATE products SET status = ?, audit_status = ?, review_note = ?`
	args := []any{c.To, c.Audit, c.Note}
	if !c.Now.IsZero() {
		query += `, updated_at = ?`
		args = append(args, c.Now)
	}
	query += ` WHERE id = ? AND status IN (?` + strings.Repeat(", ?", len(c.From)-1) + `)`
	args = append(args, c.ProductID)
	for _, f := range c.From {
		args = append(args, f)
	}
	if !c.Version.IsZero() {
		query += ` AND updated_at = ?`
		args = append(args, c.Version)
	}
	return db.WriteTx(ctx, func(tx *Tx) error {
		n, err := tx.Exec(ctx, query, args...)
		if err != nil {
			return err
		}
		if n == 0 {
			return catalog.ErrChanged
		}
		return enqueueJobs(ctx, tx, c.Job)
	})
}

func (s *CatalogStore) DuplicateListing(ctx context.Context, shopID, productID, title string) (string, error) {
	db, err := s.r.ForID(shopID)
	if err != nil {
		return "", err
	}
	var id string
	err = db.Read().Get(ctx, `SELECT id FROM products WHERE shop_id = ? AND id < ? AND status = ? AND LOWER(title) = LOWER(?) ORDER BY id LIMIT 1`,
		[]any{shopID, productID, catalog.StatusActivate, title}, &id)
	if isNotFound(err) {
		return "", nil
	}
	return id, err
}

func (s *CatalogStore) ProductsCreatedSince(ctx context.Context, shopID string, t time.Time) (int, error) {
	db, err := s.r.ForID(shopID)
	if err != nil {
		return 0, err
	}
	var n int
	err = db.Read().Get(ctx, `SELECT COUNT(*) FROM products WHERE shop_id = ? AND created_at >= ?`, []any{shopID, t}, &n)
	return n, err
}

func (s *CatalogStore) Product(ctx context.Context, id string) (*catalog.Product, error) {
	db, err := s.r.ForID(id)
	if err != nil {
		return nil, err
	}
	return s.queryProduct(ctx, db, `SELECT `+productColumns+` FROM products WHERE id = ?`, id)
}

func (s *CatalogStore) ProductsByStatus(ctx context.Context, market, status string, categories []string, r page.Request) ([]*catalog.Product, error) {
	db, err := s.r.ForMarket(market)
	if err != nil {
		return nil, err
	}
	query := `SELECT ` + productColumns + ` FROM products WHERE market = ? AND status = ?`
	args := []any{market, status}
	if len(categories) > 0 {
		query += ` AND category_id IN (` + placeholders(len(categories)) + `)`
		for _, c := range categories {
			args = append(args, c)
		}
	}
	if r.After != "" {
		query += ` AND id < ?`
		args = append(args, r.After)
	}
	query += ` ORDER BY id DESC LIMIT ?`
	args = append(args, r.Limit+1)
	return s.queryProducts(ctx, db, query, args)
}

// queryProducts runs a query selecting productColumns and returns the
// products with their SKUs and images.
func (s *CatalogStore) queryProducts(ctx context.Context, db *DB, query string, args []any) ([]*catalog.Product, error) {
	var out []*catalog.Product
	if err := db.Read().Query(ctx, query, args, func(rows *sql.Rows) error {
		p, err := scanProduct(rows)
		out = append(out, p)
		return err
	}); err != nil {
		return nil, err
	}
	return out, s.loadSKUs(ctx, db, out)
}

// queryProduct is queryProducts for a query of at most one product; none
// is loopshop.ErrNotFound.
func (s *CatalogStore) queryProduct(ctx context.Context, db *DB, query string, args ...any) (*catalog.Product, error) {
	out, err := s.queryProducts(ctx, db, query, args)
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, loopshop.ErrNotFound
	}
	return out[0], nil
}

// loadSKUs fills in the SKUs and images of products, one query each.
func (s *CatalogStore) loadSKUs(ctx context.Context, db *DB, products []*catalog.Product) error {
	if len(products) == 0 {
		return nil
	}
	byID := make(map[string]*catalog.Product, len(products))
	args := make([]any, len(products))
	for i, p := range products {
		byID[p.ID] = p
		args[i] = p.ID
	}
	in := `(` + strings.TrimSuffix(strings.Repeat("?,", len(products)), ",") + `)`
	err := db.Read().Query(ctx, `SELECT id, product_id, seller_sku, option1, option2, option3, price_amount, compare_at_amount, currency, weight_grams, barcode
		FROM skus WHERE product_id IN `+in+` ORDER BY product_id, position, id`, args, func(rows *sql.Rows) error {
		var k catalog.SKU
		var productID string
		var o [3]string
		var compareAt int64
		if err := rows.Scan(&k.ID, &productID, &k.SellerSKU, &o[0], &o[1], &o[2], &k.Price.Amount, &compareAt, &k.Price.Currency, &k.WeightGrams, &k.Barcode); err != nil {
			return err
		}
		p := byID[productID]
		k.Options = append([]string(nil), o[:len(p.Options)]...)
		if len(k.Options) == 0 {
			k.Options = nil
		}
		if compareAt > 0 {
			k.CompareAt = &money.Money{Amount: compareAt, Currency: k.Price.Currency}
		}
		p.SKUs = append(p.SKUs, k)
		return nil
	})
	if err != nil {
		return err
	}
	return db.Read().Query(ctx, `SELECT product_id, position, media_key, alt, source_url FROM product_images WHERE product_id IN `+in+` ORDER BY product_id, position`, args,
		func(rows *sql.Rows) error {
			var im catalog.Image
			var productID string
			var source sql.NullString
			if err := rows.Scan(&productID, &im.Position, &im.MediaKey, &im.Alt, &source); err != nil {
				return err
			}
			im.Source = source.String
			byID[productID].Images = append(byID[productID].Images, im)
			return nil
		})
}

const productColumns = `id, shop_id, market, handle, title, description, description_html, category, category_id, brand, tags, options, status, audit_status, review_note, image_key, created_at, updated_at`

func scanProduct(rows *sql.Rows) (*catalog.Product, error) {
	var p catalog.Product
	var tags, options string
	err := rows.Scan(&p.ID, &p.ShopID, &p.Market, &p.Handle, &p.Title, &p.Description, &p.DescriptionHTML, &p.Category, &p.CategoryID, &p.Brand, &tags, &options,
		&p.Status, &p.AuditStatus, &p.ReviewNote, &p.ImageKey, &p.CreatedAt, &p.UpdatedAt)
	if err != nil {
		return nil, err
	}
	p.Tags = splitList(tags)
	if err := json.Unmarshal([]byte(options), &p.Options); err != nil {
		return nil, fmt.Errorf("product %s: options: %w", p.ID, err)
	}
	return &p, nil
}
