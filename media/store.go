package media

import (
	"context"
	"io"
	"path"
	"strings"
	"time"
)

// Store keeps objects by key. Implementations must be safe for concurrent
// use. Every method returns an EINVALID error for a key CheckKey refuses.
type Store interface {
	// Put stores everything read from r under key, replacing any object
	// already there. Readers never see a partly written object: on any
	// error, including one from r, the previous object (or none) remains.
	Put(ctx context.Context, key, contentType string, r io.Reader) error
	// Open returns the object stored under key with its Info, or an error
	// matching loopshop.ErrNotFound. The caller closes it.
	Open(ctx context.Context, key string) (io.ReadSeekCloser, Info, error)
	// Delete removes the object stored under key. Deleting a key that holds
	// nothing is not an error.
	Delete(ctx context.Context, key string) error
}

// Info describes a stored object.
type Info struct {
	Size        int64
	ContentType string
	ModTime     time.Time
}

// Content types loopshop accepts for uploads.
const (
	PNG  = "image/png"
	JPEG = "image/jpeg"
	WebP = "image/webp"
	GIF  = "image/gif"
	MP4  = "video/mp4"
	WebM = "video/webm"
)

// octetStream is the content type of an object whose key has no known
// extension.
const octetStream = "application/octet-stream"

// Images returns the image types accepted for product pictures, for use
// with Accept.
func Images() []string { return []string{PNG, JPEG, WebP, GIF} }

// Videos returns the video types accepted for product videos.
func Videos() []string { return []string{MP4, WebM} }

// extTypes maps the extensions Local knows to their content types. It is a
// fixed table rather than mime.TypeByExtension, which reads the host's
// mime.types and so answers differently from machine to machine.
var extTypes = map[string]string{
	".png":  PNG,
	".jpg":  JPEG,
	".jpeg": JPEG,
	".webp": WebP,
	".gif":  GIF,
	".mp4":  MP4,
	".webm": WebM,
}

// Ext returns the canonical extension for contentType, such as ".png" for
// "image/png", or "" for a type this package does not know. Callers build
// keys with it so that the key says what the object is.
func Ext(contentType string) string {
	switch mediaType(contentType) {
	case PNG:
		return ".png"
	case JPEG:
		return ".jpg"
	case WebP:
		return ".webp"
	case GIF:
		return ".gif"
	case MP4:
		return ".mp4"
	case WebM:
		return ".webm"
	}
	return ""
}

// typeOf returns the content type a key's extension stands for.
func typeOf(key string) string {
	if t, ok := extTypes[strings.ToLower(path.Ext(key))]; ok {
		return t
	}
	return octetStream
}

// mediaType returns contentType without parameters, lower-cased:
// "image/PNG; x=y" becomes "image/png".
func mediaType(contentType string) string {
	t, _, _ := strings.Cut(contentType, ";")
	return strings.ToLower(strings.TrimSpace(t))
}
