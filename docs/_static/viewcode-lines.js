// Source pages (viewcode): give every line number an anchor "L<n>" so the trace viewer, the span
// trees and the debugger stops can link to a line, and highlight the line the address names.
document.addEventListener("DOMContentLoaded", function () {
  const numbers = document.querySelectorAll("div.highlight pre span.linenos");
  if (!numbers.length) return;
  numbers.forEach(function (n) {
    const line = parseInt(n.textContent, 10);
    if (!isNaN(line) && !document.getElementById("L" + line)) n.id = "L" + line;
  });
  const m = /^#L(\d+)$/.exec(location.hash);
  const target = m && document.getElementById("L" + m[1]);
  if (target) {
    target.classList.add("line-target");
    target.scrollIntoView({block: "center"});
  }
});
