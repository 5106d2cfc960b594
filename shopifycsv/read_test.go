package shopifycsv

import (
	"bytes"
	"encoding/csv"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/loopshop/loopshop"
)

// testHeader is a classic header with the columns the validation tests
// need, Option4 included to test the three-option limit.
var testHeader = []string{
	"Handle", "Title", "Body (HTML)", "Status", "Published",
	"Option1 Name", "Option1 Value", "Option2 Name", "Option2 Value", "Option3 Name", "Option3 Value", "Option4 Name", "Option4 Value",
	"Variant SKU", "Variant Price", "Variant Compare At Price", "Variant Inventory Qty", "Variant Inventory Policy",
	"Variant Requires Shipping", "Variant Barcode", "Variant Grams", "Variant Weight Unit", "Image Src", "Image Position",
}

// row is one CSV row by column name; file writes rows under testHeader.
type row map[string]string

func file(rows ...row) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write(testHeader) // a bytes.Buffer does not fail; Flush reports the rest
	for _, r := range rows {
		rec := make([]string, len(testHeader))
		for i, h := range testHeader {
			rec[i] = r[h]
		}
		_ = w.Write(rec)
	}
	w.Flush()
	return b.Bytes()
}

// product returns the first row of a valid single-variant product.
func product(handle string, more ...string) row {
	r := row{"Handle": handle, "Title": strings.ToUpper(handle), "Status": "active",
		"Option1 Name": "Title", "Option1 Value": "Default Title", "Variant Price": "10.00", "Variant Inventory Qty": "1"}
	return with(r, more...)
}

// variant returns a later row of handle, with an Option1 Value.
func variant(handle, value string, more ...string) row {
	return with(row{"Handle": handle, "Option1 Value": value, "Variant Price": "10.00"}, more...)
}

// with sets column/value pairs; an empty value clears the column.
func with(r row, kv ...string) row {
	for i := 0; i+1 < len(kv); i += 2 {
		r[kv[i]] = kv[i+1]
	}
	return r
}

func sized(handle string, more ...string) row {
	return product(handle, append([]string{"Option1 Name", "Size", "Option1 Value", "S"}, more...)...)
}

func TestReadValidation(t *testing.T) {
	tests := []struct {
		name string
		rows []row
		// want lists the errors by line, handle and column, with a part
		// of the message that tells the seller what to do.
		want []RowError
		kept []string
	}{
		{
			name: "valid products are kept",
			rows: []row{sized("shirt"), variant("shirt", "M"), product("mug")},
			kept: []string{"shirt", "mug"},
		},
		{
			name: "a variant row without handle rejects the product above",
			rows: []row{sized("shirt"), variant("", "M"), product("mug")},
			want: []RowError{{3, "shirt", "Handle", `the row has no handle: write its product's handle ("shirt", if this row belongs to the product above)`}},
			kept: []string{"mug"},
		},
		{
			name: "a product row without handle",
			rows: []row{product("mug"), product("", "Title", "Orphan")},
			want: []RowError{{3, "", "Handle", "the row has no handle"}},
			kept: []string{"mug"},
		},
		{
			name: "variant without price",
			rows: []row{sized("shirt"), variant("shirt", "M", "Variant Price", ""), product("mug")},
			want: []RowError{{3, "shirt", "Variant Price", "the variant has no price: write one in Variant Price, such as 19.99"}},
			kept: []string{"mug"},
		},
		{
			name: "decimal comma",
			rows: []row{product("mug", "Variant Price", "12,99")},
			want: []RowError{{2, "mug", "Variant Price", `"12,99" uses a comma as decimal separator: write it with a dot, such as 12.99`}},
		},
		{
			name: "thousands separator",
			rows: []row{product("sofa", "Variant Price", "1,299.00")},
			want: []RowError{{2, "sofa", "Variant Price", "write it without them, such as 1299.00"}},
		},
		{
			name: "currency symbol",
			rows: []row{product("mug", "Variant Compare At Price", "$12")},
			want: []RowError{{2, "mug", "Variant Compare At Price", "no currency symbol or code"}},
		},
		{
			name: "more decimals than the currency has",
			rows: []row{product("mug", "Variant Price", "12.999")},
			want: []RowError{{2, "mug", "Variant Price", "more than 2 decimal places for GBP"}},
		},
		{
			name: "negative price",
			rows: []row{product("mug", "Variant Price", "-1")},
			want: []RowError{{2, "mug", "Variant Price", "prices cannot be below 0"}},
		},
		{
			name: "negative inventory",
			rows: []row{product("mug", "Variant Inventory Qty", "-3"), product("cup")},
			want: []RowError{{2, "mug", "Variant Inventory Qty", "inventory quantity -3 is negative: write the stock you have, 0 or more"}},
			kept: []string{"cup"},
		},
		{
			name: "fractional inventory",
			rows: []row{product("mug", "Variant Inventory Qty", "1.5")},
			want: []RowError{{2, "mug", "Variant Inventory Qty", "is not a whole number"}},
		},
		{
			name: "more than three options",
			rows: []row{product("shirt", "Option1 Name", "Color", "Option1 Value", "Red", "Option2 Name", "Size", "Option2 Value", "S",
				"Option3 Name", "Fit", "Option3 Value", "Slim", "Option4 Name", "Sleeve", "Option4 Value", "Long"), product("mug")},
			want: []RowError{{2, "shirt", "Option4 Name", "more than 3 options: Shopify and loopshop allow at most Option1 to Option3"}},
			kept: []string{"mug"},
		},
		{
			name: "duplicate SKU in two products rejects both",
			rows: []row{product("mug", "Variant SKU", "X-1"), product("cup", "Variant SKU", "X-1"), product("bowl", "Variant SKU", "X-2")},
			want: []RowError{
				{2, "mug", "Variant SKU", `SKU "X-1" is also used on line 3: give every variant its own SKU`},
				{3, "cup", "Variant SKU", `SKU "X-1" is also used on line 2`},
			},
			kept: []string{"bowl"},
		},
		{
			name: "duplicate option values within a product",
			rows: []row{sized("shirt"), variant("shirt", "M"), variant("shirt", "S"), product("mug")},
			want: []RowError{{4, "shirt", "Option1 Value", `the variant repeats the option values Size "S" of the variant on line 2: give each variant a different combination`}},
			kept: []string{"mug"},
		},
		{
			name: "two variants without options",
			rows: []row{product("mug", "Option1 Name", "", "Option1 Value", ""), with(variant("mug", ""), "Variant SKU", "M2")},
			want: []RowError{{3, "mug", "Option1 Value", "already has a variant on line 2 and has no options: name an option in Option1 Name"}},
		},
		{
			name: "unknown status",
			rows: []row{product("mug", "Status", "live"), product("cup", "Status", "Draft")},
			want: []RowError{{2, "mug", "Status", `status "live" is not a Shopify status: use active, draft or archived`}},
			kept: []string{"cup"},
		},
		{
			// The description spans lines 2 to 4, so the price after it
			// is on line 4 and the next row starts on line 5.
			name: "lines count the lines of quoted multi-line fields",
			rows: []row{
				sized("shirt", "Body (HTML)", "<p>one</p>\n<p>two</p>\n<p>three</p>", "Variant Price", "12,99"),
				variant("shirt", "S"),
				product("mug", "Body (HTML)", "a\r\nb"),
				product("cup", "Variant Inventory Qty", "many"),
			},
			want: []RowError{
				{4, "shirt", "Variant Price", "uses a comma"},
				{5, "shirt", "Option1 Value", "of the variant on line 2"},
				{8, "cup", "Variant Inventory Qty", "not a whole number"},
			},
			kept: []string{"mug"},
		},
		{
			name: "first row without title",
			rows: []row{product("mug", "Title", "")},
			want: []RowError{{2, "mug", "Title", `the first row of product "mug" has no title`}},
		},
		{
			name: "one handle for two products",
			rows: []row{product("mug"), product("mug", "Title", "Big Mug"), product("cup")},
			want: []RowError{{3, "mug", "Title", `the row has Title "Big Mug" but handle "mug" belongs to "MUG" on line 2: give each product its own handle`}},
			kept: []string{"cup"},
		},
		{
			name: "a handle used again after another product",
			rows: []row{product("mug"), product("cup"), product("mug")},
			want: []RowError{{4, "mug", "Handle", `handle "mug" is already used by the product on line 2`}},
			kept: []string{"cup"},
		},
		{
			name: "a variant row after another product joins its handle",
			rows: []row{sized("shirt"), product("cup"), variant("shirt", "M")},
			kept: []string{"shirt", "cup"},
		},
		{
			name: "option value without option name",
			rows: []row{product("mug", "Option1 Name", "", "Option1 Value", "Red")},
			want: []RowError{{2, "mug", "Option1 Value", `Option1 Value "Red" has no Option1 Name on the product's first row (line 2)`}},
		},
		{
			name: "variant without a value for a named option",
			rows: []row{sized("shirt"), variant("shirt", "", "Variant SKU", "S2")},
			want: []RowError{{3, "shirt", "Option1 Value", "the variant has no Option1 Value: every variant of this product needs a Size"}},
		},
		{
			name: "an option renamed on a later row",
			rows: []row{sized("shirt"), variant("shirt", "M", "Option1 Name", "Colour"), variant("shirt", "L", "Option1 Name", "size")},
			want: []RowError{{3, "shirt", "Option1 Name", `Option1 Name "Colour" differs from "Size" on the product's first row (line 2)`}},
		},
		{
			name: "rows of empty cells are skipped but counted as lines",
			rows: []row{product("mug"), {}, {"Handle": " "}, product("cup", "Variant Price", "x")},
			want: []RowError{{5, "cup", "Variant Price", "not a plain amount"}},
			kept: []string{"mug"},
		},
		{
			name: "option names out of order",
			rows: []row{product("mug", "Option1 Name", "", "Option1 Value", "", "Option2 Name", "Size", "Option2 Value", "S")},
			want: []RowError{{2, "mug", "Option2 Name", "fill the options in order, from Option1"}},
		},
		{
			name: "other bad values",
			rows: []row{
				product("a", "Variant Requires Shipping", "maybe"),
				product("b", "Variant Inventory Policy", "sometimes"),
				product("c", "Variant Barcode", "3.65275E+11"),
				product("d", "Image Src", "photo.jpg"),
				product("e", "Image Src", "https://cdn.example.net/e.jpg", "Image Position", "0"),
				product("f", "Variant Weight Unit", "stone"),
				product("g", "Variant Grams", "-5"),
				product("h", "Published", "yes", "Variant Barcode", "'0123"),
			},
			want: []RowError{
				{2, "a", "Variant Requires Shipping", `"maybe" is not TRUE or FALSE`},
				{3, "b", "Variant Inventory Policy", "write deny (stop selling when out of stock) or continue"},
				{4, "c", "Variant Barcode", "turned into a number by a spreadsheet"},
				{5, "d", "Image Src", `"photo.jpg" is not a web address`},
				{6, "e", "Image Position", "not a whole number from 1"},
				{7, "f", "Variant Weight Unit", "use g, kg, lb or oz"},
				{8, "g", "Variant Grams", "is negative"},
			},
			kept: []string{"h"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := mustRead(t, file(tt.rows...), "GBP")
			if len(res.Errors) != len(tt.want) {
				t.Fatalf("got %d errors, want %d:\n%v", len(res.Errors), len(tt.want), res.Errors)
			}
			for i, w := range tt.want {
				g := res.Errors[i]
				if g.Line != w.Line || g.Handle != w.Handle || g.Column != w.Column || !strings.Contains(g.Message, w.Message) {
					t.Errorf("error %d:\n got  %v\n want %v", i, g, w)
				}
			}
			var kept []string
			for _, p := range res.Products {
				kept = append(kept, p.Handle)
			}
			if diff := cmp.Diff(tt.kept, kept); diff != "" {
				t.Errorf("kept products (-want +got):\n%s", diff)
			}
		})
	}
}

// TestReadManyDuplicateSKUs checks that a SKU repeated on every row gives
// one bounded message per row, not a list of every other row.
func TestReadManyDuplicateSKUs(t *testing.T) {
	rows := []row{sized("shirt", "Variant SKU", "X")}
	for _, size := range []string{"M", "L", "XL", "2XL", "3XL", "4XL", "5XL"} {
		rows = append(rows, variant("shirt", size, "Variant SKU", "X"))
	}
	res := mustRead(t, file(rows...), "GBP")
	if len(res.Errors) != 8 {
		t.Fatalf("got %d errors, want one per row: %v", len(res.Errors), res.Errors)
	}
	if got, want := res.Errors[0].Message, `SKU "X" is also used on lines 3, 4, 5, 6, 7 and 2 more: give every variant its own SKU`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestReadKeepsWhatSpreadsheetsMangle(t *testing.T) {
	res := mustRead(t, file(product("h", "Variant Barcode", "'0123", "Status", "", "Published", "FALSE", "Variant Grams", "283.4952313")), "GBP")
	if len(res.Errors) > 0 {
		t.Fatal(res.Errors)
	}
	v := res.Products[0].Variants[0]
	if v.Barcode != "0123" || v.WeightMilligrams != 283_495 || res.Products[0].Status != StatusDraft {
		t.Errorf("barcode %q, weight %d mg, status %q; want 0123, 283495, draft (Published FALSE without Status)", v.Barcode, v.WeightMilligrams, res.Products[0].Status)
	}
}

func TestReadWeights(t *testing.T) {
	tests := []struct {
		name, grams, weight, unit string
		mg                        int64
	}{
		{"grams as exported", "0.0", "", "kg", 0},
		{"fractional grams round half up", "226.7965", "", "oz", 226_797},
		{"Variant Weight in kilograms", "", "1.25", "kg", 1_250_000},
		{"Variant Weight in pounds", "", "1", "lb", 453_592},
		{"Variant Weight in ounces", "", "8", "oz", 226_796},
		{"Variant Weight in lbs", "", "2", "lbs", 907_185},
		{"grams win over Variant Weight", "100", "5", "kg", 100_000},
	}
	header := "Handle,Title,Variant Price,Variant Grams,Variant Weight,Variant Weight Unit\n"
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := mustRead(t, []byte(header+"w,W,1,"+tt.grams+","+tt.weight+","+tt.unit+"\n"), "GBP")
			if len(res.Errors) > 0 {
				t.Fatal(res.Errors)
			}
			if got := res.Products[0].Variants[0].WeightMilligrams; got != tt.mg {
				t.Errorf("got %d mg, want %d", got, tt.mg)
			}
		})
	}
	res := mustRead(t, []byte(header+"w,W,1,,2,\n"), "GBP")
	if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Message, "has no unit") {
		t.Errorf("a Variant Weight without unit gave %v", res.Errors)
	}
}

func TestReadCurrencyDecidesDecimals(t *testing.T) {
	data := []byte("Handle,Title,Variant Price\nmug,Mug,1500\ncup,Cup,15.5\n")
	res := mustRead(t, data, "JPY")
	if len(res.Products) != 1 || res.Products[0].Variants[0].Price.Amount != 1500 || res.Products[0].Variants[0].Price.Currency != "JPY" {
		t.Errorf("JPY products %+v", res.Products)
	}
	if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Message, "more than 0 decimal places for JPY") {
		t.Errorf("JPY errors %v", res.Errors)
	}
}

func TestReadHeaders(t *testing.T) {
	tests := []struct {
		name   string
		header string
		row    string
	}{
		{"classic", "Handle,Title,Variant Price,Variant Inventory Qty,Variant Inventory Policy,Published", "mug,Mug,9.50,4,continue,FALSE"},
		{"current", "Title,URL handle,Price,Inventory quantity,Continue selling when out of stock,Published on online store", "Mug,mug,9.50,4,CONTINUE,FALSE"},
		{"any case and spacing", "HANDLE , title,variant  price,VARIANT INVENTORY QTY,variant inventory policy,published", "mug,Mug,9.50,4,Continue,false"},
	}
	var first []Product
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := mustRead(t, []byte(tt.header+"\r\n"+tt.row+"\r\n"), "GBP")
			if len(res.Errors) > 0 || len(res.Warnings) > 0 {
				t.Fatalf("errors %v warnings %v", res.Errors, res.Warnings)
			}
			p := res.Products[0]
			if p.Handle != "mug" || p.Status != StatusDraft || p.Variants[0].InventoryQuantity != 4 || p.Variants[0].InventoryPolicy != PolicyContinue || p.Variants[0].Price.Amount != 950 {
				t.Errorf("got %+v", p)
			}
			if first == nil {
				first = res.Products
			} else if diff := cmp.Diff(first, res.Products); diff != "" {
				t.Errorf("differs from the classic header's products:\n%s", diff)
			}
		})
	}
}

func TestReadWarnsOnceForUnknownColumns(t *testing.T) {
	data := []byte("Handle,Title,Variant Price,Notes,Google Shopping / Gender,Variant Tax Code,\n" +
		"mug,Mug,1,fragile,unisex,X,\ncup,Cup,1,,,,\nbowl,Bowl,1,x,,,\n")
	res := mustRead(t, data, "GBP")
	want := []RowError{
		{Line: 1, Column: "Notes", Message: `column "Notes" is not a Shopify product column and is ignored`},
		{Line: 1, Message: "column 7 has no name and is ignored"},
		{Line: 1, Message: "these Shopify columns are not imported into loopshop and are ignored: Google Shopping / Gender, Variant Tax Code"},
	}
	if diff := cmp.Diff(want, res.Warnings); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	if len(res.Products) != 3 || len(res.Errors) != 0 {
		t.Errorf("products %d errors %v", len(res.Products), res.Errors)
	}
}

func TestReadWarnings(t *testing.T) {
	rows := []row{
		sized("shirt", "Body (HTML)", "Long"),
		with(variant("shirt", "M"), "Body (HTML)", "Short", "Status", "active"),
		{"Handle": "shirt", "Image Position": "2"},
		{"Handle": "shirt", "Image Src": "https://cdn.example.net/2.jpg", "Variant Requires Shipping": "TRUE", "Variant Inventory Policy": "deny"},
		product("mug", "Title", "Caf\u00c3\u00a9 Mug"),
	}
	res := mustRead(t, file(rows...), "GBP")
	if len(res.Errors) > 0 {
		t.Fatal(res.Errors)
	}
	var got []string
	for _, w := range res.Warnings {
		got = append(got, w.Message)
	}
	want := []string{
		"Body (HTML) on this row differ from the product's first row (line 2) and are ignored",
		"the image position or alt text has no image URL and is ignored",
		"the row has neither variant nor image data and is ignored",
		"Variant Inventory Policy, Variant Requires Shipping on this row are ignored: the row has no option value, SKU or price, so it adds no variant",
		"the file was saved in the wrong encoding",
	}
	if len(got) != len(want) {
		t.Fatalf("warnings %q", got)
	}
	for i := range want {
		if !strings.Contains(got[i], want[i]) {
			t.Errorf("warning %d = %q, want it to say %q", i, got[i], want[i])
		}
	}
}

func TestReadFileErrors(t *testing.T) {
	tests := []struct {
		name string
		data string
		opts Options
		code string
		msg  string
	}{
		{"empty", "", Options{}, loopshop.EINVALID, "the file is empty"},
		{"no handle column", "Title,Variant Price\nMug,1\n", Options{}, loopshop.EINVALID, `no "Handle" column ("URL handle" in Shopify's current template)`},
		{"no price column", "Handle,Title\nmug,Mug\n", Options{}, loopshop.EINVALID, `no "Variant Price" column`},
		{"a column twice", "Handle,Title,Variant Price,Price\nmug,Mug,1,1\n", Options{}, loopshop.EINVALID, `columns 3 ("Variant Price") and 4 ("Price") are the same Shopify column`},
		{"bare quote", "Handle,Title,Variant Price\nmug,Mug,1\ncup,The \"Cup\",1\n", Options{}, loopshop.EINVALID, "line 3, column 9"},
		{"unterminated quote", "Handle,Title,Variant Price\nmug,\"Mug,1\n", Options{}, loopshop.EINVALID, `write each " inside it as ""`},
		{"utf-16", "\xff\xfeH\x00a\x00", Options{}, loopshop.EINVALID, "UTF-16"},
		{"bad currency", "Handle,Title,Variant Price\n", Options{Currency: "pounds"}, loopshop.EINVALID, "not an ISO 4217 code"},
		{"too many bytes", "Handle,Title,Variant Price\n" + strings.Repeat("mug,Mug,1\n", 20), Options{Limits: Limits{MaxBytes: 100}}, loopshop.ETOOLARGE, "larger than 100 bytes"},
		{"too many rows", "Handle,Title,Variant Price\n" + strings.Repeat("mug,Mug,1\n", 4), Options{Limits: Limits{MaxRows: 3}}, loopshop.ETOOLARGE, "more than 3 rows"},
		{"too many columns", strings.Repeat("x,", 10) + "Handle\n", Options{Limits: Limits{MaxColumns: 10}}, loopshop.ETOOLARGE, "11 columns"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.opts.Currency == "" {
				tt.opts.Currency = "GBP"
			}
			res, err := Read(strings.NewReader(tt.data), tt.opts)
			if err == nil {
				t.Fatalf("no error; result %+v", res)
			}
			if loopshop.ErrorCode(err) != tt.code || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("got %v (%s), want %s saying %q", err, loopshop.ErrorCode(err), tt.code, tt.msg)
			}
		})
	}
}

func TestReadAcceptsFileOfExactlyMaxBytes(t *testing.T) {
	data := "Handle,Title,Variant Price\nmug,Mug,1\n"
	res, err := Read(strings.NewReader(data), Options{Currency: "GBP", Limits: Limits{MaxBytes: int64(len(data))}})
	if err != nil || len(res.Products) != 1 {
		t.Fatalf("got %v, %v", res, err)
	}
}

func TestReadRowLimits(t *testing.T) {
	body := strings.Repeat("x", 100)
	data := []byte("Handle,Title,Body (HTML),Variant Price,Option1 Name,Option1 Value,Image Src\n" +
		"long,Long,<p>" + body + "</p>,1,,,\n" +
		"many,Many,,1,Size,1,https://cdn.example.net/1.jpg\n" +
		"many,,,1,,2,https://cdn.example.net/2.jpg\n" +
		"many,,,1,,3,https://cdn.example.net/3.jpg\n" +
		"wide,Wide,,1,,,,extra\n" +
		"ok,OK,,1,,,\n")
	res, err := Read(bytes.NewReader(data), Options{Currency: "GBP", Limits: Limits{MaxFieldBytes: 50, MaxVariants: 2, MaxImages: 2}})
	if err != nil {
		t.Fatal(err)
	}
	want := []RowError{
		{Line: 2, Handle: "long", Column: "Body (HTML)", Message: "the field is 107 bytes long, more than the 50 allowed"},
		{Line: 5, Handle: "many", Message: "the product has more than 2 variants: split it into several products"},
		{Line: 5, Handle: "many", Column: "Image Src", Message: "the product has more than 2 images: keep the best 2"},
		{Line: 6, Handle: "wide", Column: "column 8", Message: "the row has 8 fields but the header has 7: remove the extra fields, or add a header for them"},
	}
	if diff := cmp.Diff(want, res.Errors); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
	if len(res.Products) != 1 || res.Products[0].Handle != "ok" {
		t.Errorf("products %+v", res.Products)
	}
}

func TestReadInvalidUTF8(t *testing.T) {
	res := mustRead(t, []byte("Handle,Title,Variant Price\nmug,Caf\xe9 Mug,1\ncup,Cup,1\n"), "GBP")
	if len(res.Errors) != 1 || res.Errors[0].Line != 2 || res.Errors[0].Column != "Title" || !strings.Contains(res.Errors[0].Message, "CSV UTF-8") {
		t.Errorf("errors %v", res.Errors)
	}
	if len(res.Products) != 1 || res.Products[0].Handle != "cup" {
		t.Errorf("products %+v", res.Products)
	}
}

func TestReadFailingReader(t *testing.T) {
	boom := errors.New("disk on fire")
	_, err := Read(&failingReader{data: "Handle,Title,Variant Price\nmug,Mug,1\n", err: boom}, Options{Currency: "GBP"})
	if !errors.Is(err, boom) {
		t.Errorf("got %v, want the reader's error", err)
	}
}

type failingReader struct {
	data string
	err  error
}

func (f *failingReader) Read(p []byte) (int, error) {
	if f.data == "" {
		return 0, f.err
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

func TestRowErrorString(t *testing.T) {
	e := RowError{Line: 12, Handle: "mug", Column: "Variant Price", Message: "the variant has no price"}
	if got, want := e.Error(), `line 12, Variant Price (product "mug"): the variant has no price`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
