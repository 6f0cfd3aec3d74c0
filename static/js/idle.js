/* Staff sessions end after a time without activity (accounts/middleware.py). This script counts the same time
   in the page: a little before the end it shows a warning with a "继续使用" button, which tells the server the
   person is still there; at the end it reloads the page, and the server answers with the login page. Requests
   made by htmx count as activity, as on the server. Tabs share the time through localStorage, so work in one
   tab keeps the others from warning. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.shenbaoIdle) { return; }
  window.shenbaoIdle = true;
  var idleMs = Number(script.dataset.idleSeconds) * 1000;
  var warnMs = Number(script.dataset.warnSeconds) * 1000;
  var keepaliveUrl = script.dataset.keepaliveUrl;
  var gettext = window.gettext || function (s) { return s; };
  var fmt = window.interpolate || function (s, o) { return s.replace(/%\((\w+)\)s/g, function (m, k) { return o[k]; }); };
  var KEY = "shenbao.lastActivity";
  var last = Date.now();
  var box = null;

  function shared() {
    try { return Math.max(last, Number(window.localStorage.getItem(KEY)) || 0); } catch (e) { return last; }
  }
  function touch() {
    last = Date.now();
    try { window.localStorage.setItem(KEY, String(last)); } catch (e) { /* private mode: this tab only */ }
    hide();
  }
  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; } catch (e) { return ""; }
  }
  function hide() {
    if (box) { box.remove(); box = null; }
  }
  function show(secondsLeft) {
    var text = fmt(gettext("您已较长时间未操作，%(s)s 秒后将自动退出登录。"), { s: secondsLeft }, true);
    if (box) { box.querySelector("p").textContent = text; return; }
    box = document.createElement("div");
    box.className = "idle-warning";
    box.setAttribute("role", "alertdialog");
    box.setAttribute("aria-live", "assertive");
    var p = document.createElement("p");
    p.textContent = text;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button";
    button.textContent = gettext("继续使用");
    button.addEventListener("click", function () {
      fetch(keepaliveUrl, {
        method: "POST", credentials: "same-origin", redirect: "manual", headers: { "X-CSRFToken": csrfToken() }
      })
        .then(function (response) { if (response.ok) { touch(); } else { window.location.reload(); } });
    });
    box.appendChild(p);
    box.appendChild(button);
    document.body.appendChild(box);
    button.focus();
  }
  function check() {
    var left = idleMs - (Date.now() - shared());
    if (left <= 0) {
      window.location.reload();
    } else if (left <= warnMs) {
      show(Math.ceil(left / 1000));
    } else {
      hide();
    }
  }
  touch();
  document.body.addEventListener("htmx:afterRequest", touch);
  window.setInterval(check, 1000);
})();
