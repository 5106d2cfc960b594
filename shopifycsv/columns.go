package shopifycsv

import (
	"regexp"
	"strings"
)

// col identifies a column loopshop reads.
type col int

const (
	colHandle col = iota
	colTitle
	colBody
	colVendor
	colCategory
	colType
	colTags
	colPublished
	colStatus
	colSKU
	colBarcode
	colOpt1Name
	colOpt1Value
	colOpt2Name
	colOpt2Value
	colOpt3Name
	colOpt3Value
	colPrice
	colCompareAt
	colCost
	colTaxable
	colTracker
	colQty
	colPolicy
	colGrams
	colWeight // a weight in WeightUnit, written by some tools instead of grams
	colWeightUnit
	colRequiresShipping
	colImageSrc
	colImagePosition
	colImageAlt
	colVariantImage
	colGiftCard
	colSEOTitle
	colSEODescription
	numCols
)

// column names a column in both header generations. current is what Write
// emits; an empty current means Write leaves the column out.
type column struct {
	id      col
	classic string
	current string
	aliases []string
}

// columns is the header table, in the order Write emits the current names
// (the order of Shopify's current template).
var columns = []column{
	{colTitle, "Title", "Title", nil},
	{colHandle, "Handle", "URL handle", nil},
	{colBody, "Body (HTML)", "Description", []string{"Body HTML", "Body"}},
	{colVendor, "Vendor", "Vendor", nil},
	{colCategory, "Product Category", "Product category", nil},
	{colType, "Type", "Type", []string{"Custom Product Type", "Product Type"}},
	{colTags, "Tags", "Tags", nil},
	{colPublished, "Published", "Published on online store", nil},
	{colStatus, "Status", "Status", nil},
	{colSKU, "Variant SKU", "SKU", nil},
	{colBarcode, "Variant Barcode", "Barcode", nil},
	{colOpt1Name, "Option1 Name", "Option1 name", nil},
	{colOpt1Value, "Option1 Value", "Option1 value", nil},
	{colOpt2Name, "Option2 Name", "Option2 name", nil},
	{colOpt2Value, "Option2 Value", "Option2 value", nil},
	{colOpt3Name, "Option3 Name", "Option3 name", nil},
	{colOpt3Value, "Option3 Value", "Option3 value", nil},
	{colPrice, "Variant Price", "Price", nil},
	{colCompareAt, "Variant Compare At Price", "Compare-at price", []string{"Compare At Price"}},
	{colCost, "Cost per item", "Cost per item", nil},
	{colTaxable, "Variant Taxable", "Charge tax", nil},
	{colTracker, "Variant Inventory Tracker", "Inventory tracker", nil},
	{colQty, "Variant Inventory Qty", "Inventory quantity", []string{"Variant Inventory Quantity"}},
	{colPolicy, "Variant Inventory Policy", "Continue selling when out of stock", nil},
	{colGrams, "Variant Grams", "Weight value (grams)", nil},
	{colWeight, "Variant Weight", "", nil},
	{colWeightUnit, "Variant Weight Unit", "Weight unit for display", nil},
	{colRequiresShipping, "Variant Requires Shipping", "Requires shipping", nil},
	{colImageSrc, "Image Src", "Product image URL", []string{"Image source", "Image URL"}},
	{colImagePosition, "Image Position", "Image position", nil},
	{colImageAlt, "Image Alt Text", "Image alt text", nil},
	{colVariantImage, "Variant Image", "Variant image URL", nil},
	{colGiftCard, "Gift Card", "Gift card", nil},
	{colSEOTitle, "SEO Title", "SEO title", nil},
	{colSEODescription, "SEO Description", "SEO description", nil},
}

// columnByName maps a normalised header name to its column.
var columnByName = func() map[string]col {
	m := make(map[string]col)
	for _, c := range columns {
		for _, n := range append([]string{c.classic, c.current}, c.aliases...) {
			if n != "" {
				m[normHeader(n)] = c.id
			}
		}
	}
	return m
}()

// columnName returns the name a message should use for a column the file
// does not have.
func columnName(id col) string {
	for _, c := range columns {
		if c.id == id {
			return c.classic
		}
	}
	return ""
}

// Columns Shopify defines that loopshop does not import. They are
// reported in one warning rather than one per column.
var (
	ignoredExact = map[string]bool{
		"variant fulfillment service":   true,
		"fulfillment service":           true,
		"variant tax code":              true,
		"tax code":                      true,
		"option1 linked to":             true,
		"option2 linked to":             true,
		"option3 linked to":             true,
		"unit price total measure":      true,
		"unit price total measure unit": true,
		"unit price base measure":       true,
		"unit price base measure unit":  true,
		"standard product type":         true,
		"published scope":               true,
	}
	ignoredPrefixes = []string{
		"google shopping /", "included /", "price /", "compare at price /", "compare-at price /",
	}
	// extraOption matches Option4 … columns: Shopify products have at
	// most three options, so any value there is an error.
	extraOption = regexp.MustCompile(`^option([4-9]|[1-9][0-9]+) (name|value)$`)
)

func ignoredColumn(norm string) bool {
	if ignoredExact[norm] || strings.Contains(norm, "metafields.") {
		return true
	}
	for _, p := range ignoredPrefixes {
		if strings.HasPrefix(norm, p) {
			return true
		}
	}
	return false
}

// normHeader folds case and runs of white space, and drops a byte-order
// mark, so "Variant  price", "variant price" and "Variant Price" agree.
func normHeader(s string) string {
	s = strings.TrimPrefix(s, "\ufeff")
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

// Product-level columns are read from a product's first row only. A row
// is a variant row when it is a product's first row or has a value in one
// of variantCols; variantSettings alone (which spreadsheet fill-downs copy
// onto image rows) do not make a variant.
var (
	productCols = []col{colBody, colVendor, colCategory, colType, colTags, colPublished, colStatus, colGiftCard, colSEOTitle, colSEODescription}
	variantCols = []col{colOpt1Value, colOpt2Value, colOpt3Value, colSKU, colBarcode, colPrice, colCompareAt, colCost,
		colQty, colGrams, colWeight, colVariantImage}
	variantSettings = []col{colTaxable, colTracker, colPolicy, colWeightUnit, colRequiresShipping}
	optNameCols     = [3]col{colOpt1Name, colOpt2Name, colOpt3Name}
	optValueCols    = [3]col{colOpt1Value, colOpt2Value, colOpt3Value}
)
