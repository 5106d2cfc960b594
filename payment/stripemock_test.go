package payment

import (
	"bytes"
	"errors"
	"fmt"
	"go/build"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// stripeMockVersion is the stripe-mock that .ci/run installs.
const stripeMockVersion = "v0.203.0"

var errNoStripeMock = errors.New("stripe-mock is not installed: install it with " +
	"`go install github.com/stripe/stripe-mock@" + stripeMockVersion + "` (as .ci/run does); " +
	"the tests look for it on PATH, then in $(go env GOPATH)/bin")

// mock is the stripe-mock this test binary runs, started by the first
// test that needs it and stopped by TestMain.
var mock struct {
	once   sync.Once
	url    string
	err    error
	cmd    *exec.Cmd
	exited chan struct{}
	out    lockedBuffer
}

func TestMain(m *testing.M) {
	code := m.Run()
	if mock.cmd != nil {
		mock.cmd.Process.Kill()
		<-mock.exited
	}
	os.Exit(code)
}

// stripeMockURL returns the base URL of a running stripe-mock. Without the
// binary the test is skipped, except under CI=true, where it fails.
func stripeMockURL(t *testing.T) string {
	t.Helper()
	mock.once.Do(startStripeMock)
	if errors.Is(mock.err, errNoStripeMock) && os.Getenv("CI") != "true" {
		t.Skip(mock.err)
	}
	if mock.err != nil {
		t.Fatal(mock.err)
	}
	return mock.url
}

func findStripeMock() (string, error) {
	if path, err := exec.LookPath("stripe-mock"); err == nil {
		return path, nil
	}
	gopath := build.Default.GOPATH
	if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
		gopath = strings.TrimSpace(string(out))
	}
	for _, dir := range filepath.SplitList(gopath) {
		path := filepath.Join(dir, "bin", "stripe-mock")
		if info, err := os.Stat(path); err == nil && !info.IsDir() {
			return path, nil
		}
	}
	return "", errNoStripeMock
}

func startStripeMock() {
	path, err := findStripeMock()
	if err != nil {
		mock.err = err
		return
	}
	port, err := freePort()
	if err != nil {
		mock.err = err
		return
	}
	// -http-port alone serves HTTP only; -http-addr would also open HTTPS
	// on stripe-mock's default port.
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	cmd := exec.Command(path, "-http-port", fmt.Sprint(port))
	cmd.Stdout, cmd.Stderr = &mock.out, &mock.out
	setDeathSignal(cmd)
	if err := cmd.Start(); err != nil {
		mock.err = fmt.Errorf("starting %s: %w", path, err)
		return
	}
	mock.cmd, mock.exited = cmd, make(chan struct{})
	go func() {
		cmd.Wait()
		close(mock.exited)
	}()

	// Wait until it answers: it reads its OpenAPI spec first.
	url := "http://" + addr
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(url + "/v1/balance")
		if err == nil {
			resp.Body.Close()
			mock.url = url
			return
		}
		select {
		case <-mock.exited:
			mock.err = fmt.Errorf("stripe-mock exited before answering on %s:\n%s", addr, mock.out.String())
			return
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			mock.err = fmt.Errorf("stripe-mock did not answer on %s within a minute:\n%s", addr, mock.out.String())
			return
		}
	}
}

// freePort asks the kernel for a loopback port nobody holds.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
