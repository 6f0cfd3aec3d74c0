// The publicity page's countdown: the server writes the time left when it renders; this keeps it current.
(function () {
  "use strict";
  var box = document.querySelector("[data-countdown]");
  var text = box && box.querySelector("[data-countdown-text]");
  if (!text) return;
  var closes = Date.parse(box.getAttribute("data-closes-at"));
  var fmt = window.gettext ? window.gettext : function (s) { return s; };
  function tick() {
    var left = Math.max(0, closes - Date.now());
    var s = Math.floor(left / 1000);
    var d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
    text.textContent = d + fmt(" 天 ") + h + fmt(" 小时 ") + m + fmt(" 分");
  }
  tick();
  setInterval(tick, 30000);
}());
