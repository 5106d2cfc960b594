// Package category provides the platform's product category tree: the
// catalogue's categories, shaped like TikTok Shop's ("Beauty & Personal
// Care" › "Makeup", "Shoes" › "Sneakers & Trainers", …), with "Other" as
// the catch-all.
//
// The tree is what buyers browse and filter by, what review rules key on
// (a restricted category needs a look before it goes live), and later what
// commission rates are set per. Every product therefore needs a node, and
// sellers do not pick from a list today: they type a category or product
// type ("Running shoes"), the demo data carries DummyJSON slugs
// ("mens-shirts") and Shopify CSV imports carry the "Type" column
// ("Necklace", "Outdoor"). Resolve turns any of these into a node.
//
// # Why embedded data
//
// The tree is platform-wide reference data: not personal data, not owned
// by a shop, and the same in every region. It lives in tree.json, compiled
// into the binary, so every server of every region agrees on it without a
// database table to migrate and keep in step, and a change to it is a
// reviewed change to the code. IDs are stable slugs ("makeup",
// "womens-shoes") that products store; renaming a node changes its Name,
// never its ID. The code handles any depth; the data uses two levels.
//
// # How matching works
//
// Text is normalised first: lower-cased, split into words at anything
// that is not a letter or digit (an apostrophe joins, so "Men's" is
// "mens"), filler words such as "and" and "for" dropped, and each word
// folded to a plural-insensitive stem ("dresses" and "dress", "accessories"
// and "accessory", "shoes" and "shoe" are one). Only plurals are folded,
// deliberately not a full stemmer: those conflate words that mean
// different things here ("organic" and "organ").
//
// Resolve then tries, in order:
//
//  1. an exact ID or name, after normalising ("womens-shoes",
//     "Women's Shoes" and "WOMENS SHOE" all name the same node);
//  2. keywords: each node lists keywords, and its name and ID count as
//     keywords too. A keyword of several words matches when all of them
//     occur anywhere in the text, so "dog food" matches "dry food for
//     dogs". A node scores the number of distinct words of the text that
//     its own keywords and its ancestors' explain, and the highest score
//     wins: "dry food for dogs" goes to Pet Supplies › Pet Food (two words)
//     rather than Food & Beverages ("food" alone), "car charger" to Car
//     Electronics rather than Phone Accessories. Some nodes also list
//     context words (Womenswear: "women", "ladies"): they point into a
//     branch without naming a product, so they only add to the scores of
//     the nodes below, and pick the node itself only when no keyword
//     matched at all. That sends "women's cotton shirt" to Women's Tops
//     but "shirt" to Men's Tops, "womens-jewellery" to Jewellery rather
//     than Womenswear, and "women" to Womenswear;
//  3. otherwise Other.
//
// Equal scores go to the deeper (more specific) node, then to the node
// whose matched keyword comes earlier in its list (a node's first keywords
// are its main words: "shirt" is listed first under Men's Tops and later
// under Women's Tops), then to the node earlier in display order, so a
// result never depends on map order. Text that is a Shopify category path
// ("Apparel & Accessories > Clothing > Pants") is resolved from its last
// step back, the first step that matches winning.
//
// Resolve is called on every product write and for every row of an
// import, so the index is built once, when the package is initialised,
// and Resolve does not allocate for text of ordinary length.
package category
