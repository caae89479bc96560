// Material wraps a wide table in a box that scrolls sideways, at run time. A keyboard user must be able to reach
// that box (Tab) to scroll it, and a screen reader should hear that it scrolls: but only while it does. On a phone
// the playbook's tables are stacked as cards (playbook.css) and nothing scrolls, so a name "(scrolls sideways)"
// would be false there and the tab stop useless. Each box is therefore checked on every resize, all boxes read
// first and then written (no layout thrash). The build made the table itself focusable and named it (it scrolls
// without this script): the box takes the name over while it scrolls; the table keeps it as its own name.
(function () {
  "use strict";

  // The words this script adds, in the page's language: the table's data-words (sales_process/site_words.py),
  // these, the table's English ones, when it carries none (a test keeps the two equal).
  var ENGLISH = {
    "scrolls": "(scrolls sideways)"
  };
  var observer = null;

  function words(table) {
    try {
      var given = JSON.parse((table && table.getAttribute("data-words")) || "null");
      return given && typeof given === "object" ? given : ENGLISH;
    } catch (error) {
      return ENGLISH;
    }
  }

  function mark(box, scrolls) {
    var table = box.querySelector("table");
    if (!scrolls) {
      box.removeAttribute("tabindex");
      box.removeAttribute("role");
      box.removeAttribute("aria-label");
      return;
    }
    var name = (table && table.getAttribute("aria-label")) || "Table";
    box.setAttribute("tabindex", "0");
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", name + " " + (words(table).scrolls || ENGLISH.scrolls));
  }

  function update(boxes) {
    var scrolls = boxes.map(function (box) {
      return box.scrollWidth > box.clientWidth;
    });
    boxes.forEach(function (box, index) {
      mark(box, scrolls[index]);
    });
  }

  document$.subscribe(function () {
    var boxes = Array.prototype.slice.call(document.querySelectorAll(".md-typeset__scrollwrap"));
    boxes.forEach(function (box) {
      var table = box.querySelector("table");
      if (table) {
        table.removeAttribute("tabindex");
      }
    });
    if (observer) {
      observer.disconnect();
      observer = null;
    }
    if (typeof ResizeObserver === "function") {
      // It reports each observed box once on observe(), then on every change of its size.
      observer = new ResizeObserver(function () {
        update(boxes);
      });
      boxes.forEach(function (box) {
        observer.observe(box);
        var table = box.querySelector("table");
        if (table) {
          observer.observe(table);
        }
      });
    } else {
      update(boxes);  // a browser without ResizeObserver: right for the width the page opened at
    }
  });
})();
