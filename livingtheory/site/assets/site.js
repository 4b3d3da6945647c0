// The site's one script, a few lines and no library. Tables too wide for the screen scroll in a
// box that takes the keyboard (WCAG 2.1.1; axe: scrollable-region-focusable); each citation has a
// button that copies it.
(function () {
  "use strict";
  function scrollableTables() {
    document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", "Table: scroll to see all of it");
      }
    });
  }

  function copyButtons() {
    if (!navigator.clipboard) return;
    document.querySelectorAll(".citation").forEach(function (block) {
      var button = block.querySelector(".citation-copy");
      var text = block.querySelector(".citation-text");
      if (!button || !text || button.dataset.ready) return;
      button.dataset.ready = "1";
      button.hidden = false;
      button.setAttribute("aria-label", "Copy the " + block.querySelector("strong").textContent + " citation");
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(text.textContent.trim()).then(function () {
          button.textContent = "Copied";
          setTimeout(function () { button.textContent = "Copy"; }, 2000);
        });
      });
    });
  }

  // A preview's problem panel (make serve): hidden once closed, until the problems change.
  // Under `make serve`, every page has a slot for the theory's problems, filled from one file at the
  // site's root: a page is not written again when only the problems change (the panel is our own
  // escaped HTML, made by the core from its template).
  function problemsSlot() {
    var slot = document.querySelector(".theory-problems-slot");
    if (!slot || slot.dataset.ready || !window.fetch) return;
    slot.dataset.ready = "1";
    fetch(slot.dataset.problems, {cache: "no-store"}).then(function (answer) {
      return answer.ok ? answer.json() : null;
    }).then(function (problems) {
      if (!problems || !problems.count) return;
      var panels = problems.panels || {};
      var source = slot.dataset.source;
      var html = source && Object.prototype.hasOwnProperty.call(panels, source) ? panels[source] : panels[""];
      if (!html) return;
      slot.insertAdjacentHTML("afterend", html);
      problemsPanel();
    }).catch(function () { /* no problems file: nothing to show */ }).then(function () {
      slot.dataset.loaded = "1";  // what the page shows of the problems is final
    });
  }

  function problemsPanel() {
    var panel = document.querySelector(".theory-problems");
    if (!panel || panel.dataset.ready) return;
    panel.dataset.ready = "1";
    var key = "theory-problems-hidden";
    var seen = null;
    try { seen = window.sessionStorage.getItem(key); } catch (e) { /* storage off: always shown */ }
    if (seen === panel.dataset.problems) panel.hidden = true;
    panel.querySelector(".theory-problems__close").addEventListener("click", function () {
      panel.hidden = true;
      try { window.sessionStorage.setItem(key, panel.dataset.problems); } catch (e) { /* shown next time */ }
    });
  }

  // Links off the site are marked, so that paper shows their address (and only theirs).
  function offSiteLinks() {
    document.querySelectorAll(".md-content a[href]").forEach(function (link) {
      if (link.host && link.host !== window.location.host) link.classList.add("off-site");
    });
  }

  function init() {
    problemsSlot();
    problemsPanel();
    scrollableTables();
    copyButtons();
    offSiteLinks();
    var form = document.querySelector("form.explore");
    if (form && !form.dataset.ready) explorer(function (explore) { explore(form); });
  }

  // The map's explorer is a script of its own, fetched by the pages that have one.
  var here = document.currentScript && document.currentScript.src;
  var loading = null;
  function explorer(then) {
    if (window.livingTheoryExplore) return then(window.livingTheoryExplore);
    if (!loading) {
      loading = document.createElement("script");
      loading.src = new URL("explorer.js", here || window.location.href).href;
      document.head.appendChild(loading);
    }
    loading.addEventListener("load", function () { then(window.livingTheoryExplore); });
  }

  // Each page as it loads, and each page Material's instant navigation swaps in (init does its work
  // once per page: a page opened from disk may get both).
  if (window.document$ && window.document$.subscribe) window.document$.subscribe(init);
  if (document.readyState !== "loading") init();
  else document.addEventListener("DOMContentLoaded", init);
})();
