/* Small enhancements; every page works without them. */
(function () {
  "use strict";

  // A page fetched by HTMX into <main> brings its title along; move focus to its heading so
  // screen reader users hear that the page changed.
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.target;
    if (!target || target.id !== "main") {
      return;
    }
    var page = target.querySelector("[data-title]");
    if (page) {
      document.title = page.getAttribute("data-title");
    }
    var heading = target.querySelector("h1");
    if (heading) {
      heading.focus({ preventScroll: true });
    }
    openTarget();
  });

  // Filter the FAQs as the visitor types; the form still filters on the server when submitted.
  function faqText(item) {
    var parts = item.querySelectorAll(".question, .answer > p:not(.cited-by)");
    return Array.prototype.map
      .call(parts, function (part) {
        return part.textContent;
      })
      .join(" ")
      .toLowerCase();
  }

  function filterFaqs(input) {
    var list = document.getElementById("faq-list");
    if (!list) {
      return;
    }
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    var items = list.querySelectorAll("details.faq");
    var shown = 0;
    items.forEach(function (item) {
      var text = faqText(item);
      var match = words.every(function (word) {
        return text.indexOf(word) !== -1;
      });
      item.hidden = !match;
      if (match) {
        shown += 1;
      }
    });
    var count = document.getElementById("faq-count");
    if (count) {
      count.textContent = words.length
        ? shown + " of " + items.length + " questions match."
        : items.length + " questions";
    }
  }

  document.addEventListener("input", function (event) {
    if (event.target.id === "faq-filter") {
      filterFaqs(event.target);
    }
  });

  // A link to one question opens it.
  function openTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var element = id && document.getElementById(id);
    if (element && element.tagName === "DETAILS") {
      element.open = true;
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
