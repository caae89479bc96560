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

  // As a pre-filled form is sent, name the fields typed or changed on the page (hidden field "typed"): a page
  // refusing the form (signed out in another tab) lists those first, as the page refusing a stale check does.
  function changed(field) {
    if (field.type === "checkbox" || field.type === "radio") return field.checked !== field.defaultChecked;
    if (field.tagName === "SELECT") {
      for (var i = 0; i < field.options.length; i++) {
        if (field.options[i].selected !== field.options[i].defaultSelected) return true;
      }
      return false;
    }
    return field.type !== "hidden" && field.value !== field.defaultValue;
  }

  function nameTyped(form) {
    form.addEventListener("submit", function () {
      var names = [];
      for (var i = 0; i < form.elements.length; i++) {
        var field = form.elements[i];
        if (field.name && field.name !== "typed" && changed(field) && names.indexOf(field.name) < 0) names.push(field.name);
      }
      var typed = form.querySelector('input[name="typed"]');
      if (!typed) {
        typed = document.createElement("input");
        typed.type = "hidden";
        typed.name = "typed";
        form.appendChild(typed);
      }
      typed.value = names.join(" ");
    });
  }

  document.querySelectorAll("[data-milestone]").forEach(setUpMilestone);
  document.querySelectorAll("form[data-typed]").forEach(nameTyped);
  document.querySelectorAll("[data-milestone] textarea").forEach(sendOnCtrlEnter);
  document.querySelectorAll("[data-copy]").forEach(setUpCopy);
  var alert = document.querySelector("[data-focus]");
  if (alert) alert.focus();
})();
