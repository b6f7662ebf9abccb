/* Small enhancements; every page works without them. */
(function () {
  "use strict";

  // A page fetched by HTMX into <main> (htmx sets its title): move focus to its heading so
  // screen reader users hear that the page changed.
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.target;
    if (!target || target.id !== "main") {
      return;
    }
    var heading = target.querySelector("h1");
    if (heading) {
      heading.focus({ preventScroll: true });
    }
    openTarget();
  });

  // A link to one question (or to an answer within it) opens it.
  function openTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var element = id && document.getElementById(id);
    var details = element && element.closest("details");
    if (details) {
      details.open = true;
    }
  }

  window.addEventListener("hashchange", openTarget);
  document.addEventListener("DOMContentLoaded", openTarget);

  // Print every answer, not just the open ones.
  var openedForPrint = [];
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details:not([open])").forEach(function (details) {
      details.open = true;
      openedForPrint.push(details);
    });
  });
  window.addEventListener("afterprint", function () {
    openedForPrint.forEach(function (details) {
      details.open = false;
    });
    openedForPrint = [];
  });
})();
