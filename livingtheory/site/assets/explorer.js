// The map's explorer: filter the CMOCs by outcome, beneficiary, service, source, status, evidence
// direction, relation type and substantive theory, or focus on one CMOC and its neighbours. The
// view is kept in the page's address (?outcome=OUTCOME-ID&focus=CMOC-ID), so it can be shared and cited;
// an address naming something the theory does not have says so. Without JavaScript the full list
// is shown. Nothing is fetched: the list and its data are in the page.
(function () {
  "use strict";
  var FIELDS = ["outcome", "beneficiary", "service", "source", "status", "direction", "relation", "theory", "focus",
    "from", "to"];
  var MAX_STEPS = 6, MAX_PATHS = 20;

  window.livingTheoryExplore = function (form) {
    if (form.dataset.ready) return;
    form.dataset.ready = "1";
    form.hidden = false;
    var filters = form.querySelector(".explore-filters");  // folded on a narrow screen: the count stays in view
    if (filters && window.matchMedia && window.matchMedia("(min-width: 60em)").matches) filters.open = true;
    var items = Array.prototype.slice.call(document.querySelectorAll(".explore-list li[data-cmoc]"));
    var params = new URLSearchParams(window.location.search);
    var unknown = [];
    FIELDS.forEach(function (name) {
      var value = params.get(name);
      var select = form.elements[name];
      if (value === null || !select) return;
      if (Array.prototype.some.call(select.options, function (o) { return o.value === value; })) select.value = value;
      else unknown.push(name + " " + value);
    });
    form.addEventListener("change", function () { apply(form, items, true, []); });
    form.addEventListener("reset", function () { setTimeout(function () { apply(form, items, true, []); }, 0); });
    apply(form, items, false, unknown);
  };

  function has(list, value) {
    return (" " + list + " ").indexOf(" " + value + " ") >= 0;
  }

  // Paths from a context, a CMOC or a source to an outcome: chains of CMOCs, each bearing on the
  // next by a relation, the last leading to the outcome. Each is a list of list items.
  function trace(items, from, to) {
    var byId = {};
    items.forEach(function (li) { if (li.dataset.current === "yes") byId[li.dataset.cmoc] = li; });
    var starts = items.filter(function (li) {
      var d = li.dataset;
      if (d.current !== "yes") return false;
      if (from.indexOf("context:") === 0) return d.context === from.slice(8);
      if (from.indexOf("source:") === 0) return has(d.sources, from.slice(7));
      return d.cmoc === from;
    });
    var paths = [];
    function walk(path) {
      if (paths.length >= MAX_PATHS) return;
      var last = path[path.length - 1];
      if (!to || last.li.dataset.outcome === to) paths.push(path);
      if (path.length >= MAX_STEPS) return;
      (last.li.dataset.leads || "").split(" ").filter(Boolean).forEach(function (lead) {
        var parts = lead.split(":"), next = byId[parts[0]];
        if (next && !path.some(function (step) { return step.li === next; })) walk(path.concat([{li: next, by: parts[1]}]));
      });
    }
    starts.forEach(function (li) { walk([{li: li, by: null}]); });
    return paths;
  }

  function name(li) { return li.querySelector("a").textContent.split(":")[0]; }

  function showPaths(form, paths, from, to) {
    var box = document.querySelector(".explore-paths");
    if (!box) return;
    box.hidden = !from;
    box.textContent = "";
    if (!from) return;
    var heading = document.createElement("p");
    var start = form.elements.from.selectedOptions[0], end = form.elements.to.selectedOptions[0];
    heading.textContent = paths.length ? paths.length + (paths.length >= MAX_PATHS ? "+" : "") + " path" +
      (paths.length === 1 ? "" : "s") + " from " + start.textContent + " to " + (to ? end.textContent : "an outcome") +
      " (evidence for and against each step in brackets):" :
      "No path leads from " + start.textContent + " to " + (to ? end.textContent : "an outcome") + ".";
    box.appendChild(heading);
    var list = document.createElement("ol");
    paths.forEach(function (path) {
      var item = document.createElement("li");
      path.forEach(function (step, i) {
        if (i) item.appendChild(document.createTextNode(" \u2192 " + (step.by || "").replace(/-/g, " ") + " \u2192 "));
        var link = document.createElement("a");
        link.href = step.li.querySelector("a").href;
        link.textContent = name(step.li);
        item.appendChild(link);
        item.appendChild(document.createTextNode(" [" + (step.li.dataset.weight || "no evidence yet") + "]"));
      });
      var outcome = path[path.length - 1].li.closest("[data-group]").querySelector("h3").textContent;
      item.appendChild(document.createTextNode(" \u2192 " + outcome));
      list.appendChild(item);
    });
    box.appendChild(list);
  }

  // The map itself shows only the chosen CMOCs: every other node and arrow is dimmed.
  function dimMap(items) {
    var svg = document.querySelector(".diagram svg");
    if (!svg) return;
    var all = items.every(function (li) { return !li.hidden || li.dataset.current !== "yes"; });
    var keep = {};
    items.forEach(function (li) {
      if (!li.hidden) (li.dataset.nodes || "").split(" ").forEach(function (k) { if (k) keep[k] = true; });
    });
    svg.querySelectorAll("g.node").forEach(function (node) {
      var key = (node.id.match(/-flowchart-(.+)-\d+$/) || [])[1];
      node.classList.toggle("explore-dim", !all && !keep[key]);
    });
    svg.querySelectorAll("[data-id^='L_']").forEach(function (edge) {
      var ends = edge.getAttribute("data-id").split("_");
      var shown = all || (keep[ends[1]] && keep[ends[2]]);
      edge.classList.toggle("explore-dim", !shown);
      var label = svg.querySelector(".edgeLabel [data-id='" + edge.getAttribute("data-id") + "']");
      if (label) label.classList.toggle("explore-dim", !shown);
    });
  }

  // What the glance and the drawing's caption say follows what is shown: never a count of the whole
  // beside a view of a part.
  function glanceAndCaption(items, shown) {
    var current = items.filter(function (li) { return li.dataset.current === "yes"; });
    var all = shown === current.length && current.every(function (li) { return !li.hidden; });
    document.querySelectorAll(".glance-list li[data-outcome]").forEach(function (row) {
      var n = items.filter(function (li) { return !li.hidden && li.dataset.outcome === row.dataset.outcome; }).length;
      row.querySelector(".glance-shown").textContent = all ? "" : " (" + n + " shown)";
    });
    var state = document.querySelector(".explore-state");
    if (state) state.textContent = all ? "" : " Showing " + shown + " of " + items.length + " CMOCs: the rest is dimmed.";
  }

  function apply(form, items, remember, unknown) {
    var chosen = {};
    FIELDS.forEach(function (name) { chosen[name] = form.elements[name] ? form.elements[name].value : ""; });
    var focus = chosen.focus ? items.filter(function (li) { return li.dataset.cmoc === chosen.focus; })[0] : null;
    var near = focus ? (focus.dataset.neighbours || "").split(" ").concat([chosen.focus]) : null;
    var paths = chosen.from ? trace(items, chosen.from, chosen.to) : null;
    var onPath = paths ? paths.reduce(function (all, path) {
      return all.concat(path.map(function (step) { return step.li; }));
    }, []) : null;
    var shown = 0;
    items.forEach(function (li) {
      var d = li.dataset;
      var status = chosen.status === "all" || (chosen.status === "contested" ? d.contested === "yes" :
        chosen.status ? d.status === chosen.status : d.current === "yes");
      var ok = status && (!chosen.outcome || d.outcome === chosen.outcome) &&
        (!chosen.beneficiary || d.beneficiary === chosen.beneficiary) &&
        (!chosen.service || has(d.services, chosen.service)) && (!chosen.source || has(d.sources, chosen.source)) &&
        (!chosen.theory || has(d.theories, chosen.theory)) && (!chosen.direction || has(d.directions, chosen.direction)) &&
        (!chosen.relation || has(d.relations, chosen.relation)) && (!near || near.indexOf(d.cmoc) >= 0) &&
        (!onPath || onPath.indexOf(li) >= 0);
      li.hidden = !ok;
      if (ok) shown += 1;
    });
    document.querySelectorAll(".explore-list [data-group]").forEach(function (group) {
      group.hidden = !group.querySelector("li[data-cmoc]:not([hidden])");
    });
    dimMap(items);
    glanceAndCaption(items, shown);
    showPaths(form, paths || [], chosen.from, chosen.to);
    var count = document.querySelector(".explore-count");
    if (count) {
      count.textContent = (unknown.length ? "This theory has no " + unknown.join(", no ") + ": showing the rest. " : "") +
        shown + " of " + items.length + " CMOCs shown" +
        (focus ? ": CMOC " + focus.querySelector("a").textContent.split(":")[0].replace("CMOC ", "") +
          (shown === 1 ? ", which is related to no other CMOC" : " and the CMOCs it is related to") : "");
    }
    if (remember) {
      var query = new URLSearchParams();
      FIELDS.forEach(function (name) { if (chosen[name]) query.set(name, chosen[name]); });
      var search = query.toString();
      window.history.replaceState(null, "", window.location.pathname + (search ? "?" + search : ""));
    }
  }
})();
