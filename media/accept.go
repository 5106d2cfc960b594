package media

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/loopshop/loopshop"
)

// sniffLen is how many bytes http.DetectContentType looks at.
const sniffLen = 512

// Accept checks an upload before it is stored. It reads the first 512
// bytes of r to learn the content type with http.DetectContentType,
// ignoring whatever the client claimed, and refuses with an EINVALID error
// a type that is not among allowed (none allowed refuses everything). It
// returns the type and a reader of the whole body, which fails with an
// ETOOLARGE error as soon as more than limit bytes have come through, so
// the body is checked while it streams and never held in memory whole.
// Callers must treat a read error from body as the upload's failure; every
// Store's Put does.
func Accept(r io.Reader, limit int64, allowed ...string) (contentType string, body io.Reader, err error) {
	head := make([]byte, sniffLen)
	n, err := io.ReadFull(r, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return "", nil, fmt.Errorf("media: accept: %w", err)
	}
	head = head[:n]
	if n == 0 {
		return "", nil, loopshop.Errorf(loopshop.EINVALID, "the file is empty")
	}
	if int64(n) > limit {
		return "", nil, tooLarge(limit)
	}
	contentType = mediaType(http.DetectContentType(head))
	if !slices.Contains(allowed, contentType) {
		return "", nil, notAllowed(contentType, allowed)
	}
	rest := &limitReader{r: r, n: limit - int64(n), limit: limit}
	return contentType, io.MultiReader(bytes.NewReader(head), rest), nil
}

func notAllowed(got string, allowed []string) error {
	if len(allowed) == 0 {
		return loopshop.Errorf(loopshop.EINVALID, "no file types are accepted here")
	}
	what := "the file's type was not recognised"
	if got != octetStream {
		what = "file type " + got + " is not accepted"
	}
	return loopshop.Errorf(loopshop.EINVALID, "%s; upload one of %s", what, strings.Join(allowed, ", "))
}

func tooLarge(limit int64) error {
	return loopshop.Errorf(loopshop.ETOOLARGE, "the file is larger than the limit of %s", formatSize(limit))
}

// formatSize writes n in the largest binary unit that divides it, so a
// limit of 5 << 20 reads "5 MiB" rather than "5242880 bytes".
func formatSize(n int64) string {
	for _, u := range []struct {
		shift uint
		name  string
	}{{30, "GiB"}, {20, "MiB"}, {10, "KiB"}} {
		if n >= 1<<u.shift && n%(1<<u.shift) == 0 {
			return fmt.Sprintf("%d %s", n>>u.shift, u.name)
		}
	}
	if n == 1 {
		return "1 byte"
	}
	return fmt.Sprintf("%d bytes", n)
}

// limitReader passes through at most n more bytes of r and fails with
// ETOOLARGE once r offers one more. Unlike io.LimitReader, which ends
// quietly, it tells a body cut short from one that fitted.
type limitReader struct {
	r     io.Reader
	n     int64 // bytes still allowed
	limit int64 // for the message
	err   error
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	if len(p) == 0 {
		return 0, nil
	}
	// Ask for one byte more than allowed, to see whether the body goes on.
	if int64(len(p)) > l.n+1 {
		p = p[:l.n+1]
	}
	n, err := l.r.Read(p)
	if int64(n) > l.n {
		n = int(l.n)
		l.n = 0
		l.err = tooLarge(l.limit)
		return n, l.err
	}
	l.n -= int64(n)
	if err != nil {
		l.err = err
	}
	return n, err
}
