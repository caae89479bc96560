// Material wraps a wide table in a box that scrolls sideways, at run time: a keyboard user must be able to
// reach that box (Tab) to scroll it, so each one becomes focusable once Material has made it. The build made
// the table itself focusable and named it (it scrolls without this script): the box takes both over, and says
// what it is to a screen reader.
document$.subscribe(function () {
  document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (box) {
    var table = box.querySelector("table");
    var name = (table && table.getAttribute("aria-label")) || "Table";
    box.setAttribute("tabindex", "0");
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", name + " (scrolls sideways)");
    if (table) {
      table.removeAttribute("tabindex");
    }
  });
});
