// Progressive enhancement only: the search form works without this file.
// A changed filter submits the form at once, so a buyer sees the effect.
document.addEventListener("change", function (ev) {
  var el = ev.target;
  if (el && el.hasAttribute && el.hasAttribute("data-autosubmit") && el.form) {
    el.form.requestSubmit ? el.form.requestSubmit() : el.form.submit();
  }
});
