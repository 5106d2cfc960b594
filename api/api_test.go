package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/loopshop/loopshop/catalog"
	"github.com/loopshop/loopshop/sqlstore/sqltest"
	"github.com/loopshop/loopshop/testkit"
)

// The API's handlers over one platform per engine, without a loopshop
// process around them: what each answers to a seller listing and a buyer
// checking out, and how it refuses what is wrong, with the problem
// document naming the field at fault.
func TestCatalogAndCheckoutScenario(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		p := testkit.New(t, engine)
		seller, shop := testkit.Seller(t, p, "GB", "Tea Room")
		stock := int64(3)
		tea := testkit.Product(t, p, seller, shop, catalog.NewProduct{Title: "Green tea", Description: "Loose leaf.", Category: "groceries",
			SKUs: []catalog.NewSKU{{Price: 1200, WeightGrams: 300, Stock: &stock}}})
		buyer := testkit.Account(t, p, "GB", false)
		deBuyer := testkit.Account(t, p, "DE", false)
		v := testkit.Vars{"seller": testkit.Token(t, p, seller), "buyer": testkit.Token(t, p, buyer), "de_buyer": testkit.Token(t, p, deBuyer),
			"shop": shop.ID, "tea": tea.ID, "sku": tea.SKUs[0].ID}
		checkout := func(qty int, cardNumber string) string {
			return fmt.Sprintf(`{"items": [{"sku_id": "{sku}", "quantity": %d}], "ship_to": {"name": "Ada Buyer", "line1": "1 High Street",
				"city": "London", "postal_code": "N1 1AA"}, "payment": {"method": "card", "card": {"number": %q, "exp_month": 12, "exp_year": 2040, "cvc": "123"}}}`,
				qty, cardNumber)
		}
		key := func(k string) map[string]string { return map[string]string{"Idempotency-Key": k} }
		c := testkit.API(t, p)
		testkit.Run(t, c, v, []testkit.Step{
			{Name: "list a product without signing in", Method: "POST", Path: "/api/v1/shops/{shop}/products",
				Body: `{"title": "Mug", "category": "home", "skus": [{"price": 900}]}`, Status: http.StatusUnauthorized, Check: testkit.Problem("unauthorized", "")},
			{Name: "list a product with no price", Method: "POST", Path: "/api/v1/shops/{shop}/products", As: "seller",
				Body: `{"title": "Mug", "category": "home", "skus": [{}]}`, Status: http.StatusBadRequest, Check: testkit.Problem("invalid", "skus[0].price")},
			{Name: "list a product with an off-platform link", Method: "POST", Path: "/api/v1/shops/{shop}/products", As: "seller",
				Body:   `{"title": "Mug", "description": "cheaper at mugs-direct.example.com", "category": "home", "skus": [{"price": 900}], "publish": true}`,
				Status: http.StatusBadRequest, Check: testkit.Problem("invalid", "description")},
			// A shop the actor has no tie to is not found, so IDs cannot be probed.
			{Name: "list a product in another's shop", Method: "POST", Path: "/api/v1/shops/{shop}/products", As: "buyer",
				Body: `{"title": "Mug", "category": "home", "skus": [{"price": 900}]}`, Status: http.StatusNotFound, Check: testkit.Problem("not_found", "")},
			{Name: "read the product", Method: "GET", Path: "/api/v1/products/{tea}", Status: http.StatusOK,
				Check: testkit.All(testkit.Field("title", "Green tea"), testkit.Field("status", "ACTIVATE"))},
			{Name: "read a product that is not there", Method: "GET", Path: "/api/v1/products/prd_gb_nothing", Status: http.StatusNotFound},
			{Name: "check out more than is in stock", Method: "POST", Path: "/api/v1/checkouts", As: "buyer", Header: key("k1"),
				Body: checkout(4, "4242 4242 4242 4242"), Status: http.StatusConflict, Check: testkit.Problem("conflict", "items[0].quantity")},
			{Name: "check out from another market", Method: "POST", Path: "/api/v1/checkouts", As: "de_buyer", Header: key("k2"),
				Body: checkout(1, "4242 4242 4242 4242"), Status: http.StatusNotFound, Check: testkit.Problem("not_found", "items[0].sku_id")},
			// A card number the provider refuses is a decline, as with a
			// real provider: 402 with the checkout, which says why.
			{Name: "check out with a card number that is not one", Method: "POST", Path: "/api/v1/checkouts", As: "buyer", Header: key("k3"),
				Body: checkout(1, "4242"), Status: http.StatusPaymentRequired,
				Check: testkit.All(testkit.Field("status", "DECLINED"), testkit.Field("decline_code", "incorrect_number"))},
			{Name: "check out", Method: "POST", Path: "/api/v1/checkouts", As: "buyer", Header: key("k4"),
				Body: checkout(2, "4242 4242 4242 4242"), Status: http.StatusCreated,
				Check: testkit.All(testkit.Save("checkout", "id"), testkit.Field("status", "PAID"))},
			{Name: "the same checkout again", Method: "POST", Path: "/api/v1/checkouts", As: "buyer", Header: key("k4"),
				Body: checkout(2, "4242 4242 4242 4242"), Status: http.StatusCreated,
				Check: testkit.Field("id", "{checkout}")},
			{Name: "the key with another request", Method: "POST", Path: "/api/v1/checkouts", As: "buyer", Header: key("k4"),
				Body: checkout(1, "4242 4242 4242 4242"), Status: http.StatusUnprocessableEntity, Check: testkit.Problem("unprocessable", "")},
			{Name: "the stock is sold", Method: "GET", Path: "/api/v1/products/{tea}/stock", As: "seller", Status: http.StatusOK,
				Check: func(t *testing.T, v testkit.Vars, r *testkit.Response) {
					if !strings.Contains(string(r.Body), `"sold":2`) {
						t.Errorf("stock %s; want 2 sold", r.Body)
					}
				}},
			{Name: "another buyer cannot read the checkout", Method: "GET", Path: "/api/v1/checkouts/{checkout}", As: "de_buyer", Status: http.StatusNotFound},
			{Name: "the seller sees the order", Method: "GET", Path: "/api/v1/shops/{shop}/orders?status=ON_HOLD", As: "seller", Status: http.StatusOK,
				Check: func(t *testing.T, v testkit.Vars, r *testkit.Response) {
					if ids := r.Items(t); len(ids) != 1 {
						t.Errorf("the shop's orders %v; want the one paid", ids)
					}
				}},
		})
	})
}
