/* Small enhancements; every page works without them. */
(function () {
  "use strict";

  // The status controls' save buttons hide once scripts run (site.css); should htmx be
  // missing, they stay, so that a status can still be saved.
  if (!window.htmx) {
    document.documentElement.classList.add("without-htmx");
  }

  // htmx's requests carry the visitor's CSRF token, which the page keeps at its end (base.html).
  document.addEventListener("htmx:configRequest", function (event) {
    // The input: an id from the content (a section's slug) could be "csrf-token" too.
    var token = document.querySelector("input#csrf-token");
    if (token) {
      event.detail.headers["X-CSRFToken"] = token.value;
    }
  });

  // Loading the address already shown adds no entry to the history, and the words typed into a
  // box that looks as you type (the FAQ filter, the search) make one entry, not one a letter.
  // A request for the address already shown replaces its entry, as a browser does for a link to
  // the page it is on (Enter in a box whose results came as the words were typed asks for them
  // again). What the box asks for while the visitor types replaces the entry its first request
  // made, so that Back does not step through every letter of a slow typist. Enter settles the
  // words, replacing that entry once more; so does leaving the box, for what was typed before
  // (a request still waiting then replaces the entry too), and so does anything else that
  // changes the address. The next words typed make an entry of their own.
  // {box, left}: the box whose words made the entry shown, and when it lost focus.
  var typing = null;

  // An address without its part (#...): the page it loads.
  function pageOf(address) {
    var url = new URL(address, window.location.href);
    // "+" and "%20" are both a space: the form's address and htmx's write them differently.
    return url.pathname + "?" + new URLSearchParams(url.search).toString();
  }

  function isShown(path) {
    var url = new URL(path, window.location.href);
    return url.hash === window.location.hash && pageOf(url) === pageOf(window.location.href);
  }

  document.addEventListener("htmx:beforeHistoryUpdate", function (event) {
    var update = event.detail.history;
    var request = event.detail.requestConfig;
    var trigger = request.triggeringEvent;
    var typed = Boolean(trigger) && trigger.type === "input";
    var shown = isShown(update.path);
    // Asked for by the box or its form (Enter, the Filter button) before the box was left.
    var continuing =
      typing !== null &&
      (request.elt === typing.box || request.elt === typing.box.form) &&
      (typing.left === undefined || (Boolean(trigger) && trigger.timeStamp < typing.left));
    if (shown || continuing) {
      update.type = "replace";
    }
    if (typed && continuing && typing.left === undefined) {
      return; // still typing
    }
    var startsEntry = typed && !continuing && !shown && document.activeElement === request.elt;
    typing = startsEntry ? { box: request.elt } : null;
  });

  document.addEventListener("focusout", function (event) {
    var box = typing && typing.box;
    // Going to the form's own button (Filter, Search) is not leaving it.
    var stays = box && box.form && box.form.contains(event.relatedTarget);
    if (box && event.target === box && typing.left === undefined && !stays) {
      typing.left = event.timeStamp;
    }
  });

  // A page asked for before the visitor's latest move (Back or Forward, or another page asked
  // for since: a link, a form, words typed into a box) is no longer wanted: its request is
  // stopped, or not sent, so that its answer neither comes in nor changes the address, as a
  // browser drops the page it was loading once another is asked for. Moves are counted in the
  // order the page sees them, and a request counts from the event that made it (words typed
  // before Back may ask only after it). Only reads (GET) are moves, or stopped: a save always
  // goes through. A link to a part of the page shown (#main) is a jump, no move.
  var moves = 0;
  // The moves counted when each event that can ask for a page came.
  var movesAt = new WeakMap();
  // The reads that a move would stop, each as {request, path}: htmx's own for an entry of the
  // history are among them, with the address they fetch as their path.
  var reading = [];
  // The address of the part of the page a link just clicked goes to: the history event it makes
  // is no Back or Forward.
  var jumpingTo = null;
  // The address of the page shown (or of the item the map's panel shows over the overview).
  var shownPath = window.location.href;

  ["htmx:pushedIntoHistory", "htmx:replacedInHistory", "htmx:historyRestore"].forEach(
    function (type) {
      document.addEventListener(type, function (event) {
        shownPath = event.detail.path;
      });
    },
  );

  ["click", "submit", "input", "change"].forEach(function (type) {
    window.addEventListener(
      type,
      function (event) {
        movesAt.set(event, moves);
      },
      true,
    );
  });

  window.addEventListener(
    "click",
    function (event) {
      var link = event.target.closest && event.target.closest("a[href*='#']");
      var here = window.location;
      var jump = link && link.pathname === here.pathname && link.search === here.search;
      jumpingTo = jump ? link.href : null;
    },
    true,
  );

  // Stop every read, but the one htmx is making for the entry at `path`, if any is given and it
  // is still on its way; say whether it is.
  function moveOn(path) {
    moves += 1;
    jumpingTo = null;
    reading = reading.filter(function (read) {
      var kept = path !== undefined && read.path === path && !read.ended;
      if (!kept && !read.ended) {
        read.request.abort();
      }
      return kept;
    });
    settle();
    return reading.length > 0;
  }

  // Leaving the page (by a link htmx does not follow, or the address bar) is a move too: the
  // reads on their way are stopped, so that none comes into the page, nor is taken for a
  // failure and followed (some browsers end a request cut short by leaving as an error).
  // Listened for only while a read is on its way: some browsers keep no page with a
  // beforeunload listener for Back.
  function leave() {
    moveOn();
  }

  function settle() {
    var pending = reading.some(function (read) {
      return !read.ended;
    });
    if (!pending) {
      window.removeEventListener("beforeunload", leave);
    }
  }

  // A read on its way, once sent: `path` is the address of the entry of the history it is for,
  // when it is htmx's fetch of one.
  function track(request, path) {
    var read = { request: request, path: path, ended: false };
    reading.push(read);
    window.addEventListener("beforeunload", leave);
    request.addEventListener("loadend", function () {
      read.ended = true;
      settle();
    });
  }

  // A page htmx could not bring (the site answered with what htmx takes for an error, or not at
  // all) is left to the browser, as without JavaScript, so that it shows the site's error page
  // or its own and the address names the page shown: a link or a form of the page is followed
  // again by the browser (an item the map's panel asks for again on Forward, too), and the
  // page of an entry of the history that Back or Forward went to is loaded again. A read
  // stopped because the visitor moved on is no failure. The request itself is watched: the
  // element that made it may have left the page (an answer to a save replaced it), and its
  // events with it.
  function followOnFailure(event) {
    var request = event.detail.requestConfig;
    // Links and forms of the page (the salary comparison's form asks itself) and the panel,
    // not the words of a box that asks as they are typed.
    var followed = event.detail.boosted || request.elt.matches("form, #map-panel");
    if (!followed) {
      return;
    }
    var xhr = event.detail.xhr;
    var asked = event.detail.pathInfo;
    // A form's values come before the #part htmx keeps; a link's address comes without it.
    var address = new URL(asked.finalRequestPath, window.location.href);
    if (asked.anchor && !address.hash) {
      address.hash = asked.anchor;
    }
    function follow() {
      window.location.assign(address.href);
    }
    xhr.addEventListener("error", follow);
    xhr.addEventListener("load", function () {
      // What htmx decided of the answer (responseHandling in _htmx_config.html), before this.
      if (event.detail.failed) {
        follow();
      }
    });
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var request = event.detail.requestConfig;
    if (request.verb !== "get") {
      return;
    }
    var trigger = request.triggeringEvent;
    if (trigger && movesAt.get(trigger) < moves) {
      event.preventDefault();
      return;
    }
    moveOn();
    track(event.detail.xhr, null);
    followOnFailure(event);
  });

  document.addEventListener("htmx:historyCacheMiss", function (event) {
    var request = event.detail.xhr;
    // Once sent: the map's panel keeps htmx from sending some (see its own listener).
    request.addEventListener("loadstart", function () {
      track(request, event.detail.path);
    });
    request.addEventListener("error", function () {
      window.location.reload();
    });
  });

  document.addEventListener("htmx:historyCacheMissLoadError", function () {
    window.location.reload();
  });

  // Capturing, so that the move is counted before htmx asks for what the entry shows.
  window.addEventListener(
    "popstate",
    function (event) {
      var here = window.location;
      if (jumpingTo !== null && jumpingTo === here.href) {
        jumpingTo = null;
      } else if (event.state && event.state.htmx) {
        moveOn();
      } else if (!moveOn(here.pathname + here.search) && pageOf(shownPath) !== pageOf(here.href)) {
        // An entry htmx did not make, which it leaves to the browser (one a link to a part of a
        // page made, or the first page loaded, unless a link of htmx's was followed from it),
        // needs the page htmx may still be fetching for its address (Back twice), or else that
        // page loaded again when another is shown (Back two entries at once, or Back, a link
        // and Back before either came). Back past the map's panel to an entry of the overview
        // it covers (two entries at once) just closes it: the overview is there.
        var panel = mapPanel();
        if (panel && !panel.hidden && pageOf(panel.dataset.closesTo) === pageOf(here.href)) {
          hideMapPanel(panel);
          // After the browser moves focus to the part of the page the address names.
          window.setTimeout(focusOpener, 0);
        } else {
          window.location.reload();
        }
      }
      typing = null;
    },
    true,
  );

  // Back and Forward fetch a page again (htmx keeps no copies of pages) and would leave the
  // window scrolled as the page before was: each address's place as the visitor left it (htmx
  // says when a page is left, by a link, a form or the history) is put back once its page is
  // in, as a browser does without JavaScript. A move between two entries of one page (a link to
  // a part of it, such as #road, and Back) keeps the place the browser gives it.
  var scrolledTo = {};
  // The address of the page htmx last said was left.
  var leftPath = null;

  document.addEventListener("htmx:beforeHistorySave", function (event) {
    leftPath = event.detail.path.split("#")[0];
    // The map's panel holds an item's address over the overview: the item's page, should
    // Back load it, opens at its top.
    var panel = mapPanel();
    var overPanel = panel && !panel.hidden && event.detail.path === panel.dataset.shows;
    scrolledTo[leftPath] = overPanel ? 0 : window.scrollY;
  });

  // Fired when htmx fetches the page of an entry of the history, after it said what was left:
  // the same page, the browser's place stands.
  document.addEventListener("htmx:historyCacheMiss", function (event) {
    if (event.detail.path === leftPath) {
      delete scrolledTo[leftPath];
    }
  });

  document.addEventListener("htmx:historyRestore", function (event) {
    var place = scrolledTo[event.detail.path];
    if (event.detail.cacheMiss && place !== undefined) {
      window.scrollTo(0, place);
    }
  });

  // The element the address names (#id), if the page has it. A fragment that is no valid
  // percent-encoding (#%) names nothing.
  function addressed() {
    try {
      var id = decodeURIComponent(window.location.hash.slice(1));
    } catch (error) {
      return null;
    }
    return (id && document.getElementById(id)) || null;
  }

  // A page fetched by HTMX into <main> (htmx sets its title): move focus to the part its
  // address points to, such as the item a "Next up" link names, or else to its heading, so that
  // keyboard and screen reader users start where the page changed.
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.target;
    // Once, for <main> itself: the page's end, put in beside it, settles too.
    if (!target || target.id !== "main" || event.target !== target) {
      return;
    }
    var anchored = addressed();
    if (anchored && target.contains(anchored)) {
      // The browser opens a <details> that holds what an address names when it goes there
      // itself, not when htmx changes the address: a question is opened here, and focus goes
      // to its summary.
      var details = anchored.closest("details");
      if (details) {
        details.open = true;
      }
      var summary = anchored.matches(".question-anchor") && details.querySelector("summary");
      if (!summary) {
        anchored.setAttribute("tabindex", "-1");
      }
      (summary || anchored).focus({ preventScroll: true });
      // After htmx's own scroll to the top of the new page, which comes once this event is done.
      window.setTimeout(function () {
        anchored.scrollIntoView({ block: "start" });
      }, 0);
      return;
    }
    var heading = target.querySelector("h1");
    if (heading) {
      heading.setAttribute("tabindex", "-1");
      heading.focus({ preventScroll: true });
    }
  });

  // The overview's map opens an item in its panel (htmx loads it there and puts the item's
  // address in the history): focus goes to the item, and back to its link on the map when the
  // panel closes. The panel holds one entry of the history however many items it shows in turn,
  // and closing it (its button, Escape, or Back) returns to the overview's entry as it is, so
  // the next Back leaves the overview.
  var mapOpener = null;

  function mapPanel() {
    return document.getElementById("map-panel");
  }

  document.addEventListener("htmx:beforeHistoryUpdate", function (event) {
    var panel = mapPanel();
    if (panel && !panel.hidden && event.detail.target === panel) {
      event.detail.history.type = "replace";
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var panel = event.detail.target;
    if (!panel || panel.id !== "map-panel") {
      return;
    }
    var opener = event.detail.requestConfig.elt;
    if (opener !== panel) {
      mapOpener = opener.id;
    }
    // The address of the history entry the panel holds (see htmx:historyCacheMiss).
    panel.dataset.shows = event.detail.pathInfo.requestPath;
    panel.hidden = false;
    panel.querySelector(".map-panel-title").focus();
  });

  function focusOpener() {
    var opener = mapOpener && document.getElementById(mapOpener);
    if (opener) {
      opener.focus();
    }
  }

  function hideMapPanel(panel) {
    shownPath = panel.dataset.closesTo;
    panel.hidden = true;
    panel.replaceChildren();
    focusOpener();
  }

  function closeMapPanel() {
    var panel = mapPanel();
    if (!panel || panel.hidden) {
      return;
    }
    if (window.location.pathname === panel.dataset.closesTo) {
      hideMapPanel(panel);
    } else {
      window.history.back();
    }
  }

  // Back to the overview's entry while the panel is open: htmx would fetch the overview again
  // (it keeps no copies of pages); the page is already there, so the panel just closes.
  // Forward again to the item the panel showed: it opens in the panel again, over the overview
  // as it is, instead of loading the item's page into <main>.
  document.addEventListener("htmx:historyCacheMiss", function (event) {
    var panel = mapPanel();
    var path = event.detail.path;
    if (!panel) {
      return;
    }
    if (!panel.hidden && path === panel.dataset.closesTo) {
      event.preventDefault();
      hideMapPanel(panel);
      // Returning to an entry with a part of the page in its address (after a jump such as
      // #road), the browser moves focus to the page once this event is done: take it back.
      window.setTimeout(focusOpener, 0);
      return;
    }
    // Only the entry the panel made: an item's page opened in <main> (its note link, say)
    // comes back as a page, as does a stage's.
    var item = document.querySelector('.map-item-node[href="' + CSS.escape(path) + '"]');
    if (item && path === panel.dataset.shows) {
      event.preventDefault();
      mapOpener = item.id;
      shownPath = path;
      // Asked by the panel itself, which changes no history: the entry already holds the
      // item's address.
      // The answer is the panel's part alone (as the map's own links ask: hx-select="unset");
      // links inside the panel load their pages into <main> as any other.
      window.htmx
        .ajax("GET", path, { source: panel, target: panel, swap: "innerHTML", select: "unset" })
        .catch(function () {
          // Stopped by a move before it came (see moveOn), or failed: nothing to show.
        });
    }
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest(".map-panel-close")) {
      closeMapPanel();
    }
  });

  // The open panel covers part of the page (all of it on a phone): Tab and Shift+Tab go round
  // its own controls instead of reaching links hidden under it. Escape or its button close it.
  function panelControls(panel) {
    var all = panel.querySelectorAll("a[href], button, input, select, textarea");
    return Array.prototype.filter.call(all, function (control) {
      var reachable = !control.disabled && control.getClientRects().length > 0;
      // Of a group of radio buttons, Tab reaches the chosen one.
      return reachable && (control.type !== "radio" || control.checked);
    });
  }

  function keepTabInPanel(event) {
    var panel = mapPanel();
    var focused = document.activeElement;
    if (!panel || panel.hidden || !panel.contains(focused)) {
      return;
    }
    var controls = panelControls(panel);
    if (!controls.length) {
      return;
    }
    var first = controls[0];
    var last = controls[controls.length - 1];
    var atStart = focused === first || focused === panel;
    if (event.shiftKey && atStart) {
      last.focus();
      event.preventDefault();
    } else if (!event.shiftKey && focused === last) {
      first.focus();
      event.preventDefault();
    }
  }

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      closeMapPanel();
    } else if (event.key === "Tab") {
      keepTabInPanel(event);
    }
  });

  // A status control saves as soon as its choice changes, and keeps showing the visitor's choice
  // (htmx leaves it in place), or the saved one again when the change could not be saved.
  function statusForm(element) {
    return (element && element.closest && element.closest("form.item-status")) || null;
  }

  function showChoice(form, value) {
    form.querySelectorAll("input[name=status]").forEach(function (radio) {
      radio.checked = radio.value === value;
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

  // A save said in the live region after its control ("Saved: Done"; role="status", there since
  // the page loaded, so that screen readers say it and focus stays where it is). Its words are
  // replaced, never added to, and only the latest save is said: the region that said the one
  // before is emptied. The same words twice (the same status saved again) are taken out and put
  // back, a change screen readers say again.
  var savedRegion = null;
  var savedTimer = 0;

  function saySaved(form, text) {
    var region = document.getElementById(form.id + "-saved");
    window.clearTimeout(savedTimer);
    if (savedRegion && savedRegion !== region) {
      savedRegion.textContent = "";
    }
    savedRegion = region;
    if (!region) {
      return;
    }
    if (text && region.textContent === text) {
      region.textContent = "";
      savedTimer = window.setTimeout(function () {
        region.textContent = text;
      }, 150);
    } else {
      region.textContent = text;
    }
  }

  function statusLabel(form, value) {
    var radio = "input[name=status][value='" + CSS.escape(value) + "']";
    var mark = form.querySelector(radio + " + .status-mark");
    return mark ? mark.textContent : value;
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
    var answered = event.detail.xhr ? event.detail.xhr.status : 0;
    if (event.detail.successful && answered !== 429) {
      form.dataset.saved = sent;
      sayProblem(form, "");
      saySaved(form, "Saved: " + statusLabel(form, sent));
    } else {
      // Show what is saved, not a choice that was not. A refusal for coming too often brings its
      // own message (swapped into the form); anything else is said here. A page whose form
      // token is out of date (the visitor signed in or out elsewhere) must be loaded again.
      showChoice(form, form.dataset.saved);
      saySaved(form, "");
      if (answered === 403) {
        sayProblem(form, "Not saved: this page is out of date. Please reload it and choose again.");
      } else if (answered !== 429) {
        sayProblem(form, "Not saved: the site could not be reached. Please choose again.");
      }
    }
  });

  // A note that could not be saved stays in its box, and the form says so, as a status control
  // does, in place of an earlier "Saved." (a refused note comes back in the form's answer
  // instead, with its reason): a note larger than the site reads (413), or any other failure.
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (!form || form.id !== "note-form" || event.detail.successful) {
      return;
    }
    var answered = event.detail.xhr ? event.detail.xhr.status : 0;
    var saved = document.getElementById("note-saved");
    if (saved) {
      saved.textContent = "";
    }
    sayProblem(
      form,
      answered === 413
        ? "Not saved: the note is too large to send. Please shorten it and save again."
        : "Not saved: the site could not be reached. Please save again."
    );
  });

  // The answer to a note's save brings the form again, its box holding the note as sent and
  // scrolled to its start. The box stays scrolled where it was (read before the swap: a box
  // taken out of the page has no layout). What was typed into it while the save was on its way
  // stays there, caret and all, to be saved next: the answer would otherwise take it away. Save
  // pressed again meanwhile is made once the answer's form works (htmx would drop it with the
  // form it was pressed in), unless the answer refused the note: that answer says why, and the
  // visitor decides.
  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      if (form.id === "note-form" && form.classList.contains("htmx-request")) {
        form.dataset.saveAgain = "true";
      }
    },
    true
  );

  document.addEventListener("htmx:beforeSwap", function (event) {
    var form = event.detail.elt;
    if (form && form.id === "note-form" && form.elements.note) {
      form.dataset.scrolled = form.elements.note.scrollTop;
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var config = event.detail.requestConfig;
    var sentFrom = config && config.elt;
    var box = document.getElementById("id_note");
    var typed = sentFrom && sentFrom.elements && sentFrom.elements.note;
    if (!typed || sentFrom.id !== "note-form" || !box || box.form === sentFrom) {
      return;
    }
    if (typed.value !== config.parameters.get("note")) {
      box.value = typed.value;
      box.setSelectionRange(typed.selectionStart, typed.selectionEnd, typed.selectionDirection);
      // Only after a save: a refusal (400) and a limit reached (429) are swapped in too.
      if (sentFrom.dataset.saveAgain && event.detail.xhr.status === 200) {
        var form = box.form;
        form.addEventListener(
          "htmx:afterSettle",
          function () {
            form.requestSubmit();
          },
          { once: true }
        );
      }
    }
    box.scrollTop = Number(sentFrom.dataset.scrolled || 0);
  });

  // A page the browser brings back from its back-forward cache (which some browsers do even for
  // a page that says no-store) shows what it showed when left, from before any change made
  // since: a page with statuses or counts is loaded again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted && document.querySelector("form.item-status, .step-counter")) {
      window.location.reload();
    }
  });

  // A copy button copies the field it names. Without scripts, or where the browser offers no
  // clipboard, the button stays hidden and the field is there to select and copy by hand.
  function showCopyButtons(root) {
    if (navigator.clipboard && root.querySelectorAll) {
      root.querySelectorAll("[data-copy]").forEach(function (button) {
        button.hidden = false;
      });
    }
  }

  showCopyButtons(document);
  document.addEventListener("htmx:load", function (event) {
    showCopyButtons(event.detail.elt);
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-copy]");
    var field = button && document.getElementById(button.dataset.copy);
    if (!field) {
      return;
    }
    var status = document.getElementById(button.dataset.copy + "-status");
    navigator.clipboard.writeText(field.value).then(
      function () {
        status.textContent = "Copied.";
      },
      function () {
        field.select();
        status.textContent = "Copying did not work: the address is selected, copy it by hand.";
      }
    );
  });

  document.addEventListener("focusin", function (event) {
    if (event.target.matches && event.target.matches("input[readonly]")) {
      event.target.select();
    }
  });

  // A browser opens a closed <details> to show what an address names inside it; one that does
  // not (older ones) has the question opened here, and scrolled to.
  function showQuestion() {
    var anchored = addressed();
    var details = anchored && anchored.closest("details");
    if (details && !details.open) {
      details.open = true;
      anchored.scrollIntoView({ block: "start" });
    }
  }

  window.addEventListener("hashchange", showQuestion);
  document.addEventListener("DOMContentLoaded", showQuestion);

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
