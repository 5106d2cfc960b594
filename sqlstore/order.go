package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/jobs"
	"github.com/loopshop/loopshop/money"
	"github.com/loopshop/loopshop/order"
	"github.com/loopshop/loopshop/page"
)

// OrderStore implements order.Store.
type OrderStore struct{ r *Router }

// NewOrderStore returns the order store over r.
func NewOrderStore(r *Router) *OrderStore { return &OrderStore{r: r} }

var _ order.Store = (*OrderStore)(nil)

func placeholders(n int) string { return "?" + strings.Repeat(", ?", n-1) }

func (s *OrderStore) Items(ctx context.Context, market string, skuIDs []string) (map[string]*order.Item, error) {
	out := map[string]*order.Item{}
	if len(skuIDs) == 0 {
		return out, nil
	}
	db, err := s.r.ForMarket(market)
	if err != nil {
		return nil, err
	}
	args := []any{market}
	for _, id := range skuIDs {
		args = append(args, id)
	}
	err = db.Read().Query(ctx, `SELECT k.id, k.product_id, p.shop_id, p.market, p.title, k.option1, k.option2, k.option3, k.seller_sku,
			k.price_amount, k.currency, k.weight_grams, p.status, s.ships_from
		FROM skus k JOIN products p ON p.id = k.product_id JOIN shops s ON s.id = p.shop_id
		WHERE p.market = ? AND k.id IN (`+placeholders(len(skuIDs))+`)`, args, func(rows *sql.Rows) error {
		var it order.Item
		var o [3]string
		if err := rows.Scan(&it.SKUID, &it.ProductID, &it.ShopID, &it.Market, &it.Title, &o[0], &o[1], &o[2], &it.SellerSKU,
			&it.Price, &it.Currency, &it.WeightGrams, &it.ProductStatus, &it.ShopShipsFrom); err != nil {
			return err
		}
		for _, v := range o {
			if v != "" {
				it.Options = append(it.Options, v)
			}
		}
		out[it.SKUID] = &it
		return nil
	})
	return out, err
}

func (s *OrderStore) Stock(ctx context.Context, market string, skuIDs []string) (map[string][]order.WarehouseStock, error) {
	out := map[string][]order.WarehouseStock{}
	if len(skuIDs) == 0 {
		return out, nil
	}
	db, err := s.r.ForMarket(market)
	if err != nil {
		return nil, err
	}
	args := make([]any, len(skuIDs))
	for i, id := range skuIDs {
		args[i] = id
	}
	err = db.Read().Query(ctx, `SELECT sku_id, warehouse_id, received - reserved - sold FROM inventory
		WHERE sku_id IN (`+placeholders(len(skuIDs))+`) ORDER BY sku_id, warehouse_id`, args, func(rows *sql.Rows) error {
		var skuID string
		var w order.WarehouseStock
		if err := rows.Scan(&skuID, &w.WarehouseID, &w.Available); err != nil {
			return err
		}
		out[skuID] = append(out[skuID], w)
		return nil
	})
	return out, err
}

// reserve holds quantity of a SKU in the first of the warehouses that has
// it all, in the order the service chose: a conditional UPDATE each, so
// that among any number of racing checkouts only those the stock covers
// succeed. On PostgreSQL the row lock makes later writers re-check the
// condition against the committed row; a warehouse emptied meanwhile
// passes the line to the next.
func reserve(ctx context.Context, tx *Tx, skuID string, quantity int64, warehouses []string, now time.Time) (string, error) {
	for _, wh := range warehouses {
		n, err := tx.Exec(ctx, `UPDATE inventory SET reserved = reserved + ?, updated_at = ?
			WHERE sku_id = ? AND warehouse_id = ? AND received - reserved - sold >= ?`, quantity, now, skuID, wh, quantity)
		if err != nil {
			return "", err
		}
		if n == 1 {
			return wh, nil
		}
	}
	var avail int64
	if err := tx.Get(ctx, `SELECT COALESCE(MAX(received - reserved - sold), 0) FROM inventory WHERE sku_id = ?`, []any{skuID}, &avail); err != nil {
		return "", err
	}
	return "", &order.OutOfStockError{SKUID: skuID, Quantity: quantity, Available: avail}
}

func (s *OrderStore) CreateCheckout(ctx context.Context, c *order.Checkout, js []*jobs.Job) error {
	db, err := s.r.ForMarket(c.Market)
	if err != nil {
		return err
	}
	err = db.WriteTx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO checkouts (id, market, buyer_id, idempotency_key, request_hash, status, payment_method, provider,
				currency, total, expires_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.ID, c.Market, c.BuyerID, c.IdempotencyKey, c.RequestHash, c.Status, c.PaymentMethod, c.Provider,
			c.Total.Currency, c.Total.Amount, c.ExpiresAt, c.CreatedAt, c.UpdatedAt); err != nil {
			return err
		}
		// Reserve in SKU order, so that two checkouts of the same SKUs
		// lock their rows in the same order and cannot deadlock.
		type at struct{ o, l int }
		var lines []at
		for i, o := range c.Orders {
			for j := range o.Lines {
				lines = append(lines, at{i, j})
			}
		}
		slices.SortFunc(lines, func(a, b at) int {
			return strings.Compare(c.Orders[a.o].Lines[a.l].SKUID, c.Orders[b.o].Lines[b.l].SKUID)
		})
		// Flash-sale lines first take their units out of the sale's
		// allocation (and the buyer's limit); always before the stock, so
		// that racing checkouts take their locks in the same order.
		for _, a := range lines {
			l := &c.Orders[a.o].Lines[a.l]
			if l.FlashSaleID != "" {
				if err := takeFlash(ctx, tx, l.FlashSaleID, c.BuyerID, l.Quantity, c.CreatedAt); err != nil {
					return err
				}
			}
		}
		for _, a := range lines {
			l := &c.Orders[a.o].Lines[a.l]
			if l.WarehouseID, err = reserve(ctx, tx, l.SKUID, l.Quantity, l.ShipFrom, c.CreatedAt); err != nil {
				return err
			}
		}
		for _, o := range c.Orders {
			if err := insertOrder(ctx, tx, o); err != nil {
				return err
			}
			if o.CouponID == "" {
				continue
			}
			// The buyer's claim of the coupon is used by this order, once.
			n, err := tx.Exec(ctx, `UPDATE live_coupon_claims SET order_id = ? WHERE coupon_id = ? AND buyer_id = ? AND order_id = ''`, o.ID, o.CouponID, c.BuyerID)
			if err != nil {
				return err
			}
			if n == 0 {
				return &order.CouponUsedError{CouponID: o.CouponID}
			}
		}
		return enqueueJobs(ctx, tx, js...)
	})
	if errors.Is(err, loopshop.ErrAlreadyExists) {
		var id string
		if gerr := db.Read().Get(ctx, `SELECT id FROM checkouts WHERE buyer_id = ? AND idempotency_key = ?`,
			[]any{c.BuyerID, c.IdempotencyKey}, &id); gerr == nil {
			return &order.DuplicateCheckoutError{ID: id}
		}
	}
	return err
}

func insertOrder(ctx context.Context, tx *Tx, o *order.Order) error {
	shipTo, err := json.Marshal(o.ShipTo)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO orders (id, checkout_id, market, shop_id, buyer_id, status, currency, subtotal, shipping_fee, tax, total,
			payment_method, payment_fee, commission, ship_to, created_at, updated_at, discount, coupon_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		o.ID, o.CheckoutID, o.Market, o.ShopID, o.BuyerID, o.Status, o.Total.Currency, o.Subtotal.Amount, o.ShippingFee.Amount, o.Tax.Amount,
		o.Total.Amount, o.PaymentMethod, o.PaymentFee.Amount, o.Commission.Amount, string(shipTo), o.CreatedAt, o.UpdatedAt, o.Discount.Amount, o.CouponID); err != nil {
		return err
	}
	for _, l := range o.Lines {
		if _, err := tx.Exec(ctx, `INSERT INTO order_lines (order_id, line_no, sku_id, product_id, warehouse_id, title, options, seller_sku,
				quantity, unit_price, tax, stock, source_video_id, source_room_id, source_creator_id, source_kind, plan_id, commission_bps, creator_commission, flash_sale_id, discount)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			o.ID, l.No, l.SKUID, l.ProductID, l.WarehouseID, l.Title, strings.Join(l.Options, "\x1f"), l.SellerSKU,
			l.Quantity, l.UnitPrice.Amount, l.Tax.Amount, l.Stock, l.Source.VideoID, l.Source.RoomID, l.Source.CreatorID, l.Source.Kind,
			l.PlanID, l.CommissionBPS, l.CreatorCommission.Amount, l.FlashSaleID, l.Discount.Amount); err != nil {
			return err
		}
	}
	return nil
}

// releaseLines gives back the stock of the lines of the orders matching
// where (reserved or sold) and marks them released; with sell, reserved
// units are sold instead.
func moveStock(ctx context.Context, tx *Tx, where string, arg any, sell bool, now time.Time) error {
	type line struct {
		orderID, skuID, warehouseID, stock, flash, buyer string
		no                                               int
		qty                                              int64
	}
	var lines []line
	cond, args := `l.stock IN (?, ?)`, []any{arg, order.StockReserved, order.StockSold}
	if sell {
		cond, args = `l.stock = ?`, []any{arg, order.StockReserved}
	}
	err := tx.Query(ctx, `SELECT l.order_id, l.line_no, l.sku_id, l.warehouse_id, l.quantity, l.stock, l.flash_sale_id, o.buyer_id
		FROM order_lines l JOIN orders o ON o.id = l.order_id
		WHERE `+where+` AND `+cond+` ORDER BY l.sku_id`, args, func(rows *sql.Rows) error {
		var l line
		if err := rows.Scan(&l.orderID, &l.no, &l.skuID, &l.warehouseID, &l.qty, &l.stock, &l.flash, &l.buyer); err != nil {
			return err
		}
		lines = append(lines, l)
		return nil
	})
	if err != nil {
		return err
	}
	for _, l := range lines {
		set, to := `reserved = reserved - ?`, order.StockReleased
		switch {
		case sell:
			set, to = `reserved = reserved - ?, sold = sold + ?`, order.StockSold
		case l.stock == order.StockSold:
			set = `sold = sold - ?`
		}
		args := []any{l.qty}
		if sell {
			args = append(args, l.qty)
		}
		if _, err := tx.Exec(ctx, `UPDATE inventory SET `+set+`, updated_at = ? WHERE sku_id = ? AND warehouse_id = ?`,
			append(args, now, l.skuID, l.warehouseID)...); err != nil {
			return err
		}
		if !sell && l.flash != "" {
			// Units given back go back to the flash sale too.
			if err := giveFlash(ctx, tx, l.flash, l.buyer, l.qty); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE order_lines SET stock = ? WHERE order_id = ? AND line_no = ?`, to, l.orderID, l.no); err != nil {
			return err
		}
	}
	return nil
}

func (s *OrderStore) RecordPayment(ctx context.Context, p order.Payment) error {
	db, err := s.r.ForID(p.CheckoutID)
	if err != nil {
		return err
	}
	return db.WriteTx(ctx, func(tx *Tx) error {
		n, err := tx.Exec(ctx, `UPDATE checkouts SET status = ?, charge_id = ?, decline_code = ?, message = ?, updated_at = ? WHERE id = ? AND status = ?`,
			p.Status, p.ChargeID, p.DeclineCode, p.Message, p.At, p.CheckoutID, p.From)
		if err != nil {
			return err
		}
		if n == 0 {
			return order.ErrChanged
		}
		var cancelledAt any
		if p.CancelledBy != "" {
			cancelledAt = p.At
		}
		if _, err := tx.Exec(ctx, `UPDATE orders SET status = ?, hold_until = ?, paid_at = ?, cancelled_at = ?, cancelled_by = ?, cancel_reason = ?, updated_at = ?
			WHERE checkout_id = ? AND status = ?`, p.Next, nullTime(p.HoldUntil), nullTime(p.PaidAt), cancelledAt, p.CancelledBy, p.CancelReason, p.At,
			p.CheckoutID, p.OrdersFrom); err != nil {
			return err
		}
		if p.ClearCart {
			if _, err := tx.Exec(ctx, `DELETE FROM cart_items WHERE buyer_id = (SELECT buyer_id FROM checkouts WHERE id = ?)
				AND sku_id IN (SELECT l.sku_id FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.checkout_id = ?)`,
				p.CheckoutID, p.CheckoutID); err != nil {
				return err
			}
		}
		if p.ReleaseCoupons {
			if _, err := tx.Exec(ctx, `UPDATE live_coupon_claims SET order_id = '' WHERE order_id IN (SELECT id FROM orders WHERE checkout_id = ?)`,
				p.CheckoutID); err != nil {
				return err
			}
		}
		if err := moveStock(ctx, tx, `o.checkout_id = ?`, p.CheckoutID, p.SellStock, p.At); err != nil {
			return err
		}
		for _, t := range p.Ledger {
			if _, err := postLedger(ctx, tx, t); err != nil {
				return err
			}
		}
		return enqueueJobs(ctx, tx, p.Jobs...)
	})
}

func (s *OrderStore) Move(ctx context.Context, c order.Change) error {
	db, err := s.r.ForID(c.OrderID)
	if err != nil {
		return err
	}
	set := []string{"status = ?", "updated_at = ?"}
	args := []any{c.To, c.At}
	add := func(col string, v any) {
		set = append(set, col+" = ?")
		args = append(args, v)
	}
	if c.TrackingNumber != "" {
		add("carrier", c.Carrier)
		add("tracking_number", c.TrackingNumber)
		add("shipped_at", c.At)
	}
	switch c.To {
	case order.StatusCancelled:
		add("cancel_reason", c.CancelReason)
		add("cancelled_by", c.CancelledBy)
		add("cancelled_at", c.At)
	case order.StatusDelivered:
		add("delivered_at", c.At)
	case order.StatusCompleted:
		add("completed_at", c.At)
	}
	args = append(args, c.OrderID)
	for _, f := range c.From {
		args = append(args, f)
	}
	return db.WriteTx(ctx, func(tx *Tx) error {
		n, err := tx.Exec(ctx, `UPDATE orders SET `+strings.Join(set, ", ")+` WHERE id = ? AND status IN (`+placeholders(len(c.From))+`)`, args...)
		if err != nil {
			return err
		}
		if n == 0 {
			var one int
			if err := tx.Get(ctx, `SELECT 1 FROM orders WHERE id = ?`, []any{c.OrderID}, &one); err != nil {
				return err
			}
			return order.ErrChanged
		}
		for _, no := range c.ShipLines {
			if _, err := tx.Exec(ctx, `UPDATE order_lines SET shipped = TRUE WHERE order_id = ? AND line_no = ?`, c.OrderID, no); err != nil {
				return err
			}
		}
		if c.ReleaseStock {
			if err := moveStock(ctx, tx, `o.id = ?`, c.OrderID, false, c.At); err != nil {
				return err
			}
		}
		for _, t := range c.Ledger {
			if _, err := postLedger(ctx, tx, t); err != nil {
				return err
			}
		}
		return enqueueJobs(ctx, tx, c.Jobs...)
	})
}

const orderColumns = `id, checkout_id, market, shop_id, buyer_id, status, currency, subtotal, shipping_fee, tax, total, payment_method, payment_fee,
	commission, ship_to, carrier, tracking_number, cancel_reason, cancelled_by, hold_until, paid_at, shipped_at, delivered_at, completed_at,
	cancelled_at, created_at, updated_at, refunded, discount, coupon_id,
	EXISTS (SELECT 1 FROM order_refunds r WHERE r.order_id = orders.id AND r.status = ?)`

// queryOrders runs a SELECT of orderColumns; its first argument, the
// status of a refund still on its way, is added here.
func queryOrders(ctx context.Context, x q, query string, args ...any) ([]*order.Order, error) {
	var out []*order.Order
	err := x.Query(ctx, query, append([]any{order.RefundPending}, args...), func(rows *sql.Rows) error {
		var o order.Order
		var cur, shipTo string
		var sub, ship, tax, total, fee, comm, refunded, discount int64
		var hold, paid, shipped, delivered, completed, cancelled sql.NullTime
		if err := rows.Scan(&o.ID, &o.CheckoutID, &o.Market, &o.ShopID, &o.BuyerID, &o.Status, &cur, &sub, &ship, &tax, &total, &o.PaymentMethod,
			&fee, &comm, &shipTo, &o.Carrier, &o.TrackingNumber, &o.CancelReason, &o.CancelledBy, &hold, &paid, &shipped, &delivered,
			&completed, &cancelled, &o.CreatedAt, &o.UpdatedAt, &refunded, &discount, &o.CouponID, &o.RefundPending); err != nil {
			return err
		}
		o.Subtotal, o.ShippingFee, o.Tax, o.Total = money.New(sub, cur), money.New(ship, cur), money.New(tax, cur), money.New(total, cur)
		o.PaymentFee, o.Commission, o.Refunded = money.New(fee, cur), money.New(comm, cur), money.New(refunded, cur)
		o.Discount = money.New(discount, cur)
		if err := json.Unmarshal([]byte(shipTo), &o.ShipTo); err != nil {
			return fmt.Errorf("order %s: ship_to: %w", o.ID, err)
		}
		o.HoldUntil, o.PaidAt, o.ShippedAt = timeOrNil(hold), timeOrNil(paid), timeOrNil(shipped)
		o.DeliveredAt, o.CompletedAt, o.CancelledAt = timeOrNil(delivered), timeOrNil(completed), timeOrNil(cancelled)
		o.CreatedAt, o.UpdatedAt = o.CreatedAt.UTC(), o.UpdatedAt.UTC()
		out = append(out, &o)
		return nil
	})
	if err != nil || len(out) == 0 {
		return out, err
	}
	byID := map[string]*order.Order{}
	ids := make([]any, len(out))
	for i, o := range out {
		byID[o.ID], ids[i] = o, o.ID
	}
	err = x.Query(ctx, `SELECT order_id, line_no, sku_id, product_id, warehouse_id, title, options, seller_sku, quantity, unit_price, tax, stock, shipped,
			source_video_id, source_room_id, source_creator_id, source_kind, plan_id, commission_bps, creator_commission, flash_sale_id, discount
		FROM order_lines WHERE order_id IN (`+placeholders(len(ids))+`) ORDER BY order_id, line_no`, ids, func(rows *sql.Rows) error {
		var l order.Line
		var orderID, opts string
		var price, tax, commission, discount int64
		if err := rows.Scan(&orderID, &l.No, &l.SKUID, &l.ProductID, &l.WarehouseID, &l.Title, &opts, &l.SellerSKU, &l.Quantity, &price, &tax,
			&l.Stock, &l.Shipped, &l.Source.VideoID, &l.Source.RoomID, &l.Source.CreatorID, &l.Source.Kind, &l.PlanID, &l.CommissionBPS, &commission, &l.FlashSaleID, &discount); err != nil {
			return err
		}
		o := byID[orderID]
		if opts != "" {
			l.Options = strings.Split(opts, "\x1f")
		}
		l.UnitPrice, l.Tax = money.New(price, o.Total.Currency), money.New(tax, o.Total.Currency)
		l.CreatorCommission, l.Discount = money.New(commission, o.Total.Currency), money.New(discount, o.Total.Currency)
		o.Lines = append(o.Lines, l)
		return nil
	})
	return out, err
}

func (s *OrderStore) Order(ctx context.Context, id string) (*order.Order, error) {
	db, err := s.r.ForID(id)
	if err != nil {
		return nil, err
	}
	os, err := queryOrders(ctx, db.Read(), `SELECT `+orderColumns+` FROM orders WHERE id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(os) == 0 {
		return nil, loopshop.ErrNotFound
	}
	return os[0], nil
}

func (s *OrderStore) OrdersOfBuyer(ctx context.Context, buyerID string, r page.Request) ([]*order.Order, error) {
	return s.orderPage(ctx, buyerID, `buyer_id = ?`, []any{buyerID}, r)
}

func (s *OrderStore) OrdersOfShop(ctx context.Context, shopID, status string, r page.Request) ([]*order.Order, error) {
	if status != "" {
		return s.orderPage(ctx, shopID, `shop_id = ? AND status = ?`, []any{shopID, status}, r)
	}
	return s.orderPage(ctx, shopID, `shop_id = ?`, []any{shopID}, r)
}

func (s *OrderStore) orderPage(ctx context.Context, routeID, where string, args []any, r page.Request) ([]*order.Order, error) {
	db, err := s.r.ForID(routeID)
	if err != nil {
		return nil, err
	}
	if r.After != "" {
		where += ` AND id < ?`
		args = append(args, r.After)
	}
	return queryOrders(ctx, db.Read(), `SELECT `+orderColumns+` FROM orders WHERE `+where+` ORDER BY id DESC LIMIT ?`, append(args, r.Limit+1)...)
}

const checkoutColumns = `id, market, buyer_id, idempotency_key, request_hash, status, payment_method, provider, charge_id, currency, total,
	decline_code, message, expires_at, created_at, updated_at`

func (s *OrderStore) checkout(ctx context.Context, db *DB, where string, args ...any) (*order.Checkout, error) {
	var c order.Checkout
	var cur string
	var total int64
	err := db.Read().Get(ctx, `SELECT `+checkoutColumns+` FROM checkouts WHERE `+where, args, &c.ID, &c.Market, &c.BuyerID, &c.IdempotencyKey,
		&c.RequestHash, &c.Status, &c.PaymentMethod, &c.Provider, &c.ChargeID, &cur, &total, &c.DeclineCode, &c.Message, &c.ExpiresAt,
		&c.CreatedAt, &c.UpdatedAt)
	if err != nil {
		return nil, err
	}
	c.Total = money.New(total, cur)
	c.ExpiresAt, c.CreatedAt, c.UpdatedAt = c.ExpiresAt.UTC(), c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	if c.Orders, err = queryOrders(ctx, db.Read(), `SELECT `+orderColumns+` FROM orders WHERE checkout_id = ? ORDER BY id`, c.ID); err != nil {
		return nil, err
	}
	return &c, nil
}

func (s *OrderStore) Checkout(ctx context.Context, id string) (*order.Checkout, error) {
	db, err := s.r.ForID(id)
	if err != nil {
		return nil, err
	}
	return s.checkout(ctx, db, `id = ?`, id)
}

func (s *OrderStore) CheckoutByKey(ctx context.Context, market, buyerID, key string) (*order.Checkout, error) {
	db, err := s.r.ForMarket(market)
	if err != nil {
		return nil, err
	}
	return s.checkout(ctx, db, `buyer_id = ? AND idempotency_key = ?`, buyerID, key)
}

func (s *OrderStore) Cart(ctx context.Context, market, buyerID string) ([]order.CartItem, error) {
	db, err := s.r.ForMarket(market)
	if err != nil {
		return nil, err
	}
	var out []order.CartItem
	err = db.Read().Query(ctx, `SELECT sku_id, quantity FROM cart_items WHERE buyer_id = ? ORDER BY added_at, sku_id`, []any{buyerID},
		func(rows *sql.Rows) error {
			var it order.CartItem
			if err := rows.Scan(&it.SKUID, &it.Quantity); err != nil {
				return err
			}
			out = append(out, it)
			return nil
		})
	return out, err
}

func (s *OrderStore) SetCartItem(ctx context.Context, market, buyerID string, it order.CartItem, max int) error {
	db, err := s.r.ForMarket(market)
	if err != nil {
		return err
	}
	return db.WriteTx(ctx, func(tx *Tx) error {
		if it.Quantity == 0 {
			_, err := tx.Exec(ctx, `DELETE FROM cart_items WHERE buyer_id = ? AND sku_id = ?`, buyerID, it.SKUID)
			return err
		}
		n, err := tx.Exec(ctx, `UPDATE cart_items SET quantity = ? WHERE buyer_id = ? AND sku_id = ?`, it.Quantity, buyerID, it.SKUID)
		if err != nil || n > 0 {
			return err
		}
		var count int
		if err := tx.Get(ctx, `SELECT COUNT(*) FROM cart_items WHERE buyer_id = ?`, []any{buyerID}, &count); err != nil {
			return err
		}
		if count >= max {
			return order.ErrCartFull
		}
		_, err = tx.Exec(ctx, `INSERT INTO cart_items (buyer_id, sku_id, quantity, added_at) VALUES (?, ?, ?, ?)`,
			buyerID, it.SKUID, it.Quantity, time.Now().UTC())
		return err
	})
}

func (s *OrderStore) AddRefund(ctx context.Context, rf *order.Refund, statuses []string, js ...*jobs.Job) error {
	db, err := s.r.ForID(rf.OrderID)
	if err != nil {
		return err
	}
	return db.WriteTx(ctx, func(tx *Tx) error {
		args := []any{rf.Amount.Amount, rf.At, rf.OrderID, rf.Amount.Amount}
		for _, st := range statuses {
			args = append(args, st)
		}
		n, err := tx.Exec(ctx, `UPDATE orders SET refunded = refunded + ?, updated_at = ? WHERE id = ? AND refunded + ? <= total
			AND paid_at IS NOT NULL AND status IN (`+placeholders(len(statuses))+`)`, args...)
		if err != nil {
			return err
		}
		if n == 0 {
			return order.ErrChanged
		}
		if err := tx.Get(ctx, `SELECT refunded - ? FROM orders WHERE id = ?`, []any{rf.Amount.Amount, rf.OrderID}, &rf.Prior); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO order_refunds (id, order_id, market, amount, prior, reason, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			rf.ID, rf.OrderID, rf.Market, rf.Amount.Amount, rf.Prior, rf.Reason, rf.Status, rf.At); err != nil {
			return err
		}
		return enqueueJobs(ctx, tx, js...)
	})
}

func (s *OrderStore) Refund(ctx context.Context, id string) (*order.Refund, error) {
	db, err := s.r.ForID(id)
	if err != nil {
		return nil, err
	}
	rf := &order.Refund{}
	var amount int64
	var cur string
	var done sql.NullTime
	if err := db.Read().Get(ctx, `SELECT r.id, r.order_id, r.market, r.amount, o.currency, r.prior, r.reason, r.status, r.created_at, r.done_at
		FROM order_refunds r JOIN orders o ON o.id = r.order_id WHERE r.id = ?`, []any{id},
		&rf.ID, &rf.OrderID, &rf.Market, &amount, &cur, &rf.Prior, &rf.Reason, &rf.Status, &rf.At, &done); err != nil {
		return nil, err
	}
	rf.Amount, rf.At = money.New(amount, cur), rf.At.UTC()
	rf.DoneAt = timeOrNil(done)
	return rf, nil
}

func (s *OrderStore) FinishRefund(ctx context.Context, f order.RefundFinish) error {
	db, err := s.r.ForID(f.ID)
	if err != nil {
		return err
	}
	return db.WriteTx(ctx, func(tx *Tx) error {
		n, err := tx.Exec(ctx, `UPDATE order_refunds SET status = ?, done_at = ? WHERE id = ? AND status = ?`, f.To, f.At, f.ID, f.From)
		if err != nil || n == 0 || !f.GiveBack {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE orders SET refunded = refunded - (SELECT amount FROM order_refunds WHERE id = ?)
			WHERE id = (SELECT order_id FROM order_refunds WHERE id = ?)`, f.ID, f.ID)
		return err
	})
}

// takeFlash takes qty units out of a flash sale's allocation for a buyer:
// refused with *order.FlashSaleError when the sale is over or spent, or
// the buyer would pass its limit.
func takeFlash(ctx context.Context, tx *Tx, saleID, buyerID string, qty int64, now time.Time) error {
	n, err := tx.Exec(ctx, `UPDATE live_flash_sales SET sold = sold + ? WHERE id = ? AND sold + ? <= quantity AND ends_at > ?`, qty, saleID, qty, now)
	if err != nil {
		return err
	}
	if n == 0 {
		return &order.FlashSaleError{SaleID: saleID}
	}
	var limit int64
	if err := tx.Get(ctx, `SELECT per_buyer FROM live_flash_sales WHERE id = ?`, []any{saleID}, &limit); err != nil {
		return err
	}
	n, err = tx.Exec(ctx, `INSERT INTO live_flash_buyers (sale_id, buyer_id, units) VALUES (?, ?, ?)
		ON CONFLICT (sale_id, buyer_id) DO UPDATE SET units = live_flash_buyers.units + excluded.units WHERE live_flash_buyers.units + excluded.units <= ?`,
		saleID, buyerID, qty, limit)
	if err != nil {
		return err
	}
	if n == 0 {
		return &order.FlashSaleError{SaleID: saleID, Limit: limit}
	}
	return nil
}

// giveFlash returns qty units of a buyer's to a flash sale's allocation.
func giveFlash(ctx context.Context, tx *Tx, saleID, buyerID string, qty int64) error {
	if _, err := tx.Exec(ctx, `UPDATE live_flash_sales SET sold = sold - ? WHERE id = ?`, qty, saleID); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `UPDATE live_flash_buyers SET units = units - ? WHERE sale_id = ? AND buyer_id = ?`, qty, saleID, buyerID)
	return err
}
