package media_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/media"
)

// MustOpenLocal returns a Local over a fresh temporary folder, and the
// folder.
func MustOpenLocal(tb testing.TB) (*media.Local, string) {
	tb.Helper()
	dir := tb.TempDir()
	l, err := media.OpenLocal(dir)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := l.Close(); err != nil {
			tb.Error(err)
		}
	})
	return l, dir
}

func mustPut(tb testing.TB, s media.Store, key string, body []byte) {
	tb.Helper()
	if err := s.Put(context.Background(), key, "", bytes.NewReader(body)); err != nil {
		tb.Fatal(err)
	}
}

func mustRead(tb testing.TB, s media.Store, key string) ([]byte, media.Info) {
	tb.Helper()
	f, info, err := s.Open(context.Background(), key)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		tb.Fatal(err)
	}
	return b, info
}

// tempFiles lists files Local left behind under dir.
func tempFiles(tb testing.TB, dir string) []string {
	tb.Helper()
	var left []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), ".tmp-") {
			left = append(left, p)
		}
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return left
}

func pngBytes(tb testing.TB) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 8, 8))); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func TestLocalRoundTrip(t *testing.T) {
	ctx := context.Background()
	l, dir := MustOpenLocal(t)
	key := "products/prd_gb_x1/1.png"
	body := pngBytes(t)
	before := time.Now().Add(-time.Second)
	if err := l.Put(ctx, key, "image/png", bytes.NewReader(body)); err != nil {
		t.Fatal(err)
	}
	got, info := mustRead(t, l, key)
	if !bytes.Equal(got, body) {
		t.Fatalf("read %d bytes, want the %d put", len(got), len(body))
	}
	if info.Size != int64(len(body)) || info.ContentType != "image/png" || info.ModTime.Before(before) {
		t.Errorf("info = %+v, want size %d, image/png, modified after %v", info, len(body), before)
	}
	if fi, err := os.Stat(filepath.Join(dir, "products", "prd_gb_x1", "1.png")); err != nil {
		t.Fatal(err)
	} else if fi.Mode().Perm()&0o044 != 0o044 {
		t.Errorf("file mode %v, want readable by group and others", fi.Mode())
	}

	// A second Put replaces the object.
	mustPut(t, l, key, []byte("second"))
	if got, _ := mustRead(t, l, key); string(got) != "second" {
		t.Errorf("after replacing, read %q", got)
	}

	if err := l.Delete(ctx, key); err != nil {
		t.Fatal(err)
	}
	if _, _, err := l.Open(ctx, key); !errors.Is(err, loopshop.ErrNotFound) {
		t.Errorf("Open after Delete: err = %v, want ErrNotFound", err)
	}
	if err := l.Delete(ctx, key); err != nil {
		t.Errorf("second Delete: %v, want nil", err)
	}
	if left := tempFiles(t, dir); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestLocalContentType(t *testing.T) {
	ctx := context.Background()
	l, _ := MustOpenLocal(t)
	tests := []struct {
		name, key, contentType string
		wantErr                bool
		want                   string
	}{
		{"from extension", "a/1.jpg", "", false, "image/jpeg"},
		{"upper-case extension", "a/2.JPEG", "image/jpeg", false, "image/jpeg"},
		{"parameters ignored", "a/3.webm", "video/webm; codecs=vp9", false, "video/webm"},
		{"unknown extension", "a/4.bin", "", false, "application/octet-stream"},
		{"mismatch", "a/5.png", "image/jpeg", true, ""},
		{"unknown type", "a/6.png", "text/html", true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := l.Put(ctx, tt.key, tt.contentType, strings.NewReader("x"))
			if tt.wantErr {
				if loopshop.ErrorCode(err) != loopshop.EINVALID || loopshop.ErrorField(err) != "contentType" {
					t.Fatalf("err = %v, want EINVALID on contentType", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if _, info := mustRead(t, l, tt.key); info.ContentType != tt.want {
				t.Errorf("content type %q, want %q", info.ContentType, tt.want)
			}
		})
	}
}

func TestExt(t *testing.T) {
	for _, ct := range append(media.Images(), media.Videos()...) {
		ext := media.Ext(ct)
		if ext == "" {
			t.Errorf("Ext(%q) is empty", ct)
			continue
		}
		// The extension must lead back to the type, or Local would refuse
		// keys built with it.
		l, _ := MustOpenLocal(t)
		if err := l.Put(context.Background(), "k"+ext, ct, strings.NewReader("x")); err != nil {
			t.Errorf("Put of a %s under a key ending %q: %v", ct, ext, err)
		}
	}
	if got := media.Ext("text/html"); got != "" {
		t.Errorf("Ext(text/html) = %q, want empty", got)
	}
}

var keyTests = []struct {
	name, key string
	ok        bool
}{
	{"product image", "products/prd_gb_xxx/1.png", true},
	{"one segment", "logo.webp", true},
	{"dashes and underscores", "a-b/c_d/E-9.mp4", true},
	{"empty", "", false},
	{"parent", "..", false},
	{"parent segment", "products/../secret", false},
	{"dots in a name", "a..b.png", false},
	{"dot segment", "products/./1.png", false},
	{"hidden file", "products/.tmp-1", false},
	{"leading slash", "/etc/passwd", false},
	{"trailing slash", "products/", false},
	{"double slash", "products//1.png", false},
	{"backslash", `products\1.png`, false},
	{"windows parent", `..\secret`, false},
	{"space", "my file.png", false},
	{"colon", "c:/x.png", false},
	{"percent", "a%2e%2e/b", false},
	{"non-ASCII", "café.png", false},
	{"NUL", "a\x00.png", false},
	{"invalid UTF-8", "a\xff.png", false},
	{"leading dash", "-rf", false},
	{"long segment", strings.Repeat("a", 256), false},
	{"longest segment", strings.Repeat("a", 255), true},
	{"too long", strings.Repeat("a/", 512) + "a", false},
}

func TestCheckKey(t *testing.T) {
	for _, tt := range keyTests {
		t.Run(tt.name, func(t *testing.T) {
			err := media.CheckKey(tt.key)
			if tt.ok {
				if err != nil {
					t.Fatalf("CheckKey(%q) = %v, want nil", tt.key, err)
				}
				return
			}
			if loopshop.ErrorCode(err) != loopshop.EINVALID || loopshop.ErrorField(err) != "key" {
				t.Fatalf("CheckKey(%q) = %v, want EINVALID on key", tt.key, err)
			}
		})
	}
}

func TestLocalRefusesBadKeys(t *testing.T) {
	ctx := context.Background()
	l, dir := MustOpenLocal(t)
	for _, tt := range keyTests {
		if tt.ok {
			continue
		}
		t.Run(tt.name, func(t *testing.T) {
			if err := l.Put(ctx, tt.key, "", strings.NewReader("x")); loopshop.ErrorCode(err) != loopshop.EINVALID {
				t.Errorf("Put: err = %v, want EINVALID", err)
			}
			if _, _, err := l.Open(ctx, tt.key); loopshop.ErrorCode(err) != loopshop.EINVALID {
				t.Errorf("Open: err = %v, want EINVALID", err)
			}
			if err := l.Delete(ctx, tt.key); loopshop.ErrorCode(err) != loopshop.EINVALID {
				t.Errorf("Delete: err = %v, want EINVALID", err)
			}
		})
	}
	if entries, err := os.ReadDir(dir); err != nil || len(entries) > 0 {
		t.Errorf("folder holds %v (err %v), want nothing", entries, err)
	}
}

func TestLocalFoldersAndObjects(t *testing.T) {
	ctx := context.Background()
	l, _ := MustOpenLocal(t)
	mustPut(t, l, "a", []byte("object"))
	if err := l.Put(ctx, "a/b", "", strings.NewReader("x")); loopshop.ErrorCode(err) != loopshop.EINVALID {
		t.Errorf("Put under an object: err = %v, want EINVALID", err)
	}
	if _, _, err := l.Open(ctx, "a/b"); !errors.Is(err, loopshop.ErrNotFound) {
		t.Errorf("Open under an object: err = %v, want ErrNotFound", err)
	}
	mustPut(t, l, "x/y", []byte("object"))
	if err := l.Put(ctx, "x", "", strings.NewReader("x")); loopshop.ErrorCode(err) != loopshop.EINVALID {
		t.Errorf("Put over a folder: err = %v, want EINVALID", err)
	}
	if _, _, err := l.Open(ctx, "x"); !errors.Is(err, loopshop.ErrNotFound) {
		t.Errorf("Open of a folder: err = %v, want ErrNotFound", err)
	}
	if err := l.Delete(ctx, "x"); err != nil {
		t.Errorf("Delete of a folder: %v, want nil", err)
	}
	if got, _ := mustRead(t, l, "x/y"); string(got) != "object" {
		t.Errorf("x/y = %q after deleting x", got)
	}
}

func TestLocalSymlinkCannotEscape(t *testing.T) {
	l, dir := MustOpenLocal(t)
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "secret.png"), []byte("secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "evil")); err != nil {
		t.Skip("cannot create symbolic links:", err)
	}
	if _, _, err := l.Open(context.Background(), "evil/secret.png"); err == nil {
		t.Error("Open followed a symbolic link out of the folder")
	}
	if err := l.Put(context.Background(), "evil/new.png", "", strings.NewReader("x")); err == nil {
		t.Error("Put followed a symbolic link out of the folder")
	}
	if _, err := os.Stat(filepath.Join(outside, "new.png")); err == nil {
		t.Error("Put wrote outside the folder")
	}
}

type failingReader struct{ n int }

func (r *failingReader) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, errors.New("connection reset")
	}
	n := min(len(p), r.n)
	clear(p[:n])
	r.n -= n
	return n, nil
}

func TestLocalFailedPutKeepsOldObject(t *testing.T) {
	ctx := context.Background()
	l, dir := MustOpenLocal(t)
	mustPut(t, l, "p/1.png", []byte("old"))
	if err := l.Put(ctx, "p/1.png", "", &failingReader{n: 100 << 10}); err == nil {
		t.Fatal("Put from a failing reader succeeded")
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := l.Put(cancelled, "p/1.png", "", strings.NewReader("new")); !errors.Is(err, context.Canceled) {
		t.Fatalf("Put with a cancelled context: err = %v", err)
	}
	if got, _ := mustRead(t, l, "p/1.png"); string(got) != "old" {
		t.Errorf("after failed Puts, read %q, want old", got)
	}
	if left := tempFiles(t, dir); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// TestLocalConcurrentPut has many writers race to one key, each with a
// body of its own byte; the survivor must be one body, whole.
func TestLocalConcurrentPut(t *testing.T) {
	l, dir := MustOpenLocal(t)
	const writers, size = 16, 256 << 10
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for i := range writers {
		wg.Go(func() {
			body := bytes.Repeat([]byte{byte('a' + i)}, size)
			// Write in small pieces, so the writers interleave.
			r := io.MultiReader(bytes.NewReader(body[:size/2]), bytes.NewReader(body[size/2:]))
			errs <- l.Put(context.Background(), "race/1.bin", "", r)
		})
	}
	// Readers during the race must always see a whole object too.
	stop := make(chan struct{})
	var readers sync.WaitGroup
	readers.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			f, info, err := l.Open(context.Background(), "race/1.bin")
			if errors.Is(err, loopshop.ErrNotFound) {
				continue
			} else if err != nil {
				t.Error(err)
				return
			}
			b, err := io.ReadAll(f)
			f.Close()
			if err != nil || len(b) != size || info.Size != size || !bytes.Equal(b, bytes.Repeat(b[:1], size)) {
				t.Errorf("reader saw %d bytes (size %d, err %v), not one whole body", len(b), info.Size, err)
				return
			}
		}
	})
	wg.Wait()
	close(stop)
	readers.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	got, _ := mustRead(t, l, "race/1.bin")
	if len(got) != size || !bytes.Equal(got, bytes.Repeat(got[:1], size)) {
		t.Fatalf("after the race the object has %d bytes and is not one writer's body", len(got))
	}
	if left := tempFiles(t, dir); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// FuzzKey checks that a key CheckKey accepts always names a file strictly
// inside the store's folder, on any operating system's path rules.
func FuzzKey(f *testing.F) {
	for _, tt := range keyTests {
		f.Add(tt.key)
	}
	for _, s := range []string{"a/..", "a/./b", "./a", "a/.", "...", "a/...", "a/b/", "C:", "a:b", "~", "con", "a\x00"} {
		f.Add(s)
	}
	root := filepath.Join(string(filepath.Separator)+"srv", "media")
	f.Fuzz(func(t *testing.T, key string) {
		if media.CheckKey(key) != nil {
			return
		}
		name := filepath.FromSlash(key)
		if !filepath.IsLocal(name) {
			t.Fatalf("accepted key %q is not a local path", key)
		}
		if filepath.Clean(name) != name {
			t.Fatalf("accepted key %q is not in clean form", key)
		}
		full := filepath.Join(root, name)
		rel, err := filepath.Rel(root, full)
		if err != nil || rel != name || rel == "." || strings.HasPrefix(rel, "..") {
			t.Fatalf("accepted key %q resolves to %q, outside %q", key, full, root)
		}
		for seg := range strings.SplitSeq(key, "/") {
			if strings.HasPrefix(seg, ".") {
				t.Fatalf("accepted key %q has a segment %q that could be a temporary file", key, seg)
			}
		}
	})
}
