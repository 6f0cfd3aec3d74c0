/* Application form: autosave with optimistic locking, a local safety copy, rows added/removed, and the live
   eligibility panel. Without JavaScript the form still posts ("保存草稿" / "提交申报") and the server redirects back.

   - Every change is saved ~0.8 s after typing stops (POST form data to data-autosave-url, with the version).
   - The server answers the new version and the eligibility panel's HTML; the indicator shows 已保存 and the time.
   - 409: another person of the same enterprise saved meanwhile: nothing is overwritten, the message says so.
   - 401 (session timed out) or network error: the typed data stays in localStorage and is restored and saved
     after logging in again (the login page returns here via ?next=).  */
(function () {
  "use strict";
  // Django's JavaScript catalogue (/jsi18n/) translates; without it the Chinese msgid is the text.
  const gettext = window.gettext || ((msgid) => msgid);
  document.documentElement.classList.add("js");
  var form = document.getElementById("app-form");
  if (!form) { return; }
  var url = form.dataset.autosaveUrl;
  var key = "shenbao:draft:" + form.dataset.applicationId;
  var statusEl = document.getElementById("save-status");
  var panel = document.getElementById("eligibility-panel");
  var timer = null, inflight = false, again = false, retry = null, blocked = false, loginNeeded = false;
  var lastSent = null;

  function versionInput() { return form.querySelector("input[name=version]"); }

  function setStatus(state, text, html) {
    if (!statusEl) { return; }
    statusEl.dataset.state = state;
    if (html) { statusEl.innerHTML = html; } else { statusEl.textContent = text; }
  }

  function fields() {
    var out = {};
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken" && name !== "action") { out[name] = value; }
    });
    return out;
  }

  function keepLocal() {
    try {
      localStorage.setItem(key, JSON.stringify({ version: versionInput().value, fields: fields(), at: Date.now() }));
    } catch (e) { /* storage full or disabled: the server copy is what counts */ }
  }

  function dropLocal() { try { localStorage.removeItem(key); } catch (e) { /* ignore */ } }

  function clearErrors() {
    form.querySelectorAll(".js-error").forEach(function (el) { el.remove(); });
    form.querySelectorAll("[aria-invalid=true]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
    form.querySelectorAll("p.error[data-error-for]").forEach(function (el) { el.remove(); });
  }

  function showErrors(errors) {
    clearErrors();
    var box = document.getElementById("form-errors");
    if (box) {
      box.innerHTML = "";
      if (errors && errors.length) {
        var p = document.createElement("p");
        p.textContent = (form.dataset.msgErrors || gettext("有 {n} 处需要修改后才能提交：")).replace("{n}", errors.length);
        var ul = document.createElement("ul");
        errors.slice(0, 50).forEach(function (e) {
          var li = document.createElement("li"); li.textContent = e.message; ul.appendChild(li);
        });
        box.appendChild(p); box.appendChild(ul); box.hidden = false;
      } else { box.hidden = true; }
    }
    (errors || []).forEach(function (e) {
      if (!e.field) { return; }
      var input = form.querySelector('[name="' + e.field.replace(/"/g, "") + '"]');
      var anchor = input || form.querySelector('[data-error-anchor="' + e.field.replace(/"/g, "") + '"]');
      if (!anchor) { return; }
      if (input) { input.setAttribute("aria-invalid", "true"); }
      var msg = document.createElement("p");
      msg.className = "error js-error"; msg.setAttribute("role", "alert"); msg.textContent = e.message;
      anchor.insertAdjacentElement(input ? "afterend" : "beforebegin", msg);
    });
  }

  function save() {
    if (blocked) { return; }
    if (inflight) { again = true; return; }
    inflight = true; again = false;
    keepLocal();
    lastSent = JSON.stringify(fields());
    if (!loginNeeded) { setStatus("saving", gettext("正在保存…")); }
    var body = new FormData(form);
    body.delete("action"); body.delete("declaration");
    fetch(url, {
      method: "POST", body: body, credentials: "same-origin", redirect: "error",
      headers: { "X-CSRFToken": body.get("csrfmiddlewaretoken") || "", "X-Requested-With": "XMLHttpRequest",
                 "Accept": "application/json" }
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) { return [response.status, data]; });
    }).then(function (result) {
      var status = result[0], data = result[1];
      if (data.saved) {
        loginNeeded = false;
        versionInput().value = data.version;
        dropLocal();
        setStatus("saved", gettext("已保存 {time}").replace("{time}", data.saved_at_text));
        showErrors(data.errors);
        if (panel && data.panel_html) { panel.innerHTML = data.panel_html; }
      } else if (status === 409) {
        blocked = true;
        setStatus("conflict", (data.errors && data.errors[0] && data.errors[0].message) || gettext("冲突：未保存。"));
      } else if (status === 401 || status === 403) {
        loginNeeded = true;
        lastSent = null;
        setStatus("offline", "", gettext("登录已超时，内容已暂存在本机。请{link}重新登录{end}，登录后回到本页会继续保存。")
          .replace("{link}", '<a href="' + form.dataset.loginUrl + '">').replace("{end}", "</a>"));
      } else if (status === 422 || status === 413) {  // 413: the post is over the size limit (core.hostile)
        setStatus("error", gettext("未保存：") + ((data.errors && data.errors[0] && data.errors[0].message) || gettext("内容格式有误。")));
        showErrors(data.errors);
      } else {
        throw new Error("HTTP " + status);
      }
    }).catch(function () {
      setStatus("offline", gettext("网络异常，尚未保存；内容已暂存在本机，稍后自动重试。"));
      clearTimeout(retry); retry = setTimeout(save, 10000);
    }).finally(function () {
      inflight = false;
      if (again) { schedule(200); }
    });
  }

  function schedule(delay) {
    var now = JSON.stringify(fields());
    if (now === lastSent && delay === undefined) { return; }  // e.g. the change event after an input event
    clearTimeout(timer);
    keepLocal();
    if (!loginNeeded) { setStatus("saving", gettext("有未保存的修改…")); }
    timer = setTimeout(save, delay === undefined ? 800 : delay);
  }

  function renumber(tbody) {
    tbody.querySelectorAll("tr").forEach(function (tr, i) {
      var cell = tr.querySelector(".rowno"); if (cell) { cell.textContent = i + 1; }
    });
  }

  function addRow(tableKey) {
    var table = form.querySelector('table[data-table="' + tableKey + '"]');
    if (!table) { return null; }
    var tbody = table.tBodies[0];
    var rows = tbody.querySelectorAll("tr[data-row]");
    var last = rows[rows.length - 1];
    if (!last) { return null; }
    var next = 0;
    rows.forEach(function (tr) { next = Math.max(next, parseInt(tr.dataset.row, 10) + 1); });
    var clone = last.cloneNode(true);
    clone.dataset.row = next;
    clone.classList.add("blank-row");
    clone.querySelectorAll("p.error").forEach(function (el) { el.remove(); });
    clone.querySelectorAll("input, select, textarea").forEach(function (el) {
      var parts = el.name.split(".");
      parts[1] = String(next);
      el.name = parts.join(".");
      el.id = "f-" + parts.join("-");
      el.removeAttribute("aria-invalid");
      if (el.tagName === "SELECT") { el.selectedIndex = 0; } else { el.value = ""; }
    });
    tbody.appendChild(clone);
    renumber(tbody);
    return clone;
  }

  form.addEventListener("input", function () { schedule(); });
  form.addEventListener("change", function () { schedule(); });
  form.addEventListener("click", function (event) {
    var add = event.target.closest(".add-row");
    if (add) { event.preventDefault(); var row = addRow(add.dataset.table); if (row) { var f = row.querySelector("input, select, textarea"); if (f) { f.focus(); } } return; }
    var remove = event.target.closest(".remove-row");
    if (remove) {
      event.preventDefault();
      var tr = remove.closest("tr"), tbody = tr.parentNode;
      if (tbody.querySelectorAll("tr[data-row]").length > 1) { tr.remove(); } else {
        tr.querySelectorAll("input, select, textarea").forEach(function (el) { if (el.tagName === "SELECT") { el.selectedIndex = 0; } else { el.value = ""; } });
      }
      renumber(tbody);
      schedule(0);
    }
  });
  // The panel also lists missing materials: refresh it when the checklist changes.
  document.addEventListener("materials:updated", function () {
    if (!panel || !form.dataset.panelUrl) { return; }
    fetch(form.dataset.panelUrl, { credentials: "same-origin" }).then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) { if (html) { panel.innerHTML = html; } }).catch(function () {});
  });
  // Saving before the explicit submit keeps the server copy current; the submit itself posts the whole form.
  window.addEventListener("beforeunload", function (event) {
    if (statusEl && statusEl.dataset.state !== "saved" && !form.dataset.submitting) { keepLocal(); }
  });
  form.addEventListener("submit", function () { form.dataset.submitting = "1"; dropLocal(); });

  // A copy typed before a timeout or a network error comes back (only onto the same version: never over a
  // colleague's newer save).
  try {
    var local = JSON.parse(localStorage.getItem(key) || "null");
    if (local && local.version === versionInput().value && local.fields) {
      Object.keys(local.fields).forEach(function (name) {
        var el = form.querySelector('[name="' + name.replace(/"/g, "") + '"]');
        if (!el) {
          var parts = name.split(".");
          if (parts.length === 3 && /^\d+$/.test(parts[1])) {
            var row = addRow(parts[0]);
            if (row) { el = form.querySelector('[name="' + name.replace(/"/g, "") + '"]'); }
          }
        }
        if (el && el.type !== "hidden" && el.value !== local.fields[name]) { el.value = local.fields[name]; }
      });
      schedule(0);
    } else if (local) { dropLocal(); }
  } catch (e) { /* ignore a broken local copy */ }
})();
