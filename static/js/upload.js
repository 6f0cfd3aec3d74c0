/* Materials checklist: upload with a progress bar and swap the updated checklist in, without leaving the page.
   Without JavaScript the same forms post normally and the server redirects back. */
(function () {
  "use strict";
  if (window.shenbaoUpload) { return; }
  window.shenbaoUpload = true;

  var busy = 0;

  function section() { return document.getElementById("materials"); }

  // Messages through Django's JavaScript catalogue (/jsi18n/, domain djangojs); without it the Chinese msgid shows.
  var gettext = window.gettext || function (msgid) { return msgid; };
  var MESSAGES = {
    Choose: function () { return gettext("请先选择要上传的文件。"); },
    TooLarge: function () { return gettext("文件大小超过该材料项的上限（%(limit)s），请压缩或拆分后再上传。"); },
    Empty: function () { return gettext("文件为空（0 字节），请重新选择文件。"); },
    Uploading: function () { return gettext("正在上传…"); },
    Network: function () { return gettext("网络错误，文件未上传，请检查网络后重试。已填写的申报内容不受影响。"); },
    Session: function () { return gettext("登录已过期：请在新窗口重新登录后再上传，本页已填写的内容不会丢失。"); },
    Failed: function () { return gettext("上传失败，请稍后重试。"); },
    Busy: function () { return gettext("文件仍在上传，确定离开本页吗？"); },
  };

  function msg(name) { return MESSAGES[name](); }

  function setStatus(form, text, isError) {
    var status = form.querySelector(".upload-status");
    if (!status) { return; }
    status.textContent = text;
    status.classList.toggle("error", !!isError);
  }

  function swap(html) {
    var tpl = document.createElement("template");
    tpl.innerHTML = html;
    var fresh = tpl.content.querySelector("#materials");
    var old = section();
    if (!fresh || !old) { return false; }
    old.replaceWith(fresh);
    document.dispatchEvent(new CustomEvent("materials:updated", { bubbles: true }));
    return true;
  }

  function setBusy(form, on) {
    form.querySelectorAll("button, input[type=file]").forEach(function (el) { el.disabled = on; });
    form.classList.toggle("uploading", on);
  }

  function send(form, progress) {
    var xhr = new XMLHttpRequest();
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    var data = new FormData(form);
    xhr.open("POST", form.action);
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    if (token) { xhr.setRequestHeader("X-CSRFToken", token.value); }
    if (progress) {
      progress.hidden = false;
      progress.value = 0;
      xhr.upload.onprogress = function (event) {
        if (!event.lengthComputable) { return; }
        progress.value = Math.round((event.loaded * 100) / event.total);
        document.dispatchEvent(new CustomEvent("materials:progress", { detail: { value: progress.value } }));
      };
    }
    busy += 1;
    setBusy(form, true);
    setStatus(form, progress ? msg("Uploading") : "", false);
    xhr.onload = function () {
      busy -= 1;
      if (xhr.status === 401) {
        setBusy(form, false);
        setStatus(form, msg("Session"), true);
        return;
      }
      var swapped = [200, 409, 413, 422].indexOf(xhr.status) >= 0 && swap(xhr.responseText);
      if (!swapped) {
        setBusy(form, false);
        if (progress) { progress.hidden = true; }
        setStatus(form, msg("Failed") + " (" + xhr.status + ")", true);
      }
    };
    xhr.onerror = function () {
      busy -= 1;
      setBusy(form, false);
      if (progress) { progress.hidden = true; }
      setStatus(form, msg("Network"), true);
    };
    xhr.send(data);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) { return; }
    if (form.matches("form[data-material-upload]")) {
      event.preventDefault();
      var input = form.querySelector("input[type=file]");
      if (!input || !input.files.length) { setStatus(form, msg("Choose"), true); return; }
      var file = input.files[0];
      var max = parseInt(form.dataset.maxSize, 10);
      if (file.size === 0) { setStatus(form, msg("Empty"), true); return; }
      if (max && file.size > max) {
        setStatus(form, msg("TooLarge").replace("%(limit)s", form.dataset.maxSizeLabel || ""), true);
        return;
      }
      send(form, form.querySelector("progress"));
    } else if (form.matches("form[data-material-delete]")) {
      event.preventDefault();
      if (window.confirm(form.dataset.confirm || "")) { send(form, null); }
    }
  });

  window.addEventListener("beforeunload", function (event) {
    if (busy > 0) {
      event.preventDefault();
      event.returnValue = msg("Busy");
      return event.returnValue;
    }
  });
})();
