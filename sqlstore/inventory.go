package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/loopshop/loopshop/catalog"
)

func insertWarehouse(ctx context.Context, tx *Tx, w *catalog.Warehouse) error {
	_, err := tx.Exec(ctx, `INSERT INTO warehouses (id, shop_id, market, name, country, postal_code, kind, is_default, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		w.ID, w.ShopID, w.Market, w.Name, w.Country, w.PostalCode, w.Kind, w.IsDefault, w.CreatedAt)
	return err
}

func (s *CatalogStore) CreateWarehouse(ctx context.Context, w *catalog.Warehouse) error {
	db, err := s.r.ForMarket(w.Market)
	if err != nil {
		return err
	}
	return db.WriteTx(ctx, func(tx *Tx) error { return insertWarehouse(ctx, tx, w) })
}

func (s *CatalogStore) Warehouses(ctx context.Context, shopID string) ([]*catalog.Warehouse, error) {
	db, err := s.r.ForID(shopID)
	if err != nil {
		return nil, err
	}
	var out []*catalog.Warehouse
	err = db.Read().Query(ctx, `SELECT id, shop_id, market, name, country, postal_code, kind, is_default, created_at
		FROM warehouses WHERE shop_id = ? ORDER BY is_default DESC, name`, []any{shopID}, func(rows *sql.Rows) error {
		var w catalog.Warehouse
		if err := rows.Scan(&w.ID, &w.ShopID, &w.Market, &w.Name, &w.Country, &w.PostalCode, &w.Kind, &w.IsDefault, &w.CreatedAt); err != nil {
			return err
		}
		out = append(out, &w)
		return nil
	})
	return out, err
}

func (s *CatalogStore) SKU(ctx context.Context, skuID string) (*catalog.SKURef, error) {
	db, err := s.r.ForID(skuID)
	if err != nil {
		return nil, err
	}
	var k catalog.SKURef
	err = db.Read().Get(ctx, `SELECT k.id, k.product_id, p.shop_id, p.market FROM skus k JOIN products p ON p.id = k.product_id WHERE k.id = ?`,
		[]any{skuID}, &k.ID, &k.ProductID, &k.ShopID, &k.Market)
	if err != nil {
		return nil, err
	}
	return &k, nil
}

// AdjustStock applies one adjustment in its own transaction.
func (s *CatalogStore) AdjustStock(ctx context.Context, market string, adj *catalog.Adjustment, setAvailable *int64, now time.Time) (*catalog.Stock, error) {
	db, err := s.r.ForMarket(market)
	if err != nil {
		return nil, err
	}
	var st *catalog.Stock
	err = db.WriteTx(ctx, func(tx *Tx) error {
		st, err = adjustStock(ctx, tx, adj, setAvailable, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	return st, nil
}

// adjustStock locks the stock row first (an UPDATE that changes nothing
// but takes the row lock on PostgreSQL; SQLite's single writer already
// serialises), so the level it computes from cannot change under it.
func adjustStock(ctx context.Context, tx *Tx, adj *catalog.Adjustment, setAvailable *int64, now time.Time) (*catalog.Stock, error) {
	st := &catalog.Stock{SKUID: adj.SKUID, WarehouseID: adj.WarehouseID, UpdatedAt: now}
	if _, err := tx.Exec(ctx, `INSERT INTO inventory (sku_id, warehouse_id, updated_at) VALUES (?, ?, ?) ON CONFLICT (sku_id, warehouse_id) DO NOTHING`,
		adj.SKUID, adj.WarehouseID, now); err != nil {
		return nil, err
	}
	if err := tx.Get(ctx, `UPDATE inventory SET updated_at = ? WHERE sku_id = ? AND warehouse_id = ? RETURNING received, reserved, sold`,
		[]any{now, adj.SKUID, adj.WarehouseID}, &st.Received, &st.Reserved, &st.Sold); err != nil {
		return nil, err
	}
	available := st.Received - st.Reserved - st.Sold
	if setAvailable != nil {
		adj.Delta = *setAvailable - available
	}
	if available+adj.Delta < 0 {
		return nil, &catalog.NotEnoughStockError{Available: available, Reserved: st.Reserved, Requested: -adj.Delta}
	}
	st.Received += adj.Delta
	st.Available = available + adj.Delta
	adj.Received = st.Received
	if adj.Delta == 0 {
		return st, nil // nothing changed: no history entry
	}
	if _, err := tx.Exec(ctx, `UPDATE inventory SET received = ?, updated_at = ? WHERE sku_id = ? AND warehouse_id = ?`,
		st.Received, now, adj.SKUID, adj.WarehouseID); err != nil {
		return nil, err
	}
	return st, insertAdjustment(ctx, tx, adj)
}

func (s *CatalogStore) StockOfProduct(ctx context.Context, productID string) ([]*catalog.Stock, error) {
	db, err := s.r.ForID(productID)
	if err != nil {
		return nil, err
	}
	var out []*catalog.Stock
	err = db.Read().Query(ctx, `SELECT i.sku_id, i.warehouse_id, i.received, i.reserved, i.sold, i.updated_at
		FROM inventory i JOIN skus k ON k.id = i.sku_id WHERE k.product_id = ? ORDER BY i.sku_id, i.warehouse_id`, []any{productID}, func(rows *sql.Rows) error {
		var st catalog.Stock
		if err := rows.Scan(&st.SKUID, &st.WarehouseID, &st.Received, &st.Reserved, &st.Sold, &st.UpdatedAt); err != nil {
			return err
		}
		st.Available = st.Received - st.Reserved - st.Sold
		out = append(out, &st)
		return nil
	})
	return out, err
}

func (s *CatalogStore) Adjustments(ctx context.Context, skuID string, limit int) ([]*catalog.Adjustment, error) {
	db, err := s.r.ForID(skuID)
	if err != nil {
		return nil, err
	}
	var out []*catalog.Adjustment
	err = db.Read().Query(ctx, `SELECT id, sku_id, warehouse_id, delta, received, reason, note, actor_id, created_at
		FROM inventory_adjustments WHERE sku_id = ? ORDER BY id DESC LIMIT ?`, []any{skuID, limit}, func(rows *sql.Rows) error {
		var a catalog.Adjustment
		if err := rows.Scan(&a.ID, &a.SKUID, &a.WarehouseID, &a.Delta, &a.Received, &a.Reason, &a.Note, &a.ActorID, &a.CreatedAt); err != nil {
			return err
		}
		out = append(out, &a)
		return nil
	})
	return out, err
}

func insertAdjustment(ctx context.Context, tx *Tx, a *catalog.Adjustment) error {
	_, err := tx.Exec(ctx, `INSERT INTO inventory_adjustments (id, sku_id, warehouse_id, delta, received, reason, note, actor_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.SKUID, a.WarehouseID, a.Delta, a.Received, a.Reason, a.Note, a.ActorID, a.CreatedAt)
	return err
}
