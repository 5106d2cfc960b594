package media_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/gif"
	"image/jpeg"
	"io"
	"strings"
	"testing"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/media"
)

func encoded(tb testing.TB, encode func(io.Writer, image.Image) error) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := encode(&buf, image.NewRGBA(image.Rect(0, 0, 8, 8))); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func TestAcceptSniffs(t *testing.T) {
	jpg := encoded(t, func(w io.Writer, m image.Image) error { return jpeg.Encode(w, m, nil) })
	gf := encoded(t, func(w io.Writer, m image.Image) error { return gif.Encode(w, m, nil) })
	webp := []byte("RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00")
	mp4 := []byte("\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom")
	webm := []byte("\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01")
	tests := []struct {
		name    string
		body    []byte
		allowed []string
		want    string // content type, or "" for a refusal
	}{
		{"png", pngBytes(t), media.Images(), media.PNG},
		{"jpeg", jpg, media.Images(), media.JPEG},
		{"gif", gf, media.Images(), media.GIF},
		{"webp", webp, media.Images(), media.WebP},
		{"mp4", mp4, media.Videos(), media.MP4},
		{"webm", webm, media.Videos(), media.WebM},
		{"video where images go", mp4, media.Images(), ""},
		{"image where videos go", pngBytes(t), media.Videos(), ""},
		{"html disguised", []byte("<!DOCTYPE html><script>alert(1)</script>"), media.Images(), ""},
		{"svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"></svg>`), media.Images(), ""},
		{"unknown bytes", []byte{0, 1, 2, 3, 4, 5}, media.Images(), ""},
		{"nothing allowed", pngBytes(t), nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ct, body, err := media.Accept(bytes.NewReader(tt.body), 1<<20, tt.allowed...)
			if tt.want == "" {
				if loopshop.ErrorCode(err) != loopshop.EINVALID {
					t.Fatalf("err = %v, want EINVALID", err)
				}
				if msg := loopshop.ErrorMessage(err); len(tt.allowed) > 0 && !strings.Contains(msg, strings.Join(tt.allowed, ", ")) {
					t.Errorf("message %q does not list the accepted types", msg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if ct != tt.want {
				t.Errorf("content type %q, want %q", ct, tt.want)
			}
			if got, err := io.ReadAll(body); err != nil || !bytes.Equal(got, tt.body) {
				t.Errorf("body gave %d bytes (err %v), want the %d sent", len(got), err, len(tt.body))
			}
		})
	}
}

func TestAcceptEmpty(t *testing.T) {
	_, _, err := media.Accept(strings.NewReader(""), 100, media.Images()...)
	if loopshop.ErrorCode(err) != loopshop.EINVALID {
		t.Errorf("err = %v, want EINVALID", err)
	}
}

// padded returns a PNG header followed by zeros, n bytes in all.
func padded(tb testing.TB, n int) []byte {
	b := pngBytes(tb)
	if n < len(b) {
		return b[:n]
	}
	return append(b, make([]byte, n-len(b))...)
}

func TestAcceptLimit(t *testing.T) {
	tests := []struct {
		name         string
		size, limit  int64
		wantTooLarge bool
	}{
		{"well under", 1000, 4096, false},
		{"exactly at", 4096, 4096, false},
		{"one over", 4097, 4096, true},
		{"far over", 100_000, 4096, true},
		{"exactly at, within the sniffed bytes", 100, 100, false},
		{"one over, within the sniffed bytes", 101, 100, true},
		{"exactly at the sniffed bytes", 512, 512, false},
		{"one over the sniffed bytes", 513, 512, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ct, body, err := media.Accept(bytes.NewReader(padded(t, int(tt.size))), tt.limit, media.Images()...)
			var got []byte
			if err == nil {
				if ct != media.PNG {
					t.Errorf("content type %q, want image/png", ct)
				}
				got, err = io.ReadAll(body)
			}
			if tt.wantTooLarge {
				if loopshop.ErrorCode(err) != loopshop.ETOOLARGE {
					t.Fatalf("err = %v, want ETOOLARGE", err)
				}
				if int64(len(got)) > tt.limit {
					t.Errorf("body gave %d bytes before failing, over the limit of %d", len(got), tt.limit)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if int64(len(got)) != tt.size {
				t.Errorf("body gave %d bytes, want %d", len(got), tt.size)
			}
		})
	}
}

// endless is a PNG header followed by zeros forever, counting what was
// read.
type endless struct {
	head []byte
	read int64
}

func (e *endless) Read(p []byte) (int, error) {
	n := copy(p, e.head)
	e.head = e.head[n:]
	clear(p[n:])
	e.read += int64(len(p))
	return len(p), nil
}

// TestAcceptStreams checks that Accept reads no more than it must: 512
// bytes up front, and at most one byte past the limit in all.
func TestAcceptStreams(t *testing.T) {
	const limit = 5 << 20
	src := &endless{head: pngBytes(t)}
	_, body, err := media.Accept(src, limit, media.Images()...)
	if err != nil {
		t.Fatal(err)
	}
	if src.read > 512 {
		t.Errorf("Accept read %d bytes before returning, want at most 512", src.read)
	}
	n, err := io.Copy(io.Discard, body)
	if loopshop.ErrorCode(err) != loopshop.ETOOLARGE {
		t.Fatalf("err = %v, want ETOOLARGE", err)
	}
	if msg := loopshop.ErrorMessage(err); !strings.Contains(msg, "limit of 5 MiB") {
		t.Errorf("message %q does not say the limit", msg)
	}
	if n != limit || src.read > limit+1 {
		t.Errorf("passed %d bytes and read %d, want %d passed and at most one more read", n, src.read, limit)
	}
	// The error sticks.
	if _, err := body.Read(make([]byte, 10)); loopshop.ErrorCode(err) != loopshop.ETOOLARGE {
		t.Errorf("read after the error: %v, want ETOOLARGE again", err)
	}
}

func TestAcceptLimitMessage(t *testing.T) {
	for _, tt := range []struct {
		limit int64
		want  string
	}{
		{1 << 10, "1 KiB"},
		{10 << 20, "10 MiB"},
		{1500, "1500 bytes"},
		{1, "1 byte"},
	} {
		_, body, err := media.Accept(&endless{head: pngBytes(t)}, tt.limit, media.PNG)
		if err == nil {
			_, err = io.Copy(io.Discard, body)
		}
		if msg := loopshop.ErrorMessage(err); !strings.Contains(msg, "limit of "+tt.want) {
			t.Errorf("limit %d: message %q, want it to say %q", tt.limit, msg, tt.want)
		}
	}
}

// TestAcceptIntoPut shows the two together: an upload over the limit fails
// the Put with ETOOLARGE and leaves the stored object as it was.
func TestAcceptIntoPut(t *testing.T) {
	ctx := context.Background()
	l, dir := MustOpenLocal(t)
	mustPut(t, l, "p/1.png", []byte("old"))
	ct, body, err := media.Accept(bytes.NewReader(padded(t, 70_000)), 64<<10, media.Images()...)
	if err != nil {
		t.Fatal(err)
	}
	err = l.Put(ctx, "p/1"+media.Ext(ct), ct, body)
	if loopshop.ErrorCode(err) != loopshop.ETOOLARGE {
		t.Fatalf("Put: err = %v, want ETOOLARGE", err)
	}
	var lerr *loopshop.Error
	if !errors.As(err, &lerr) || !strings.Contains(lerr.Message, "64 KiB") {
		t.Errorf("error %v does not carry the limit", err)
	}
	if got, _ := mustRead(t, l, "p/1.png"); string(got) != "old" {
		t.Errorf("after the refused upload, read %q, want old", got)
	}
	if left := tempFiles(t, dir); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}
