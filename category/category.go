package category

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"regexp"
)

// Node is one category. Nodes are shared: callers must not modify them.
type Node struct {
	ID       string  `json:"id"`
	Name     string  `json:"name"`
	ParentID string  `json:"parent_id,omitempty"`
	Children []*Node `json:"children,omitempty"`
}

// Other is the ID of the catch-all category.
const Other = "other"

//go:embed tree.json
var treeJSON []byte

// tree is the index over the embedded data, built once at init. A broken
// tree.json is a programming error caught by the tests, so init panics
// rather than leaving every caller to handle an impossible error.
var tree = mustLoad(treeJSON)

func mustLoad(data []byte) *index {
	x, err := load(data)
	if err != nil {
		panic("category: tree.json: " + err.Error())
	}
	return x
}

// Tree returns the top-level nodes in display order. The slice and the
// nodes are shared and read-only.
func Tree() []*Node {
	return tree.roots[:len(tree.roots):len(tree.roots)]
}

// Get returns the node with this ID.
func Get(id string) (*Node, bool) { return tree.get(id) }

// Valid reports whether id is the ID of a node. IDs are case-sensitive:
// use Resolve for text typed by people.
func Valid(id string) bool {
	_, ok := tree.byID[id]
	return ok
}

// Path returns the nodes from the top level down to id, or nil if id is
// unknown.
func Path(id string) []*Node { return tree.path(id) }

// Descendants returns id followed by the ID of every node below it, in
// display order, or nil if id is unknown. Filtering "everything in Shoes"
// is a match against this list.
func Descendants(id string) []string { return tree.descendants(id) }

// Resolve returns the best node for a seller's free text — a category or
// product type such as "Running shoes", "mens-shirts" or "Necklace" — and
// the Other node when nothing fits; never nil. See the package comment for
// how it chooses.
func Resolve(text string) *Node {
	return tree.nodes[tree.resolve(text)]
}

func (x *index) get(id string) (*Node, bool) {
	i, ok := x.byID[id]
	if !ok {
		return nil, false
	}
	return x.nodes[i], true
}

func (x *index) path(id string) []*Node {
	i, ok := x.byID[id]
	if !ok {
		return nil
	}
	path := make([]*Node, x.depth[i]+1)
	for ; i >= 0; i = x.parent[i] {
		path[x.depth[i]] = x.nodes[i]
	}
	return path
}

func (x *index) descendants(id string) []string {
	i, ok := x.byID[id]
	if !ok {
		return nil
	}
	// Nodes are numbered in display (pre-)order, so a subtree is the run
	// from its root up to the next node that is no deeper.
	end := i + 1
	for end < int32(len(x.nodes)) && x.depth[end] > x.depth[i] {
		end++
	}
	ids := make([]string, 0, end-i)
	for _, n := range x.nodes[i:end] {
		ids = append(ids, n.ID)
	}
	return ids
}

// spec is one node as written in tree.json.
type spec struct {
	ID       string   `json:"id"`
	Name     string   `json:"name"`
	Keywords []string `json:"keywords"`
	// Context words point into this branch without naming a product
	// ("women"); see the package comment.
	Context  []string `json:"context"`
	Children []spec   `json:"children"`
}

var idPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// load checks the tree and builds its index.
func load(data []byte) (*index, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var specs []spec
	if err := dec.Decode(&specs); err != nil {
		return nil, err
	}
	x := &index{
		byID:  map[string]int32{},
		exact: map[string]int32{},
		vocab: map[string]int32{},
	}
	var add func(s spec, parent int32) error
	add = func(s spec, parent int32) error {
		if !idPattern.MatchString(s.ID) {
			return fmt.Errorf("id %q: want lower-case letters and digits separated by single dashes", s.ID)
		}
		if _, dup := x.byID[s.ID]; dup {
			return fmt.Errorf("id %q: used twice", s.ID)
		}
		if s.Name == "" {
			return fmt.Errorf("id %q: no name", s.ID)
		}
		i := int32(len(x.nodes))
		n := &Node{ID: s.ID, Name: s.Name}
		var depth int32
		if parent >= 0 {
			p := x.nodes[parent]
			n.ParentID = p.ID
			p.Children = append(p.Children, n)
			depth = x.depth[parent] + 1
		} else {
			x.roots = append(x.roots, n)
		}
		x.byID[s.ID] = i
		x.nodes = append(x.nodes, n)
		x.parent = append(x.parent, parent)
		x.depth = append(x.depth, depth)
		x.specs = append(x.specs, s)
		for _, c := range s.Children {
			if err := add(c, i); err != nil {
				return err
			}
		}
		return nil
	}
	for _, s := range specs {
		if err := add(s, -1); err != nil {
			return nil, err
		}
	}
	other, ok := x.byID[Other]
	if !ok || x.parent[other] >= 0 {
		return nil, fmt.Errorf("no top-level node %q", Other)
	}
	if err := x.build(); err != nil {
		return nil, err
	}
	x.specs = nil
	x.other = other
	return x, nil
}
