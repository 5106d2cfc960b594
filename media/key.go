package media

import (
	"strings"
	"unicode/utf8"

	"github.com/loopshop/loopshop"
)

// Limits on keys. S3 allows keys of 1,024 bytes; most file systems allow
// names of 255 bytes.
const (
	maxKeyLen     = 1024
	maxSegmentLen = 255
)

// CheckKey reports whether key is a valid object key, and returns an
// EINVALID error on the "key" field saying what is wrong if it is not.
//
// A key is one or more segments separated by single slashes, such as
// "products/prd_gb_x/1.png". Segments use only ASCII letters, digits, '.',
// '_' and '-', and begin with a letter or digit, which rules out "." and
// "..", hidden files (Local's temporary files begin with a dot) and names
// that read as command-line options. Keys also may not contain "..", start
// or end with a slash, or be longer than 1,024 bytes.
func CheckKey(key string) error {
	switch {
	case key == "":
		return loopshop.Invalid("key", "key is empty")
	case len(key) > maxKeyLen:
		return loopshop.Invalid("key", "key is %d bytes long; the limit is %d", len(key), maxKeyLen)
	case strings.Contains(key, ".."):
		return loopshop.Invalid("key", "key %q contains \"..\"", key)
	case strings.HasPrefix(key, "/"):
		return loopshop.Invalid("key", "key %q starts with a slash; keys are relative", key)
	}
	for _, c := range key {
		switch {
		case c == '\\':
			return loopshop.Invalid("key", "key %q contains a backslash; separate segments with '/'", key)
		case c >= utf8.RuneSelf || !keyByte(byte(c)):
			return loopshop.Invalid("key", "key %q contains %q; use only ASCII letters, digits, '.', '_', '-' and '/'", key, c)
		}
	}
	for seg := range strings.SplitSeq(key, "/") {
		switch {
		case seg == "":
			return loopshop.Invalid("key", "key %q has an empty segment", key)
		case len(seg) > maxSegmentLen:
			return loopshop.Invalid("key", "key %q has a segment longer than %d bytes", key, maxSegmentLen)
		case !alnum(seg[0]):
			return loopshop.Invalid("key", "key %q has a segment starting with %q; segments start with a letter or digit", key, rune(seg[0]))
		}
	}
	return nil
}

func keyByte(c byte) bool {
	return alnum(c) || c == '.' || c == '_' || c == '-' || c == '/'
}

func alnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}
