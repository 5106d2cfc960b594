package main

import (
	"bytes"
	"mime/multipart"
	"testing"

	"github.com/loopshop/loopshop/sqlstore/sqltest"
)

// videoForm is a multipart video upload: meta (JSON) and a video file.
func videoForm(t *testing.T, meta string, video []byte) (body string, header map[string]string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	if err := w.WriteField("meta", meta); err != nil {
		t.Fatal(err)
	}
	if video != nil {
		f, err := w.CreateFormFile("video", "clip.mp4")
		if err != nil {
			t.Fatal(err)
		}
		f.Write(video)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String(), map[string]string{"Content-Type": w.FormDataContentType()}
}

// testMP4 is the start of an MP4 file: enough for its type to be sniffed.
var testMP4 = append([]byte("\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"), make([]byte, 256)...)

// A seller posts a video over HTTP, it shows in the feed, a buyer taps its
// anchor and buys: the order line names the video, and the video counts
// the tap and the order. The video itself is served with range requests.
func TestContentScenario(t *testing.T) {
	t.Parallel()
	sqltest.Each(t, func(t *testing.T, engine string) {
		m := startMain(t, engine)
		c := newClient(t, m)
		v := vars{}
		runSteps(t, c, v, []step{
			{name: "seller signs up", method: "POST", path: "/api/v1/accounts", body: signUpBody("GB", "seller@example.com"), status: 201},
			{name: "seller logs in", method: "POST", path: "/api/v1/sessions", body: loginBody("seller@example.com"), status: 201, check: save("seller", "token")},
			{name: "seller opens a shop", method: "POST", path: "/api/v1/shops", as: "seller", body: `{"name": "Tea Corner"}`, status: 201, check: save("shop", "id")},
			{name: "seller lists tea", method: "POST", path: "/api/v1/shops/{shop}/products", as: "seller",
				body: `{"title": "Green tea", "category": "food", "skus": [{"price": 599, "stock": 10}], "publish": true}`, status: 201,
				check: all(save("product", "id"), saveAt("sku", "skus.0.id"))},
			{name: "buyer signs up", method: "POST", path: "/api/v1/accounts", body: signUpBody("GB", "grace@example.com"), status: 201},
			{name: "buyer logs in", method: "POST", path: "/api/v1/sessions", body: loginBody("grace@example.com"), status: 201, check: save("buyer", "token")},
		})

		post := func(meta string, video []byte) (string, map[string]string) {
			return videoForm(t, v.expand(meta), video)
		}
		body, hdr := post(`{"shop_id": "{shop}", "caption": "Brewing the perfect cup #tea", "duration_ms": 6000, "anchors": ["{product}"]}`, testMP4)
		linkBody, linkHdr := post(`{"shop_id": "{shop}", "caption": "cheaper on teashop dot example dot com", "anchors": ["{product}"]}`, testMP4)
		textBody, textHdr := post(`{"shop_id": "{shop}", "caption": "a text file", "anchors": ["{product}"]}`, []byte("just words, no video"))
		noFileBody, noFileHdr := post(`{"shop_id": "{shop}", "caption": "forgot the file", "anchors": ["{product}"]}`, nil)
		runSteps(t, c, v, []step{
			{name: "post a video", method: "POST", path: "/api/v1/videos", as: "seller", body: body, header: hdr, status: 201,
				check: all(save("video", "id"), field("caption", "Brewing the perfect cup #tea"), valueAt("anchors.0.product_id", "{product}"),
					valueAt("anchors.0.price.amount", "599"), header("Location", "/api/v1/videos/{video}"), saveAt("media", "media_key"))},
			{name: "a caption with a disguised link", method: "POST", path: "/api/v1/videos", as: "seller", body: linkBody, header: linkHdr, status: 400,
				check: all(problem("invalid", "caption"), detailHas("closed-loop"))},
			{name: "a file that is not a video", method: "POST", path: "/api/v1/videos", as: "seller", body: textBody, header: textHdr, status: 400, check: problem("invalid", "video")},
			{name: "no video file", method: "POST", path: "/api/v1/videos", as: "seller", body: noFileBody, header: noFileHdr, status: 400, check: problem("invalid", "video")},
			{name: "JSON instead of a form", method: "POST", path: "/api/v1/videos", as: "seller", body: `{"caption": "x"}`, status: 400, check: problem("invalid", "")},
			{name: "a buyer posting for the shop", method: "POST", path: "/api/v1/videos", as: "buyer", body: body, header: hdr, status: 404},
			{name: "signed out", method: "POST", path: "/api/v1/videos", body: body, header: hdr, status: 401},

			{name: "the feed shows it to a visitor", method: "GET", path: "/api/v1/markets/gb/feed", status: 200,
				check: all(lengthAt("items", 1), valueAt("items.0.id", "{video}"), valueAt("items.0.author_name", "Tea Corner"))},
			{name: "the shop tab lists it", method: "GET", path: "/api/v1/shops/{shop}/videos", status: 200, check: valueAt("items.0.id", "{video}")},
			{name: "the video is served in ranges", method: "GET", path: "/media/{media}", header: map[string]string{"Range": "bytes=4-7"}, status: 206,
				check: func(t *testing.T, v vars, r *response) {
					if string(r.body) != "ftyp" || r.header.Get("Content-Type") != "video/mp4" {
						t.Errorf("range 4-7: %q as %q; want ftyp as video/mp4", r.body, r.header.Get("Content-Type"))
					}
				}},
			{name: "the buyer's phone reports a view", method: "POST", path: "/api/v1/markets/gb/feed/views", as: "buyer", body: `{"video_ids": ["{video}"]}`, status: 204},
			{name: "the buyer taps the anchor", method: "POST", path: "/api/v1/taps", as: "buyer",
				body: `{"kind": "anchor", "video_id": "{video}", "product_id": "{product}"}`, status: 200, check: valueAt("recorded", "true")},
			{name: "a tap on a product the video does not link", method: "POST", path: "/api/v1/taps", as: "buyer",
				body: `{"kind": "anchor", "video_id": "{video}", "product_id": "prd_gb_nothing"}`, status: 400, check: problem("invalid", "product_id")},
			{name: "the buyer buys", method: "POST", path: "/api/v1/checkouts", as: "buyer", header: map[string]string{"Idempotency-Key": "buy-1"},
				body: checkoutJSON(`[{"sku_id": "{sku}", "quantity": 1}]`, "Grace Hopper", "4242424242424242"), status: 201,
				check: all(valueAt("orders.0.lines.0.source.video_id", "{video}"), valueAt("orders.0.lines.0.source.kind", "anchor"))},
			{name: "the video counts the view, the tap and the order", method: "GET", path: "/api/v1/videos/{video}", status: 200,
				check: all(valueAt("stats.views", "1"), valueAt("stats.anchor_clicks", "1"), valueAt("stats.orders", "1"))},

			{name: "the seller takes it down", method: "DELETE", path: "/api/v1/videos/{video}", as: "seller", status: 204},
			{name: "gone from the feed", method: "GET", path: "/api/v1/markets/gb/feed", status: 200, check: lengthAt("items", 0)},
			{name: "gone for buyers", method: "GET", path: "/api/v1/videos/{video}", as: "buyer", status: 404},
		})
	})
}
