package category

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// all returns every node in display order.
func all() []*Node {
	var nodes []*Node
	var walk func([]*Node)
	walk = func(ns []*Node) {
		for _, n := range ns {
			nodes = append(nodes, n)
			walk(n.Children)
		}
	}
	walk(Tree())
	return nodes
}

func TestTopLevel(t *testing.T) {
	want := []string{
		"Beauty & Personal Care", "Womenswear & Underwear", "Menswear", "Shoes",
		"Phones & Electronics", "Computers & Office Equipment", "Home Supplies",
		"Kitchenware", "Furniture", "Home Improvement", "Food & Beverages", "Health",
		"Sports & Outdoor", "Toys & Hobbies", "Baby & Maternity", "Pet Supplies",
		"Fashion Accessories", "Jewellery Accessories & Derivatives", "Luggage & Bags",
		"Automotive & Motorcycle", "Books, Magazines & Audio", "Tools & Hardware", "Other",
	}
	var got []string
	for _, n := range Tree() {
		got = append(got, n.Name)
		if n.ID == Other {
			if len(n.Children) != 0 {
				t.Errorf("Other has subcategories %v; it is the catch-all", n.Children)
			}
			continue
		}
		if c := len(n.Children); c < 3 || c > 8 {
			t.Errorf("%s has %d subcategories, want 3–8", n.ID, c)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("top-level categories (-want +got):\n%s", diff)
	}
}

func TestIDs(t *testing.T) {
	wellFormed := regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	ids := map[string]bool{}
	names := map[string]string{}
	nodes := all()
	for _, n := range nodes {
		if !wellFormed.MatchString(n.ID) {
			t.Errorf("ID %q is not lower-case words joined by dashes", n.ID)
		}
		if ids[n.ID] {
			t.Errorf("ID %q is used twice", n.ID)
		}
		ids[n.ID] = true
		name := strings.ToLower(n.Name)
		if other, dup := names[name]; dup {
			t.Errorf("name %q is used by %s and %s", n.Name, other, n.ID)
		}
		names[name] = n.ID

		if got, ok := Get(n.ID); !ok || got != n {
			t.Errorf("Get(%q) = %v, %v; want the node itself", n.ID, got, ok)
		}
		if !Valid(n.ID) {
			t.Errorf("Valid(%q) = false", n.ID)
		}
		for _, c := range n.Children {
			if c.ParentID != n.ID {
				t.Errorf("%s sits under %s but has ParentID %q", c.ID, n.ID, c.ParentID)
			}
		}
	}
	for _, n := range Tree() {
		if n.ParentID != "" {
			t.Errorf("top-level %s has ParentID %q", n.ID, n.ParentID)
		}
	}
	if len(nodes) < 23*4 {
		t.Errorf("only %d nodes", len(nodes))
	}
}

func TestPath(t *testing.T) {
	for _, n := range all() {
		p := Path(n.ID)
		if len(p) == 0 || p[len(p)-1] != n || p[0].ParentID != "" {
			t.Fatalf("Path(%q) = %v: want top level … node", n.ID, ids(p))
		}
		for i := 1; i < len(p); i++ {
			if p[i].ParentID != p[i-1].ID {
				t.Errorf("Path(%q) = %v: %s is not a child of %s", n.ID, ids(p), p[i].ID, p[i-1].ID)
			}
		}
	}
	if diff := cmp.Diff([]string{"shoes", "sneakers"}, ids(Path("sneakers"))); diff != "" {
		t.Errorf("Path(sneakers) (-want +got):\n%s", diff)
	}
}

func TestDescendants(t *testing.T) {
	for _, top := range Tree() {
		got := Descendants(top.ID)
		if len(got) == 0 || got[0] != top.ID {
			t.Fatalf("Descendants(%q) = %v: want the ID itself first", top.ID, got)
		}
		for _, c := range top.Children {
			if !slices.Contains(got, c.ID) {
				t.Errorf("Descendants(%q) = %v: missing child %s", top.ID, got, c.ID)
			}
		}
		if want := 1 + len(top.Children); len(got) != want {
			t.Errorf("Descendants(%q) has %d IDs, want %d (itself and its children)", top.ID, len(got), want)
		}
	}
	if diff := cmp.Diff([]string{"sneakers"}, Descendants("sneakers")); diff != "" {
		t.Errorf("Descendants of a leaf (-want +got):\n%s", diff)
	}
}

func TestUnknownID(t *testing.T) {
	for _, id := range []string{"", "nope", "Makeup", " makeup", "shoes/sneakers"} {
		if n, ok := Get(id); ok || n != nil {
			t.Errorf("Get(%q) = %v, %v", id, n, ok)
		}
		if Valid(id) {
			t.Errorf("Valid(%q) = true", id)
		}
		if p := Path(id); p != nil {
			t.Errorf("Path(%q) = %v, want nil", id, ids(p))
		}
		if d := Descendants(id); d != nil {
			t.Errorf("Descendants(%q) = %v, want nil", id, d)
		}
	}
}

// TestAnyDepth loads a deeper tree than the embedded one: nothing may
// assume two levels.
func TestAnyDepth(t *testing.T) {
	x, err := load([]byte(`[
		{"id": "pets", "name": "Pets", "keywords": ["pet"], "context": ["dog"], "children": [
			{"id": "pet-food", "name": "Pet Food", "children": [
				{"id": "dog-food", "name": "Dog Food", "keywords": ["kibble"], "children": [
					{"id": "puppy-food", "name": "Puppy Food", "keywords": ["puppy"]}
				]},
				{"id": "cat-food", "name": "Cat Food"}
			]}
		]},
		{"id": "food", "name": "Food", "keywords": ["food"]},
		{"id": "other", "name": "Other"}
	]`))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"pets", "pet-food", "dog-food", "puppy-food"}, ids(x.path("puppy-food"))); diff != "" {
		t.Errorf("path (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"pet-food", "dog-food", "puppy-food", "cat-food"}, x.descendants("pet-food")); diff != "" {
		t.Errorf("descendants (-want +got):\n%s", diff)
	}
	if n, _ := x.get("puppy-food"); n.ParentID != "dog-food" {
		t.Errorf("puppy-food ParentID = %q", n.ParentID)
	}
	for text, want := range map[string]string{
		"food for puppies": "puppy-food", // one word each: the deeper wins
		"dog kibble":       "dog-food",   // kibble, plus dog from Pets' context
		"food":             "food",
		"dog":              "pets", // context only, nothing else matched
		"pet food":         "pet-food",
		"cat":              "other",
	} {
		if got := x.nodes[x.resolve(text)].ID; got != want {
			t.Errorf("resolve(%q) = %s, want %s", text, got, want)
		}
	}
}

// TestLoadRejects checks that mistakes in tree.json stop the build (init
// panics) instead of quietly giving a tree that matches badly.
func TestLoadRejects(t *testing.T) {
	const other = `{"id": "other", "name": "Other"}`
	for _, tc := range []struct{ name, data, wantErr string }{
		{"not JSON", `[{`, "unexpected EOF"},
		{"unknown field", `[{"id": "kit", "name": "Kit", "keyword": ["x"]}, ` + other + `]`, "unknown field"},
		{"upper-case ID", `[{"id": "Shoes", "name": "Shoes"}, ` + other + `]`, "lower-case"},
		{"underscore in ID", `[{"id": "mens_shoes", "name": "Men's Shoes"}, ` + other + `]`, "lower-case"},
		{"double dash in ID", `[{"id": "mens--shoes", "name": "Men's Shoes"}, ` + other + `]`, "lower-case"},
		{"duplicate ID", `[{"id": "kit", "name": "Kit", "children": [{"id": "kit", "name": "Bag"}]}, ` + other + `]`, "used twice"},
		{"IDs read the same", `[{"id": "shoe", "name": "Kit"}, {"id": "shoes", "name": "Bag"}, ` + other + `]`, "reads the same"},
		{"ID of filler words only", `[{"id": "a-the", "name": "Kit"}, ` + other + `]`, "no words"},
		{"no name", `[{"id": "kit"}, ` + other + `]`, "no name"},
		{"name of another's ID", `[{"id": "shoes", "name": "Shoes"}, {"id": "boots", "name": "Shoes"}, ` + other + `]`, "reads the same"},
		{"keyword without words", `[{"id": "kit", "name": "Kit", "keywords": ["&"]}, ` + other + `]`, "no words"},
		{"keyword twice", `[{"id": "kit", "name": "Kit", "keywords": ["nail", "Nails"]}, ` + other + `]`, "listed twice"},
		{"no other", `[{"id": "kit", "name": "Kit"}]`, `"other"`},
		{"other not top level", `[{"id": "kit", "name": "Kit", "children": [` + other + `]}]`, `"other"`},
	} {
		_, err := load([]byte(tc.data))
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("%s: load(%s) = %v, want an error about %s", tc.name, tc.data, err, tc.wantErr)
		}
	}
}

func ids(nodes []*Node) []string {
	var s []string
	for _, n := range nodes {
		s = append(s, n.ID)
	}
	return s
}
