package main

import (
	"context"
	"encoding/json"
	"io"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/loopshop/loopshop/sqlstore"
	"github.com/loopshop/loopshop/sqlstore/sqltest"
	"github.com/loopshop/loopshop/university"
)

// Two servers over one PostgreSQL share a live room: a viewer connected
// to the second server's WebSocket sees the room's state, then the pin and
// the chat the host makes through the first, with contacts redacted.
// answersJSON is the request that passes a course's quiz.
func answersJSON(t *testing.T, courseID string) string {
	b, err := json.Marshal(map[string]any{"answers": university.Courses().AnswerKey(courseID)})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestLiveRoomAcrossServers(t *testing.T) {
	t.Parallel()
	cfg := sqltest.Config(t, sqlstore.Postgres)
	start := func() *Main {
		m := NewMain(io.Discard, io.Discard)
		m.Config = *cfg
		if err := m.Run(context.Background()); err != nil {
			m.Close()
			t.Fatalf("run: %v", err)
		}
		t.Cleanup(func() { m.Close() })
		return m
	}
	one, two := start(), start()
	c := newClient(t, one)
	v := vars{}
	runSteps(t, c, v, []step{
		{Name: "seller signs up", Method: "POST", Path: "/api/v1/accounts", Body: signUpBody("GB", "seller@example.com"), Status: 201},
		{Name: "seller logs in", Method: "POST", Path: "/api/v1/sessions", Body: loginBody("seller@example.com"), Status: 201, Check: save("seller", "token")},
		{Name: "seller opens a shop", Method: "POST", Path: "/api/v1/shops", As: "seller", Body: `{"name": "Glow"}`, Status: 201, Check: save("shop", "id")},
		{Name: "seller lists a serum", Method: "POST", Path: "/api/v1/shops/{shop}/products", As: "seller",
			Body: `{"title": "Vitamin C serum", "category": "beauty", "skus": [{"price": 2400, "stock": 5}], "publish": true}`, Status: 201, Check: save("product", "id")},
		{Name: "the seller sets up a room", Method: "POST", Path: "/api/v1/live-rooms", As: "seller",
			Body: `{"shop_id": "{shop}", "title": "Glow hour", "stream_url": "https://media.example.com/glow.m3u8", "products": ["{product}"]}`, Status: 201,
			Check: all(save("room", "id"), field("status", "SCHEDULED"), valueAt("bag.0.product_id", "{product}"))},
		{Name: "going live needs the closed-loop course", Method: "POST", Path: "/api/v1/live-rooms/{room}/start", As: "seller", Status: 403,
			Check: field("field", "course")},
		{Name: "the seller reads a lesson", Method: "PUT", Path: "/api/v1/me/university/closed-loop/lessons/why", As: "seller", Status: 200,
			Check: valueAt("lessons_done.0", "why")},
		{Name: "and passes the quiz", Method: "POST", Path: "/api/v1/university/courses/closed-loop/attempts", As: "seller",
			Body: answersJSON(t, "closed-loop"), Status: 201, Check: all(valueAt("passed", "true"), valueAt("score_percent", "100"))},
		{Name: "the host goes live", Method: "POST", Path: "/api/v1/live-rooms/{room}/start", As: "seller", Status: 200, Check: field("status", "LIVE")},
		{Name: "the market lists it", Method: "GET", Path: "/api/v1/markets/gb/live-rooms", Status: 200, Check: valueAt("items.0.id", "{room}")},
	})

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, "ws://"+two.Server.Addr()+"/api/v1/live-rooms/"+v["room"]+"/events", nil)
	if err != nil {
		t.Fatalf("connect to the second server: %v", err)
	}
	defer conn.CloseNow()
	// read returns the next event but viewer counts, which come as they
	// change, and the room's going live: published on server one before
	// the viewer joined, it may reach server two after the state that
	// already says LIVE.
	read := func() map[string]any {
		t.Helper()
		for {
			var e map[string]any
			if err := wsjson.Read(ctx, conn, &e); err != nil {
				t.Fatalf("read an event: %v", err)
			}
			if e["type"] != "viewers" && (e["type"] != "status" || e["status"] != "LIVE") {
				return e
			}
		}
	}
	if e := read(); e["type"] != "state" || e["status"] != "LIVE" {
		t.Fatalf("first message %v; want the room's state, live", e)
	}
	runSteps(t, c, v, []step{
		{Name: "the host pins the serum on server one", Method: "POST", Path: "/api/v1/live-rooms/{room}/pin", As: "seller", Body: `{"product_id": "{product}"}`, Status: 200},
		{Name: "and chats", Method: "POST", Path: "/api/v1/live-rooms/{room}/messages", As: "seller", Body: `{"text": "DM me at glow.example.com"}`, Status: 201,
			Check: valueAt("redacted", "true")},
	})
	if e := read(); e["type"] != "pin" || e["product"].(map[string]any)["product_id"] != v["product"] {
		t.Errorf("the viewer on server two got %v; want the pin", e)
	}
	if e := read(); e["type"] != "chat" || e["message"].(map[string]any)["redacted"] != true {
		t.Errorf("the viewer on server two got %v; want the redacted chat", e)
	}

	// A flash sale: one unit allocated, bought through the second server.
	runSteps(t, c, v, []step{
		{Name: "the host reads the serum's SKU", Method: "GET", Path: "/api/v1/products/{product}", Status: 200, Check: saveAt("sku", "skus.0.id")},
		{Name: "the host starts a flash sale", Method: "POST", Path: "/api/v1/live-rooms/{room}/flash-sales", As: "seller",
			Body: `{"sku_id": "{sku}", "price": 1900, "quantity": 1, "per_buyer": 1, "seconds": 60}`, Status: 201, Check: save("flash", "id")},
		{Name: "a buyer signs up", Method: "POST", Path: "/api/v1/accounts", Body: signUpBody("GB", "grace@example.com"), Status: 201},
		{Name: "the buyer logs in", Method: "POST", Path: "/api/v1/sessions", Body: loginBody("grace@example.com"), Status: 201, Check: save("buyer", "token")},
	})
	if e := read(); e["type"] != "flash" {
		t.Errorf("the viewer on server two got %v; want the flash sale", e)
	}
	c2 := newClient(t, two)
	buy := checkoutJSON(`[{"sku_id": "{sku}", "quantity": 1, "flash_sale_id": "{flash}"}]`, "Grace Hopper", "4242424242424242")
	runSteps(t, c2, v, []step{
		{Name: "the buyer gets the deal on server two", Method: "POST", Path: "/api/v1/checkouts", As: "buyer", Header: map[string]string{"Idempotency-Key": "f1"},
			Body: buy, Status: 201, Check: all(field("status", "PAID"), valueAt("orders.0.lines.0.unit_price.amount", "1900"),
				valueAt("orders.0.lines.0.source.room_id", "{room}"), valueAt("orders.0.lines.0.source.kind", "live"))},
		{Name: "the deal is spent", Method: "POST", Path: "/api/v1/checkouts", As: "buyer", Header: map[string]string{"Idempotency-Key": "f2"},
			Body: buy, Status: 409},
		{Name: "the sale counts it", Method: "GET", Path: "/api/v1/flash-sales/{flash}", Status: 200, Check: valueAt("sold", "1")},
		{Name: "a viewer who opens the room now is offered the sale, sold out", Method: "GET", Path: "/api/v1/live-rooms/{room}", Status: 200,
			Check: all(field("status", "LIVE"), valueAt("flash_sale.id", "{flash}"), valueAt("flash_sale.units_left", "0"), valueAt("flash_sale.product.product_id", "{product}"))},
		// Past the deal, a tap in the room still makes the next order the room's.
		{Name: "a tap names its room", Method: "POST", Path: "/api/v1/taps", As: "buyer", Body: `{"kind": "live", "product_id": "{product}"}`,
			Status: 400, Check: field("field", "room_id")},
		{Name: "the buyer taps the serum in the room", Method: "POST", Path: "/api/v1/taps", As: "buyer",
			Body: `{"kind": "live", "room_id": "{room}", "product_id": "{product}"}`, Status: 200, Check: valueAt("recorded", "true")},
		{Name: "and buys it at the regular price", Method: "POST", Path: "/api/v1/checkouts", As: "buyer", Header: map[string]string{"Idempotency-Key": "r1"},
			Body: checkoutJSON(`[{"sku_id": "{sku}", "quantity": 1}]`, "Grace Hopper", "4242424242424242"), Status: 201,
			Check: all(field("status", "PAID"), valueAt("orders.0.lines.0.source.room_id", "{room}"))},
	})

	// A second viewer, on server one: the host sees both, counted over
	// the two servers, and the room's two orders.
	conn1, _, err := websocket.Dial(ctx, "ws://"+one.Server.Addr()+"/api/v1/live-rooms/"+v["room"]+"/events", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer conn1.CloseNow()
	// Joining late, the viewer's state has the sale still running.
	var st map[string]any
	if err := wsjson.Read(ctx, conn1, &st); err != nil {
		t.Fatal(err)
	}
	if f, _ := st["flash_sale"].(map[string]any); st["type"] != "state" || f == nil || f["id"] != v["flash"] || f["units_left"] != 0.0 {
		t.Errorf("the late viewer's first message %v; want the state with the running sale, sold out", st)
	}
	go func() { // keep reading, as a phone would
		for {
			var e map[string]any
			if wsjson.Read(ctx, conn1, &e) != nil {
				return
			}
		}
	}()
	deadline := time.Now().Add(15 * time.Second)
	for {
		r := c.Do(t, "GET", "/api/v1/live-rooms/"+v["room"]+"/analytics", v["seller"], "", nil)
		a := r.JSON(t)
		if a["current_viewers"] == 2.0 {
			if a["orders"] != 2.0 || a["gmv"].(map[string]any)["amount"] != 4300.0 || a["peak_viewers"].(float64) < 2 {
				t.Errorf("analytics %s; want 2 orders of 19.00 and 24.00, and a peak of 2", r.Body)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("analytics on server one still say %s; want 2 viewers, one on each server", r.Body)
		}
		time.Sleep(200 * time.Millisecond)
	}

	// The host ends the room and publishes its replay.
	runSteps(t, c, v, []step{
		{Name: "a replay waits for the end", Method: "PUT", Path: "/api/v1/live-rooms/{room}/replay", As: "seller",
			Body: `{"url": "https://media.example.com/replays/glow.m3u8"}`, Status: 409},
		{Name: "the host ends the room", Method: "POST", Path: "/api/v1/live-rooms/{room}/end", As: "seller", Status: 200, Check: field("status", "ENDED")},
		{Name: "and publishes its replay", Method: "PUT", Path: "/api/v1/live-rooms/{room}/replay", As: "seller",
			Body: `{"url": "https://media.example.com/replays/glow.m3u8"}`, Status: 200,
			Check: all(field("status", "REPLAY"), field("replay_url", "https://media.example.com/replays/glow.m3u8"))},
		{Name: "the market lists it among its replays", Method: "GET", Path: "/api/v1/markets/gb/live-rooms?status=replay", Status: 200,
			Check: valueAt("items.0.id", "{room}")},
		{Name: "a list of something else", Method: "GET", Path: "/api/v1/markets/gb/live-rooms?status=soon", Status: 400, Check: field("field", "status")},
	})
}
