/* Ask before a form does something that is hard to undo: <form data-confirm="question"> shows the question
   in the browser's dialog; on OK the form is sent with confirm=yes, on Cancel it is not sent. Without
   JavaScript the same form posts without confirm=yes and the server answers with a confirmation page.
   A form that another script already handles (it called preventDefault, e.g. the materials' delete) is left
   to that script: this listener sits on window, after every listener on the document. */
(function () {
  "use strict";
  if (window.shenbaoConfirm) { return; }
  window.shenbaoConfirm = true;

  window.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-confirm") || event.defaultPrevented) {
      return;
    }
    if (!window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      return;
    }
    var field = form.querySelector("input[name=confirm]");
    if (!field) {
      field = document.createElement("input");
      field.type = "hidden";
      field.name = "confirm";
      form.appendChild(field);
    }
    field.value = "yes";
  });
})();
