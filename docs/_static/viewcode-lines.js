// Source pages (viewcode): give every line number an anchor "L<n>" so the trace viewer, the span
// trees and the debugger stops can link to a line, and highlight the line the address names.
(function () {
  function anchorLines() {
    document.querySelectorAll("div.highlight pre span.linenos").forEach(function (n) {
      const line = parseInt(n.textContent, 10);
      if (!isNaN(line) && !document.getElementById("L" + line)) n.id = "L" + line;
    });
  }
  function showTarget() {
    const m = /^#L(\d+)$/.exec(location.hash);
    const target = m && document.getElementById("L" + m[1]);
    if (!target) return;
    document.querySelectorAll(".line-target").forEach(function (t) { t.classList.remove("line-target"); });
    target.classList.add("line-target");
    target.scrollIntoView({block: "center", behavior: "instant"});
  }
  document.addEventListener("DOMContentLoaded", function () { anchorLines(); showTarget(); });
  // the theme may move the page once styles and fonts are in: place the line again after that
  window.addEventListener("load", function () { setTimeout(showTarget, 50); });
  window.addEventListener("hashchange", showTarget);
})();
