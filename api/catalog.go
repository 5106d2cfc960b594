package api

import (
	"net/http"

	"github.com/loopshop/loopshop/catalog"
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
	shop, err := a.Catalog.Shop(r.Context(), r.PathValue("id"))
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
	p, err := a.Catalog.Browse(r.Context(), r.PathValue("market"), req)
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusOK, p)
}

func (a *API) handleProduct(w http.ResponseWriter, r *http.Request) error {
	p, err := a.Catalog.Product(r.Context(), server.Actor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return server.JSON(w, http.StatusOK, p)
}
