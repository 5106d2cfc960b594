package shopifycsv

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/money"
)

// Write exports products as a Shopify product CSV with the current
// (2024+) header names, for the columns Read imports (Shopify fills the
// others with their defaults on import): one row per variant, the product's fields on its first
// row, its images on its rows in order and on image-only rows after the
// last variant when there are more images than variants. Reading the
// output back gives the same products.
func Write(w io.Writer, products []Product) error {
	var header []string
	pos := make(map[col]int)
	for _, c := range columns {
		if c.current != "" {
			pos[c.id] = len(header)
			header = append(header, c.current)
		}
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("shopifycsv: write: %w", err)
	}
	for i := range products {
		p := &products[i]
		if err := checkWritable(i, p); err != nil {
			return err
		}
		rows := max(len(p.Variants), len(p.Images))
		for r := range rows {
			row := make([]string, len(header))
			set := func(c col, v string) { row[pos[c]] = v }
			set(colHandle, p.Handle)
			if r == 0 {
				set(colTitle, p.Title)
				set(colBody, p.BodyHTML)
				set(colVendor, p.Vendor)
				set(colCategory, p.Category)
				set(colType, p.Type)
				set(colTags, strings.Join(p.Tags, ", "))
				set(colPublished, formatBool(p.Published))
				set(colStatus, string(p.Status))
				set(colGiftCard, formatBool(p.GiftCard))
				set(colSEOTitle, p.SEOTitle)
				set(colSEODescription, p.SEODescription)
				if len(p.Options) == 0 {
					set(colOpt1Name, "Title")
				}
				for k, o := range p.Options {
					set(optNameCols[k], o.Name)
				}
			}
			if r < len(p.Variants) {
				writeVariant(set, p, &p.Variants[r])
			}
			if r < len(p.Images) {
				img := p.Images[r]
				set(colImageSrc, img.Src)
				set(colImagePosition, strconv.Itoa(r+1))
				set(colImageAlt, img.AltText)
			}
			if err := cw.Write(row); err != nil {
				return fmt.Errorf("shopifycsv: write: %w", err)
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("shopifycsv: write: %w", err)
	}
	return nil
}

func writeVariant(set func(col, string), p *Product, v *Variant) {
	if len(p.Options) == 0 {
		set(colOpt1Value, "Default Title")
	}
	for k, val := range v.Options {
		set(optValueCols[k], val)
	}
	set(colSKU, v.SKU)
	set(colBarcode, v.Barcode)
	set(colPrice, v.Price.Decimal())
	set(colCompareAt, optionalMoney(v.CompareAtPrice))
	set(colCost, optionalMoney(v.CostPerItem))
	set(colTaxable, formatBool(v.Taxable))
	set(colTracker, v.InventoryTracker)
	set(colQty, strconv.Itoa(v.InventoryQuantity))
	policy := "DENY"
	if v.InventoryPolicy == PolicyContinue {
		policy = "CONTINUE"
	}
	set(colPolicy, policy)
	set(colGrams, formatGrams(v.WeightMilligrams))
	set(colWeightUnit, v.WeightUnit)
	set(colRequiresShipping, formatBool(v.RequiresShipping))
	set(colVariantImage, v.ImageSrc)
}

// checkWritable refuses a product whose rows Read could not turn back into
// the same product.
func checkWritable(i int, p *Product) error {
	field := fmt.Sprintf("products[%d]", i)
	switch {
	case strings.TrimSpace(p.Handle) == "":
		return loopshop.Invalid(field+".handle", "product %q has no handle", p.Title)
	case strings.TrimSpace(p.Title) == "":
		return loopshop.Invalid(field+".title", "product %q has no title", p.Handle)
	case len(p.Variants) == 0:
		return loopshop.Invalid(field+".variants", "product %q has no variants: a Shopify product has at least one", p.Handle)
	case len(p.Options) > 3:
		return loopshop.Invalid(field+".options", "product %q has %d options: Shopify allows 3", p.Handle, len(p.Options))
	}
	for k, v := range p.Variants {
		if len(v.Options) != len(p.Options) {
			return loopshop.Invalid(fmt.Sprintf("%s.variants[%d].options", field, k), "variant %d of product %q has %d option values for %d options", k, p.Handle, len(v.Options), len(p.Options))
		}
	}
	return nil
}

func formatBool(b bool) string {
	if b {
		return "TRUE"
	}
	return "FALSE"
}

func optionalMoney(m *money.Money) string {
	if m == nil {
		return ""
	}
	return m.Decimal()
}

// formatGrams writes milligrams as grams with no trailing zeros: 226796 is
// "226.796", 5000 is "5".
func formatGrams(mg int64) string {
	s := strconv.FormatInt(mg/1000, 10)
	if frac := mg % 1000; frac != 0 {
		s += strings.TrimRight(fmt.Sprintf(".%03d", frac), "0")
	}
	return s
}
