package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunVersion(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"version"}, nil, &stdout, &stderr); err != nil {
		t.Fatalf("version: %v", err)
	}
	v := Version()
	if v == "" || strings.ContainsAny(v, " \n") {
		t.Errorf("Version() = %q, want one word", v)
	}
	if got, want := stdout.String(), "loopshop "+v+"\n"; got != want {
		t.Errorf("stdout %q, want %q", got, want)
	}
	if stderr.Len() != 0 {
		t.Errorf("stderr %q, want nothing", stderr.String())
	}
}

func TestRunUsage(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantErr    bool
		wantStdout string
		wantStderr string
	}{
		{name: "no command", args: nil, wantErr: true, wantStderr: "Usage:"},
		{name: "unknown command", args: []string{"frobnicate"}, wantErr: true, wantStderr: `unknown command "frobnicate"`},
		{name: "help", args: []string{"help"}, wantStdout: "loopshop serve"},
		{name: "-h", args: []string{"-h"}, wantStdout: "loopshop migrate"},
		{name: "serve -h", args: []string{"serve", "-h"}, wantErr: true, wantStderr: "-addr"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), tt.args, nil, &stdout, &stderr)
			if tt.wantErr != errors.Is(err, errUsage) {
				t.Errorf("run(%q) = %v; want usage error: %v", tt.args, err, tt.wantErr)
			}
			if !tt.wantErr && err != nil {
				t.Errorf("run(%q) = %v, want nil", tt.args, err)
			}
			if !strings.Contains(stdout.String(), tt.wantStdout) {
				t.Errorf("stdout %q does not contain %q", stdout.String(), tt.wantStdout)
			}
			if !strings.Contains(stderr.String(), tt.wantStderr) {
				t.Errorf("stderr %q does not contain %q", stderr.String(), tt.wantStderr)
			}
			if tt.wantStdout == "" && stdout.Len() != 0 {
				t.Errorf("stdout %q, want nothing: usage errors go to stderr", stdout.String())
			}
		})
	}
}

func TestParseFlags(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.json", `{"addr": "127.0.0.1:9001", "log_level": "debug", "limits": {"max_body_bytes": 4096, "session_ttl": "2h"}}`)
	unknown := write("unknown.json", `{"addr": "127.0.0.1:9001", "colour": "red"}`)
	misspeltNested := write("nested.json", `{"limits": {"max_body_byte": 4096}}`)
	notJSON := write("bad.json", `addr = "127.0.0.1:9001"`)

	tests := []struct {
		name    string
		args    []string
		environ []string
		wantErr string // part of the error; "" for success
		check   func(t *testing.T, m *Main)
	}{
		{name: "config file", args: []string{"--config", good},
			check: func(t *testing.T, m *Main) {
				if m.Config.Addr != "127.0.0.1:9001" || m.Config.LogLevel != "debug" || m.Config.Limits.MaxBodyBytes != 4096 || m.Config.Limits.SessionTTL.Hours() != 2 {
					t.Errorf("config %+v does not hold the file's settings", m.Config)
				}
			}},
		{name: "config from LOOPSHOP_CONFIG", environ: []string{"LOOPSHOP_CONFIG=" + good},
			check: func(t *testing.T, m *Main) {
				if m.Config.Addr != "127.0.0.1:9001" {
					t.Errorf("addr %q, want the file's", m.Config.Addr)
				}
			}},
		{name: "flag beats environment beats file", args: []string{"--config", good, "--addr", "127.0.0.1:9003"}, environ: []string{"LOOPSHOP_ADDR=127.0.0.1:9002", "LOOPSHOP_DATA_DIR=" + dir},
			check: func(t *testing.T, m *Main) {
				if m.Config.Addr != "127.0.0.1:9003" || m.Config.DataDir != dir {
					t.Errorf("addr %q, data dir %q; want the flag's address and the environment's folder", m.Config.Addr, m.Config.DataDir)
				}
			}},
		{name: "unknown key in config file", args: []string{"--config", unknown}, wantErr: `unknown field "colour"`},
		{name: "misspelt nested key", args: []string{"--config", misspeltNested}, wantErr: `unknown field "max_body_byte"`},
		{name: "config file not JSON", args: []string{"--config", notJSON}, wantErr: notJSON},
		{name: "missing config file", args: []string{"--config", filepath.Join(dir, "missing.json")}, wantErr: "missing.json"},
		{name: "unknown environment variable", environ: []string{"LOOPSHOP_COLOUR=red"}, wantErr: "LOOPSHOP_COLOUR"},
		{name: "stray argument", args: []string{"extra"}, wantErr: `unexpected argument "extra"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := NewMain(io.Discard, io.Discard)
			err := m.ParseFlags("serve", tt.args, tt.environ)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("ParseFlags: %v", err)
				}
				tt.check(t, m)
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseFlags: %v; want an error containing %q", err, tt.wantErr)
			}
		})
	}
}
