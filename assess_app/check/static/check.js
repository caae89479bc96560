// Enhancements only: the form and the result work the same with JavaScript off.
(function () {
  "use strict";

  // Show a milestone's evidence and date fields once its box is ticked (or when they hold text).
  function setUpMilestone(block) {
    var box = block.querySelector("[data-met]");
    var details = block.querySelector("[data-details]");
    var dated = block.querySelector("[data-required-when-met]");
    if (!box || !details) return;
    var inputs = details.querySelectorAll("input, textarea");
    function hasText() {
      for (var i = 0; i < inputs.length; i++) if (inputs[i].value) return true;
      return false;
    }
    function update() {
      details.classList.toggle("is-collapsed", !box.checked && !hasText());
      if (dated) dated.required = box.checked;
    }
    box.addEventListener("change", update);
    update();
  }

  function setUpCopy(button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    var status = document.querySelector("[data-copy-status]");
    if (!source || !navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.value).then(
        function () { status.textContent = "Copied."; },
        function () { source.select(); status.textContent = "Press Ctrl+C (or \u2318C) to copy the selected text."; }
      );
    });
  }

  // Enter in an evidence box starts a new line, as in any text box; Ctrl+Enter (or \u2318Enter) sends the form,
  // as Enter does from a one-line field.
  function sendOnCtrlEnter(box) {
    box.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && box.form) {
        event.preventDefault();
        box.form.requestSubmit();
      }
    });
  }

  document.querySelectorAll("[data-milestone]").forEach(setUpMilestone);
  document.querySelectorAll("[data-milestone] textarea").forEach(sendOnCtrlEnter);
  document.querySelectorAll("[data-copy]").forEach(setUpCopy);
  var alert = document.querySelector("[data-focus]");
  if (alert) alert.focus();
})();
