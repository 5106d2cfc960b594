package shopifycsv

import (
	"fmt"

	"github.com/loopshop/loopshop/money"
)

// Status is a Shopify product status.
type Status string

// The product statuses a Shopify CSV can carry.
const (
	StatusActive   Status = "active"
	StatusDraft    Status = "draft"
	StatusArchived Status = "archived"
)

// InventoryPolicy says whether a variant may be sold when out of stock.
type InventoryPolicy string

// Inventory policies.
const (
	PolicyDeny     InventoryPolicy = "deny"     // stop selling at zero
	PolicyContinue InventoryPolicy = "continue" // keep selling (backorder)
)

// Weight units Shopify shows a variant's weight in. The weight itself is
// always stored in Variant.WeightMilligrams.
const (
	UnitGram     = "g"
	UnitKilogram = "kg"
	UnitPound    = "lb"
	UnitOunce    = "oz"
)

// Product is one product of the file: its first row's product fields,
// every variant and every image.
type Product struct {
	Handle string
	Title  string
	// BodyHTML is the description sanitised to basic formatting; BodyText
	// is the same text without markup.
	BodyHTML string
	BodyText string
	Vendor   string
	// Category is Shopify's product taxonomy path
	// ("Apparel & Accessories > Clothing > Pants"); Type is the seller's own.
	Category string
	Type     string
	Tags     []string
	// Published is "published on the online store"; Status is the
	// product's status. Files without a Status column derive it from
	// Published (TRUE: active, FALSE: draft).
	Published      bool
	Status         Status
	GiftCard       bool
	SEOTitle       string
	SEODescription string
	// Options are the product's option names (at most three) with their
	// values in the order variants first use them. A product without
	// options ("Title" / "Default Title" in the file) has none.
	Options  []Option
	Variants []Variant
	// Images are ordered by position, numbered from 1 without gaps.
	Images []Image
	// Line is the physical line of the product's first row in the file
	// read, for messages the importer reports later; Write ignores it.
	Line int
}

// Option is a product option such as Size with the values variants use.
type Option struct {
	Name   string
	Values []string
}

// Variant is one purchasable combination of option values.
type Variant struct {
	// Options holds one value per Product.Options entry, in the same order.
	Options []string
	SKU     string
	Barcode string
	// Price, CompareAtPrice and CostPerItem are in the shop's currency;
	// CompareAtPrice and CostPerItem are nil when the file leaves them out.
	Price          money.Money
	CompareAtPrice *money.Money
	CostPerItem    *money.Money
	// WeightMilligrams is the shipping weight; WeightUnit (g, kg, lb, oz or
	// empty) is only the unit shown to buyers.
	WeightMilligrams int64
	WeightUnit       string
	// InventoryTracker is "shopify" when Shopify counted stock, empty when
	// stock was not tracked, or a fulfilment service's name.
	InventoryTracker  string
	InventoryQuantity int
	InventoryPolicy   InventoryPolicy
	RequiresShipping  bool
	Taxable           bool
	// ImageSrc is the variant's own image, usually one of the product's.
	ImageSrc string
}

// Image is a product image.
type Image struct {
	Src      string
	Position int
	AltText  string
}

// Result is what Read found: the valid products, and every problem with the
// line it is on.
type Result struct {
	// Products are the products without errors, in file order.
	Products []Product
	// Errors are problems that rejected a product; Warnings are things
	// ignored or guessed that the seller may want to check.
	Errors   []RowError
	Warnings []RowError
	// Rows counts the data rows read (the header excluded).
	Rows int
}

// RowError is a problem at a place in the file.
type RowError struct {
	// Line is the 1-based physical line in the file where the row (or, for
	// a problem with one field, that field) starts.
	Line int
	// Handle is the product the problem belongs to, when known.
	Handle string
	// Column is the column's name as written in the file's header.
	Column  string
	Message string
}

func (e RowError) Error() string {
	s := fmt.Sprintf("line %d", e.Line)
	if e.Column != "" {
		s += ", " + e.Column
	}
	if e.Handle != "" {
		s += fmt.Sprintf(" (product %q)", e.Handle)
	}
	return s + ": " + e.Message
}
