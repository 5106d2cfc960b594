// Package api is loopshop's JSON API under /api/v1: thin handlers that
// decode a request, call a capability's Service with the request's actor,
// and encode the result. Rules live in the services, errors are written by
// server.Error, and every route is registered with its documentation so
// that /api/openapi.json is generated from what is actually served.
package api

import (
	"net/http"
	"slices"
	"time"

	"github.com/loopshop/loopshop/affiliate"
	"github.com/loopshop/loopshop/catalog"
	"github.com/loopshop/loopshop/content"
	"github.com/loopshop/loopshop/identity"
	"github.com/loopshop/loopshop/live"
	"github.com/loopshop/loopshop/market"
	"github.com/loopshop/loopshop/media"
	"github.com/loopshop/loopshop/order"
	"github.com/loopshop/loopshop/page"
	"github.com/loopshop/loopshop/payout"
	"github.com/loopshop/loopshop/server"
	"github.com/loopshop/loopshop/shipping"
	"github.com/loopshop/loopshop/university"
)

// API holds the services the handlers call.
type API struct {
	Markets  *market.Set
	Identity *identity.Service
	Catalog  *catalog.Service
	Orders   *order.Service
	Shipping *shipping.Service
	Payouts  *payout.Service
	// Content serves videos, showcases and the feed; nil leaves them out.
	Content *content.Service
	// Affiliate serves plans and creators' earnings; nil leaves them out.
	Affiliate *affiliate.Service
	// Live serves live rooms; nil leaves them out.
	Live *live.Service
	// University serves Seller University; nil leaves it out.
	University *university.Service
	// SessionTTL is reported to clients with a new token.
	SessionTTL time.Duration
	// Media stores uploads; PublicURL makes their addresses absolute.
	Media     media.Store
	PublicURL string
}

// Register adds every API route to srv.
func (a *API) Register(srv *server.Server) {
	for _, rt := range slices.Concat(a.routes(), a.transferRoutes(), a.orderRoutes(), a.financeRoutes(), a.contentRoutes(), a.affiliateRoutes(), a.liveRoutes(), a.universityRoutes()) {
		srv.Handle(rt)
	}
}

func (a *API) routes() []server.Route {
	return []server.Route{
		{Method: "GET", Path: "/api/v1/markets", Tag: "markets", Summary: "List the markets served, with their currency, tax and roll-out switches.",
			Response: MarketList{}, Handler: a.handleMarkets},

		{Method: "POST", Path: "/api/v1/accounts", Tag: "identity", Summary: "Sign up: create an account in a market. A repeated sign-up answers 409.",
			Request: identity.SignUp{}, Response: identity.Account{}, Status: http.StatusCreated, Handler: a.handleSignUp},
		{Method: "GET", Path: "/api/v1/accounts/{id}", Tag: "identity", Auth: server.Required, Summary: "Get an account: your own, or any in your cleared regions with a staff role that may read accounts.",
			Response: identity.Account{}, Handler: a.handleAccount},
		{Method: "POST", Path: "/api/v1/sessions", Tag: "identity", NoIdempotency: true,
			Summary: "Sign in with e-mail and password; returns a bearer token shown only once. Not idempotent: each call starts a new session, which is what a retry wants.",
			Request: Credentials{}, Response: NewSession{}, Status: http.StatusCreated, Handler: a.handleLogin},
		{Method: "DELETE", Path: "/api/v1/sessions/current", Tag: "identity", Auth: server.Required, Summary: "Sign out: end the session of the token used.",
			Status: http.StatusNoContent, Handler: a.handleLogout},
		{Method: "GET", Path: "/api/v1/me", Tag: "identity", Auth: server.Required, Summary: "The signed-in account with its shop roles.",
			Response: Me{}, Handler: a.handleMe},

		{Method: "POST", Path: "/api/v1/shops", Tag: "catalog", Auth: server.Required, Summary: "Open a shop in your market; you become its owner.",
			Request: catalog.NewShop{}, Response: catalog.Shop{}, Status: http.StatusCreated, Handler: a.handleCreateShop},
		{Method: "GET", Path: "/api/v1/shops/{id}", Tag: "catalog", Summary: "Get a shop.",
			Response: catalog.Shop{}, Handler: a.handleShop},
		{Method: "POST", Path: "/api/v1/shops/{id}/products", Tag: "catalog", Auth: server.Required,
			Summary: "List a product in a shop you may write products for. With publish it goes live at once; otherwise it is a draft.",
			Request: CreateProduct{}, Response: catalog.Product{}, Status: http.StatusCreated, Handler: a.handleCreateProduct},
		{Method: "GET", Path: "/api/v1/markets/{market}/products", Tag: "catalog", Summary: "Browse a market's live products, newest first.",
			Query: map[string]string{"limit": "page size, 1 to 100 (default 20)", "cursor": "next_cursor of the previous page",
				"category": "only products in this category or below it (an id from /api/v1/categories)"},
			Response: page.Page[*catalog.Product]{}, Handler: a.handleBrowse},
		{Method: "GET", Path: "/api/v1/categories", Tag: "catalog", Summary: "The category tree products are listed in, top-level categories first.",
			Response: CategoryTree{}, Handler: a.handleCategories},
		{Method: "GET", Path: "/api/v1/markets/{market}/products/search", Tag: "catalog", Summary: "Search a market's live products by words in title, brand, category, tags and description; best match first, the last word matched as a prefix.",
			Query:    map[string]string{"q": "the words to search for (required)", "limit": "page size, 1 to 100 (default 20)", "cursor": "next_cursor of the previous page"},
			Response: page.Page[*catalog.Product]{}, Handler: a.handleSearch},
		{Method: "GET", Path: "/api/v1/shops/{id}/warehouses", Tag: "inventory", Auth: server.Required, Summary: "List a shop's warehouses, the default first.",
			Response: WarehouseList{}, Handler: a.handleWarehouses},
		{Method: "POST", Path: "/api/v1/shops/{id}/warehouses", Tag: "inventory", Auth: server.Required, Summary: "Add a warehouse to a shop you manage.",
			Request: catalog.NewWarehouse{}, Response: catalog.Warehouse{}, Status: http.StatusCreated, Handler: a.handleCreateWarehouse},
		{Method: "POST", Path: "/api/v1/stock-adjustments", Tag: "inventory", Auth: server.Required,
			Summary: "Change a SKU's stock in a warehouse by delta units, or to leave exactly set_available units available; removing more than is available is refused.",
			Request: catalog.AdjustStock{}, Response: catalog.Stock{}, Handler: a.handleAdjustStock},
		{Method: "GET", Path: "/api/v1/products/{id}/stock", Tag: "inventory", Auth: server.Required, Summary: "Stock of every SKU of a product, per warehouse.",
			Response: StockList{}, Handler: a.handleStock},
		{Method: "GET", Path: "/api/v1/skus/{id}/stock-adjustments", Tag: "inventory", Auth: server.Required, Summary: "A SKU's latest stock adjustments, newest first.",
			Query: map[string]string{"limit": "how many, 1 to 200 (default 50)"}, Response: AdjustmentList{}, Handler: a.handleStockHistory},
		{Method: "GET", Path: "/api/v1/markets/{market}/review-queue", Tag: "review", Auth: server.Required,
			Summary:  "Listings of a market held for review, newest first: for trust & safety staff cleared for the market's region.",
			Query:    map[string]string{"limit": "page size, 1 to 100 (default 20)", "cursor": "next_cursor of the previous page"},
			Response: page.Page[*catalog.Product]{}, Handler: a.handleReviewQueue},
		{Method: "POST", Path: "/api/v1/products/{id}/review", Tag: "review", Auth: server.Required,
			Summary: "Decide a held listing: approve puts it live; reject fails it with a note for the seller.",
			Request: ReviewDecision{}, Response: catalog.Product{}, Handler: a.handleReview},
		{Method: "GET", Path: "/api/v1/products/{id}", Tag: "catalog", Summary: "Get a product. Drafts are visible only to the shop's staff.",
			Response: catalog.Product{}, Handler: a.handleProduct},
		{Method: "PUT", Path: "/api/v1/products/{id}", Tag: "catalog", Auth: server.Required,
			Summary: "Replace a product's listing. SKUs keep their IDs, stock and sales when matched by seller SKU or option values; a live listing is reviewed again.",
			Request: catalog.NewProduct{}, Response: catalog.Product{}, Handler: a.handleUpdateProduct},
		{Method: "POST", Path: "/api/v1/products/{id}/status", Tag: "catalog", Auth: server.Required,
			Summary: "Publish (through review), deactivate or delete a product.",
			Request: StatusAction{}, Response: catalog.Product{}, Handler: a.handleProductStatus},
	}
}
