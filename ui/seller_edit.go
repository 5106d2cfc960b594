package ui

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/loopshop/loopshop"
	"github.com/loopshop/loopshop/catalog"
	"github.com/loopshop/loopshop/money"
	"github.com/loopshop/loopshop/server"
)

// The product page of Seller Center: edit a listing's text and prices,
// and publish, deactivate or delete it. Options, images and SKUs keep
// what the product has; the API and CSV import change those.

type sellerEditPage struct {
	SellerHead
	Product *catalog.Product
	Form    editForm
	Error   string
	Field   string // the form field the error is about
	Notice  string
	Actions []editAction
}

// editForm is the form as typed, so that a refused save shows it again.
type editForm struct {
	Title, Description, Category, Brand, Tags string
	SKUs                                      []editSKU
}

type editSKU struct {
	ID, Label, Price, CompareAt string
}

// editAction is a status button the product's status allows.
type editAction struct {
	Action, Label, Confirm string
	Danger                 bool
}

func (u *UI) registerSellerEdit(srv *server.Server) {
	srv.HandlePage("GET /seller/products/{id}", u.page(u.handleSellerEdit))
	srv.HandlePage("POST /seller/products/{id}", u.page(u.handleSellerSave))
	srv.HandlePage("POST /seller/products/{id}/status", u.page(u.handleSellerStatus))
}

// editPage loads the product for someone who may write it.
func (u *UI) editPage(r *http.Request, id string) (*sellerEditPage, error) {
	ctx, actor := r.Context(), server.Actor(r)
	prod, err := u.Catalog.Product(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	shop, _, err := u.sellerShop(r, prod.ShopID)
	if err != nil {
		return nil, err
	}
	p := &sellerEditPage{SellerHead: newSellerHead(shop, "Products"), Product: prod, Form: formOf(prod)}
	for _, a := range []editAction{
		{Action: catalog.ActionPublish, Label: "Publish"},
		{Action: catalog.ActionDeactivate, Label: "Take off sale", Confirm: "Take this product off sale? Buyers will no longer be able to buy it."},
		{Action: catalog.ActionDelete, Label: "Delete", Confirm: "Delete this product for good?", Danger: true},
	} {
		if catalog.CanMove(prod.Status, a.Action) {
			p.Actions = append(p.Actions, a)
		}
	}
	return p, nil
}

func formOf(p *catalog.Product) editForm {
	f := editForm{Title: p.Title, Description: p.Description, Category: p.Category, Brand: p.Brand, Tags: strings.Join(p.Tags, ", ")}
	for _, k := range p.SKUs {
		s := editSKU{ID: k.ID, Label: k.SellerSKU, Price: k.Price.Decimal()}
		if len(k.Options) > 0 {
			s.Label = strings.TrimSpace(s.Label + " " + strings.Join(k.Options, " / "))
		}
		if s.Label == "" {
			s.Label = "Price"
		}
		if k.CompareAt != nil {
			s.CompareAt = k.CompareAt.Decimal()
		}
		f.SKUs = append(f.SKUs, s)
	}
	return f
}

func (u *UI) handleSellerEdit(w http.ResponseWriter, r *http.Request) error {
	p, err := u.editPage(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	switch r.URL.Query().Get("done") {
	case "saved":
		p.Notice = "Saved."
	case catalog.ActionPublish:
		p.Notice = "Published. The listing is checked again in the background."
	case catalog.ActionDeactivate:
		p.Notice = "Taken off sale. Publish it to sell it again."
	}
	if p.Product.Status == catalog.StatusActivate && p.Product.AuditStatus == catalog.AuditPending && p.Notice == "" {
		p.Notice = "Live, and being checked in the background."
	}
	u.render(w, r, http.StatusOK, "seller_edit", u.view(r, p.Product.Title, u.marketOf(p.Product.Market), p))
	return nil
}

func (u *UI) handleSellerSave(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return loopshop.Errorf(loopshop.EINVALID, "the form could not be read; reload the page and try again")
	}
	p, err := u.editPage(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	prod, f := p.Product, r.PostForm
	p.Form.Title, p.Form.Description, p.Form.Category = f.Get("title"), f.Get("description"), f.Get("category")
	p.Form.Brand, p.Form.Tags = f.Get("brand"), f.Get("tags")
	in := catalog.NewProduct{Handle: prod.Handle, Title: p.Form.Title, Description: p.Form.Description,
		DescriptionHTML: prod.DescriptionHTML, Category: p.Form.Category, Brand: p.Form.Brand, Options: prod.Options}
	for _, t := range strings.Split(p.Form.Tags, ",") {
		if t = strings.TrimSpace(t); t != "" {
			in.Tags = append(in.Tags, t)
		}
	}
	for _, im := range prod.Images {
		in.Images = append(in.Images, catalog.NewImage{MediaKey: im.MediaKey, Alt: im.Alt})
	}
	err = nil
	for i, k := range prod.SKUs {
		s := &p.Form.SKUs[i]
		s.Price, s.CompareAt = strings.TrimSpace(f.Get("price_"+k.ID)), strings.TrimSpace(f.Get("compare_at_"+k.ID))
		nk := catalog.NewSKU{SellerSKU: k.SellerSKU, Options: k.Options, WeightGrams: k.WeightGrams, Barcode: k.Barcode}
		price, perr := money.Parse(s.Price, k.Price.Currency)
		if perr != nil && err == nil {
			err = &loopshop.Error{Code: loopshop.EINVALID, Field: "price_" + k.ID, Message: "price of " + s.Label + ": " + loopshop.ErrorMessage(perr)}
		}
		nk.Price = price.Amount
		if s.CompareAt != "" {
			was, perr := money.Parse(s.CompareAt, k.Price.Currency)
			if perr != nil && err == nil {
				err = &loopshop.Error{Code: loopshop.EINVALID, Field: "compare_at_" + k.ID, Message: "was-price of " + s.Label + ": " + loopshop.ErrorMessage(perr)}
			}
			nk.CompareAtPrice = was.Amount
		}
		in.SKUs = append(in.SKUs, nk)
	}
	if err == nil {
		_, err = u.Catalog.UpdateProduct(r.Context(), server.Actor(r), prod.ID, in)
	}
	if err == nil {
		http.Redirect(w, r, "/seller/products/"+url.PathEscape(prod.ID)+"?done=saved", http.StatusSeeOther)
		return nil
	}
	switch loopshop.ErrorCode(err) {
	case loopshop.EINVALID, loopshop.ECONFLICT:
	default:
		return err
	}
	p.Error, p.Field = sentence(loopshop.ErrorMessage(err)), formField(loopshop.ErrorField(err), prod)
	u.render(w, r, server.StatusOf(err), "seller_edit", u.view(r, prod.Title, u.marketOf(prod.Market), p))
	return nil
}

// formField maps the catalog's field path of an error to the form's
// input: skus[1].price is the price box of the product's second SKU.
func formField(field string, p *catalog.Product) string {
	for i, k := range p.SKUs {
		prefix := "skus[" + strconv.Itoa(i) + "]."
		switch field {
		case prefix + "price":
			return "price_" + k.ID
		case prefix + "compare_at_price":
			return "compare_at_" + k.ID
		}
	}
	if i := strings.IndexAny(field, "[."); i >= 0 {
		field = field[:i]
	}
	return field
}

func (u *UI) handleSellerStatus(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return loopshop.Errorf(loopshop.EINVALID, "the form could not be read; reload the page and try again")
	}
	action := r.PostForm.Get("action")
	prod, err := u.Catalog.SetProductStatus(r.Context(), server.Actor(r), r.PathValue("id"), action)
	if err != nil {
		return err
	}
	if action == catalog.ActionDelete {
		http.Redirect(w, r, "/seller/shops/"+url.PathEscape(prod.ShopID)+"/products?"+url.Values{"deleted": {prod.Title}}.Encode(), http.StatusSeeOther)
		return nil
	}
	http.Redirect(w, r, "/seller/products/"+url.PathEscape(prod.ID)+"?done="+url.QueryEscape(action), http.StatusSeeOther)
	return nil
}
