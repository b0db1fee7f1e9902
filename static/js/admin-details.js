// A link to a part of an admin page that sits in a closed <details> (a collapsed fieldset or inline, e.g.
// "#meetings-group" from the summary atop the EOI page) opens it, so the link shows what it names.
"use strict";
(function () {
  function openLinkedPart() {
    const target = window.location.hash && document.getElementById(window.location.hash.slice(1));
    const details = target && (target.closest("details") || target.querySelector("details"));
    if (details && !details.open) {
      details.open = true;
      target.scrollIntoView();
    }
  }
  window.addEventListener("hashchange", openLinkedPart);
  window.addEventListener("load", openLinkedPart);
})();
