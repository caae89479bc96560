// Material wraps a wide table in a box that scrolls sideways, at run time: a keyboard user must be able to
// reach that box (Tab) to scroll it, so each one becomes focusable once Material has made it.
document$.subscribe(function () {
  document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (box) {
    box.setAttribute("tabindex", "0");
  });
});
