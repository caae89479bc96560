/* The Practice page: check answers in the browser and keep the session's score in this tab only.
   Loaded from a file (no inline script), so the site's Content-Security-Policy needs no exception.
   Without this script the page still works: every answer is behind "Show the answer". */
(function () {
  "use strict";

  var forms = Array.prototype.slice.call(document.querySelectorAll("form.playbook-practice-question"));
  var scoreBox = document.querySelector(".playbook-practice-score");
  if (!forms.length || !scoreBox) {
    return;
  }
  var total = forms.length;
  var storageKey = "playbook-practice:" + location.pathname + ":" + scoreBox.getAttribute("data-process");
  var scoreText = scoreBox.querySelector(".playbook-practice-total");
  /* The feedback's words, {name} filled in by say(): the page's (data-words, from sales_process/site_words.py) in the
     process's language; these, the table's English ones, when it carries none (a test keeps the two equal). */
  var ENGLISH = {
    "to_go_one": "{n} question to go.",
    "to_go_many": "{n} questions to go.",
    "none_yet": "No answers checked yet: {to_go}",
    "score": "Score: {right} of {answered} answered right; {to_go}",
    "done": "Done: {right} of {total} right at the first try.",
    "right": "Right. The rule is explained below.",
    "right_again": "Right this time; your first answer, the one scored, was not. The rule is explained below.",
    "wrong": "Not quite: the answer is {answer}.",
    "extras": " Not part of it: {extras} (not what holds the deal in its stage).",
    "explained": " The rule is explained below.",
    "choose": "Choose an answer first."
  };
  var words = pageWords();
  var results = load();

  function pageWords() {
    try {
      var given = JSON.parse(scoreBox.getAttribute("data-words") || "null");
      return given && typeof given === "object" ? given : ENGLISH;
    } catch (error) {
      return ENGLISH;
    }
  }

  function say(key, values) {
    return (words[key] || ENGLISH[key]).replace(/\{(\w+)\}/g, function (all, name) {
      return values && Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : all;
    });
  }

  /* Each question's first answer, the one scored: {"q-…": {"answer": "a b", "right": true}}. A reload shows
     those answers with their verdicts again, so the score never counts answers the page no longer shows. */
  function load() {
    var kept = {};
    try {
      var stored = JSON.parse(window.sessionStorage.getItem(storageKey) || "{}");
      Object.keys(stored && typeof stored === "object" ? stored : {}).forEach(function (id) {
        var entry = stored[id];
        var form = document.getElementById(id);
        if (form && forms.indexOf(form) !== -1 && entry && typeof entry.answer === "string" && entry.answer &&
            typeof entry.right === "boolean") {
          kept[id] = {answer: entry.answer, right: entry.right};
        }
      });
    } catch (error) {
      /* Unreadable: start with no answers. */
    }
    return kept;
  }

  function save() {
    try {
      window.sessionStorage.setItem(storageKey, JSON.stringify(results));
    } catch (error) {
      /* Storage refused (private mode): the score still counts until the page is left. */
    }
  }

  function sorted(values) {
    return values.filter(Boolean).sort().join(" ");
  }

  function chosen(form) {
    var inputs = form.querySelectorAll("input:checked");
    return sorted(Array.prototype.map.call(inputs, function (input) { return input.value; }));
  }

  /* data-correct lists the steps of the answer, space-separated; a step's alternatives are joined by "|"
     ("a b|c" is a, and b or c). An answer is right when it ticks one or more of every step's alternatives
     and nothing outside them. */
  function isRight(ticked, correct) {
    var steps = correct.split(" ").map(function (step) { return step.split("|"); });
    var allowed = [].concat.apply([], steps);
    var onlyAllowed = ticked.every(function (value) { return allowed.indexOf(value) !== -1; });
    return onlyAllowed && steps.every(function (step) {
      return step.some(function (value) { return ticked.indexOf(value) !== -1; });
    });
  }

  /* The ticked options outside every step of the answer, by their labels: what a wrong answer added. */
  function extras(form, ticked, correct) {
    var allowed = [].concat.apply([], correct.split(" ").map(function (step) { return step.split("|"); }));
    return ticked.filter(function (value) { return value && allowed.indexOf(value) === -1; }).map(function (value) {
      var input = form.querySelector('input[value="' + value + '"]');
      var label = input && form.querySelector('label[for="' + input.id + '"]');
      return "\u201c" + (label ? label.textContent.replace(/[.\s]+$/, "") : value) + "\u201d";
    });
  }

  function wrongVerdict(form, ticked) {
    var text = say("wrong", {answer: form.getAttribute("data-answer")});
    var added = extras(form, ticked, form.getAttribute("data-correct"));
    if (added.length && form.querySelector('input[type="checkbox"]')) {
      text += say("extras", {extras: added.join(", ")});
    }
    return text + say("explained");
  }

  function disclosureAfter(form) {
    var next = form.nextElementSibling;
    while (next && next.tagName !== "DETAILS" && next.tagName !== "FORM") {
      next = next.nextElementSibling;
    }
    return next && next.tagName === "DETAILS" ? next : null;
  }

  function questionsToGo(count) {
    return say(count === 1 ? "to_go_one" : "to_go_many", {n: count});
  }

  function showScore() {
    var answered = 0;
    var right = 0;
    Object.keys(results).forEach(function (id) {
      answered += 1;
      right += results[id].right ? 1 : 0;
    });
    if (answered === 0) {
      scoreText.textContent = say("none_yet", {to_go: questionsToGo(total)});
    } else if (answered < total) {
      scoreText.textContent = say("score", {right: right, answered: answered, to_go: questionsToGo(total - answered)});
    } else {
      scoreText.textContent = say("done", {right: right, total: total});
    }
  }

  function showVerdict(form, answer, right, text) {
    var verdict = form.querySelector(".playbook-practice-verdict");
    verdict.classList.remove("playbook-practice-verdict--right", "playbook-practice-verdict--wrong");
    verdict.classList.add(right ? "playbook-practice-verdict--right" : "playbook-practice-verdict--wrong");
    verdict.textContent = text || (right ? say("right") : wrongVerdict(form, answer.split(" ")));
    var details = disclosureAfter(form);
    if (details) {
      details.open = true;
      markAnswer(details, right);
    }
  }

  /* "Show the answer" has no mark until the question is checked: then a tick or a cross, as the verdict says. */
  function markAnswer(details, right) {
    details.classList.remove("playbook-practice-answer--right", "playbook-practice-answer--wrong");
    if (right !== null) {
      details.classList.add(right ? "playbook-practice-answer--right" : "playbook-practice-answer--wrong");
    }
  }

  function check(event) {
    event.preventDefault();
    var form = event.currentTarget;
    var answer = chosen(form);
    if (!answer) {
      var verdict = form.querySelector(".playbook-practice-verdict");
      verdict.classList.remove("playbook-practice-verdict--right", "playbook-practice-verdict--wrong");
      verdict.textContent = say("choose");
      return;
    }
    var right = isRight(answer.split(" "), form.getAttribute("data-correct"));
    var scored = results[form.id];
    if (!scored) {
      results[form.id] = {answer: answer, right: right}; /* the first try counts */
      save();
      showScore();
    }
    /* A right answer after a wrong first one says the score keeps the first, or "Right." would contradict it. */
    var again = scored && right && !scored.right ? say("right_again") : "";
    showVerdict(form, answer, right, again);
  }

  /* After a reload: each scored answer ticked again, with its verdict, as the score counts it. */
  function restore() {
    forms.forEach(function (form) {
      var scored = results[form.id];
      if (!scored) {
        return;
      }
      var values = scored.answer.split(" ");
      Array.prototype.forEach.call(form.querySelectorAll("input"), function (input) {
        input.checked = values.indexOf(input.value) !== -1;
      });
      showVerdict(form, scored.answer, scored.right, "");
    });
  }

  function reset() {
    results = {};
    save();
    forms.forEach(function (form) {
      form.reset();
      var verdict = form.querySelector(".playbook-practice-verdict");
      verdict.textContent = "";
      verdict.classList.remove("playbook-practice-verdict--right", "playbook-practice-verdict--wrong");
      var details = disclosureAfter(form);
      if (details) {
        details.open = false;
        markAnswer(details, null);
      }
    });
    showScore();
    var first = forms[0].querySelector("input");
    if (first) {
      first.focus();
    }
  }

  forms.forEach(function (form) {
    form.addEventListener("submit", check);
    form.querySelector(".playbook-practice-check").hidden = false;
  });
  Array.prototype.forEach.call(document.querySelectorAll(".playbook-practice-noscript"), function (note) {
    note.hidden = true;
  });
  scoreBox.querySelector(".playbook-practice-reset").addEventListener("click", reset);
  scoreBox.hidden = false;
  restore();
  showScore();
})();
