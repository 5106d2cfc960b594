// Checkout's Pay button and total follow the coupon chosen: each coupon
// option carries what the buyer pays with it (data-pay, data-total), as
// the server quoted it. Without this script the page shows the amount of
// the coupon chosen when it loaded, and checkout charges the one sent.
(function () {
  "use strict";
  var form = document.querySelector("form.checkout-form");
  if (!form) return;
  var button = form.querySelector("[data-pay-button]");
  var total = document.querySelector("[data-total]:not(input)");
  form.addEventListener("change", function (e) {
    var input = e.target;
    if (input.name !== "coupon" || !input.checked || !input.hasAttribute("data-pay")) return;
    if (button) button.textContent = input.getAttribute("data-pay");
    if (total) total.textContent = input.getAttribute("data-total");
  });
})();
