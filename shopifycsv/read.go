package shopifycsv

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/money"
	"github.com/loopshop/loopshop/richtext"
)

// Limits bound what Read accepts, so that a hostile or broken file costs a
// bounded amount of memory and time. A zero field takes its default.
type Limits struct {
	MaxBytes      int64 // the whole file; default 15 MiB, Shopify's own import limit
	MaxRows       int   // data rows; default 100,000
	MaxColumns    int   // header columns; default 256
	MaxFieldBytes int   // one field; default 512 KiB (descriptions are the long ones)
	MaxVariants   int   // variants of one product; default 2048, Shopify's limit
	MaxImages     int   // images of one product; default 250, Shopify's limit
}

// DefaultLimits returns the limits Read applies to fields left zero.
func DefaultLimits() Limits {
	return Limits{
		MaxBytes:      15 << 20,
		MaxRows:       100_000,
		MaxColumns:    256,
		MaxFieldBytes: 512 << 10,
		MaxVariants:   2048,
		MaxImages:     250,
	}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxBytes > 0 {
		d.MaxBytes = l.MaxBytes
	}
	if l.MaxRows > 0 {
		d.MaxRows = l.MaxRows
	}
	if l.MaxColumns > 0 {
		d.MaxColumns = l.MaxColumns
	}
	if l.MaxFieldBytes > 0 {
		d.MaxFieldBytes = l.MaxFieldBytes
	}
	if l.MaxVariants > 0 {
		d.MaxVariants = l.MaxVariants
	}
	if l.MaxImages > 0 {
		d.MaxImages = l.MaxImages
	}
	return d
}

// Options configure Read.
type Options struct {
	// Currency is the ISO 4217 code of the shop's currency ("GBP"): a
	// Shopify file has no currency column, its prices are in the shop's.
	Currency string
	Limits   Limits
}

var currencyCode = regexp.MustCompile(`^[A-Z]{3}$`)

// Read parses a Shopify product CSV, either header generation, and returns
// the valid products with every problem found. The error is for a file
// that cannot be read at all: not CSV, no Handle, Title or Price column,
// over a limit, or a failing reader; it is a *loopshop.Error for all but
// the last.
func Read(r io.Reader, opts Options) (*Result, error) {
	if !currencyCode.MatchString(opts.Currency) {
		return nil, loopshop.Invalid("currency", "currency %q is not an ISO 4217 code such as GBP", opts.Currency)
	}
	rd := &reader{
		cur:      opts.Currency,
		lim:      opts.Limits.withDefaults(),
		res:      &Result{},
		byHandle: make(map[string]*builder),
		skus:     make(map[string][]skuUse),
	}
	lr := &limitReader{r: r, max: rd.lim.MaxBytes}
	br := bufio.NewReaderSize(lr, 64<<10)
	if b, _ := br.Peek(3); bytes.HasPrefix(b, []byte("\xef\xbb\xbf")) {
		_, _ = br.Discard(3) // cannot fail: the three bytes were just peeked
	} else if bytes.HasPrefix(b, []byte("\xff\xfe")) || bytes.HasPrefix(b, []byte("\xfe\xff")) {
		return nil, loopshop.Errorf(loopshop.EINVALID, "the file is UTF-16 text: save it as “CSV UTF-8” and import it again")
	}
	rd.cr = csv.NewReader(br)
	rd.cr.FieldsPerRecord = -1 // short rows are padded, long ones reported per row
	rd.cr.ReuseRecord = true

	header, err := rd.cr.Read()
	if err == io.EOF {
		return nil, loopshop.Errorf(loopshop.EINVALID, "the file is empty: a Shopify product CSV starts with a header row such as Handle,Title,…")
	}
	if err != nil {
		return nil, rd.readErr(err)
	}
	if err := rd.header(header); err != nil {
		return nil, err
	}
	for {
		rec, err := rd.cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, rd.readErr(err)
		}
		rd.res.Rows++
		if rd.res.Rows > rd.lim.MaxRows {
			return nil, loopshop.Errorf(loopshop.ETOOLARGE, "the file has more than %d rows: split it into smaller files", rd.lim.MaxRows)
		}
		rd.row(rec)
	}
	rd.finish()
	return rd.res, nil
}

var errTooLarge = errors.New("file over the size limit")

// limitReader fails with errTooLarge once more than max bytes were read,
// instead of silently stopping as io.LimitReader would.
type limitReader struct {
	r    io.Reader
	max  int64
	read int64
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.read > l.max {
		return 0, errTooLarge
	}
	if rest := l.max - l.read + 1; int64(len(p)) > rest {
		p = p[:rest]
	}
	n, err := l.r.Read(p)
	l.read += int64(n)
	if l.read > l.max {
		return 0, errTooLarge
	}
	return n, err
}

func (rd *reader) readErr(err error) error {
	if errors.Is(err, errTooLarge) {
		return loopshop.Errorf(loopshop.ETOOLARGE, "the file is larger than %s: split it into smaller files", sizeString(rd.lim.MaxBytes))
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		hint := "check the quoting of that row"
		if errors.Is(pe.Err, csv.ErrQuote) || errors.Is(pe.Err, csv.ErrBareQuote) {
			hint = `enclose a field containing " in double quotes and write each " inside it as ""`
		}
		return loopshop.Errorf(loopshop.EINVALID, "line %d, column %d (in the row starting on line %d): %v: %s",
			pe.Line, pe.Column, pe.StartLine, pe.Err, hint)
	}
	return fmt.Errorf("shopifycsv: reading the file: %w", err)
}

func sizeString(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// reader holds Read's state while it streams through the rows.
type reader struct {
	cur string
	lim Limits
	cr  *csv.Reader
	res *Result

	names    []string // the header as written
	idx      [numCols]int
	extraOpt []int // Option4… columns

	rec  []string // the current row
	line int      // where it starts

	byHandle map[string]*builder
	order    []*builder
	last     *builder
	skus     map[string][]skuUse
	mojibake bool
}

type skuUse struct {
	line int
	b    *builder
}

// builder collects one product's rows.
type builder struct {
	p        Product
	first    [numCols]string // the first row's trimmed values, to compare later rows with
	optNames [3]string
	nopts    int
	combos   map[string]int // option values → line of the variant using them
	images   []pendingImage
	rejected bool

	tooManyVariants, tooManyImages bool
}

type pendingImage struct {
	src, alt string
	pos      int // 0 when the file gives none
}

func (rd *reader) header(h []string) error {
	if len(h) > rd.lim.MaxColumns {
		return loopshop.Errorf(loopshop.ETOOLARGE, "the header has %d columns, more than the %d allowed: remove the columns you do not need", len(h), rd.lim.MaxColumns)
	}
	rd.names = slices.Clone(h)
	for i := range rd.idx {
		rd.idx[i] = -1
	}
	var ignored []string
	for i, name := range h {
		norm := normHeader(name)
		if id, ok := columnByName[norm]; ok {
			if j := rd.idx[id]; j >= 0 {
				return loopshop.Errorf(loopshop.EINVALID, "columns %d (%q) and %d (%q) are the same Shopify column: remove one of them", j+1, h[j], i+1, name)
			}
			rd.idx[id] = i
			continue
		}
		switch {
		case norm == "":
			rd.warnf(1, "", "", "column %d has no name and is ignored", i+1)
		case extraOption.MatchString(norm):
			rd.extraOpt = append(rd.extraOpt, i)
		case ignoredColumn(norm):
			ignored = append(ignored, strings.TrimSpace(name))
		default:
			rd.warnf(1, "", name, "column %q is not a Shopify product column and is ignored", name)
		}
	}
	if len(ignored) > 0 {
		rd.warnf(1, "", "", "these Shopify columns are not imported into loopshop and are ignored: %s", strings.Join(ignored, ", "))
	}
	for _, c := range []col{colHandle, colTitle, colPrice} {
		if rd.idx[c] < 0 {
			return loopshop.Errorf(loopshop.EINVALID, "the header has no %q column (%q in Shopify's current template): every product needs one; is the first row the header?",
				columnName(c), currentName(c))
		}
	}
	return nil
}

func currentName(c col) string {
	for _, x := range columns {
		if x.id == c {
			return x.current
		}
	}
	return ""
}

// val returns column c of the current row, trimmed; "" when the file has
// no such column or the row is short.
func (rd *reader) val(c col) string {
	if i := rd.idx[c]; i >= 0 && i < len(rd.rec) {
		return strings.TrimSpace(rd.rec[i])
	}
	return ""
}

// colName is the header of column c as the seller wrote it.
func (rd *reader) colName(c col) string {
	if i := rd.idx[c]; i >= 0 {
		return rd.names[i]
	}
	return columnName(c)
}

// lineOf is the physical line where column c of the current row starts.
func (rd *reader) lineOf(c col) int {
	if i := rd.idx[c]; i >= 0 && i < len(rd.rec) {
		l, _ := rd.cr.FieldPos(i)
		return l
	}
	return rd.line
}

func (rd *reader) fieldLine(i int) int {
	l, _ := rd.cr.FieldPos(i)
	return l
}

func (rd *reader) warnf(line int, handle, column, format string, args ...any) {
	rd.res.Warnings = append(rd.res.Warnings, RowError{Line: line, Handle: handle, Column: column, Message: fmt.Sprintf(format, args...)})
}

// reject records an error about column c of the current row and rejects
// b's product.
func (rd *reader) reject(b *builder, c col, format string, args ...any) {
	rd.rejectAt(b, rd.lineOf(c), rd.colName(c), format, args...)
}

func (rd *reader) rejectAt(b *builder, line int, column, format string, args ...any) {
	handle := ""
	if b != nil {
		b.rejected = true
		handle = b.p.Handle
	}
	rd.res.Errors = append(rd.res.Errors, RowError{Line: line, Handle: handle, Column: column, Message: fmt.Sprintf(format, args...)})
}

func (rd *reader) row(rec []string) {
	for i, f := range rec {
		if strings.IndexByte(f, '\r') >= 0 {
			rec[i] = strings.ReplaceAll(strings.ReplaceAll(f, "\r\n", "\n"), "\r", "\n")
		}
	}
	rd.rec = rec
	rd.line = rd.fieldLine(0)
	if isBlank(rec) {
		return // spreadsheets leave rows of empty cells behind
	}
	handle, title := rd.val(colHandle), rd.val(colTitle)
	if handle == "" {
		var b *builder
		hint := ""
		if title == "" && rd.last != nil {
			// Most likely a variant or image row of the product above;
			// dropping it silently would import that product incomplete.
			b = rd.last
			hint = fmt.Sprintf(" (%q, if this row belongs to the product above)", b.p.Handle)
		}
		rd.reject(b, colHandle, "the row has no handle: write its product's handle%s in %s", hint, rd.colName(colHandle))
		return
	}
	b := rd.byHandle[handle]
	first := b == nil
	switch {
	case first:
		b = &builder{combos: make(map[string]int)}
		b.p.Handle, b.p.Line = handle, rd.line
		rd.byHandle[handle] = b
		rd.order = append(rd.order, b)
	case title != "" && b.p.Title != "" && title != b.p.Title:
		rd.reject(b, colTitle, "the row has Title %q but handle %q belongs to %q on line %d: give each product its own handle, and leave Title empty on variant and image rows",
			title, handle, b.p.Title, b.p.Line)
		return
	case title != "" && rd.last != b:
		rd.reject(b, colHandle, "handle %q is already used by the product on line %d: give each product its own handle, and keep a product's rows together",
			handle, b.p.Line)
		return
	}
	rd.last = b
	rd.checkFields(b)
	if first {
		rd.productRow(b)
	} else {
		rd.compareProductFields(b)
	}
	isVariant := first
	for _, c := range variantCols {
		isVariant = isVariant || rd.val(c) != ""
	}
	if isVariant {
		rd.variant(b)
	} else {
		var settings []string
		for _, c := range variantSettings {
			if rd.val(c) != "" {
				settings = append(settings, rd.colName(c))
			}
		}
		if len(settings) > 0 {
			rd.warnf(rd.line, handle, "", "%s on this row are ignored: the row has no option value, SKU or price, so it adds no variant",
				strings.Join(settings, ", "))
		}
	}
	hasImage := rd.image(b)
	if !isVariant && !hasImage {
		rd.warnf(rd.line, handle, "", "the row has neither variant nor image data and is ignored")
	}
}

func isBlank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// checkFields applies the checks every row gets, whatever it carries.
func (rd *reader) checkFields(b *builder) {
	for i, f := range rd.rec {
		name := fmt.Sprintf("column %d", i+1)
		if i < len(rd.names) {
			name = rd.names[i]
		}
		if len(f) > rd.lim.MaxFieldBytes {
			rd.rejectAt(b, rd.fieldLine(i), name, "the field is %d bytes long, more than the %d allowed", len(f), rd.lim.MaxFieldBytes)
			continue
		}
		if !utf8.ValidString(f) {
			rd.rejectAt(b, rd.fieldLine(i), name, "the text is not valid UTF-8: save the file as “CSV UTF-8” and import it again")
			continue
		}
		if i >= len(rd.names) && strings.TrimSpace(f) != "" {
			rd.rejectAt(b, rd.fieldLine(i), name, "the row has %d fields but the header has %d: remove the extra fields, or add a header for them", len(rd.rec), len(rd.names))
			return
		}
		if !rd.mojibake && looksMojibake(f) {
			rd.mojibake = true
			rd.warnf(rd.fieldLine(i), b.p.Handle, name, "the text contains characters such as “â€” or “Ã©” that usually mean the file was saved in the wrong encoding: check the text, and save the file as “CSV UTF-8”")
		}
	}
	for _, i := range rd.extraOpt {
		if i < len(rd.rec) && strings.TrimSpace(rd.rec[i]) != "" {
			rd.rejectAt(b, rd.fieldLine(i), rd.names[i], "the product has more than 3 options: Shopify and loopshop allow at most Option1 to Option3, so combine options or split the product")
			return
		}
	}
}

func looksMojibake(s string) bool {
	if strings.Contains(s, "â€") {
		return true
	}
	for i := strings.Index(s, "Ã"); i >= 0; {
		r, _ := utf8.DecodeRuneInString(s[i+len("Ã"):])
		if r >= 0x80 && r <= 0xBF {
			return true
		}
		j := strings.Index(s[i+1:], "Ã")
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return false
}

// productRow reads a product's fields from its first row.
func (rd *reader) productRow(b *builder) {
	for c := range numCols {
		b.first[c] = rd.val(c)
	}
	p := &b.p
	p.Title = rd.val(colTitle)
	switch {
	case p.Title == "":
		rd.reject(b, colTitle, "the first row of product %q has no title: write the product's title in %s on its first row", p.Handle, rd.colName(colTitle))
	case utf8.RuneCountInString(p.Title) > 255:
		rd.reject(b, colTitle, "the title has %d characters: shorten it to 255 at most", utf8.RuneCountInString(p.Title))
	}
	if n := utf8.RuneCountInString(p.Handle); n > 255 {
		rd.reject(b, colHandle, "the handle has %d characters: shorten it to 255 at most", n)
	}
	if i := rd.idx[colBody]; i >= 0 && i < len(rd.rec) && len(rd.rec[i]) <= rd.lim.MaxFieldBytes {
		p.BodyHTML = richtext.Sanitize(rd.rec[i])
		p.BodyText = richtext.PlainText(p.BodyHTML)
	}
	p.Vendor = rd.val(colVendor)
	p.Category = rd.val(colCategory)
	p.Type = rd.val(colType)
	p.Tags = splitTags(rd.val(colTags))
	p.SEOTitle = rd.val(colSEOTitle)
	p.SEODescription = rd.val(colSEODescription)
	p.GiftCard = rd.boolean(b, colGiftCard, false)

	published, hasPublished := rd.val(colPublished), false
	if published != "" {
		p.Published = rd.boolean(b, colPublished, false)
		hasPublished = true
	}
	switch s := rd.val(colStatus); {
	case s != "":
		switch st := Status(strings.ToLower(s)); st {
		case StatusActive, StatusDraft, StatusArchived:
			p.Status = st
		default:
			rd.reject(b, colStatus, "status %q is not a Shopify status: use active, draft or archived", s)
		}
	case hasPublished && !p.Published:
		p.Status = StatusDraft
	default:
		p.Status = StatusActive
	}

	for i, c := range optNameCols {
		b.optNames[i] = rd.val(c)
	}
	for i := range 3 {
		name := b.optNames[i]
		if name == "" {
			continue
		}
		if i > 0 && b.optNames[i-1] == "" {
			rd.reject(b, optNameCols[i], "Option%d Name %q is set but Option%d Name is empty: fill the options in order, from Option1", i+1, name, i)
		}
		for j := range i {
			if strings.EqualFold(b.optNames[j], name) {
				rd.reject(b, optNameCols[i], "Option%d Name repeats Option%d Name %q: give each option a different name", i+1, j+1, name)
			}
		}
		b.nopts = i + 1
	}
}

// compareProductFields reports product fields on a later row that differ
// from the first row's: Shopify reads them from the first row only.
func (rd *reader) compareProductFields(b *builder) {
	for i, c := range optNameCols {
		if v := rd.val(c); v != "" && !strings.EqualFold(v, b.optNames[i]) {
			rd.reject(b, c, "Option%d Name %q differs from %q on the product's first row (line %d): option names belong on the first row only",
				i+1, v, b.optNames[i], b.p.Line)
		}
	}
	var differ []string
	for _, c := range productCols {
		if v := rd.val(c); v != "" && v != b.first[c] {
			differ = append(differ, rd.colName(c))
		}
	}
	if len(differ) > 0 {
		rd.warnf(rd.line, b.p.Handle, "", "%s on this row differ from the product's first row (line %d) and are ignored: product fields are read from the first row only",
			strings.Join(differ, ", "), b.p.Line)
	}
}

func splitTags(s string) []string {
	var tags []string
	seen := make(map[string]bool)
	for t := range strings.SplitSeq(s, ",") {
		if t = strings.TrimSpace(t); t != "" && !seen[t] {
			seen[t] = true
			tags = append(tags, t)
		}
	}
	return tags
}

// boolean reads a TRUE/FALSE column, def when it is empty.
func (rd *reader) boolean(b *builder, c col, def bool) bool {
	s := rd.val(c)
	switch strings.ToLower(s) {
	case "":
		return def
	case "true", "yes":
		return true
	case "false", "no":
		return false
	}
	rd.reject(b, c, "%q is not TRUE or FALSE: write TRUE or FALSE", s)
	return def
}

// variant reads the variant on the current row.
func (rd *reader) variant(b *builder) {
	v := Variant{RequiresShipping: true, Taxable: true, InventoryPolicy: PolicyDeny}
	var vals [3]string
	for i, c := range optValueCols {
		vals[i] = rd.val(c)
		switch name := b.optNames[i]; {
		case name != "" && vals[i] == "":
			rd.reject(b, c, "the variant has no Option%d Value: every variant of this product needs a %s", i+1, name)
		case name == "" && vals[i] != "":
			rd.reject(b, c, "Option%d Value %q has no Option%d Name on the product's first row (line %d): name the option there, or clear the value",
				i+1, vals[i], i+1, b.p.Line)
		}
	}
	v.Options = slices.Clone(vals[:b.nopts])
	key := fmt.Sprintf("%q", v.Options)
	if prev, ok := b.combos[key]; ok {
		if b.nopts == 0 {
			rd.reject(b, colOpt1Value, "the product already has a variant on line %d and has no options: name an option in Option1 Name on the first row and give each variant its own Option1 Value", prev)
		} else {
			rd.reject(b, optValueCols[b.nopts-1], "the variant repeats the option values %s of the variant on line %d: give each variant a different combination",
				describeOptions(b.optNames[:b.nopts], v.Options), prev)
		}
	} else {
		b.combos[key] = rd.line
	}

	if s := rd.val(colPrice); s == "" {
		rd.reject(b, colPrice, "the variant has no price: write one in %s, such as 19.99", rd.colName(colPrice))
	} else if m, ok := rd.money(b, colPrice, s); ok {
		v.Price = m
	}
	if s := rd.val(colCompareAt); s != "" {
		if m, ok := rd.money(b, colCompareAt, s); ok {
			v.CompareAtPrice = &m
		}
	}
	if s := rd.val(colCost); s != "" {
		if m, ok := rd.money(b, colCost, s); ok {
			v.CostPerItem = &m
		}
	}

	v.SKU = rd.val(colSKU)
	if v.SKU != "" {
		rd.skus[v.SKU] = append(rd.skus[v.SKU], skuUse{line: rd.lineOf(colSKU), b: b})
	}
	v.Barcode = rd.val(colBarcode)
	if rest := strings.TrimLeft(v.Barcode, "'"); rest != "" {
		v.Barcode = rest // drop a spreadsheet's "keep as text" mark
	}
	if scientific.MatchString(v.Barcode) {
		rd.reject(b, colBarcode, "barcode %q was turned into a number by a spreadsheet and lost digits: format the column as text and type the barcode again", v.Barcode)
	}

	unit := strings.ToLower(rd.val(colWeightUnit))
	if unit == "lbs" {
		unit = UnitPound
	}
	if unit != "" && mgPerUnit[unit] == nil {
		rd.reject(b, colWeightUnit, "weight unit %q is not one Shopify knows: use g, kg, lb or oz", rd.val(colWeightUnit))
		unit = ""
	}
	v.WeightUnit = unit
	if s := rd.val(colGrams); s != "" {
		if mg, msg := parseWeight(s, UnitGram); msg != "" {
			rd.reject(b, colGrams, "weight %q %s, in grams, such as 250 or 226.8", s, msg)
		} else {
			v.WeightMilligrams = mg
		}
	} else if s := rd.val(colWeight); s != "" {
		if unit == "" {
			rd.reject(b, colWeight, "weight %q has no unit: write g, kg, lb or oz in %s", s, rd.colName(colWeightUnit))
		} else if mg, msg := parseWeight(s, unit); msg != "" {
			rd.reject(b, colWeight, "weight %q %s, such as 0.25", s, msg)
		} else {
			v.WeightMilligrams = mg
		}
	}

	v.InventoryTracker = strings.ToLower(rd.val(colTracker))
	if s := rd.val(colQty); s != "" {
		n, err := strconv.ParseInt(s, 10, 32)
		switch {
		case err != nil:
			rd.reject(b, colQty, "inventory quantity %q is not a whole number: write a count such as 12", s)
		case n < 0:
			rd.reject(b, colQty, "inventory quantity %d is negative: write the stock you have, 0 or more", n)
		default:
			v.InventoryQuantity = int(n)
		}
	}
	switch s := rd.val(colPolicy); strings.ToLower(s) {
	case "", "deny", "false", "no":
		v.InventoryPolicy = PolicyDeny
	case "continue", "true", "yes":
		v.InventoryPolicy = PolicyContinue
	default:
		rd.reject(b, colPolicy, "%q is not an inventory policy: write deny (stop selling when out of stock) or continue (keep selling)", s)
	}
	v.RequiresShipping = rd.boolean(b, colRequiresShipping, true)
	v.Taxable = rd.boolean(b, colTaxable, true)
	if s := rd.val(colVariantImage); s != "" {
		if u, msg := imageURL(s); msg != "" {
			rd.reject(b, colVariantImage, "%s", msg)
		} else {
			v.ImageSrc = u
		}
	}

	if len(b.p.Variants) >= rd.lim.MaxVariants {
		if !b.tooManyVariants {
			b.tooManyVariants = true
			rd.rejectAt(b, rd.line, "", "the product has more than %d variants: split it into several products", rd.lim.MaxVariants)
		}
		return
	}
	b.p.Variants = append(b.p.Variants, v)
}

var scientific = regexp.MustCompile(`^[0-9](\.[0-9]+)?[eE]\+?[0-9]+$`)

func describeOptions(names, values []string) string {
	parts := make([]string, len(names))
	for i := range names {
		parts[i] = fmt.Sprintf("%s %q", names[i], values[i])
	}
	return strings.Join(parts, ", ")
}

var (
	thousands    = regexp.MustCompile(`^[0-9]{1,3}(,[0-9]{3})+(\.[0-9]*)?$`)
	decimalComma = regexp.MustCompile(`^[0-9]+,[0-9]+$`)
)

// money parses a price in the shop's currency, explaining what to write
// instead when it cannot.
func (rd *reader) money(b *builder, c col, s string) (money.Money, bool) {
	var msg string
	switch {
	case strings.HasPrefix(s, "-"):
		msg = fmt.Sprintf("%q is negative: prices cannot be below 0", s)
	case thousands.MatchString(s):
		msg = fmt.Sprintf("%q has thousands separators: write it without them, such as %s", s, strings.ReplaceAll(s, ",", ""))
	case decimalComma.MatchString(s):
		msg = fmt.Sprintf("%q uses a comma as decimal separator: write it with a dot, such as %s", s, strings.Replace(s, ",", ".", 1))
	case strings.IndexFunc(s, func(r rune) bool { return (r < '0' || r > '9') && r != '.' }) >= 0:
		msg = fmt.Sprintf("%q is not a plain amount: write digits with a dot for decimals and no currency symbol or code, such as 12.99", s)
	case len(s) > 16:
		msg = fmt.Sprintf("%q is too large an amount", s)
	default:
		m, err := money.Parse(s, rd.cur)
		if err == nil {
			return m, true
		}
		msg = err.Error()
	}
	rd.reject(b, c, "%s", msg)
	return money.Money{}, false
}

var (
	decimalNumber = regexp.MustCompile(`^[0-9]{1,9}(\.[0-9]{0,12})?$`)
	mgPerUnit     = map[string]*ratio{
		UnitGram:     {1000, 1},
		UnitKilogram: {1_000_000, 1},
		UnitPound:    {45_359_237, 100},     // 453.59237 g, exactly
		UnitOunce:    {28_349_523_125, 1e6}, // 28.349523125 g, exactly
	}
)

type ratio struct{ num, den int64 }

// parseWeight reads a non-negative decimal weight in unit as milligrams,
// rounded half up; msg says what is wrong when it cannot.
func parseWeight(s, unit string) (mg int64, msg string) {
	if strings.HasPrefix(s, "-") {
		return 0, "is negative: write 0 or more"
	}
	if !decimalNumber.MatchString(s) {
		return 0, "is not a number: write it with digits and a dot for decimals"
	}
	whole, frac, _ := strings.Cut(s, ".")
	// mg = whole.frac × num/den = (whole·10^k + frac) × num / (10^k × den),
	// exactly, then rounded half up.
	n, _ := new(big.Int).SetString(whole+frac, 10)
	d := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(len(frac))), nil)
	r := mgPerUnit[unit]
	n.Mul(n, big.NewInt(r.num))
	d.Mul(d, big.NewInt(r.den))
	n.Add(n, new(big.Int).Rsh(d, 1))
	return n.Quo(n, d).Int64(), ""
}

// image reads the image on the current row; it reports whether there was
// one.
func (rd *reader) image(b *builder) bool {
	src, pos, alt := rd.val(colImageSrc), rd.val(colImagePosition), rd.val(colImageAlt)
	if src == "" {
		if pos != "" || alt != "" {
			rd.warnf(rd.line, b.p.Handle, rd.colName(colImageSrc), "the image position or alt text has no image URL and is ignored")
		}
		return false
	}
	img := pendingImage{alt: alt}
	u, msg := imageURL(src)
	if msg != "" {
		rd.reject(b, colImageSrc, "%s", msg)
	}
	img.src = u
	if pos != "" {
		n, err := strconv.ParseInt(pos, 10, 32)
		if err != nil || n < 1 {
			rd.reject(b, colImagePosition, "image position %q is not a whole number from 1: write 1 for the main image, 2 for the next…", pos)
		} else {
			img.pos = int(n)
		}
	}
	if len(b.images) >= rd.lim.MaxImages {
		if !b.tooManyImages {
			b.tooManyImages = true
			rd.rejectAt(b, rd.line, rd.colName(colImageSrc), "the product has more than %d images: keep the best %d", rd.lim.MaxImages, rd.lim.MaxImages)
		}
		return true
	}
	b.images = append(b.images, img)
	return true
}

// imageURL checks an image address; protocol-relative ones ("//cdn…"),
// which old Shopify exports contain, get https.
func imageURL(s string) (string, string) {
	if strings.HasPrefix(s, "//") {
		s = "https:" + s
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || strings.ContainsAny(s, " \t\n") {
		return s, fmt.Sprintf("%q is not a web address: give the image's full http:// or https:// URL", s)
	}
	return s, ""
}

// finish completes the products, reports duplicate SKUs and keeps the
// products without errors.
func (rd *reader) finish() {
	skus := make([]string, 0, len(rd.skus))
	for sku, uses := range rd.skus {
		if len(uses) > 1 {
			skus = append(skus, sku)
		}
	}
	sort.Strings(skus)
	for _, sku := range skus {
		uses := rd.skus[sku]
		for i, u := range uses {
			// Name a few of the other lines, not all: a file with one SKU
			// on every row would otherwise get quadratic messages.
			const shown = 5
			var others []string
			for j, o := range uses {
				if j != i && len(others) < shown {
					others = append(others, strconv.Itoa(o.line))
				}
			}
			where := "line " + others[0]
			if len(others) > 1 {
				where = "lines " + strings.Join(others, ", ")
			}
			if more := len(uses) - 1 - len(others); more > 0 {
				where += fmt.Sprintf(" and %d more", more)
			}
			rd.rejectAt(u.b, u.line, rd.colName(colSKU), "SKU %q is also used on %s: give every variant its own SKU", sku, where)
		}
	}
	for _, b := range rd.order {
		if !b.rejected {
			b.complete()
			rd.res.Products = append(rd.res.Products, b.p)
		}
	}
	sort.SliceStable(rd.res.Errors, func(i, j int) bool { return rd.res.Errors[i].Line < rd.res.Errors[j].Line })
	sort.SliceStable(rd.res.Warnings, func(i, j int) bool { return rd.res.Warnings[i].Line < rd.res.Warnings[j].Line })
}

// complete derives the options from the variants and orders the images.
func (b *builder) complete() {
	p := &b.p
	for i := range b.nopts {
		o := Option{Name: b.optNames[i]}
		for _, v := range p.Variants {
			if !slices.Contains(o.Values, v.Options[i]) {
				o.Values = append(o.Values, v.Options[i])
			}
		}
		p.Options = append(p.Options, o)
	}
	if len(p.Options) == 1 && strings.EqualFold(p.Options[0].Name, "Title") &&
		len(p.Variants) == 1 && strings.EqualFold(p.Variants[0].Options[0], "Default Title") {
		p.Options = nil // Shopify's way of writing "no options"
		p.Variants[0].Options = nil
	}
	for i := range p.Variants {
		if len(p.Variants[i].Options) == 0 {
			p.Variants[i].Options = nil
		}
	}

	// Images without a position follow the highest position so far, in
	// file order; equal positions keep file order.
	maxPos := 0
	for i := range b.images {
		if b.images[i].pos == 0 {
			b.images[i].pos = maxPos + 1
		}
		maxPos = max(maxPos, b.images[i].pos)
	}
	sort.SliceStable(b.images, func(i, j int) bool { return b.images[i].pos < b.images[j].pos })
	for _, img := range b.images {
		if k := slices.IndexFunc(p.Images, func(x Image) bool { return x.Src == img.src }); k >= 0 {
			if p.Images[k].AltText == "" {
				p.Images[k].AltText = img.alt
			}
			continue
		}
		p.Images = append(p.Images, Image{Src: img.src, Position: len(p.Images) + 1, AltText: img.alt})
	}
}
