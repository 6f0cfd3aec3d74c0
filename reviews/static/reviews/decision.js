/* A decision form has one button per action and only some of them ask first (不予推荐, 退回县区): the clicked
   button's question becomes the form's data-confirm, which static/js/confirm.js then asks (click comes before
   submit). Without JavaScript the server asks on a page of its own. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("form[data-decision-form] button[type=submit]") : null;
    if (!button) { return; }
    var form = button.form;
    if (button.dataset.confirmText) {
      form.setAttribute("data-confirm", button.dataset.confirmText);
    } else {
      form.removeAttribute("data-confirm");
    }
  });
})();
