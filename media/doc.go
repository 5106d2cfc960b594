// Package media stores uploaded files — product images now, videos later —
// and serves them back over HTTP.
//
// Store is the narrow interface the rest of loopshop needs: Put, Open and
// Delete by key. It is shaped after an object store (S3 and its kin) so that
// one can replace Local without touching callers: keys are flat,
// slash-separated names rather than paths, the content type travels with
// the object, a Put replaces the whole object at once, and Delete of a
// missing key is not an error (an object store cannot tell cheaply, and
// cleaning up after a product is then idempotent). CheckKey holds keys to a
// small alphabet every backend accepts unchanged and that can never name a
// location outside the store.
//
// Local keeps objects in a folder, one file per key. Writes go to a
// temporary file in the destination folder, are synced and then renamed
// over the key, so a reader sees either the old object or the new one in
// full, and concurrent Puts to one key leave one of them intact. The content
// type is not stored beside the file but follows from the key's extension
// (see Ext); Put refuses a content type that disagrees with it, so what
// Open reports is always what Put was given.
//
// Accept is the gate in front of a Store: it sniffs what an upload really
// is from its first bytes, whatever the client claimed, and enforces a size
// limit while the body streams, so an upload is never held in memory whole.
// Handler serves stored objects with range support and long-lived caching:
// keys are meant to be immutable, so a changed image gets a new key.
package media
