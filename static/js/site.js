/* Small enhancements; every page works without them. */
(function () {
  "use strict";

  // The status controls' save buttons hide once scripts run (site.css); should htmx be
  // missing, they stay, so that a status can still be saved.
  if (!window.htmx) {
    document.documentElement.classList.add("without-htmx");
  }

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

  // A status control saves as soon as its choice changes, and keeps showing the visitor's choice
  // (htmx leaves it in place). The choice is written into the markup too, because htmx keeps
  // pages for the back button as markup.
  function statusForm(element) {
    return (element && element.closest && element.closest("form.item-status")) || null;
  }

  function showChoice(form, value) {
    form.querySelectorAll("input[name=status]").forEach(function (radio) {
      radio.checked = radio.value === value;
      radio.toggleAttribute("checked", radio.checked);
    });
  }

  function sayProblem(form, text) {
    var problem = form.querySelector(".status-problem");
    if (!problem && text) {
      problem = document.createElement("p");
      problem.className = "status-problem";
      problem.setAttribute("role", "alert");
      form.appendChild(problem);
    }
    if (problem) {
      problem.textContent = text;
      problem.hidden = !text;
    }
  }

  document.addEventListener("change", function (event) {
    var form = statusForm(event.target);
    if (form && event.target.name === "status") {
      showChoice(form, event.target.value);
    }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var form = statusForm(event.detail.elt);
    if (!form) {
      return;
    }
    var sent = event.detail.requestConfig && event.detail.requestConfig.parameters.get("status");
    if (event.detail.successful) {
      form.dataset.saved = sent;
      sayProblem(form, "");
    } else {
      // Show what is saved, not a choice that was not.
      showChoice(form, form.dataset.saved);
      sayProblem(form, "Not saved: the site could not be reached. Please choose again.");
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
