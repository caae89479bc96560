// Enhancements only: the form and the result work the same with JavaScript off.
(function () {
  "use strict";

  // Show a milestone's evidence and date fields once its box is ticked (or when they hold text). Run again on
  // `pageshow` (refresh): Back and a reload restore the boxes after this script first ran.
  var refreshers = [];
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
    refreshers.push(update);
    update();
  }

  function refresh() {
    for (var i = 0; i < refreshers.length; i++) refreshers[i]();
  }

  // Drafts: what is typed in a form marked data-draft is kept in this tab (sessionStorage: gone when the tab
  // closes), so Back from the result and a reload show the form as it was. The browser's own restoring skips the
  // fields marked autocomplete="off" (deal name, amount, evidence), which stay so to keep deals out of its
  // autofill suggestions. A draft is shown only on Back/Forward or a reload, and only in the session it was typed
  // in (data-draft-scope changes on signing in or out); opening the form afresh drops it.
  var DRAFT = "playbook-draft:";
  var NOT_ANSWERS = { csrf_token: true, idempotency_key: true, typed: true, based_on: true };

  function drafts() {
    try {
      return window.sessionStorage;
    } catch (error) {
      return null; // storage switched off: the form works as before
    }
  }

  function readDraft(store, key) {
    try {
      return JSON.parse(store.getItem(key) || "null");
    } catch (error) {
      return null; // not ours, or cut: dropped like a draft of another session
    }
  }

  // Drop the drafts of any other session than `scope` (null: every draft).
  function forgetDrafts(scope) {
    var store = drafts();
    if (!store) return;
    for (var i = store.length - 1; i >= 0; i--) {
      var key = store.key(i);
      if (!key || key.indexOf(DRAFT) !== 0) continue;
      var draft = readDraft(store, key);
      if (scope === null || !draft || draft.scope !== scope) store.removeItem(key);
    }
  }

  function answerFields(form) {
    var fields = [];
    for (var i = 0; i < form.elements.length; i++) {
      var field = form.elements[i];
      if (field.name && !NOT_ANSWERS[field.name] && field.type !== "submit" && field.type !== "button") fields.push(field);
    }
    return fields;
  }

  function howOpened() {
    var entries = window.performance && performance.getEntriesByType ? performance.getEntriesByType("navigation") : [];
    return entries.length ? entries[0].type : "navigate";
  }

  // This page's place in the tab's history, kept in history.state: Back to an older form shows that form's draft,
  // not the one typed in a form opened since. (Only on a page a GET opened: replaceState on a POST's answer would
  // make a reload fetch it instead of sending the form again; the server marks those pages with no data-draft.)
  function historyEntry() {
    var state = history.state && typeof history.state === "object" ? history.state : {};
    if (!state.playbookDraft) {
      state = Object.assign({}, state, { playbookDraft: String(Date.now()) + Math.random().toString(36).slice(2, 8) });
      try {
        history.replaceState(state, "");
      } catch (error) {
        return "";
      }
    }
    return state.playbookDraft;
  }

  // At most this many drafts in a tab: the oldest go first.
  var MOST_DRAFTS = 20;

  function keepFew(store) {
    var found = [];
    for (var i = 0; i < store.length; i++) {
      var key = store.key(i);
      if (!key || key.indexOf(DRAFT) !== 0) continue;
      var draft = readDraft(store, key);
      found.push([draft && draft.at ? draft.at : 0, key]);
    }
    found.sort(function (a, b) { return a[0] - b[0]; });
    for (var j = 0; j < found.length - MOST_DRAFTS; j++) store.removeItem(found[j][1]);
  }

  function setUpDraft(form) {
    var store = drafts();
    if (!store) return;
    var key = DRAFT + form.getAttribute("data-draft") + ":" + historyEntry();
    var scope = form.getAttribute("data-draft-scope");
    var basedOn = form.querySelector('input[name="based_on"]');
    var shownFrom = basedOn ? basedOn.defaultValue : "";

    function save() {
      var values = {};
      answerFields(form).forEach(function (field) {
        values[field.name] = field.type === "checkbox" ? field.checked : field.value;
      });
      try {
        store.setItem(key, JSON.stringify({ scope: scope, basedOn: shownFrom, at: Date.now(), values: values }));
      } catch (error) {
        // storage full or refused: nothing kept, nothing broken
      }
    }

    function restore() {
      var draft = readDraft(store, key);
      // A deal checked since the draft was typed: the page shows its latest answers (yours, if you saved).
      if (!draft || draft.scope !== scope || draft.basedOn !== shownFrom) {
        if (basedOn) form.reset(); // no mix of the browser's restored boxes and the latest answers
        return;
      }
      answerFields(form).forEach(function (field) {
        if (!Object.prototype.hasOwnProperty.call(draft.values, field.name)) return;
        if (field.type === "checkbox") field.checked = draft.values[field.name] === true;
        else field.value = draft.values[field.name];
      });
    }

    form.addEventListener("input", save);
    form.addEventListener("change", save);
    form.addEventListener("submit", save);
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) return; // kept whole by the browser: the form is as it was left
      var opened = howOpened();
      // Opened afresh (or given back after sending), the form as shown is the draft: Back from the next page
      // shows it as it was sent.
      if (opened === "back_forward" || opened === "reload") restore();
      save();
      keepFew(store);
    });
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

  // Another session's drafts (signed in or out since) are dropped on any page with a form; signing in or out drops all.
  var scoped = document.querySelector("form[data-draft-scope]");
  if (scoped) forgetDrafts(scoped.getAttribute("data-draft-scope"));
  document.querySelectorAll("form[data-forget-drafts]").forEach(function (form) {
    form.addEventListener("submit", function () { forgetDrafts(null); });
  });
  document.querySelectorAll("form[data-draft]").forEach(setUpDraft);
  document.querySelectorAll("[data-milestone]").forEach(setUpMilestone);
  window.addEventListener("pageshow", refresh);
  document.querySelectorAll("form[data-typed]").forEach(nameTyped);
  document.querySelectorAll("[data-milestone] textarea").forEach(sendOnCtrlEnter);
  document.querySelectorAll("[data-copy]").forEach(setUpCopy);
  var alert = document.querySelector("[data-focus]");
  if (alert) alert.focus();
})();
