// Command loopshop runs the loopshop platform: the HTTP server with the API
// and the web UI, database migrations, and the tools around them.
//
//	loopshop serve [--demo] [--addr host:port] [--config file.json]
//	loopshop migrate [--config file.json]
//	loopshop import shopify-csv --shop ID --file F.csv [--dry-run]
//	loopshop export shopify-csv --shop ID [--file F.csv]
//	loopshop bench checkout|flash|live [flags]
//	loopshop version
//
// main is thin: the work is done by Main, which end-to-end tests start
// in-process on port 0.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Environ(), os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, errUsage) {
			fmt.Fprintln(os.Stderr, "loopshop:", err)
		}
		os.Exit(1)
	}
}

var errUsage = errors.New("usage")

const usage = `loopshop: closed-loop social commerce.

Usage:
  loopshop serve [flags]     run the HTTP server (API, web UI, metrics)
  loopshop migrate [flags]   bring every database's schema up to date
  loopshop import shopify-csv --shop ID --file F.csv [--dry-run]
                             import (upsert by handle) a Shopify product CSV
  loopshop export shopify-csv --shop ID [--file F.csv]
                             export a shop's catalogue as Shopify product CSV
  loopshop bench checkout [--buyers 200] [--duration 20s]
  loopshop bench flash [--attempts 10000] [--units 500]
  loopshop bench live [--viewers 5000] [--buyers 2000] [--units 200]
                             load-test checkout over HTTP on a server it
                             starts in-process, and check the stock adds up
  loopshop version           print the version

Run "loopshop serve -h" for the flags. Settings come from, in order:
defaults, a JSON file (--config or LOOPSHOP_CONFIG), LOOPSHOP_* environment
variables, then flags.
`

func run(ctx context.Context, args, environ []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	switch args[0] {
	case "serve":
		m := NewMain(stdout, stderr)
		if err := m.ParseFlags(args[0], args[1:], environ); err != nil {
			return err
		}
		if err := m.Run(ctx); err != nil {
			m.Close()
			return err
		}
		<-ctx.Done()
		m.Logger.Info("shutting down")
		return m.Close()
	case "migrate":
		m := NewMain(stdout, stderr)
		if err := m.ParseFlags(args[0], args[1:], environ); err != nil {
			return err
		}
		defer m.Close()
		return m.Migrate(ctx)
	case "import", "export":
		return runCatalogTransfer(ctx, args[0], args[1:], environ, stdout, stderr)
	case "bench":
		return runBench(ctx, args[1:], environ, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "loopshop", Version())
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprintf(stderr, "loopshop: unknown command %q\n\n%s", args[0], usage)
	return errUsage
}
