package ui

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/catalog"
	"github.com/loopshop/loopshop/identity"
	"github.com/loopshop/loopshop/market"
	"github.com/loopshop/loopshop/page"
	"github.com/loopshop/loopshop/server"
	"github.com/loopshop/loopshop/shopify"
)

// Seller Center: the pages where a shop's staff see every product of
// their shop whatever its status, set stock, and move a catalogue in and
// out as Shopify CSV. Every page asks the catalog with the request's
// actor, so the catalog's own checks decide who sees what; someone else's
// shop is "not found", as it is in the API.

// importMaxBytes bounds an uploaded Shopify CSV file.
const importMaxBytes = 15 << 20

// sellerPageSize is how many rows of the product list a page shows.
const sellerPageSize = 25

// historySize is how many of a SKU's latest stock changes are shown.
const historySize = 5

func (u *UI) registerSeller(srv *server.Server) {
	srv.HandlePage("GET /seller", u.page(u.handleSellerHome))
	srv.HandlePage("GET /seller/shops/{id}/products", u.page(u.handleSellerProducts))
	srv.HandlePage("GET /seller/products/{id}/stock", u.page(u.handleSellerStock))
	srv.HandlePage("POST /seller/products/{id}/stock", u.page(u.handleSellerSetStock))
	srv.HandlePage("GET /seller/shops/{id}/import", u.page(u.handleSellerImportForm))
	srv.HandlePageLimit("POST /seller/shops/{id}/import", importMaxBytes+64<<10, u.page(u.handleSellerImport))
	srv.HandlePage("GET /seller/shops/{id}/export.csv", u.page(u.handleSellerExport))
}

// sellerShop returns the shop if the request's actor may manage its
// products: a sign-in request without an actor, not found for strangers.
func (u *UI) sellerShop(r *http.Request, id string) (*catalog.Shop, market.Market, error) {
	actor := server.Actor(r)
	shop, err := u.Catalog.ShopFor(r.Context(), actor, id)
	if err != nil {
		return nil, market.Market{}, err
	}
	if err := actor.Can(identity.PermProductWrite, identity.Resource{Kind: "shop", Market: shop.Market, ShopID: shop.ID}); err != nil {
		return nil, market.Market{}, err
	}
	mkt, err := u.Markets.Get(shop.Market)
	if err != nil {
		return nil, market.Market{}, err
	}
	return shop, mkt, nil
}

// sellerTab is one of the tabs above a Seller Center page.
type sellerTab struct {
	Label, URL string
	Current    bool
}

// SellerHead is the shop and tabs every shop page of Seller Center shows.
type SellerHead struct {
	Shop *catalog.Shop
	Tabs []sellerTab
}

func newSellerHead(shop *catalog.Shop, current string) SellerHead {
	base := "/seller/shops/" + url.PathEscape(shop.ID)
	tabs := []sellerTab{{Label: "Products", URL: base + "/products"}, {Label: "Orders", URL: base + "/orders"}, {Label: "Videos", URL: base + "/videos"}, {Label: "Live", URL: base + "/live"},
		{Label: "Affiliate", URL: base + "/affiliate"}, {Label: "Import & export", URL: base + "/import"}}
	for i := range tabs {
		tabs[i].Current = tabs[i].Label == current
	}
	return SellerHead{Shop: shop, Tabs: tabs}
}

type sellerHomePage struct {
	Shops []sellerShopRow
}

type sellerShopRow struct {
	Shop *catalog.Shop
	Role identity.ShopRole
}

func (u *UI) handleSellerHome(w http.ResponseWriter, r *http.Request) error {
	actor := server.Actor(r)
	if actor == nil {
		return loopshop.Errorf(loopshop.EUNAUTHORIZED, "sign in to open Seller Center")
	}
	var p sellerHomePage
	for id, role := range actor.Shops {
		shop, err := u.Catalog.ShopFor(r.Context(), actor, id)
		if loopshop.ErrorCode(err) == loopshop.ENOTFOUND {
			continue // closed since the session began
		}
		if err != nil {
			return err
		}
		p.Shops = append(p.Shops, sellerShopRow{Shop: shop, Role: role})
	}
	slices.SortFunc(p.Shops, func(a, b sellerShopRow) int {
		return strings.Compare(strings.ToLower(a.Shop.Name), strings.ToLower(b.Shop.Name))
	})
	if len(p.Shops) == 1 {
		http.Redirect(w, r, "/seller/shops/"+url.PathEscape(p.Shops[0].Shop.ID)+"/products", http.StatusSeeOther)
		return nil
	}
	u.render(w, r, http.StatusOK, "seller", u.view(r, "Seller Center", u.market(r), p))
	return nil
}

// statusTabs are the product list's filters, in the order shown.
var statusTabs = []struct{ Status, Label string }{
	{"", "All"},
	{catalog.StatusActivate, "Live"},
	{catalog.StatusDraft, "Drafts"},
	{catalog.StatusPending, "In review"},
	{catalog.StatusFailed, "Failed review"},
	{catalog.StatusSellerDeactivated, "Deactivated"},
	{catalog.StatusPlatformDeactivated, "Suspended"},
}

// statusLabel names a product status as a seller reads it.
func statusLabel(status string) string {
	switch status {
	case catalog.StatusActivate:
		return "Live"
	case catalog.StatusDraft:
		return "Draft"
	case catalog.StatusPending:
		return "In review"
	case catalog.StatusFailed:
		return "Failed review"
	case catalog.StatusSellerDeactivated:
		return "Deactivated"
	case catalog.StatusPlatformDeactivated:
		return "Suspended by loopshop"
	case catalog.StatusFreeze:
		return "Frozen"
	case catalog.StatusDeleted:
		return "Deleted"
	}
	return status
}

type sellerProductsPage struct {
	SellerHead
	Filters  []sellerTab
	Status   string
	Rows     []sellerProductRow
	Deleted  string // the title of the product just deleted
	Locale   string
	MoreURL  string
	Continue bool
}

type sellerProductRow struct {
	*catalog.Product
	Available int64
}

func (u *UI) handleSellerProducts(w http.ResponseWriter, r *http.Request) error {
	shop, mkt, err := u.sellerShop(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	q := r.URL.Query()
	status := q.Get("status")
	req, err := page.FromQuery(url.Values{"cursor": q["cursor"]})
	if err != nil {
		return err
	}
	req.Limit = sellerPageSize
	actor := server.Actor(r)
	pg, err := u.Catalog.SellerProducts(r.Context(), actor, shop.ID, status, req)
	if err != nil {
		return err
	}
	base := "/seller/shops/" + url.PathEscape(shop.ID) + "/products"
	p := sellerProductsPage{SellerHead: newSellerHead(shop, "Products"), Status: status, Locale: mkt.Locale, Continue: req.After != "",
		Deleted: q.Get("deleted")}
	for _, t := range statusTabs {
		link := base
		if t.Status != "" {
			link += "?" + url.Values{"status": {t.Status}}.Encode()
		}
		p.Filters = append(p.Filters, sellerTab{Label: t.Label, URL: link, Current: t.Status == status})
	}
	for _, prod := range pg.Items {
		stock, err := u.Catalog.StockOfProduct(r.Context(), actor, prod.ID)
		if err != nil {
			return err
		}
		row := sellerProductRow{Product: prod}
		for _, s := range stock {
			row.Available += s.Available
		}
		p.Rows = append(p.Rows, row)
	}
	if pg.NextCursor != "" {
		v := url.Values{"cursor": {pg.NextCursor}}
		if status != "" {
			v.Set("status", status)
		}
		p.MoreURL = base + "?" + v.Encode()
	}
	u.render(w, r, http.StatusOK, "seller_products", u.view(r, "Products · "+shop.Name, mkt, p))
	return nil
}

type sellerStockPage struct {
	SellerHead
	Product *catalog.Product
	Locale  string
	SKUs    []stockSKU
	Saved   string // the SKU whose stock was just set
}

type stockSKU struct {
	catalog.SKU
	Rows    []stockRow
	History []*catalog.Adjustment
}

// stockRow is a SKU's stock in one warehouse, with its form's state.
type stockRow struct {
	Warehouse *catalog.Warehouse
	catalog.Stock
	Value string // typed into the form, after an error
	Error string
}

func (u *UI) handleSellerStock(w http.ResponseWriter, r *http.Request) error {
	p, err := u.stockPage(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	p.Saved = r.URL.Query().Get("saved")
	u.render(w, r, http.StatusOK, "seller_stock", u.view(r, "Stock · "+p.Product.Title, u.marketOf(p.Product.Market), p))
	return nil
}

func (u *UI) handleSellerSetStock(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return loopshop.Errorf(loopshop.EINVALID, "the form could not be read; reload the page and try again")
	}
	productID := r.PathValue("id")
	skuID, whID := r.PostForm.Get("sku_id"), r.PostForm.Get("warehouse_id")
	typed := strings.TrimSpace(r.PostForm.Get("available"))
	actor := server.Actor(r)
	n, perr := strconv.ParseInt(typed, 10, 64)
	var err error = loopshop.Invalid("available", "available must be a whole number of units, such as 12")
	if perr == nil {
		_, err = u.Catalog.AdjustStock(r.Context(), actor, catalog.AdjustStock{SKUID: skuID, WarehouseID: whID, SetAvailable: &n, Reason: catalog.ReasonCount})
	}
	if err == nil {
		http.Redirect(w, r, "/seller/products/"+url.PathEscape(productID)+"/stock?"+url.Values{"saved": {skuID}}.Encode(), http.StatusSeeOther)
		return nil
	}
	switch loopshop.ErrorCode(err) {
	case loopshop.EINVALID, loopshop.ECONFLICT:
	default:
		return err
	}
	p, perr2 := u.stockPage(r, productID)
	if perr2 != nil {
		return perr2
	}
	shown := false
	for i := range p.SKUs {
		for j := range p.SKUs[i].Rows {
			row := &p.SKUs[i].Rows[j]
			if p.SKUs[i].ID == skuID && (row.Warehouse.ID == whID || whID == "" && row.Warehouse.IsDefault) {
				row.Value, row.Error, shown = typed, sentence(loopshop.ErrorMessage(err)), true
			}
		}
	}
	if !shown {
		return err // a SKU or warehouse not on the page: say so on its own
	}
	u.render(w, r, server.StatusOf(err), "seller_stock", u.view(r, "Stock · "+p.Product.Title, u.marketOf(p.Product.Market), p))
	return nil
}

// stockPage reads a product's stock in each of its shop's warehouses and
// each SKU's latest changes.
func (u *UI) stockPage(r *http.Request, productID string) (*sellerStockPage, error) {
	ctx, actor := r.Context(), server.Actor(r)
	// Stock first: it is refused to anyone who may not manage the
	// product, where the product itself is public once live.
	stock, err := u.Catalog.StockOfProduct(ctx, actor, productID)
	if err != nil {
		return nil, err
	}
	prod, err := u.Catalog.Product(ctx, actor, productID)
	if err != nil {
		return nil, err
	}
	shop, err := u.Catalog.ShopFor(ctx, actor, prod.ShopID)
	if err != nil {
		return nil, err
	}
	warehouses, err := u.Catalog.Warehouses(ctx, actor, shop.ID)
	if err != nil {
		return nil, err
	}
	p := &sellerStockPage{SellerHead: newSellerHead(shop, "Products"), Product: prod, Locale: u.marketOf(prod.Market).Locale}
	for _, k := range prod.SKUs {
		s := stockSKU{SKU: k}
		for _, wh := range warehouses {
			row := stockRow{Warehouse: wh, Stock: catalog.Stock{SKUID: k.ID, WarehouseID: wh.ID}}
			for _, st := range stock {
				if st.SKUID == k.ID && st.WarehouseID == wh.ID {
					row.Stock = *st
				}
			}
			row.Value = strconv.FormatInt(row.Available, 10)
			s.Rows = append(s.Rows, row)
		}
		if s.History, err = u.Catalog.StockHistory(ctx, actor, k.ID, historySize); err != nil {
			return nil, err
		}
		p.SKUs = append(p.SKUs, s)
	}
	return p, nil
}

// marketOf returns a market by code, or the request-independent zero
// market when the code is not served (the layout copes with that).
func (u *UI) marketOf(code string) market.Market {
	m, _ := u.Markets.Get(code)
	return m
}

type sellerImportPage struct {
	SellerHead
	DryRun    bool
	FileName  string
	Error     string
	Report    *shopify.Report
	ExportURL string
}

func (u *UI) handleSellerImportForm(w http.ResponseWriter, r *http.Request) error {
	shop, mkt, err := u.sellerShop(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	p := sellerImportPage{SellerHead: newSellerHead(shop, "Import & export"), DryRun: true, ExportURL: exportURL(shop)}
	u.render(w, r, http.StatusOK, "seller_import", u.view(r, "Import · "+shop.Name, mkt, p))
	return nil
}

func (u *UI) handleSellerImport(w http.ResponseWriter, r *http.Request) error {
	shop, mkt, err := u.sellerShop(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	p := sellerImportPage{SellerHead: newSellerHead(shop, "Import & export"), ExportURL: exportURL(shop)}
	status := http.StatusOK
	r.Body = http.MaxBytesReader(w, r.Body, importMaxBytes)
	err = r.ParseMultipartForm(1 << 20)
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		status, p.Error = http.StatusRequestEntityTooLarge, fmt.Sprintf("The file is too large: the limit is %d MiB. Split the catalogue into several files.", importMaxBytes>>20)
	case err != nil:
		status, p.Error = http.StatusBadRequest, "The upload could not be read. Choose the CSV file again and resend the form."
	}
	if p.Error == "" {
		p.DryRun = r.PostForm.Get("dry_run") != ""
		f, hdr, ferr := r.FormFile("file")
		if ferr != nil {
			status, p.Error = http.StatusBadRequest, "Choose a Shopify product CSV file to import."
		} else {
			defer f.Close()
			p.FileName = hdr.Filename
			im := shopify.Importer{Catalog: u.Catalog, Markets: u.Markets}
			p.Report, err = im.ImportCSV(r.Context(), server.Actor(r), shop.ID, f, shopify.ImportOptions{DryRun: p.DryRun})
			if err != nil {
				switch loopshop.ErrorCode(err) {
				case loopshop.EINVALID, loopshop.EUNPROCESSABLE, loopshop.ETOOLARGE, loopshop.ECONFLICT:
					status, p.Error = server.StatusOf(err), sentence(loopshop.ErrorMessage(err))
				default:
					return err
				}
			}
		}
	}
	u.render(w, r, status, "seller_import", u.view(r, "Import · "+shop.Name, mkt, p))
	return nil
}

func exportURL(shop *catalog.Shop) string {
	return "/seller/shops/" + url.PathEscape(shop.ID) + "/export.csv"
}

func (u *UI) handleSellerExport(w http.ResponseWriter, r *http.Request) error {
	shop, _, err := u.sellerShop(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	scheme := "http"
	if secure(r) {
		scheme = "https"
	}
	origin := scheme + "://" + r.Host
	ex := shopify.Exporter{Catalog: u.Catalog, MediaURL: func(key string) string { return origin + "/media/" + key }}
	// Into a buffer first, so a failure midway is an error page rather
	// than a truncated file.
	var buf bytes.Buffer
	if _, err := ex.ExportCSV(r.Context(), server.Actor(r), shop.ID, &buf); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", fileSlug(shop.Name)+"-products.csv"))
	h.Set("Cache-Control", "private, no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(buf.Bytes())
	return nil
}

// fileSlug makes a shop name safe as a file name: "Hearth & Home" → "hearth-home".
func fileSlug(name string) string {
	var b strings.Builder
	dash := false
	for _, c := range strings.ToLower(name) {
		if (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') {
			b.WriteRune(c)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	s := strings.TrimSuffix(b.String(), "-")
	if s == "" {
		return "shop"
	}
	return s
}
