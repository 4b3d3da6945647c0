/* Search is fetched when a reader first uses it, not on every first visit: the search index (it
   grows with the theory) and Material's search worker wait for the first focus of the search box,
   a key that opens it, or an address that asks for a search (?q=). Runs before Material's bundle,
   which asks for both as the page loads; from disk (the preview) Material already waits, and the
   index arrives as a script: only the worker is held back there. */
(function () {
  "use strict";
  var use;
  var used = new Promise(function (resolve) { use = resolve; });

  function isSearch(element) {
    return element instanceof Element && !!element.closest(".md-search, [for='__search'], #__search");
  }
  document.addEventListener("focusin", function (event) { if (isSearch(event.target)) use(); }, true);
  document.addEventListener("change", function (event) { if (isSearch(event.target)) use(); }, true);
  document.addEventListener("click", function (event) { if (isSearch(event.target)) use(); }, true);
  document.addEventListener("keydown", function (event) {  /* Material's keys for search */
    if (["/", "s", "S", "f", "F"].indexOf(event.key) >= 0) use();
  }, true);
  if (/[?&]q=/.test(location.search)) use();

  /* Material requests the index (XMLHttpRequest) as the page loads: it is sent once search is used. */
  var INDEX = /\/search\/search_index\.json([?#]|$)/;
  var open = XMLHttpRequest.prototype.open, send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.open = function (method, url) {
    this.searchIndex = INDEX.test(String(url));
    return open.apply(this, arguments);
  };
  XMLHttpRequest.prototype.send = function () {
    var request = this, args = arguments;
    if (!request.searchIndex) return send.apply(request, args);
    used.then(function () { send.apply(request, args); });
  };

  /* Material starts its search worker at once and only posts to it once the index is there: a
     stand-in takes its place and starts the worker with the first message. */
  var Worker = window.Worker;
  if (!Worker) return;
  function SearchWorker(url, options) {
    var target = new EventTarget(), worker = null;
    function relay(event) {  /* to listeners, and to onmessage/onerror as a builder's bundle may set them */
      target.dispatchEvent(event);
      var handler = target["on" + event.type];
      if (typeof handler === "function") handler.call(target, event);
    }
    target.onmessage = target.onerror = target.onmessageerror = null;
    target.postMessage = function (message) {
      if (!worker) {
        worker = new Worker(url, options);
        worker.onmessage = function (event) { relay(new MessageEvent("message", { data: event.data })); };
        worker.onmessageerror = function (event) { relay(new MessageEvent("messageerror", { data: event.data })); };
        worker.onerror = function (event) { relay(new ErrorEvent("error", { message: event.message })); };
      }
      worker.postMessage(message);
    };
    target.terminate = function () { if (worker) worker.terminate(); };
    return target;
  }
  window.Worker = function (url, options) {
    return /\/workers\/search\.[^/]*\.js([?#]|$)/.test(String(url)) ? SearchWorker(url, options) : new Worker(url, options);
  };
  window.Worker.prototype = Worker.prototype;
})();
