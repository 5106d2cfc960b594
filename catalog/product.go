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
	"github.com/loopshop/loopshop/category"
	"github.com/loopshop/loopshop/identity"
	"github.com/loopshop/loopshop/jobs"
	"github.com/loopshop/loopshop/money"
	"github.com/loopshop/loopshop/richtext"
)

// Limits on a listing's size.
const (
	MaxSKUs        = 100
	MaxImages      = 9
	MaxTags        = 20
	maxTitle       = 255
	maxDescription = 10_000
)

var handleRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,254}$`)

// Validate checks a listing and trims it in place. The message of each
// error names the field so a form or an import can point at it.
func (in *NewProduct) Validate() error {
	in.Title = strings.TrimSpace(in.Title)
	in.Description = strings.TrimSpace(in.Description)
	in.Category = strings.TrimSpace(in.Category)
	in.Brand = strings.TrimSpace(in.Brand)
	in.Handle = strings.TrimSpace(in.Handle)
	if n := utf8.RuneCountInString(in.Title); n < 2 || n > maxTitle {
		return loopshop.Invalid("title", "title must have 2 to %d characters; it has %d", maxTitle, n)
	}
	if utf8.RuneCountInString(in.Description) > maxDescription {
		return loopshop.Invalid("description", "description must have at most 10,000 characters")
	}
	if len(in.DescriptionHTML) > 4*maxDescription {
		return loopshop.Invalid("description_html", "the HTML description must be at most 40,000 bytes")
	}
	// Only harmless formatting is kept: no scripts, attributes or links.
	in.DescriptionHTML = richtext.Sanitize(in.DescriptionHTML)
	if in.Description == "" && in.DescriptionHTML != "" {
		in.Description = richtext.PlainText(in.DescriptionHTML)
		if utf8.RuneCountInString(in.Description) > maxDescription {
			return loopshop.Invalid("description_html", "the description must have at most 10,000 characters of text")
		}
	}
	if in.Category == "" && in.CategoryID == "" {
		return loopshop.Invalid("category", "category is required: say what the product is, e.g. \"green tea\", or give a category_id")
	}
	switch {
	case in.CategoryID == "":
		in.CategoryID = category.Resolve(in.Category).ID
	case !category.Valid(in.CategoryID):
		return loopshop.Invalid("category_id", "category %q does not exist; GET /api/v1/categories lists them", in.CategoryID)
	}
	if in.Category == "" {
		n, _ := category.Get(in.CategoryID)
		in.Category = n.Name
	}
	if utf8.RuneCountInString(in.Brand) > 60 {
		return loopshop.Invalid("brand", "brand must have at most 60 characters")
	}
	if in.Handle != "" && !handleRE.MatchString(in.Handle) {
		return loopshop.Invalid("handle", "handle %q must be lower-case letters, digits and dashes, e.g. blue-cotton-shirt", in.Handle)
	}
	if len(in.Tags) > MaxTags {
		return loopshop.Invalid("tags", "a product may have at most %d tags", MaxTags)
	}
	for i, t := range in.Tags {
		in.Tags[i] = strings.TrimSpace(t)
		if in.Tags[i] == "" || utf8.RuneCountInString(in.Tags[i]) > 40 || strings.Contains(in.Tags[i], ",") {
			return loopshop.Invalid(fmt.Sprintf("tags[%d]", i), "a tag has 1 to 40 characters and no comma")
		}
	}
	if in.ImageKey != "" && len(in.Images) == 0 {
		in.Images = []NewImage{{MediaKey: in.ImageKey}}
	}
	if len(in.Images) > MaxImages {
		return loopshop.Invalid("images", "a product may have at most %d images", MaxImages)
	}
	for i, im := range in.Images {
		in.Images[i].SourceURL = strings.TrimSpace(im.SourceURL)
		switch {
		case in.Images[i].SourceURL != "":
			if err := checkSourceURL(fmt.Sprintf("images[%d].source_url", i), in.Images[i].SourceURL); err != nil {
				return err
			}
		case im.MediaKey == "":
			return loopshop.Invalid(fmt.Sprintf("images[%d].media_key", i), "media_key is required; upload the image first")
		}
	}
	if err := validateOptions(in.Options); err != nil {
		return err
	}
	if len(in.SKUs) == 0 || len(in.SKUs) > MaxSKUs {
		return loopshop.Invalid("skus", "a product needs 1 to %d SKUs; it has %d", MaxSKUs, len(in.SKUs))
	}
	combos := map[string]int{}
	sellerSKUs := map[string]int{}
	for i, k := range in.SKUs {
		field := func(f string) string { return fmt.Sprintf("skus[%d].%s", i, f) }
		k.SellerSKU = strings.TrimSpace(k.SellerSKU)
		in.SKUs[i].SellerSKU = k.SellerSKU
		if k.Price <= 0 {
			return loopshop.Invalid(field("price"), "price must be a positive amount in minor units (1299 for 12.99)")
		}
		if k.CompareAtPrice != 0 && k.CompareAtPrice <= k.Price {
			return loopshop.Invalid(field("compare_at_price"), "compare_at_price is the former price and must be above price, or 0")
		}
		if k.WeightGrams < 0 || k.WeightGrams > 1_000_000 {
			return loopshop.Invalid(field("weight_grams"), "weight must be from 0 to 1,000,000 grams")
		}
		if k.Stock != nil && (*k.Stock < 0 || *k.Stock > MaxStock) {
			return loopshop.Invalid(field("stock"), "stock must be from 0 to %d", MaxStock)
		}
		if len(k.SellerSKU) > 64 {
			return loopshop.Invalid(field("seller_sku"), "seller SKU must have at most 64 characters")
		}
		if k.SellerSKU != "" {
			if j, dup := sellerSKUs[k.SellerSKU]; dup {
				return loopshop.Invalid(field("seller_sku"), "seller SKU %q is also used by skus[%d]", k.SellerSKU, j)
			}
			sellerSKUs[k.SellerSKU] = i
		}
		if len(k.Options) != len(in.Options) {
			return loopshop.Invalid(field("options"), "give one value for each of the product's %d options", len(in.Options))
		}
		for o, v := range k.Options {
			if !slices.Contains(in.Options[o].Values, v) {
				return loopshop.Invalid(field("options"), "%q is not a value of option %q (%s)", v, in.Options[o].Name, strings.Join(in.Options[o].Values, ", "))
			}
		}
		key := strings.Join(k.Options, "\x00")
		if j, dup := combos[key]; dup {
			return loopshop.Invalid(field("options"), "skus[%d] has the same option values", j)
		}
		combos[key] = i
	}
	return nil
}

func validateOptions(opts []Option) error {
	if len(opts) > MaxOptions {
		return loopshop.Invalid("options", "a product may vary in at most %d options; it has %d", MaxOptions, len(opts))
	}
	names := map[string]bool{}
	for i, o := range opts {
		o.Name = strings.TrimSpace(o.Name)
		opts[i].Name = o.Name
		if o.Name == "" || utf8.RuneCountInString(o.Name) > 40 {
			return loopshop.Invalid(fmt.Sprintf("options[%d].name", i), "an option name has 1 to 40 characters")
		}
		if names[strings.ToLower(o.Name)] {
			return loopshop.Invalid(fmt.Sprintf("options[%d].name", i), "option %q is given twice", o.Name)
		}
		names[strings.ToLower(o.Name)] = true
		if len(o.Values) == 0 || len(o.Values) > MaxSKUs {
			return loopshop.Invalid(fmt.Sprintf("options[%d].values", i), "option %q needs 1 to %d values", o.Name, MaxSKUs)
		}
		seen := map[string]bool{}
		for j, v := range o.Values {
			v = strings.TrimSpace(v)
			opts[i].Values[j] = v
			if v == "" || utf8.RuneCountInString(v) > 60 {
				return loopshop.Invalid(fmt.Sprintf("options[%d].values[%d]", i, j), "an option value has 1 to 60 characters")
			}
			if seen[v] {
				return loopshop.Invalid(fmt.Sprintf("options[%d].values[%d]", i, j), "value %q of option %q is given twice", v, o.Name)
			}
			seen[v] = true
		}
	}
	return nil
}

// CreateProduct lists a product in a shop the actor may write products for.
// With publish it goes live at once; otherwise it is a draft. New shops on
// probation may list at most ProbationDailyListings products a day.
func (s *Service) CreateProduct(ctx context.Context, actor *identity.Actor, shopID string, in NewProduct, publish bool) (*Product, error) {
	shop, err := s.shop(ctx, shopID)
	if err != nil {
		return nil, err
	}
	if err := actor.Can(identity.PermProductWrite, identity.Resource{Kind: "shop", Market: shop.Market, ShopID: shop.ID}); err != nil {
		return nil, err
	}
	m, err := s.markets.Get(shop.Market)
	if err != nil {
		return nil, err
	}
	now := s.now()
	warnings, err := s.listingCheck(&in, m, now)
	if err != nil {
		return nil, err
	}
	if now.Before(shop.ProbationUntil) {
		day := now.Truncate(24 * time.Hour)
		n, err := s.store.ProductsCreatedSince(ctx, shop.ID, day)
		if err != nil {
			return nil, fmt.Errorf("create product: %w", err)
		}
		if n >= ProbationDailyListings {
			return nil, loopshop.Errorf(loopshop.ECONFLICT, "new shops may list %d products a day during their probation (until %s); this shop has reached that today, try again after %s UTC",
				ProbationDailyListings, shop.ProbationUntil.Format("2 January 2006"), day.Add(24*time.Hour).Format("2 Jan 15:04"))
		}
	}
	p := &Product{
		ID: loopshop.NewID("prd", m.Code), ShopID: shop.ID, Market: m.Code, Handle: in.Handle,
		Title: in.Title, Description: in.Description, DescriptionHTML: in.DescriptionHTML,
		Category: in.Category, CategoryID: in.CategoryID, Brand: in.Brand, Tags: in.Tags, Options: in.Options,
		Status: StatusDraft, AuditStatus: AuditNone, CreatedAt: now, UpdatedAt: now, Warnings: warnings,
	}
	var review *jobs.Job
	if publish {
		if review, err = s.publish(p); err != nil {
			return nil, err
		}
	}
	fetchJob, err := placeImages(p, in.Images, nil)
	if err != nil {
		return nil, err
	}
	var stock []*Adjustment
	for _, k := range in.SKUs {
		sku := newSKU(k, loopshop.NewID("sku", m.Code), m.Currency)
		p.SKUs = append(p.SKUs, sku)
		if k.Stock != nil && *k.Stock > 0 {
			stock = append(stock, &Adjustment{ID: loopshop.NewID("adj", m.Code), SKUID: sku.ID, Delta: *k.Stock, Received: *k.Stock,
				Reason: ReasonRestock, Note: "initial stock", ActorID: actor.AccountID, CreatedAt: now})
		}
	}
	if len(stock) > 0 {
		whs, err := s.inv.Warehouses(ctx, shop.ID)
		if err != nil {
			return nil, fmt.Errorf("create product: %w", err)
		}
		if len(whs) == 0 || !whs[0].IsDefault {
			return nil, loopshop.Invalid("skus", "the shop has no default warehouse to put the initial stock in; add a warehouse first")
		}
		for _, a := range stock {
			a.WarehouseID = whs[0].ID
		}
	}
	if err := s.store.CreateProduct(ctx, p, stock, review, fetchJob); err != nil {
		var taken *SellerSKUTakenError
		if errors.As(err, &taken) && taken.Index < len(p.SKUs) {
			return nil, &loopshop.Error{Code: loopshop.ECONFLICT, Field: fmt.Sprintf("skus[%d].seller_sku", taken.Index),
				Message: fmt.Sprintf("seller SKU %q is already used by another product of this shop; give this variant another code or update that product", p.SKUs[taken.Index].SellerSKU)}
		}
		if errors.Is(err, loopshop.ErrAlreadyExists) {
			return nil, &loopshop.Error{Code: loopshop.ECONFLICT, Field: "handle",
				Message: fmt.Sprintf("the shop already has a product with handle %q; change it or update that product", in.Handle)}
		}
		return nil, fmt.Errorf("create product: %w", err)
	}
	return p, nil
}

// UpdateProduct replaces a product's listing with in. SKUs are matched to
// the existing ones by seller SKU, else by option values, and keep their
// IDs (and so their stock and sales); SKUs left out are removed, unless
// checkouts hold or sold units of them. A SKU's Stock, when given, sets
// what is available in the default warehouse.
func (s *Service) UpdateProduct(ctx context.Context, actor *identity.Actor, id string, in NewProduct) (*Product, error) {
	old, err := s.product(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := actor.Can(identity.PermProductWrite, identity.Resource{Kind: "product", Market: old.Market, ShopID: old.ShopID}); err != nil {
		return nil, err
	}
	if old.Status == StatusDeleted {
		return nil, loopshop.Errorf(loopshop.ECONFLICT, "product %s is deleted; list it anew", id)
	}
	m, err := s.markets.Get(old.Market)
	if err != nil {
		return nil, err
	}
	now := s.now()
	warnings, err := s.listingCheck(&in, m, now)
	if err != nil {
		return nil, err
	}
	p := *old
	p.Warnings = warnings
	p.Handle, p.Title, p.Description, p.DescriptionHTML = in.Handle, in.Title, in.Description, in.DescriptionHTML
	p.Category, p.CategoryID, p.Brand, p.Tags, p.Options = in.Category, in.CategoryID, in.Brand, in.Tags, in.Options
	p.SKUs, p.UpdatedAt = nil, now
	fetchJob, err := placeImages(&p, in.Images, old.Images)
	if err != nil {
		return nil, err
	}
	bySeller, byOptions := map[string]SKU{}, map[string]SKU{}
	for _, k := range old.SKUs {
		if k.SellerSKU != "" {
			bySeller[k.SellerSKU] = k
		}
		byOptions[strings.Join(k.Options, "\x00")] = k
	}
	kept := map[string]bool{}
	var stock []StockTarget
	for _, k := range in.SKUs {
		prev, ok := bySeller[k.SellerSKU]
		if !ok || k.SellerSKU == "" {
			prev, ok = byOptions[strings.Join(k.Options, "\x00")]
		}
		if ok && kept[prev.ID] {
			ok = false
		}
		id := loopshop.NewID("sku", m.Code)
		if ok {
			id = prev.ID
			kept[prev.ID] = true
		}
		sku := newSKU(k, id, m.Currency)
		p.SKUs = append(p.SKUs, sku)
		if k.Stock != nil {
			stock = append(stock, StockTarget{SKUID: sku.ID, Available: *k.Stock})
		}
	}
	var removed []string
	for _, k := range old.SKUs {
		if !kept[k.ID] {
			removed = append(removed, k.ID)
		}
	}
	if len(stock) > 0 {
		whs, err := s.inv.Warehouses(ctx, old.ShopID)
		if err != nil {
			return nil, fmt.Errorf("update product: %w", err)
		}
		if len(whs) == 0 || !whs[0].IsDefault {
			return nil, loopshop.Invalid("skus", "the shop has no default warehouse to put stock in; add a warehouse first")
		}
		for i := range stock {
			stock[i].WarehouseID = whs[0].ID
			stock[i].AdjustmentID = loopshop.NewID("adj", m.Code)
		}
	}
	// An edited live or held listing is reviewed again as it now reads.
	var review *jobs.Job
	if old.Status == StatusActivate || old.Status == StatusPending {
		if review, err = s.publish(&p); err != nil {
			return nil, err
		}
	}
	err = s.store.UpdateProduct(ctx, &p, old.UpdatedAt, removed, stock, actor.AccountID, review, fetchJob)
	var busy *SKUInUseError
	switch {
	case errors.As(err, &busy):
		return nil, loopshop.Errorf(loopshop.ECONFLICT, "SKU %s cannot be removed: checkouts hold or have sold units of it; keep it and set its stock to 0 instead", busy.SKUID)
	case errors.Is(err, ErrChanged):
		return nil, loopshop.Errorf(loopshop.ECONFLICT, "product %s was changed by someone else while you edited it; reload it and apply your change again", id)
	case errors.Is(err, loopshop.ErrAlreadyExists):
		return nil, loopshop.Errorf(loopshop.ECONFLICT, "another product of the shop already has handle %q or one of these seller SKUs", in.Handle)
	case err != nil:
		return nil, fmt.Errorf("update product: %w", err)
	}
	return &p, nil
}

// What a seller may do to a product's status.
const (
	ActionPublish    = "publish"    // a draft, deactivated or failed listing goes (back) live, through review
	ActionDeactivate = "deactivate" // a live or held listing comes off sale, keeping everything
	ActionDelete     = "delete"     // the listing is gone for good; its SKUs stay for past orders
)

// sellerMoves says from which statuses each action may be taken. A listing
// the platform took down or froze stays as it is until staff act.
var sellerMoves = map[string][]string{
	ActionPublish:    {StatusDraft, StatusSellerDeactivated, StatusFailed},
	ActionDeactivate: {StatusActivate, StatusPending},
	ActionDelete:     {StatusDraft, StatusPending, StatusFailed, StatusActivate, StatusSellerDeactivated},
}

// CanMove reports whether a seller may take action on a product of status.
func CanMove(status, action string) bool { return slices.Contains(sellerMoves[action], status) }

// SetProductStatus publishes, deactivates or deletes a product for a
// seller who may write it.
func (s *Service) SetProductStatus(ctx context.Context, actor *identity.Actor, id, action string) (*Product, error) {
	p, err := s.product(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := actor.Can(identity.PermProductWrite, identity.Resource{Kind: "product", Market: p.Market, ShopID: p.ShopID}); err != nil {
		return nil, err
	}
	from, ok := sellerMoves[action]
	if !ok {
		return nil, loopshop.Invalid("action", "action %q is not one of publish, deactivate, delete", action)
	}
	if !slices.Contains(from, p.Status) {
		return nil, loopshop.Errorf(loopshop.ECONFLICT, "product %s is %s and cannot be %s", p.ID, p.Status, map[string]string{
			ActionPublish: "published", ActionDeactivate: "deactivated", ActionDelete: "deleted"}[action])
	}
	prev := p.UpdatedAt
	p.UpdatedAt = s.now()
	c := StatusChange{ProductID: p.ID, From: from, Version: prev, Now: p.UpdatedAt, Audit: p.AuditStatus}
	switch action {
	case ActionPublish:
		if c.Job, err = s.publish(p); err != nil {
			return nil, err
		}
		c.To, c.Audit = p.Status, p.AuditStatus
	case ActionDeactivate:
		c.To = StatusSellerDeactivated
	case ActionDelete:
		c.To = StatusDeleted
	}
	c.Note = p.ReviewNote
	if err := s.store.SetStatus(ctx, c); err != nil {
		if errors.Is(err, ErrChanged) {
			return nil, loopshop.Errorf(loopshop.ECONFLICT, "product %s was changed while you looked at it; reload it and try again", p.ID)
		}
		return nil, fmt.Errorf("%s product %s: %w", action, p.ID, err)
	}
	p.Status, p.AuditStatus = c.To, c.Audit
	return p, nil
}

// StockTarget sets what is available of a SKU in a warehouse.
type StockTarget struct {
	SKUID        string
	WarehouseID  string
	Available    int64
	AdjustmentID string
}

// SKUInUseError is the store's refusal to delete a SKU with reserved or
// sold units.
type SKUInUseError struct{ SKUID string }

func (e *SKUInUseError) Error() string { return "SKU " + e.SKUID + " has reserved or sold units" }

// ErrChanged is the store's answer when the row changed since it was read.
var ErrChanged = errors.New("changed since read")

// ProductByHandle returns the shop's product with the given handle.
func (s *Service) ProductByHandle(ctx context.Context, actor *identity.Actor, shopID, handle string) (*Product, error) {
	shop, err := s.Shop(ctx, shopID)
	if err != nil {
		return nil, err
	}
	if err := actor.Can(identity.PermProductWrite, identity.Resource{Kind: "shop", Market: shop.Market, ShopID: shop.ID}); err != nil {
		return nil, err
	}
	p, err := s.store.ProductByHandle(ctx, shopID, handle)
	if errors.Is(err, loopshop.ErrNotFound) {
		return nil, loopshop.Errorf(loopshop.ENOTFOUND, "the shop has no product with handle %q", handle)
	}
	return p, err
}

// SellerSKUTakenError is what a Store returns when SKU Index of a product
// has a seller SKU that another product of its shop already uses.
type SellerSKUTakenError struct{ Index int }

func (e *SellerSKUTakenError) Error() string {
	return fmt.Sprintf("skus[%d]: seller SKU already used in the shop", e.Index)
}

// newSKU makes the SKU of a validated NewSKU in the market's currency.
func newSKU(k NewSKU, id, currency string) SKU {
	sku := SKU{ID: id, SellerSKU: k.SellerSKU, Options: k.Options, Price: money.New(k.Price, currency),
		WeightGrams: k.WeightGrams, Barcode: strings.TrimSpace(k.Barcode)}
	if k.CompareAtPrice > 0 {
		c := money.New(k.CompareAtPrice, currency)
		sku.CompareAt = &c
	}
	return sku
}
