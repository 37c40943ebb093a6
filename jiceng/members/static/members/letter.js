// The print button of the introduction letter page (CSP: no inline scripts).
document.querySelectorAll("[data-jc-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
