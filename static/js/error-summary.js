// After a failed submit the focus goes to the form's error summary (templates/bootstrap5/errors.html), so that a
// screen reader reads it first and a keyboard user tabs from there into the fields it links to.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
  document.addEventListener("click", (event) => {
    const link = event.target.closest("[data-error-summary] a[href^='#']");
    const field = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!field) {
      return;
    }
    event.preventDefault();
    // The label or legend above the field stays in view, not only the box.
    const wrapper = field.closest("[id^='div_']") || field;
    wrapper.scrollIntoView({ block: "start" });
    field.focus({ preventScroll: true });
  });
});
