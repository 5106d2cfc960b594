package sqlstore

import (
	"context"
	"database/sql"
	"strings"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/catalog"
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
		if _, err := tx.Exec(ctx, `INSERT INTO shop_members (shop_id, account_id, role, created_at) VALUES (?, ?, 'owner', ?)`,
			shop.ID, ownerID, shop.CreatedAt); err != nil {
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

func (s *CatalogStore) CreateProduct(ctx context.Context, p *catalog.Product) error {
	db, err := s.r.ForMarket(p.Market)
	if err != nil {
		return err
	}
	return db.WriteTx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO products (id, shop_id, market, title, description, category, brand, status, audit_status, image_key, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			p.ID, p.ShopID, p.Market, p.Title, p.Description, p.Category, p.Brand, p.Status, p.AuditStatus, p.ImageKey, p.CreatedAt, p.UpdatedAt); err != nil {
			return err
		}
		for _, k := range p.SKUs {
			if _, err := tx.Exec(ctx, `INSERT INTO skus (id, product_id, shop_id, seller_sku, price_amount, currency, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
				k.ID, p.ID, p.ShopID, k.SellerSKU, k.Price.Amount, k.Price.Currency, p.CreatedAt); err != nil {
				return err
			}
		}
		return nil
	})
}

const productColumns = `id, shop_id, market, title, description, category, brand, status, audit_status, image_key, created_at, updated_at`

func scanProduct(rows *sql.Rows) (*catalog.Product, error) {
	var p catalog.Product
	err := rows.Scan(&p.ID, &p.ShopID, &p.Market, &p.Title, &p.Description, &p.Category, &p.Brand, &p.Status, &p.AuditStatus, &p.ImageKey, &p.CreatedAt, &p.UpdatedAt)
	return &p, err
}

func (s *CatalogStore) Product(ctx context.Context, id string) (*catalog.Product, error) {
	db, err := s.r.ForID(id)
	if err != nil {
		return nil, err
	}
	var out []*catalog.Product
	if err := db.Read().Query(ctx, `SELECT `+productColumns+` FROM products WHERE id = ?`, []any{id}, func(rows *sql.Rows) error {
		p, err := scanProduct(rows)
		out = append(out, p)
		return err
	}); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, loopshop.ErrNotFound
	}
	return out[0], s.loadSKUs(ctx, db, out)
}

func (s *CatalogStore) ProductsByStatus(ctx context.Context, market, status string, r page.Request) ([]*catalog.Product, error) {
	db, err := s.r.ForMarket(market)
	if err != nil {
		return nil, err
	}
	query := `SELECT ` + productColumns + ` FROM products WHERE market = ? AND status = ?`
	args := []any{market, status}
	if r.After != "" {
		query += ` AND id < ?`
		args = append(args, r.After)
	}
	query += ` ORDER BY id DESC LIMIT ?`
	args = append(args, r.Limit+1)
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

// loadSKUs fills in the SKUs of products with one query.
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
	query := `SELECT id, product_id, seller_sku, price_amount, currency FROM skus WHERE product_id IN (` +
		strings.TrimSuffix(strings.Repeat("?,", len(products)), ",") + `) ORDER BY product_id, id`
	return db.Read().Query(ctx, query, args, func(rows *sql.Rows) error {
		var k catalog.SKU
		var productID string
		if err := rows.Scan(&k.ID, &productID, &k.SellerSKU, &k.Price.Amount, &k.Price.Currency); err != nil {
			return err
		}
		byID[productID].SKUs = append(byID[productID].SKUs, k)
		return nil
	})
}
