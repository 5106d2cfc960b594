package shopifycsv

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// FuzzRead feeds Read arbitrary bytes. It must never panic; what it
// accepts must be well formed, and writing the accepted products and
// reading them back must give them again, byte for byte on a second write.
func FuzzRead(f *testing.F) {
	for _, name := range []string{"new-format.csv", "packt-export/products_export_1.csv"} {
		f.Add(readFile(f, name))
	}
	f.Add(file(sized("shirt", "Body (HTML)", "<p>a\nb</p><a href=x>y</a>"), variant("shirt", "M"), product("mug", "Image Src", "//cdn.example.net/m.jpg"), row{"Handle": "mug", "Image Src": "https://cdn.example.net/2.jpg", "Image Position": "1"}))
	f.Add([]byte("\xef\xbb\xbfTitle,URL handle,Price,Variant Weight,Variant Weight Unit\r\nMug,mug,1.5,2,lbs\r\n"))
	f.Add([]byte("Handle,Title,Variant Price,Variant Barcode,Tags\nmug,Mug,1,''7,\"a,,b, a\"\n"))

	var b bytes.Buffer
	if err := Write(&b, sampleProducts()); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())

	f.Fuzz(func(t *testing.T, data []byte) {
		opts := Options{Currency: "GBP", Limits: Limits{MaxBytes: 1 << 16, MaxRows: 500}}
		first, err := Read(bytes.NewReader(data), opts)
		if err != nil {
			if first != nil {
				t.Fatalf("Read returned a result with error %v", err)
			}
			return
		}
		for _, e := range append(first.Errors, first.Warnings...) {
			if e.Line < 1 || e.Message == "" {
				t.Fatalf("problem without line or message: %+v", e)
			}
		}
		for _, p := range first.Products {
			if p.Handle == "" || p.Title == "" || len(p.Variants) == 0 || len(p.Options) > 3 {
				t.Fatalf("malformed product accepted: %+v", p)
			}
			for _, v := range p.Variants {
				if len(v.Options) != len(p.Options) || v.Price.Amount < 0 || v.InventoryQuantity < 0 {
					t.Fatalf("malformed variant accepted in %q: %+v", p.Handle, v)
				}
			}
			for i, img := range p.Images {
				if img.Position != i+1 {
					t.Fatalf("image positions of %q not 1…n: %+v", p.Handle, p.Images)
				}
			}
		}

		var out bytes.Buffer
		if err := Write(&out, first.Products); err != nil {
			t.Fatalf("Write refused products Read accepted: %v", err)
		}
		second, err := Read(bytes.NewReader(out.Bytes()), Options{Currency: "GBP"})
		if err != nil {
			t.Fatalf("reading Write's output: %v\n%s", err, out.Bytes())
		}
		if len(second.Errors) > 0 {
			t.Fatalf("reading Write's output: %v\n%s", second.Errors, out.Bytes())
		}
		if diff := cmp.Diff(first.Products, second.Products, ignoreLine); diff != "" {
			t.Fatalf("Read(Write(Read(x))) differs from Read(x) (-first +second):\n%s", diff)
		}
		var again bytes.Buffer
		if err := Write(&again, second.Products); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out.Bytes(), again.Bytes()) {
			t.Fatalf("second Write differs:\n%s\n---\n%s", out.Bytes(), again.Bytes())
		}
	})
}
