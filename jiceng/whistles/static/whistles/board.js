/* Whistle board: keeps each report-in countdown current (every 20 s) and turns it red, with words,
   once the deadline passes. The words come from the page (json_script "jc-whistle-words"). */
(function () {
  "use strict";
  var source = document.getElementById("jc-whistle-words");
  if (!source) { return; }
  var words = JSON.parse(source.textContent);
  function span(minutes) {
    var h = Math.floor(minutes / 60), m = minutes % 60;
    if (h >= 24) { return words.days.replace("%(d)d", Math.floor(h / 24)).replace("%(h)d", h % 24); }
    if (h) { return words.hours.replace("%(h)d", h).replace("%(m)d", m); }
    return words.minutes.replace("%(m)d", m);
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-jc-due]").forEach(function (el) {
      var due = Date.parse(el.getAttribute("data-jc-due"));
      if (isNaN(due)) { return; }
      var left = Math.floor((due - now) / 60000);
      var badge = el.closest(".jc-call");
      if (due < now) {
        el.textContent = words.overdue.replace("%(t)s", span(Math.floor((now - due) / 60000)));
        if (badge) { badge.classList.add("jc-call-overdue"); badge.classList.remove("jc-call-soon"); }
      } else {
        el.textContent = words.left.replace("%(t)s", span(left));
        if (badge && left <= 30) { badge.classList.add("jc-call-soon"); }
      }
    });
  }
  tick();
  window.setInterval(tick, 20000);
})();
