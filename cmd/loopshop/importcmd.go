package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/schollz/progressbar/v3"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/identity"
	"github.com/loopshop/loopshop/shopify"
)

// runCatalogTransfer runs "loopshop import shopify-csv" and "loopshop
// export shopify-csv": an operator's tools, acting as the platform.
func runCatalogTransfer(ctx context.Context, verb string, args, environ []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "shopify-csv" {
		fmt.Fprintf(stderr, "usage: loopshop %s shopify-csv --shop SHOP_ID --file FILE.csv [flags]\n", verb)
		return errUsage
	}
	m := NewMain(stdout, stderr)
	var shopID, file string
	var dryRun bool
	err := m.ParseFlags(verb+" shopify-csv", args[1:], environ, func(fs *flag.FlagSet) {
		fs.StringVar(&shopID, "shop", "", "the shop's ID (required)")
		if verb == "import" {
			fs.StringVar(&file, "file", "", "the CSV file to import (required)")
			fs.BoolVar(&dryRun, "dry-run", false, "check the file and report, writing nothing")
		} else {
			fs.StringVar(&file, "file", "", "the CSV file to write (default: standard output)")
		}
	})
	if err != nil {
		return err
	}
	var missing []string
	if shopID == "" {
		missing = append(missing, "--shop")
	}
	if verb == "import" && file == "" {
		missing = append(missing, "--file")
	}
	if len(missing) > 0 {
		fmt.Fprintf(stderr, "loopshop %s shopify-csv: %s required\n", verb, strings.Join(missing, " and "))
		return errUsage
	}
	defer m.Close()
	// The whole platform, so that listings are checked as the server
	// checks them; the server's job runner fetches their images.
	if err := m.build(ctx); err != nil {
		return err
	}
	cat := m.Catalog
	var codes []string
	for _, mk := range m.Router.Markets().All() {
		codes = append(codes, mk.Code)
	}
	system := identity.System(codes)

	if verb == "export" {
		out := stdout
		if file != "" {
			f, err := os.Create(file)
			if err != nil {
				return err
			}
			defer f.Close()
			out = f
		}
		ex := &shopify.Exporter{Catalog: cat, MediaURL: func(key string) string { return strings.TrimSuffix(m.Config.PublicURL, "/") + "/media/" + key }}
		n, err := ex.ExportCSV(ctx, system, shopID, out)
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "exported %d products\n", n)
		return nil
	}

	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	var bar *progressbar.ProgressBar
	im := &shopify.Importer{Catalog: cat, Markets: m.Router.Markets()}
	rep, err := im.ImportCSV(ctx, system, shopID, f, shopify.ImportOptions{DryRun: dryRun, Progress: func(done, total int) {
		if bar == nil {
			bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(stderr), progressbar.OptionSetDescription("importing"),
				progressbar.OptionShowCount(), progressbar.OptionSetItsString("products"), progressbar.OptionOnCompletion(func() { fmt.Fprintln(stderr) }))
		}
		_ = bar.Set(done)
	}})
	if rep != nil {
		for _, e := range rep.Errors {
			fmt.Fprintln(stderr, "error:", e.Error())
		}
		for _, w := range rep.Warnings {
			fmt.Fprintln(stderr, "warning:", w.Error())
		}
		mode := ""
		if rep.DryRun {
			mode = " (dry run: nothing written; these would be)"
		}
		fmt.Fprintf(stdout, "%d rows, %d products, %d variants: %d created, %d updated, %d errors, %d warnings%s\n",
			rep.Rows, rep.Products, rep.Variants, rep.Created, rep.Updated, len(rep.Errors), len(rep.Warnings), mode)
	}
	if err != nil {
		var le *loopshop.Error
		if errors.As(err, &le) {
			return errors.New(le.Message)
		}
		return err
	}
	if rep.DryRun && !rep.OK() {
		return fmt.Errorf("the file has problems (listed above); fix them before importing")
	}
	return nil
}
