// The site's one script, a few lines and no library. Tables too wide for the screen scroll in a
// box that takes the keyboard (WCAG 2.1.1; axe: scrollable-region-focusable).
//
// The map's explorer: filter the CMOCs by outcome, beneficiary, service, source, status and
// substantive theory, or focus on one CMOC and its neighbours. The view is kept in the page's
// address (?outcome=hope&focus=cmoc-03), so it can be shared and cited. Without JavaScript the
// full list is shown. Nothing is fetched: the list and its data are in the page.
(function () {
  "use strict";
  var FIELDS = ["outcome", "beneficiary", "service", "source", "status", "theory", "focus"];

  function scrollableTables() {
    document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", "Table: scroll to see all of it");
      }
    });
  }

  function init() {
    scrollableTables();
    var form = document.querySelector("form.explore");
    if (!form || form.dataset.ready) return;
    form.dataset.ready = "1";
    form.hidden = false;
    var items = Array.prototype.slice.call(document.querySelectorAll(".explore-list li[data-cmoc]"));
    var params = new URLSearchParams(window.location.search);
    FIELDS.forEach(function (name) {
      var value = params.get(name);
      if (value !== null && form.elements[name]) form.elements[name].value = value;
    });
    form.addEventListener("change", function () { apply(form, items, true); });
    form.addEventListener("reset", function () { setTimeout(function () { apply(form, items, true); }, 0); });
    apply(form, items, false);
  }

  function apply(form, items, remember) {
    var chosen = {};
    FIELDS.forEach(function (name) { chosen[name] = form.elements[name] ? form.elements[name].value : ""; });
    var focus = chosen.focus ? items.filter(function (li) { return li.dataset.cmoc === chosen.focus; })[0] : null;
    var near = focus ? (focus.dataset.neighbours || "").split(" ").concat([chosen.focus]) : null;
    var shown = 0;
    items.forEach(function (li) {
      var d = li.dataset;
      var ok = (!chosen.outcome || d.outcome === chosen.outcome) &&
        (!chosen.beneficiary || d.beneficiary === chosen.beneficiary) &&
        (!chosen.service || (" " + d.services + " ").indexOf(" " + chosen.service + " ") >= 0) &&
        (!chosen.source || (" " + d.sources + " ").indexOf(" " + chosen.source + " ") >= 0) &&
        (!chosen.theory || (" " + d.theories + " ").indexOf(" " + chosen.theory + " ") >= 0) &&
        (chosen.status === "all" || (chosen.status ? d.status === chosen.status : d.current === "yes")) &&
        (!near || near.indexOf(d.cmoc) >= 0);
      li.hidden = !ok;
      if (ok) shown += 1;
    });
    document.querySelectorAll(".explore-list [data-group]").forEach(function (group) {
      group.hidden = !group.querySelector("li[data-cmoc]:not([hidden])");
    });
    var count = document.querySelector(".explore-count");
    if (count) count.textContent = shown + " of " + items.length + " CMOCs shown";
    if (remember) {
      var query = new URLSearchParams();
      FIELDS.forEach(function (name) { if (chosen[name]) query.set(name, chosen[name]); });
      var search = query.toString();
      window.history.replaceState(null, "", window.location.pathname + (search ? "?" + search : ""));
    }
  }

  if (window.document$ && window.document$.subscribe) window.document$.subscribe(init);
  else if (document.readyState !== "loading") init();
  else document.addEventListener("DOMContentLoaded", init);
})();
