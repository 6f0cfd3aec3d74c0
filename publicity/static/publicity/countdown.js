// The publicity page's countdown: the server writes the time left when it renders; this keeps it current.
(function () {
  "use strict";
  var box = document.querySelector("[data-countdown]");
  var text = box && box.querySelector("[data-countdown-text]");
  if (!text) return;
  var closes = Date.parse(box.getAttribute("data-closes-at"));
  var units = (box.getAttribute("data-units") || "天|小时|分").split("|");  // translated by the template
  function tick() {
    var left = Math.max(0, closes - Date.now());
    var s = Math.floor(left / 1000);
    var d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
    text.textContent = d + " " + units[0] + " " + h + " " + units[1] + " " + m + " " + units[2];
  }
  tick();
  setInterval(tick, 30000);
}());
