package api

import (
	"net/http"
	"strconv"

	"github.com/loopshop/loopshop"

	"github.com/loopshop/loopshop/catalog"
	"github.com/loopshop/loopshop/category"
	"github.com/loopshop/loopshop/page"
	"github.com/loopshop/loopshop/server"
)

func (a *API) handleCreateShop(w http.ResponseWriter, r *http.Request) error {
	var in catalog.NewShop
	if err := server.Decode(r, &in); err != nil {
		return err
	}
	shop, err := a.Catalog.CreateShop(r.Context(), server.Actor(r), in)
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusCreated, shop)
}

func (a *API) handleShop(w http.ResponseWriter, r *http.Request) error {
	shop, err := a.Catalog.ShopFor(r.Context(), server.Actor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusOK, shop)
}

// CreateProduct is the body of POST /api/v1/shops/{id}/products.
type CreateProduct struct {
	catalog.NewProduct
	Publish bool `json:"publish"`
}

func (a *API) handleCreateProduct(w http.ResponseWriter, r *http.Request) error {
	var in CreateProduct
	if err := server.Decode(r, &in); err != nil {
		return err
	}
	p, err := a.Catalog.CreateProduct(r.Context(), server.Actor(r), r.PathValue("id"), in.NewProduct, in.Publish)
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusCreated, p)
}

func (a *API) handleBrowse(w http.ResponseWriter, r *http.Request) error {
	req, err := page.FromQuery(r.URL.Query())
	if err != nil {
		return err
	}
	var p page.Page[*catalog.Product]
	if c := r.URL.Query().Get("category"); c != "" {
		p, err = a.Catalog.BrowseCategory(r.Context(), r.PathValue("market"), c, req)
	} else {
		p, err = a.Catalog.Browse(r.Context(), r.PathValue("market"), req)
	}
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusOK, p)
}

// CategoryTree is the category tree.
type CategoryTree struct {
	Categories []*category.Node `json:"categories"`
}

func (a *API) handleCategories(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "public, max-age=3600")
	return server.JSON(w, http.StatusOK, CategoryTree{Categories: category.Tree()})
}

func (a *API) handleProduct(w http.ResponseWriter, r *http.Request) error {
	p, err := a.Catalog.Product(r.Context(), server.Actor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusOK, p)
}

func (a *API) handleSearch(w http.ResponseWriter, r *http.Request) error {
	req, err := page.FromQuery(r.URL.Query())
	if err != nil {
		return err
	}
	p, err := a.Catalog.Search(r.Context(), r.PathValue("market"), r.URL.Query().Get("q"), req)
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusOK, p)
}

// WarehouseList is a shop's warehouses.
type WarehouseList struct {
	Warehouses []*catalog.Warehouse `json:"warehouses"`
}

func (a *API) handleWarehouses(w http.ResponseWriter, r *http.Request) error {
	list, err := a.Catalog.Warehouses(r.Context(), server.Actor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusOK, WarehouseList{Warehouses: nonNil(list)})
}

func (a *API) handleCreateWarehouse(w http.ResponseWriter, r *http.Request) error {
	var in catalog.NewWarehouse
	if err := server.Decode(r, &in); err != nil {
		return err
	}
	wh, err := a.Catalog.CreateWarehouse(r.Context(), server.Actor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusCreated, wh)
}

func (a *API) handleAdjustStock(w http.ResponseWriter, r *http.Request) error {
	var in catalog.AdjustStock
	if err := server.Decode(r, &in); err != nil {
		return err
	}
	st, err := a.Catalog.AdjustStock(r.Context(), server.Actor(r), in)
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusOK, st)
}

// StockList is a product's stock.
type StockList struct {
	Stock []*catalog.Stock `json:"stock"`
}

func (a *API) handleStock(w http.ResponseWriter, r *http.Request) error {
	st, err := a.Catalog.StockOfProduct(r.Context(), server.Actor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusOK, StockList{Stock: nonNil(st)})
}

// AdjustmentList is a SKU's stock history.
type AdjustmentList struct {
	Adjustments []*catalog.Adjustment `json:"adjustments"`
}

func (a *API) handleStockHistory(w http.ResponseWriter, r *http.Request) error {
	limit := 50
	if s := r.URL.Query().Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 200 {
			return loopshop.Invalid("limit", "limit must be a whole number from 1 to 200")
		}
		limit = n
	}
	h, err := a.Catalog.StockHistory(r.Context(), server.Actor(r), r.PathValue("id"), limit)
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusOK, AdjustmentList{Adjustments: nonNil(h)})
}

// nonNil makes an empty list encode as [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func (a *API) handleReviewQueue(w http.ResponseWriter, r *http.Request) error {
	req, err := page.FromQuery(r.URL.Query())
	if err != nil {
		return err
	}
	p, err := a.Catalog.ReviewQueue(r.Context(), server.Actor(r), r.PathValue("market"), req)
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusOK, p)
}

func (a *API) handleUpdateProduct(w http.ResponseWriter, r *http.Request) error {
	var in catalog.NewProduct
	if err := server.Decode(r, &in); err != nil {
		return err
	}
	p, err := a.Catalog.UpdateProduct(r.Context(), server.Actor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusOK, p)
}

// StatusAction is what a seller does to a product's status.
type StatusAction struct {
	Action string `json:"action"` // publish, deactivate or delete
}

func (a *API) handleProductStatus(w http.ResponseWriter, r *http.Request) error {
	var in StatusAction
	if err := server.Decode(r, &in); err != nil {
		return err
	}
	p, err := a.Catalog.SetProductStatus(r.Context(), server.Actor(r), r.PathValue("id"), in.Action)
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusOK, p)
}

// ReviewDecision is a reviewer's verdict on a held listing.
type ReviewDecision struct {
	Decision string `json:"decision"` // approve or reject
	Note     string `json:"note,omitempty"`
}

func (a *API) handleReview(w http.ResponseWriter, r *http.Request) error {
	var in ReviewDecision
	if err := server.Decode(r, &in); err != nil {
		return err
	}
	if in.Decision != "approve" && in.Decision != "reject" {
		return loopshop.Invalid("decision", "decision must be approve or reject")
	}
	p, err := a.Catalog.Review(r.Context(), server.Actor(r), r.PathValue("id"), in.Decision == "approve", in.Note)
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusOK, p)
}
