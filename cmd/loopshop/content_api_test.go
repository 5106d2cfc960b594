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
			{Name: "seller signs up", Method: "POST", Path: "/api/v1/accounts", Body: signUpBody("GB", "seller@example.com"), Status: 201},
			{Name: "seller logs in", Method: "POST", Path: "/api/v1/sessions", Body: loginBody("seller@example.com"), Status: 201, Check: save("seller", "token")},
			{Name: "seller opens a shop", Method: "POST", Path: "/api/v1/shops", As: "seller", Body: `{"name": "Tea Corner"}`, Status: 201, Check: save("shop", "id")},
			{Name: "seller lists tea", Method: "POST", Path: "/api/v1/shops/{shop}/products", As: "seller",
				Body: `{"title": "Green tea", "category": "food", "skus": [{"price": 599, "stock": 10}], "publish": true}`, Status: 201,
				Check: all(save("product", "id"), saveAt("sku", "skus.0.id"))},
			{Name: "buyer signs up", Method: "POST", Path: "/api/v1/accounts", Body: signUpBody("GB", "grace@example.com"), Status: 201},
			{Name: "buyer logs in", Method: "POST", Path: "/api/v1/sessions", Body: loginBody("grace@example.com"), Status: 201, Check: save("buyer", "token")},
		})

		post := func(meta string, video []byte) (string, map[string]string) {
			return videoForm(t, v.Expand(meta), video)
		}
		body, hdr := post(`{"shop_id": "{shop}", "caption": "Brewing the perfect cup #tea", "duration_ms": 6000, "anchors": ["{product}"]}`, testMP4)
		linkBody, linkHdr := post(`{"shop_id": "{shop}", "caption": "cheaper on teashop dot example dot com", "anchors": ["{product}"]}`, testMP4)
		textBody, textHdr := post(`{"shop_id": "{shop}", "caption": "a text file", "anchors": ["{product}"]}`, []byte("just words, no video"))
		noFileBody, noFileHdr := post(`{"shop_id": "{shop}", "caption": "forgot the file", "anchors": ["{product}"]}`, nil)
		runSteps(t, c, v, []step{
			{Name: "post a video", Method: "POST", Path: "/api/v1/videos", As: "seller", Body: body, Header: hdr, Status: 201,
				Check: all(save("video", "id"), field("caption", "Brewing the perfect cup #tea"), valueAt("anchors.0.product_id", "{product}"),
					valueAt("anchors.0.price.amount", "599"), header("Location", "/api/v1/videos/{video}"), saveAt("media", "media_key"))},
			{Name: "a caption with a disguised link", Method: "POST", Path: "/api/v1/videos", As: "seller", Body: linkBody, Header: linkHdr, Status: 400,
				Check: all(problem("invalid", "caption"), detailHas("closed-loop"))},
			{Name: "a file that is not a video", Method: "POST", Path: "/api/v1/videos", As: "seller", Body: textBody, Header: textHdr, Status: 400, Check: problem("invalid", "video")},
			{Name: "no video file", Method: "POST", Path: "/api/v1/videos", As: "seller", Body: noFileBody, Header: noFileHdr, Status: 400, Check: problem("invalid", "video")},
			{Name: "JSON instead of a form", Method: "POST", Path: "/api/v1/videos", As: "seller", Body: `{"caption": "x"}`, Status: 400, Check: problem("invalid", "")},
			{Name: "a buyer posting for the shop", Method: "POST", Path: "/api/v1/videos", As: "buyer", Body: body, Header: hdr, Status: 404},
			{Name: "signed out", Method: "POST", Path: "/api/v1/videos", Body: body, Header: hdr, Status: 401},

			{Name: "the feed shows it to a visitor", Method: "GET", Path: "/api/v1/markets/gb/feed", Status: 200,
				Check: all(lengthAt("items", 1), valueAt("items.0.id", "{video}"), valueAt("items.0.author_name", "Tea Corner"))},
			{Name: "the shop tab lists it", Method: "GET", Path: "/api/v1/shops/{shop}/videos", Status: 200, Check: valueAt("items.0.id", "{video}")},
			{Name: "the video is served in ranges", Method: "GET", Path: "/media/{media}", Header: map[string]string{"Range": "bytes=4-7"}, Status: 206,
				Check: func(t *testing.T, v vars, r *response) {
					if string(r.Body) != "ftyp" || r.Header.Get("Content-Type") != "video/mp4" {
						t.Errorf("range 4-7: %q as %q; want ftyp as video/mp4", r.Body, r.Header.Get("Content-Type"))
					}
				}},
			{Name: "the buyer's phone reports a view", Method: "POST", Path: "/api/v1/markets/gb/feed/views", As: "buyer", Body: `{"video_ids": ["{video}"]}`, Status: 204},
			{Name: "the buyer taps the anchor", Method: "POST", Path: "/api/v1/taps", As: "buyer",
				Body: `{"kind": "anchor", "video_id": "{video}", "product_id": "{product}"}`, Status: 200, Check: valueAt("recorded", "true")},
			{Name: "a tap on a product the video does not link", Method: "POST", Path: "/api/v1/taps", As: "buyer",
				Body: `{"kind": "anchor", "video_id": "{video}", "product_id": "prd_gb_nothing"}`, Status: 400, Check: problem("invalid", "product_id")},
			{Name: "the buyer buys", Method: "POST", Path: "/api/v1/checkouts", As: "buyer", Header: map[string]string{"Idempotency-Key": "buy-1"},
				Body: checkoutJSON(`[{"sku_id": "{sku}", "quantity": 1}]`, "Grace Hopper", "4242424242424242"), Status: 201,
				Check: all(valueAt("orders.0.lines.0.source.video_id", "{video}"), valueAt("orders.0.lines.0.source.kind", "anchor"))},
			{Name: "the video counts the view, the tap and the order", Method: "GET", Path: "/api/v1/videos/{video}", Status: 200,
				Check: all(valueAt("stats.views", "1"), valueAt("stats.anchor_clicks", "1"), valueAt("stats.orders", "1"))},

			{Name: "the seller takes it down", Method: "DELETE", Path: "/api/v1/videos/{video}", As: "seller", Status: 204},
			{Name: "gone from the feed", Method: "GET", Path: "/api/v1/markets/gb/feed", Status: 200, Check: lengthAt("items", 0)},
			{Name: "gone for buyers", Method: "GET", Path: "/api/v1/videos/{video}", As: "buyer", Status: 404},
		})
	})
}
