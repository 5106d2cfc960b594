package catalog

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/identity"
)

// Warehouse kinds: the seller's own, or a platform (partner) warehouse the
// platform ships from.
const (
	WarehouseSeller   = "SELLER"
	WarehousePlatform = "PLATFORM"
)

// Warehouse is a place a shop ships stock from.
type Warehouse struct {
	ID         string    `json:"id"`
	ShopID     string    `json:"shop_id"`
	Market     string    `json:"market"`
	Name       string    `json:"name"`
	Country    string    `json:"country"`
	PostalCode string    `json:"postal_code,omitempty"`
	Kind       string    `json:"kind"`
	IsDefault  bool      `json:"is_default"`
	CreatedAt  time.Time `json:"created_at"`
}

// NewWarehouse is what a seller gives to add a warehouse.
type NewWarehouse struct {
	Name       string `json:"name"`
	Country    string `json:"country"`
	PostalCode string `json:"postal_code,omitempty"`
}

var countryRE = regexp.MustCompile(`^[A-Z]{2}$`)

func (in *NewWarehouse) validate() error {
	in.Name = strings.TrimSpace(in.Name)
	in.Country = strings.ToUpper(strings.TrimSpace(in.Country))
	in.PostalCode = strings.TrimSpace(in.PostalCode)
	if n := utf8.RuneCountInString(in.Name); n < 2 || n > 60 {
		return loopshop.Invalid("name", "warehouse name must have 2 to 60 characters; it has %d", n)
	}
	if !countryRE.MatchString(in.Country) {
		return loopshop.Invalid("country", "country must be a two-letter ISO code such as GB or CN")
	}
	if len(in.PostalCode) > 16 {
		return loopshop.Invalid("postal_code", "postal code must have at most 16 characters")
	}
	return nil
}

// Stock is the stock of one SKU in one warehouse. Available is what
// checkout may still take: Received − Reserved − Sold, never negative.
type Stock struct {
	SKUID       string    `json:"sku_id"`
	WarehouseID string    `json:"warehouse_id"`
	Received    int64     `json:"received"`
	Reserved    int64     `json:"reserved"`
	Sold        int64     `json:"sold"`
	Available   int64     `json:"available"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Adjustment reasons.
const (
	ReasonRestock    = "RESTOCK"    // goods arrived
	ReasonCount      = "COUNT"      // a stock count set the level
	ReasonDamaged    = "DAMAGED"    // units written off
	ReasonReturned   = "RETURNED"   // returned units put back on sale
	ReasonImport     = "IMPORT"     // set by a catalog import
	ReasonCorrection = "CORRECTION" // anything else, with a note
)

var adjustmentReasons = []string{ReasonRestock, ReasonCount, ReasonDamaged, ReasonReturned, ReasonImport, ReasonCorrection}

// Adjustment is one change a seller made to received stock; the history
// of a SKU's stock is the list of its adjustments.
type Adjustment struct {
	ID          string    `json:"id"`
	SKUID       string    `json:"sku_id"`
	WarehouseID string    `json:"warehouse_id"`
	Delta       int64     `json:"delta"`
	Received    int64     `json:"received"` // received after the change
	Reason      string    `json:"reason"`
	Note        string    `json:"note,omitempty"`
	ActorID     string    `json:"actor_id"`
	CreatedAt   time.Time `json:"created_at"`
}

// AdjustStock changes a SKU's stock in a warehouse, either by Delta units
// or, with SetAvailable, to leave exactly that many available.
type AdjustStock struct {
	SKUID        string `json:"sku_id"`
	WarehouseID  string `json:"warehouse_id,omitempty"` // default: the shop's default warehouse
	Delta        int64  `json:"delta,omitempty"`
	SetAvailable *int64 `json:"set_available,omitempty"`
	Reason       string `json:"reason"`
	Note         string `json:"note,omitempty"`
}

// MaxStock bounds a single SKU's stock in a warehouse.
const MaxStock = 10_000_000

// SKURef locates a SKU: its product, shop and market.
type SKURef struct {
	ID        string
	ProductID string
	ShopID    string
	Market    string
}

// ErrNotEnoughStock is returned by the store when a change would leave
// less than nothing available.
var ErrNotEnoughStock = &loopshop.Error{Code: loopshop.ECONFLICT, Message: "not enough stock"}

// InventoryStore is what warehouses and stock need from storage.
type InventoryStore interface {
	CreateWarehouse(ctx context.Context, w *Warehouse) error
	Warehouses(ctx context.Context, shopID string) ([]*Warehouse, error)
	SKU(ctx context.Context, skuID string) (*SKURef, error)
	// AdjustStock applies adj (with adj.Delta computed from setAvailable
	// when that is not nil) atomically, records it, and returns the stock
	// after. It returns ErrNotEnoughStock (wrapped, with the stock before)
	// when the change would leave less than zero available.
	AdjustStock(ctx context.Context, market string, adj *Adjustment, setAvailable *int64, now time.Time) (*Stock, error)
	StockOfProduct(ctx context.Context, productID string) ([]*Stock, error)
	Adjustments(ctx context.Context, skuID string, limit int) ([]*Adjustment, error)
}

// NotEnoughStockError says how much there was.
type NotEnoughStockError struct {
	Available int64
	Reserved  int64
	Requested int64
}

func (e *NotEnoughStockError) Error() string {
	return fmt.Sprintf("cannot remove %d units: only %d are available (%d more are reserved by open checkouts)", e.Requested, e.Available, e.Reserved)
}

func (e *NotEnoughStockError) Unwrap() error { return ErrNotEnoughStock }

// CreateWarehouse adds a seller warehouse to a shop the actor manages.
func (s *Service) CreateWarehouse(ctx context.Context, actor *identity.Actor, shopID string, in NewWarehouse) (*Warehouse, error) {
	shop, err := s.Shop(ctx, shopID)
	if err != nil {
		return nil, err
	}
	if err := actor.Can(identity.PermShopManage, identity.Resource{Kind: "shop", Market: shop.Market, ShopID: shop.ID}); err != nil {
		return nil, err
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	w := &Warehouse{ID: loopshop.NewID("whs", shop.Market), ShopID: shop.ID, Market: shop.Market, Name: in.Name,
		Country: in.Country, PostalCode: in.PostalCode, Kind: WarehouseSeller, CreatedAt: s.now()}
	if err := s.inv.CreateWarehouse(ctx, w); err != nil {
		if errors.Is(err, loopshop.ErrAlreadyExists) {
			return nil, &loopshop.Error{Code: loopshop.ECONFLICT, Field: "name", Message: fmt.Sprintf("the shop already has a warehouse named %q", in.Name)}
		}
		return nil, fmt.Errorf("create warehouse: %w", err)
	}
	return w, nil
}

// Warehouses lists a shop's warehouses, the default first.
func (s *Service) Warehouses(ctx context.Context, actor *identity.Actor, shopID string) ([]*Warehouse, error) {
	shop, err := s.Shop(ctx, shopID)
	if err != nil {
		return nil, err
	}
	if err := actor.Can(identity.PermShopRead, identity.Resource{Kind: "shop", Market: shop.Market, ShopID: shop.ID}); err != nil {
		return nil, err
	}
	return s.inv.Warehouses(ctx, shop.ID)
}

// AdjustStock changes stock and records why. Removing more than is
// available is refused with the numbers, never clamped.
func (s *Service) AdjustStock(ctx context.Context, actor *identity.Actor, in AdjustStock) (*Stock, error) {
	sku, err := s.sku(ctx, in.SKUID)
	if err != nil {
		return nil, err
	}
	if err := actor.Can(identity.PermProductWrite, identity.Resource{Kind: "SKU", Market: sku.Market, ShopID: sku.ShopID}); err != nil {
		return nil, err
	}
	if !slices.Contains(adjustmentReasons, in.Reason) {
		return nil, loopshop.Invalid("reason", "reason must be one of %s", strings.Join(adjustmentReasons, ", "))
	}
	if in.Reason == ReasonCorrection && strings.TrimSpace(in.Note) == "" {
		return nil, loopshop.Invalid("note", "a CORRECTION needs a note saying why")
	}
	if utf8.RuneCountInString(in.Note) > 500 {
		return nil, loopshop.Invalid("note", "note must have at most 500 characters")
	}
	switch {
	case in.SetAvailable != nil && in.Delta != 0:
		return nil, loopshop.Invalid("delta", "give either delta or set_available, not both")
	case in.SetAvailable != nil && (*in.SetAvailable < 0 || *in.SetAvailable > MaxStock):
		return nil, loopshop.Invalid("set_available", "the available quantity must be a whole number from 0 to %d", MaxStock)
	case in.SetAvailable == nil && in.Delta == 0:
		return nil, loopshop.Invalid("delta", "delta must not be 0; give a positive number to add units, a negative one to remove them")
	case in.Delta > MaxStock || in.Delta < -MaxStock:
		return nil, loopshop.Invalid("delta", "delta must be within ±%d", MaxStock)
	}
	whID := in.WarehouseID
	warehouses, err := s.inv.Warehouses(ctx, sku.ShopID)
	if err != nil {
		return nil, fmt.Errorf("adjust stock: %w", err)
	}
	found := false
	for _, w := range warehouses {
		if (whID == "" && w.IsDefault) || w.ID == whID {
			whID, found = w.ID, true
			break
		}
	}
	if !found {
		if in.WarehouseID == "" {
			return nil, loopshop.Invalid("warehouse_id", "the shop has no default warehouse; name one with warehouse_id")
		}
		return nil, loopshop.Invalid("warehouse_id", "warehouse %s is not one of this shop's", in.WarehouseID)
	}
	adj := &Adjustment{ID: loopshop.NewID("adj", sku.Market), SKUID: sku.ID, WarehouseID: whID, Delta: in.Delta,
		Reason: in.Reason, Note: strings.TrimSpace(in.Note), ActorID: actor.AccountID}
	now := s.now()
	adj.CreatedAt = now
	st, err := s.inv.AdjustStock(ctx, sku.Market, adj, in.SetAvailable, now)
	var short *NotEnoughStockError
	if errors.As(err, &short) {
		return nil, &loopshop.Error{Code: loopshop.ECONFLICT, Field: "delta", Message: short.Error()}
	}
	if errors.Is(err, ErrNotEnoughStock) {
		return nil, &loopshop.Error{Code: loopshop.ECONFLICT, Field: "delta", Message: "the change would leave less than nothing available"}
	}
	if err != nil {
		return nil, fmt.Errorf("adjust stock: %w", err)
	}
	if st.Received > MaxStock {
		return nil, loopshop.Invalid("delta", "stock would exceed %d units", MaxStock)
	}
	return st, nil
}

// StockOfProduct returns the stock of every SKU of a product in every
// warehouse that has held it.
func (s *Service) StockOfProduct(ctx context.Context, actor *identity.Actor, productID string) ([]*Stock, error) {
	p, err := s.product(ctx, productID)
	if err != nil {
		return nil, err
	}
	if err := actor.Can(identity.PermProductWrite, identity.Resource{Kind: "product", Market: p.Market, ShopID: p.ShopID}); err != nil {
		return nil, err
	}
	return s.inv.StockOfProduct(ctx, productID)
}

// StockHistory returns a SKU's latest adjustments, newest first.
func (s *Service) StockHistory(ctx context.Context, actor *identity.Actor, skuID string, limit int) ([]*Adjustment, error) {
	sku, err := s.sku(ctx, skuID)
	if err != nil {
		return nil, err
	}
	if err := actor.Can(identity.PermProductWrite, identity.Resource{Kind: "SKU", Market: sku.Market, ShopID: sku.ShopID}); err != nil {
		return nil, err
	}
	if limit < 1 || limit > 200 {
		limit = 50
	}
	return s.inv.Adjustments(ctx, skuID, limit)
}
