package media

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"runtime"
	"strings"
	"syscall"

	"github.com/loopshop/loopshop"
)

// Local is a Store over a folder of the local file system, one file per
// key at the key's path. It opens the folder as an os.Root, so even a
// symbolic link planted inside it cannot lead a key outside.
//
// The content type of an object follows from its key's extension, by the
// table behind Ext; keys with other extensions hold application/octet-stream.
// A crash in the middle of a Put can leave a file named ".tmp-…" beside the
// key; no key can name such a file, and it is safe to delete.
type Local struct {
	root *os.Root
}

var _ Store = (*Local)(nil)

// OpenLocal returns a Local storing objects under dir, creating dir if
// needed. Close it when done.
func OpenLocal(dir string) (*Local, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("media: open local store: %w", err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("media: open local store: %w", err)
	}
	return &Local{root: root}, nil
}

// Close releases the folder.
func (l *Local) Close() error { return l.root.Close() }

// Put stores r under key. contentType must be empty or the type the key's
// extension stands for; use Ext to build keys.
func (l *Local) Put(ctx context.Context, key, contentType string, r io.Reader) error {
	if err := l.put(ctx, key, contentType, r); err != nil {
		return fmt.Errorf("media: put %s: %w", key, err)
	}
	return nil
}

func (l *Local) put(ctx context.Context, key, contentType string, r io.Reader) (err error) {
	if err := CheckKey(key); err != nil {
		return err
	}
	if want := typeOf(key); contentType != "" && mediaType(contentType) != want {
		if ext := Ext(contentType); ext != "" {
			return loopshop.Invalid("contentType", "content type %s does not match key %q, which stands for %s; end the key in %q", contentType, key, want, ext)
		}
		return loopshop.Invalid("contentType", "content type %s cannot be kept in the local store; it keeps %s", contentType, strings.Join(append(Images(), Videos()...), ", "))
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	dir := path.Dir(key)
	if err := l.root.MkdirAll(dir, 0o755); err != nil {
		if errors.Is(err, syscall.ENOTDIR) || errors.Is(err, fs.ErrExist) {
			return loopshop.Invalid("key", "%q lies under a key that holds an object", key)
		}
		return err
	}
	tmp, f, err := l.createTemp(dir)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = f.Close() // may already be closed; the write error matters more
			_ = l.root.Remove(tmp)
		}
	}()
	if _, err := io.Copy(f, ctxReader{ctx, r}); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := l.root.Rename(tmp, key); err != nil {
		if fi, serr := l.root.Lstat(key); serr == nil && fi.IsDir() {
			return loopshop.Invalid("key", "%q is a folder of other keys", key)
		}
		return err
	}
	return l.syncDir(dir)
}

// createTemp creates a file for writing in dir whose name no key can take.
// os.CreateTemp has no Root counterpart, hence this.
func (l *Local) createTemp(dir string) (string, *os.File, error) {
	for range 10 {
		name := path.Join(dir, ".tmp-"+rand.Text())
		f, err := l.root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return name, f, err
	}
	return "", nil, errors.New("could not create a temporary file")
}

// syncDir makes a rename in dir durable. Windows cannot sync folders and
// makes renames durable by itself.
func (l *Local) syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := l.root.Open(dir)
	if err != nil {
		return err
	}
	if err := d.Sync(); err != nil {
		_ = d.Close()
		return err
	}
	return d.Close()
}

// Open returns the object stored under key; it is an *os.File.
func (l *Local) Open(ctx context.Context, key string) (io.ReadSeekCloser, Info, error) {
	f, info, err := l.open(ctx, key)
	if err != nil {
		return nil, Info{}, fmt.Errorf("media: open %s: %w", key, err)
	}
	return f, info, nil
}

func (l *Local) open(ctx context.Context, key string) (*os.File, Info, error) {
	if err := CheckKey(key); err != nil {
		return nil, Info{}, err
	}
	if err := ctx.Err(); err != nil {
		return nil, Info{}, err
	}
	f, err := l.root.Open(key)
	if notExist(err) {
		return nil, Info{}, loopshop.ErrNotFound
	} else if err != nil {
		return nil, Info{}, err
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = loopshop.ErrNotFound // a folder of other keys
	}
	if err != nil {
		_ = f.Close()
		return nil, Info{}, err
	}
	return f, Info{Size: fi.Size(), ContentType: typeOf(key), ModTime: fi.ModTime()}, nil
}

// Delete removes the object stored under key, if any. A key naming a folder
// of other keys holds no object, so Delete leaves it alone; emptied folders
// stay too, as removing them would race with a Put creating a file there.
func (l *Local) Delete(ctx context.Context, key string) error {
	if err := l.delete(ctx, key); err != nil {
		return fmt.Errorf("media: delete %s: %w", key, err)
	}
	return nil
}

func (l *Local) delete(ctx context.Context, key string) error {
	if err := CheckKey(key); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	fi, err := l.root.Lstat(key)
	if notExist(err) || err == nil && fi.IsDir() {
		return nil
	} else if err != nil {
		return err
	}
	if err := l.root.Remove(key); err != nil && !notExist(err) {
		return err
	}
	return nil
}

// notExist reports whether err means there is no file at a path, including
// because a folder on the way is a file.
func notExist(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}

// ctxReader stops a copy once its context is done, so that a cancelled
// request does not go on filling the disk.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
