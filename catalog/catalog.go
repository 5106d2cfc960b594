// Package catalog holds shops and what they sell: products with up to three
// options and their SKUs, images, warehouses and stock per SKU per
// warehouse with its adjustment history, and product search. Product and
// audit statuses follow TikTok Shop's Open API.
//
// Stock is counted as received, reserved and sold units; available is what
// is left, and the database refuses any row where reserved and sold exceed
// received, whatever the code above it does.
package catalog

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/category"
	"github.com/loopshop/loopshop/identity"
	"github.com/loopshop/loopshop/jobs"
	"github.com/loopshop/loopshop/linkpolicy"
	"github.com/loopshop/loopshop/market"
	"github.com/loopshop/loopshop/money"
	"github.com/loopshop/loopshop/page"
)

// Product statuses, as in TikTok Shop's Open API.
const (
	StatusDraft               = "DRAFT"
	StatusPending             = "PENDING"
	StatusFailed              = "FAILED"
	StatusActivate            = "ACTIVATE"
	StatusSellerDeactivated   = "SELLER_DEACTIVATED"
	StatusPlatformDeactivated = "PLATFORM_DEACTIVATED"
	StatusFreeze              = "FREEZE"
	StatusDeleted             = "DELETED"
)

// Audit statuses.
const (
	AuditNone     = "NONE"
	AuditPending  = "AUDITING"
	AuditApproved = "APPROVED"
	AuditRejected = "REJECTED"
)

// Shop is a seller's shop in one market.
type Shop struct {
	ID           string `json:"id"`
	Market       string `json:"market"`
	Name         string `json:"name"`
	Status       string `json:"status"`
	BusinessType string `json:"business_type"`
	LegalName    string `json:"legal_name,omitempty"`
	ContactEmail string `json:"contact_email,omitempty"`
	// ShipsFrom is the country the shop ships from; a shop shipping from
	// outside its market is a cross-border seller.
	ShipsFrom string `json:"ships_from"`
	// ProbationUntil ends the new-shop probation, during which at most
	// ProbationDailyListings new products may be listed a day.
	ProbationUntil time.Time `json:"probation_until"`
	CreatedAt      time.Time `json:"created_at"`
}

// CrossBorder reports whether the shop ships from outside its market.
func (s *Shop) CrossBorder() bool { return s.ShipsFrom != "" && s.ShipsFrom != s.Market }

// Business types.
const (
	BusinessIndividual = "INDIVIDUAL"
	BusinessCompany    = "COMPANY"
)

// New shops are on probation for ProbationPeriod, listing at most
// ProbationDailyListings new products a day.
const (
	ProbationPeriod        = 90 * 24 * time.Hour
	ProbationDailyListings = 100
)

// Product is a listing with its SKUs.
type Product struct {
	ID     string `json:"id"`
	ShopID string `json:"shop_id"`
	Market string `json:"market"`
	// Handle is the seller's own key for the product (Shopify's handle),
	// unique in the shop; imports update the product with the same handle.
	Handle      string `json:"handle,omitempty"`
	Title       string `json:"title"`
	Description string `json:"description"`
	// DescriptionHTML is the description as sanitised HTML, when the
	// seller gave one.
	DescriptionHTML string `json:"description_html,omitempty"`
	// Category is the seller's own word for what the product is
	// (Shopify's product type); CategoryID places it in the platform's
	// category tree, where buyers browse.
	Category    string   `json:"category"`
	CategoryID  string   `json:"category_id"`
	Brand       string   `json:"brand,omitempty"`
	Tags        []string `json:"tags,omitempty"`
	Status      string   `json:"status"`
	AuditStatus string   `json:"audit_status"`
	ReviewNote  string   `json:"review_note,omitempty"`
	Options     []Option `json:"options,omitempty"`
	Images      []Image  `json:"images,omitempty"`
	ImageKey    string   `json:"image_key,omitempty"` // the first image's media key
	SKUs        []SKU    `json:"skus"`
	// Warnings are the listing check's findings that did not refuse the
	// listing (off-platform links before the market's cut-over date). They
	// are reported when the listing is written, not stored.
	Warnings  []string  `json:"warnings,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Option is a dimension products vary in ("Size": S, M, L). A product has
// at most MaxOptions.
type Option struct {
	Name   string   `json:"name"`
	Values []string `json:"values"`
}

// MaxOptions is how many options a product may vary in, as on TikTok Shop.
const MaxOptions = 3

// Image is a product picture in the media store.
type Image struct {
	Position int    `json:"position"`
	MediaKey string `json:"media_key"`
	Alt      string `json:"alt,omitempty"`
	// Source is the URL the image was fetched from, when it was given by
	// URL (see FetchImagesJob); an import naming the same URL again means
	// this image.
	Source string `json:"-"`
}

// SKU is one purchasable variant of a product.
type SKU struct {
	ID        string `json:"id"`
	SellerSKU string `json:"seller_sku,omitempty"`
	// Options are the SKU's values of the product's options, in order.
	Options     []string     `json:"options,omitempty"`
	Price       money.Money  `json:"price"`
	CompareAt   *money.Money `json:"compare_at,omitempty"` // the "was" price, above Price
	WeightGrams int          `json:"weight_grams,omitempty"`
	Barcode     string       `json:"barcode,omitempty"`
}

// MinPrice returns the lowest SKU price, for cards and sorting.
func (p *Product) MinPrice() money.Money {
	var lo money.Money
	for i, s := range p.SKUs {
		if i == 0 || s.Price.Amount < lo.Amount {
			lo = s.Price
		}
	}
	return lo
}

// NewShop is what a seller gives to open a shop.
type NewShop struct {
	Name string `json:"name"`
	// BusinessType is INDIVIDUAL (default) or COMPANY; a company gives
	// its LegalName.
	BusinessType string `json:"business_type,omitempty"`
	LegalName    string `json:"legal_name,omitempty"`
	ContactEmail string `json:"contact_email,omitempty"`
	// ShipsFrom defaults to the market's country.
	ShipsFrom string `json:"ships_from,omitempty"`
}

// NewProduct is what a seller gives to list a product.
type NewProduct struct {
	Handle          string `json:"handle,omitempty"`
	Title           string `json:"title"`
	Description     string `json:"description"`
	DescriptionHTML string `json:"description_html,omitempty"`
	Category        string `json:"category"`
	// CategoryID is the node of the category tree (GET /api/v1/categories)
	// to list the product under; empty: the node Category reads as.
	CategoryID string     `json:"category_id,omitempty"`
	Brand      string     `json:"brand,omitempty"`
	Tags       []string   `json:"tags,omitempty"`
	Options    []Option   `json:"options,omitempty"`
	Images     []NewImage `json:"images,omitempty"`
	// ImageKey is a single image's media key, for callers with one image.
	ImageKey string   `json:"-"`
	SKUs     []NewSKU `json:"skus"`
}

// NewImage is an image already in the media store, or one to fetch from a
// URL.
type NewImage struct {
	MediaKey string `json:"media_key"`
	Alt      string `json:"alt,omitempty"`
	// SourceURL, for an image without a media key, is the http or https
	// URL to fetch it from in the background (see FetchImagesJob). Only
	// imports give it for now.
	SourceURL string `json:"-"`
}

// NewSKU is one variant of a NewProduct. Prices are in minor units of the
// shop's market currency.
type NewSKU struct {
	SellerSKU      string   `json:"seller_sku,omitempty"`
	Options        []string `json:"options,omitempty"`
	Price          int64    `json:"price"`
	CompareAtPrice int64    `json:"compare_at_price,omitempty"`
	WeightGrams    int      `json:"weight_grams,omitempty"`
	Barcode        string   `json:"barcode,omitempty"`
	// Stock, when given, is the quantity available in the shop's default
	// warehouse once the product is created.
	Stock *int64 `json:"stock,omitempty"`
}

// Store is what the catalog needs from storage.
type Store interface {
	InventoryStore
	SearchStore
	ReviewStore
	// CreateShop stores the shop with its first warehouse and makes
	// ownerID its owner, atomically.
	CreateShop(ctx context.Context, s *Shop, ownerID string, wh *Warehouse) error
	Shop(ctx context.Context, id string) (*Shop, error)
	// CreateProduct stores a product with its SKUs and images and applies
	// the initial stock adjustments, and enqueues the jobs that are not nil
	// (its review, the fetch of its images), atomically.
	CreateProduct(ctx context.Context, p *Product, stock []*Adjustment, js ...*jobs.Job) error
	// UpdateProduct stores p over the product last updated at prevUpdated
	// (ErrChanged if it has been updated since), deletes the removed SKUs
	// (*SKUInUseError if one has reserved or sold units) and sets stock,
	// and enqueues the jobs that are not nil, atomically.
	UpdateProduct(ctx context.Context, p *Product, prevUpdated time.Time, removed []string, stock []StockTarget, actorID string, js ...*jobs.Job) error
	// SetImages replaces the images of the product, and its image key,
	// if it is still at version (ErrChanged if it has been updated since
	// or is gone). It leaves updated_at alone: fetching images is not an
	// edit, and must not make a seller's open edit form stale.
	SetImages(ctx context.Context, productID string, images []Image, version time.Time) error
	ProductByHandle(ctx context.Context, shopID, handle string) (*Product, error)
	// ProductsByShop lists a shop's products, newest first, of one status
	// or (status "") of any status but DELETED, after the cursor r.After
	// (an ID), fetching r.Limit+1.
	ProductsByShop(ctx context.Context, shopID, status string, r page.Request) ([]*Product, error)
	// ProductsCreatedSince counts the shop's products created at or after t.
	ProductsCreatedSince(ctx context.Context, shopID string, t time.Time) (int, error)
	Product(ctx context.Context, id string) (*Product, error)
	// ProductsByStatus lists a market's products of a status, newest first,
	// after the cursor r.After (an ID), fetching r.Limit+1; only those in
	// categories, when given.
	ProductsByStatus(ctx context.Context, market, status string, categories []string, r page.Request) ([]*Product, error)
}

// Service holds the catalog's rules.
type Service struct {
	store   Store
	inv     InventoryStore
	links   *linkpolicy.Policy
	markets *market.Set
	images  ImageImport
	now     func() time.Time
}

// Deps is what the catalog service is built from. Every field is needed:
// NewService refuses to build without one, so that no check or job of the
// catalog is silently left out.
type Deps struct {
	Store   Store
	Markets *market.Set
	// Links keeps off-platform links and contacts out of listings.
	Links *linkpolicy.Policy
	// Images is where images given by URL are fetched into.
	Images ImageImport
	// Now is the clock; nil is identity.Now.
	Now func() time.Time
}

// NewService returns a catalog Service.
func NewService(d Deps) (*Service, error) {
	if err := loopshop.Needs("catalog", map[string]bool{"Store": d.Store != nil, "Markets": d.Markets != nil, "Links": d.Links != nil,
		"Images.Media": d.Images.Media != nil, "Images.Fetcher": d.Images.Fetcher != nil}); err != nil {
		return nil, err
	}
	if d.Images.Log == nil {
		d.Images.Log = slog.Default()
	}
	if d.Now == nil {
		d.Now = identity.Now
	}
	return &Service{store: d.Store, inv: d.Store, links: d.Links, markets: d.Markets, images: d.Images, now: d.Now}, nil
}

// CreateShop opens a shop in the actor's market with the actor as owner.
func (s *Service) CreateShop(ctx context.Context, actor *identity.Actor, in NewShop) (*Shop, error) {
	if actor == nil {
		return nil, loopshop.Errorf(loopshop.EUNAUTHORIZED, "sign in to open a shop")
	}
	m, err := s.markets.Get(actor.Market)
	if err != nil {
		return nil, err
	}
	if !m.ShopOpen {
		return nil, loopshop.Errorf(loopshop.ECONFLICT, "shops are not open in %s yet; the market is still being rolled out", m.Name)
	}
	name := strings.TrimSpace(in.Name)
	if n := utf8.RuneCountInString(name); n < 3 || n > 60 {
		return nil, loopshop.Invalid("name", "shop name must have 3 to 60 characters; it has %d", n)
	}
	if err := in.validate(m.Code); err != nil {
		return nil, err
	}
	now := s.now()
	shop := &Shop{ID: loopshop.NewID("shp", m.Code), Market: m.Code, Name: name, Status: "ACTIVE",
		BusinessType: in.BusinessType, LegalName: in.LegalName, ContactEmail: in.ContactEmail, ShipsFrom: in.ShipsFrom,
		ProbationUntil: now.Add(ProbationPeriod), CreatedAt: now}
	wh := &Warehouse{ID: loopshop.NewID("whs", m.Code), ShopID: shop.ID, Market: m.Code, Name: "Main warehouse",
		Country: shop.ShipsFrom, Kind: WarehouseSeller, IsDefault: true, CreatedAt: now}
	if err := s.store.CreateShop(ctx, shop, actor.AccountID, wh); err != nil {
		if errors.Is(err, loopshop.ErrAlreadyExists) {
			return nil, &loopshop.Error{Code: loopshop.ECONFLICT, Field: "name", Message: fmt.Sprintf("a shop named %q already exists in %s; choose another name", name, m.Name)}
		}
		return nil, fmt.Errorf("create shop: %w", err)
	}
	return shop, nil
}

func (in *NewShop) validate(marketCode string) error {
	in.BusinessType = strings.ToUpper(strings.TrimSpace(in.BusinessType))
	in.LegalName = strings.TrimSpace(in.LegalName)
	in.ContactEmail = strings.TrimSpace(in.ContactEmail)
	in.ShipsFrom = strings.ToUpper(strings.TrimSpace(in.ShipsFrom))
	switch in.BusinessType {
	case "":
		in.BusinessType = BusinessIndividual
	case BusinessIndividual, BusinessCompany:
	default:
		return loopshop.Invalid("business_type", "business_type must be INDIVIDUAL or COMPANY")
	}
	if in.BusinessType == BusinessCompany && in.LegalName == "" {
		return loopshop.Invalid("legal_name", "a company shop needs the company's legal name")
	}
	if utf8.RuneCountInString(in.LegalName) > 120 {
		return loopshop.Invalid("legal_name", "legal name must have at most 120 characters")
	}
	if in.ContactEmail != "" {
		e, err := identity.NormalizeEmail(in.ContactEmail)
		if err != nil {
			return &loopshop.Error{Code: loopshop.EINVALID, Field: "contact_email", Message: loopshop.ErrorMessage(err)}
		}
		in.ContactEmail = e
	}
	if in.ShipsFrom == "" {
		in.ShipsFrom = marketCode
	}
	if !countryRE.MatchString(in.ShipsFrom) {
		return loopshop.Invalid("ships_from", "ships_from must be a two-letter ISO country code such as GB or CN")
	}
	return nil
}

// Shop returns a shop's public face: without its legal name and contact.
func (s *Service) Shop(ctx context.Context, id string) (*Shop, error) {
	shop, err := s.shop(ctx, id)
	if err != nil {
		return nil, err
	}
	shop.LegalName, shop.ContactEmail = "", ""
	return shop, nil
}

// ShopFor returns a shop with its private details when the actor may read
// them (its staff, cleared platform staff), else its public face.
func (s *Service) ShopFor(ctx context.Context, actor *identity.Actor, id string) (*Shop, error) {
	shop, err := s.shop(ctx, id)
	if err != nil {
		return nil, err
	}
	if actor.Can(identity.PermShopRead, identity.Resource{Kind: "shop", Market: shop.Market, ShopID: shop.ID}) != nil {
		shop.LegalName, shop.ContactEmail = "", ""
	}
	return shop, nil
}

// Product returns a product. Active products are public; others only to
// those who may write the shop's products.
func (s *Service) Product(ctx context.Context, actor *identity.Actor, id string) (*Product, error) {
	p, err := s.product(ctx, id)
	if err != nil {
		return nil, err
	}
	if p.Status != StatusActivate {
		if err := actor.Can(identity.PermProductWrite, identity.Resource{Kind: "product", Market: p.Market, ShopID: p.ShopID}); err != nil {
			if loopshop.ErrorCode(err) == loopshop.EUNAUTHORIZED {
				return nil, loopshop.Errorf(loopshop.ENOTFOUND, "product %s not found", id)
			}
			return nil, err
		}
	}
	return p, nil
}

// Browse lists a market's active products, newest first.
func (s *Service) Browse(ctx context.Context, marketCode string, r page.Request) (page.Page[*Product], error) {
	m, err := s.markets.Get(marketCode)
	if err != nil {
		return page.Page[*Product]{}, err
	}
	items, err := s.store.ProductsByStatus(ctx, m.Code, StatusActivate, nil, r)
	if err != nil {
		return page.Page[*Product]{}, fmt.Errorf("browse: %w", err)
	}
	return page.Make(items, r, func(p *Product) string { return p.ID }), nil
}

// BrowseCategory lists a market's live products in a category and the
// categories below it, newest first.
func (s *Service) BrowseCategory(ctx context.Context, marketCode, categoryID string, r page.Request) (page.Page[*Product], error) {
	m, err := s.markets.Get(marketCode)
	if err != nil {
		return page.Page[*Product]{}, err
	}
	ids := category.Descendants(categoryID)
	if ids == nil {
		return page.Page[*Product]{}, loopshop.Errorf(loopshop.ENOTFOUND, "category %q not found; GET /api/v1/categories lists them", categoryID)
	}
	items, err := s.store.ProductsByStatus(ctx, m.Code, StatusActivate, ids, r)
	if err != nil {
		return page.Page[*Product]{}, fmt.Errorf("browse %s: %w", categoryID, err)
	}
	return page.Make(items, r, func(p *Product) string { return p.ID }), nil
}

// ShopTab lists a shop's live products, newest first: the shop tab of its
// profile, public.
func (s *Service) ShopTab(ctx context.Context, shopID string, r page.Request) (page.Page[*Product], error) {
	shop, err := s.Shop(ctx, shopID)
	if err != nil {
		return page.Page[*Product]{}, err
	}
	items, err := s.store.ProductsByShop(ctx, shop.ID, StatusActivate, r)
	if err != nil {
		return page.Page[*Product]{}, fmt.Errorf("shop tab: %w", err)
	}
	return page.Make(items, r, func(p *Product) string { return p.ID }), nil
}

// SellerProducts lists a shop's products of any status (or of status, if
// not empty) for those who may write them: Seller Center's product list.
func (s *Service) SellerProducts(ctx context.Context, actor *identity.Actor, shopID, status string, r page.Request) (page.Page[*Product], error) {
	shop, err := s.Shop(ctx, shopID)
	if err != nil {
		return page.Page[*Product]{}, err
	}
	if err := actor.Can(identity.PermProductWrite, identity.Resource{Kind: "shop", Market: shop.Market, ShopID: shop.ID}); err != nil {
		return page.Page[*Product]{}, err
	}
	switch status {
	case "", StatusDraft, StatusPending, StatusFailed, StatusActivate, StatusSellerDeactivated, StatusPlatformDeactivated, StatusFreeze, StatusDeleted:
	default:
		return page.Page[*Product]{}, loopshop.Invalid("status", "unknown product status %q", status)
	}
	items, err := s.store.ProductsByShop(ctx, shop.ID, status, r)
	if err != nil {
		return page.Page[*Product]{}, fmt.Errorf("seller products: %w", err)
	}
	return page.Make(items, r, func(p *Product) string { return p.ID }), nil
}

// shop, product and sku load an object by ID and turn the store's
// ErrNotFound into a message that names it.
func (s *Service) shop(ctx context.Context, id string) (*Shop, error) {
	shop, err := s.store.Shop(ctx, id)
	if errors.Is(err, loopshop.ErrNotFound) {
		return nil, loopshop.Errorf(loopshop.ENOTFOUND, "shop %s not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("shop %s: %w", id, err)
	}
	return shop, nil
}

func (s *Service) product(ctx context.Context, id string) (*Product, error) {
	p, err := s.store.Product(ctx, id)
	if errors.Is(err, loopshop.ErrNotFound) {
		return nil, loopshop.Errorf(loopshop.ENOTFOUND, "product %s not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("product %s: %w", id, err)
	}
	return p, nil
}

func (s *Service) sku(ctx context.Context, id string) (*SKURef, error) {
	k, err := s.inv.SKU(ctx, id)
	if errors.Is(err, loopshop.ErrNotFound) {
		return nil, loopshop.Errorf(loopshop.ENOTFOUND, "SKU %s not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("SKU %s: %w", id, err)
	}
	return k, nil
}
