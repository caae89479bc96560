// Live preview (playbook serve only): reload this page once the playbook was rebuilt.
(function () {
  "use strict";
  var script = document.currentScript;
  var version = script && script.getAttribute("data-live-version");
  if (version === null) return;
  var address = script.src.replace(/static\/live\.js.*$/, "changes?since=") + encodeURIComponent(version);

  function poll() {
    fetch(address, { cache: "no-store" })
      .then(function (response) {
        if (!response.ok) throw new Error("status " + response.status);
        return response.json();
      })
      .then(function (body) {
        if (String(body.version) !== version) window.location.reload();
        else poll();
      })
      .catch(function () {
        // The server restarts or is stopped: try again in a moment.
        window.setTimeout(poll, 1000);
      });
  }
  poll();
})();
