// The feed: plays the clip on screen and pauses the rest, shows a
// creator's showcase tiles at their moment in the video, ticks promo
// countdowns, and reports which clips were seen so the feed can rank
// them. Everything works without it but playback: links are plain links.
(function () {
  "use strict";
  var feed = document.querySelector(".feed");
  if (!feed) return;
  var clips = Array.prototype.slice.call(feed.querySelectorAll(".clip[data-video]"));
  var seen = {}, pending = [];
  var soundOn = false;

  function report() {
    if (!pending.length) return;
    var body = JSON.stringify({ video_ids: pending.splice(0, 50) });
    var url = feed.getAttribute("data-views");
    if (navigator.sendBeacon && navigator.sendBeacon(url, new Blob([body], { type: "application/json" }))) return;
    fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: body, credentials: "same-origin", keepalive: true }).catch(function () {});
  }
  setInterval(report, 4000);
  document.addEventListener("visibilitychange", function () { if (document.visibilityState === "hidden") report(); });

  function play(clip) {
    var v = clip.querySelector("video");
    if (!v) return;
    v.muted = !soundOn;
    var p = v.play();
    if (p && p.catch) p.catch(function () {});
    var id = clip.getAttribute("data-video");
    if (!seen[id]) { seen[id] = true; pending.push(id); }
  }
  function pause(clip) {
    var v = clip.querySelector("video");
    if (v) v.pause();
  }

  if ("IntersectionObserver" in window) {
    var io = new IntersectionObserver(function (entries) {
      entries.forEach(function (e) {
        if (e.isIntersecting && e.intersectionRatio >= 0.6) play(e.target); else pause(e.target);
      });
    }, { root: feed, threshold: [0, 0.6] });
    clips.forEach(function (c) { io.observe(c); });
  } else if (clips.length) {
    play(clips[0]);
  }

  clips.forEach(function (clip) {
    var v = clip.querySelector("video");
    var tiles = Array.prototype.slice.call(clip.querySelectorAll(".tile[data-at]"));
    if (v && tiles.length) {
      v.addEventListener("timeupdate", function () {
        var ms = v.currentTime * 1000;
        tiles.forEach(function (t) { t.hidden = ms < Number(t.getAttribute("data-at")); });
      });
    }
    var btn = clip.querySelector(".clip-sound");
    if (btn && v) {
      btn.addEventListener("click", function () {
        soundOn = !soundOn;
        clips.forEach(function (c) {
          var cv = c.querySelector("video"), cb = c.querySelector(".clip-sound");
          if (cv) cv.muted = !soundOn;
          if (cb) { cb.setAttribute("aria-pressed", String(soundOn)); cb.setAttribute("aria-label", soundOn ? "Turn sound off" : "Turn sound on"); }
        });
      });
    }
    if (v) {
      v.addEventListener("click", function () { if (v.paused) v.play(); else v.pause(); });
    }
  });

  var timers = Array.prototype.slice.call(feed.querySelectorAll("time.countdown"));
  function pad(n) { return n < 10 ? "0" + n : String(n); }
  function tick() {
    var now = Date.now();
    timers.forEach(function (t) {
      var left = Math.max(0, Math.floor((Date.parse(t.getAttribute("datetime")) - now) / 1000));
      var d = Math.floor(left / 86400), h = Math.floor(left / 3600) % 24, m = Math.floor(left / 60) % 60, s = left % 60;
      t.textContent = (d ? d + "d " : "") + pad(h) + ":" + pad(m) + ":" + pad(s);
      if (!left) t.closest(".promo").classList.add("promo-over");
    });
  }
  if (timers.length) { tick(); setInterval(tick, 1000); }
})();
