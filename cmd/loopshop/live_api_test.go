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
		{name: "seller signs up", method: "POST", path: "/api/v1/accounts", body: signUpBody("GB", "seller@example.com"), status: 201},
		{name: "seller logs in", method: "POST", path: "/api/v1/sessions", body: loginBody("seller@example.com"), status: 201, check: save("seller", "token")},
		{name: "seller opens a shop", method: "POST", path: "/api/v1/shops", as: "seller", body: `{"name": "Glow"}`, status: 201, check: save("shop", "id")},
		{name: "seller lists a serum", method: "POST", path: "/api/v1/shops/{shop}/products", as: "seller",
			body: `{"title": "Vitamin C serum", "category": "beauty", "skus": [{"price": 2400, "stock": 5}], "publish": true}`, status: 201, check: save("product", "id")},
		{name: "the seller sets up a room", method: "POST", path: "/api/v1/live-rooms", as: "seller",
			body: `{"shop_id": "{shop}", "title": "Glow hour", "stream_url": "https://media.example.com/glow.m3u8", "products": ["{product}"]}`, status: 201,
			check: all(save("room", "id"), field("status", "SCHEDULED"), valueAt("bag.0.product_id", "{product}"))},
		{name: "going live needs the closed-loop course", method: "POST", path: "/api/v1/live-rooms/{room}/start", as: "seller", status: 403,
			check: field("field", "course")},
		{name: "the seller reads a lesson", method: "PUT", path: "/api/v1/me/university/closed-loop/lessons/why", as: "seller", status: 200,
			check: valueAt("lessons_done.0", "why")},
		{name: "and passes the quiz", method: "POST", path: "/api/v1/university/courses/closed-loop/attempts", as: "seller",
			body: answersJSON(t, "closed-loop"), status: 201, check: all(valueAt("passed", "true"), valueAt("score_percent", "100"))},
		{name: "the host goes live", method: "POST", path: "/api/v1/live-rooms/{room}/start", as: "seller", status: 200, check: field("status", "LIVE")},
		{name: "the market lists it", method: "GET", path: "/api/v1/markets/gb/live-rooms", status: 200, check: valueAt("items.0.id", "{room}")},
	})

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, "ws://"+two.Server.Addr()+"/api/v1/live-rooms/"+v["room"]+"/events", nil)
	if err != nil {
		t.Fatalf("connect to the second server: %v", err)
	}
	defer conn.CloseNow()
	// read returns the next event but viewer counts, which come as they
	// change.
	read := func() map[string]any {
		t.Helper()
		for {
			var e map[string]any
			if err := wsjson.Read(ctx, conn, &e); err != nil {
				t.Fatalf("read an event: %v", err)
			}
			if e["type"] != "viewers" {
				return e
			}
		}
	}
	if e := read(); e["type"] != "state" || e["status"] != "LIVE" {
		t.Fatalf("first message %v; want the room's state, live", e)
	}
	runSteps(t, c, v, []step{
		{name: "the host pins the serum on server one", method: "POST", path: "/api/v1/live-rooms/{room}/pin", as: "seller", body: `{"product_id": "{product}"}`, status: 200},
		{name: "and chats", method: "POST", path: "/api/v1/live-rooms/{room}/messages", as: "seller", body: `{"text": "DM me at glow.example.com"}`, status: 201,
			check: valueAt("redacted", "true")},
	})
	if e := read(); e["type"] != "pin" || e["product"].(map[string]any)["product_id"] != v["product"] {
		t.Errorf("the viewer on server two got %v; want the pin", e)
	}
	if e := read(); e["type"] != "chat" || e["message"].(map[string]any)["redacted"] != true {
		t.Errorf("the viewer on server two got %v; want the redacted chat", e)
	}

	// A flash sale: one unit allocated, bought through the second server.
	runSteps(t, c, v, []step{
		{name: "the host reads the serum's SKU", method: "GET", path: "/api/v1/products/{product}", status: 200, check: saveAt("sku", "skus.0.id")},
		{name: "the host starts a flash sale", method: "POST", path: "/api/v1/live-rooms/{room}/flash-sales", as: "seller",
			body: `{"sku_id": "{sku}", "price": 1900, "quantity": 1, "per_buyer": 1, "seconds": 60}`, status: 201, check: save("flash", "id")},
		{name: "a buyer signs up", method: "POST", path: "/api/v1/accounts", body: signUpBody("GB", "grace@example.com"), status: 201},
		{name: "the buyer logs in", method: "POST", path: "/api/v1/sessions", body: loginBody("grace@example.com"), status: 201, check: save("buyer", "token")},
	})
	if e := read(); e["type"] != "flash" {
		t.Errorf("the viewer on server two got %v; want the flash sale", e)
	}
	c2 := newClient(t, two)
	buy := checkoutJSON(`[{"sku_id": "{sku}", "quantity": 1, "flash_sale_id": "{flash}"}]`, "Grace Hopper", "4242424242424242")
	runOrderSteps(t, c2, v, []step{
		{name: "the buyer gets the deal on server two", method: "POST", path: "/api/v1/checkouts", as: "buyer", header: map[string]string{"Idempotency-Key": "f1"},
			body: buy, status: 201, check: all(field("status", "PAID"), valueAt("orders.0.lines.0.unit_price.amount", "1900"),
				valueAt("orders.0.lines.0.source.room_id", "{room}"), valueAt("orders.0.lines.0.source.kind", "live"))},
		{name: "the deal is spent", method: "POST", path: "/api/v1/checkouts", as: "buyer", header: map[string]string{"Idempotency-Key": "f2"},
			body: buy, status: 409},
		{name: "the sale counts it", method: "GET", path: "/api/v1/flash-sales/{flash}", status: 200, check: valueAt("sold", "1")},
		// Past the deal, a tap in the room still makes the next order the room's.
		{name: "a tap names its room", method: "POST", path: "/api/v1/taps", as: "buyer", body: `{"kind": "live", "product_id": "{product}"}`,
			status: 400, check: field("field", "room_id")},
		{name: "the buyer taps the serum in the room", method: "POST", path: "/api/v1/taps", as: "buyer",
			body: `{"kind": "live", "room_id": "{room}", "product_id": "{product}"}`, status: 200, check: valueAt("recorded", "true")},
		{name: "and buys it at the regular price", method: "POST", path: "/api/v1/checkouts", as: "buyer", header: map[string]string{"Idempotency-Key": "r1"},
			body: checkoutJSON(`[{"sku_id": "{sku}", "quantity": 1}]`, "Grace Hopper", "4242424242424242"), status: 201,
			check: all(field("status", "PAID"), valueAt("orders.0.lines.0.source.room_id", "{room}"))},
	})

	// A second viewer, on server one: the host sees both, counted over
	// the two servers, and the room's two orders.
	conn1, _, err := websocket.Dial(ctx, "ws://"+one.Server.Addr()+"/api/v1/live-rooms/"+v["room"]+"/events", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer conn1.CloseNow()
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
		r := c.do(t, "GET", "/api/v1/live-rooms/"+v["room"]+"/analytics", v["seller"], "", nil)
		a := r.json(t)
		if a["current_viewers"] == 2.0 {
			if a["orders"] != 2.0 || a["gmv"].(map[string]any)["amount"] != 4300.0 || a["peak_viewers"].(float64) < 2 {
				t.Errorf("analytics %s; want 2 orders of 19.00 and 24.00, and a peak of 2", r.body)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("analytics on server one still say %s; want 2 viewers, one on each server", r.body)
		}
		time.Sleep(200 * time.Millisecond)
	}

	// The host ends the room and publishes its replay.
	runSteps(t, c, v, []step{
		{name: "a replay waits for the end", method: "PUT", path: "/api/v1/live-rooms/{room}/replay", as: "seller",
			body: `{"url": "https://media.example.com/replays/glow.m3u8"}`, status: 409},
		{name: "the host ends the room", method: "POST", path: "/api/v1/live-rooms/{room}/end", as: "seller", status: 200, check: field("status", "ENDED")},
		{name: "and publishes its replay", method: "PUT", path: "/api/v1/live-rooms/{room}/replay", as: "seller",
			body: `{"url": "https://media.example.com/replays/glow.m3u8"}`, status: 200,
			check: all(field("status", "REPLAY"), field("replay_url", "https://media.example.com/replays/glow.m3u8"))},
		{name: "the market lists it among its replays", method: "GET", path: "/api/v1/markets/gb/live-rooms?status=replay", status: 200,
			check: valueAt("items.0.id", "{room}")},
		{name: "a list of something else", method: "GET", path: "/api/v1/markets/gb/live-rooms?status=soon", status: 400, check: field("field", "status")},
	})
}
