// A button with data-confirm asks before it submits (refusals, removals): one click on the
// wrong one of two side-by-side buttons must not decide for an agency. Without scripts the
// form still works; the server never depends on this.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});
