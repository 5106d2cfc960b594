// A live room for its viewers: the room's events come over a WebSocket
// (the pinned product, flash deals with their countdown, coupons, chat,
// viewer counts, the room going live or ending), what the room offered
// before the viewer came with the page and with each connection's state,
// and the chat form posts to the API. Without it the page still shows the stream, the bag and the chat
// as they were when it loaded.
(function () {
  "use strict";
  var room = document.querySelector(".live-room");
  if (!room) return;
  var locale = room.getAttribute("data-locale") || "en";
  var $ = function (sel) { return room.querySelector(sel); };
  // An HLS stream plays natively in Safari; elsewhere hls.js (loaded by
  // the page when the room plays HLS) feeds it to the video element.
  var video = $("video[data-hls]");
  if (video && !video.canPlayType("application/vnd.apple.mpegurl") && window.Hls && window.Hls.isSupported()) {
    var hls = new window.Hls({ enableWorker: false }); // the page's CSP allows no worker
    hls.loadSource(video.getAttribute("src"));
    hls.attachMedia(video);
  }
  function price(m) {
    if (!m) return "";
    var digits = { JPY: 0, IDR: 0, KRW: 0 }[m.currency];
    if (digits === undefined) digits = 2;
    try {
      return new Intl.NumberFormat(locale, { style: "currency", currency: m.currency, minimumFractionDigits: digits }).format(m.amount / Math.pow(10, digits));
    } catch (e) { return (m.amount / Math.pow(10, digits)).toFixed(digits) + " " + m.currency; }
  }
  function pin(p) {
    var el = $("[data-pinned]");
    if (!p) { el.hidden = true; return; }
    // Through the room's tap, so that the order is credited to the room.
    el.href = "/live/" + encodeURIComponent(room.getAttribute("data-room")) + "/t/" + encodeURIComponent(p.product_id);
    $("[data-pinned-title]").textContent = p.title;
    $("[data-pinned-price]").textContent = price(p.price);
    var img = $("[data-pinned-img]");
    if (p.image_key) img.src = "/media/" + p.image_key;
    el.hidden = false;
  }
  var flashTimer = null;
  // flash shows a flash sale: as its event announces it, or as the room's
  // state has it for a viewer who joins while it runs (with seconds_left
  // and units_left, which count from the server's clock, not the phone's).
  function flash(f) {
    var el = $("[data-flash]");
    $("[data-flash-title]").textContent = f.product.title;
    $("[data-flash-price]").textContent = price({ amount: f.price, currency: f.product.price.currency });
    var off = Math.round(100 - (100 * f.price) / f.product.price.amount);
    $("[data-flash-off]").textContent = off > 0 ? "-" + off + "%" : "";
    var units = f.units_left != null ? f.units_left : f.quantity - f.sold;
    $("[data-flash-units]").textContent = units > 0 ? units + " of " + f.quantity + " left" : "Sold out";
    var buy = $("[data-flash-buy]");
    buy.href = "/checkout?" + new URLSearchParams({ flash: f.id, sku: f.sku_id }).toString();
    buy.hidden = units <= 0;
    var ends = f.seconds_left != null ? Date.now() + f.seconds_left * 1000 : Date.parse(f.ends_at);
    clearInterval(flashTimer);
    function tick() {
      var left = Math.max(0, Math.floor((ends - Date.now()) / 1000));
      $("[data-flash-ends]").textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
      if (!left) { clearInterval(flashTimer); el.hidden = true; }
    }
    tick();
    flashTimer = setInterval(tick, 1000);
    el.hidden = false;
  }
  function noFlash() {
    clearInterval(flashTimer);
    $("[data-flash]").hidden = true;
  }
  // coupon shows a coupon, newest first, at most 3 (live.MaxOffered): as
  // its event hands it out, or as the room's state has it (marked
  // viewer_claimed if this viewer claimed it).
  var coupons = $("[data-coupons]");
  function couponEl(id) {
    for (var i = 0; i < coupons.children.length; i++) {
      if (coupons.children[i].getAttribute("data-coupon-id") === id) return coupons.children[i];
    }
    return null;
  }
  function coupon(c) {
    var el = couponEl(c.id);
    if (!el) {
      el = $("template[data-coupon-template]").content.firstElementChild.cloneNode(true);
      el.setAttribute("data-coupon-id", c.id);
      coupons.insertBefore(el, coupons.firstChild);
      while (coupons.children.length > 3) coupons.removeChild(coupons.lastChild);
    }
    el.querySelector("[data-coupon-off]").textContent = price(c.amount_off);
    el.querySelector("[data-coupon-min]").textContent = price(c.min_spend);
    var btn = el.querySelector("[data-coupon-claim]");
    btn.disabled = !!c.viewer_claimed;
    btn.textContent = c.viewer_claimed ? "Claimed: it's waiting at checkout" : "Claim";
    btn.onclick = function () {
      btn.disabled = true;
      fetch("/api/v1/coupons/" + encodeURIComponent(c.id) + "/claim", { method: "POST", credentials: "same-origin" })
        .then(function (r) {
          // Checkout lists the buyer's claimed coupons: no code to copy.
          if (r.ok) { btn.textContent = "Claimed: it's waiting at checkout"; return; }
          if (r.status === 401) { location.href = "/login?next=" + encodeURIComponent(location.pathname); return; }
          btn.textContent = "All claimed";
        });
    };
  }
  // offers shows what the room offers on arrival (the page's, or the
  // state's on every connection), as the events would have: it replaces
  // what was shown, so a reconnecting viewer drops what ended meanwhile.
  function offers(o) {
    if (o.flash_sale) flash(o.flash_sale); else noFlash();
    var list = o.coupons || [], keep = {};
    list.forEach(function (c) { keep[c.id] = true; });
    Array.prototype.slice.call(coupons.children).forEach(function (el) {
      if (!keep[el.getAttribute("data-coupon-id")]) el.remove();
    });
    for (var i = list.length - 1; i >= 0; i--) coupon(list[i]); // the oldest first: each goes on top
  }
  var initial = $("script[data-live-offers]");
  if (initial) {
    try { offers(JSON.parse(initial.textContent)); } catch (e) { /* the page as painted stands */ }
  }
  function say(m) {
    var li = document.createElement("li");
    li.setAttribute("data-id", m.id);
    var b = document.createElement("strong");
    b.textContent = m.author_name;
    li.appendChild(b);
    li.appendChild(document.createTextNode(" " + m.text));
    var list = $("[data-chat-list]");
    list.appendChild(li);
    while (list.children.length > 30) list.removeChild(list.firstChild);
  }
  function status(s) {
    $("[data-status]").textContent = s === "LIVE" || s === "ENDED" || s === "REPLAY" ? s : "SOON";
    room.setAttribute("data-live-status", s);
  }
  var retry = 500;
  function connect() {
    var url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + room.getAttribute("data-events");
    var ws = new WebSocket(url);
    ws.onopen = function () { retry = 500; room.setAttribute("data-connected", "1"); };
    ws.onmessage = function (msg) {
      var e = JSON.parse(msg.data);
      switch (e.type) {
        case "state": status(e.status); pin(e.product); offers(e); break;
        case "pin": pin(e.product); break;
        case "unpin": pin(null); break;
        case "flash": flash(e.flash_sale); break;
        case "coupon": coupon(e.coupon); break;
        case "chat": say(e.message); break;
        case "unchat":
          var gone = room.querySelector('[data-chat-list] li[data-id="' + e.message.id + '"]');
          if (gone) gone.remove();
          break;
        case "viewers": $("[data-viewers]").textContent = e.viewers; break;
        case "status": status(e.status); break;
      }
    };
    ws.onclose = function () {
      room.removeAttribute("data-connected");
      if (room.getAttribute("data-live-status") === "ENDED") return;
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 10000);
    };
  }
  connect();
  var form = room.querySelector("[data-chat-form]");
  if (form) {
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var input = form.querySelector("input[name=text]");
      var text = input.value.trim();
      if (!text) return;
      fetch(room.getAttribute("data-chat"), {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json" }, body: JSON.stringify({ text: text })
      }).then(function (r) { if (r.ok) input.value = ""; });
    });
  }
})();
