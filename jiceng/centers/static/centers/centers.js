/* Centers pages: "nearest first" asks the browser for the location and reloads the list with
 * ?lat=&lng= (the server sorts). No inline scripts (CSP script-src 'self'). */
(function () {
  "use strict";
  document.querySelectorAll("[data-jc-locate]").forEach(function (btn) {
    if (!navigator.geolocation) { btn.hidden = true; return; }
    btn.addEventListener("click", function () {
      var status = document.getElementById(btn.getAttribute("data-jc-locate"));
      if (status) { status.textContent = btn.getAttribute("data-jc-locating") || ""; }
      navigator.geolocation.getCurrentPosition(function (pos) {
        var url = new URL(window.location.href);
        url.searchParams.set("lat", pos.coords.latitude.toFixed(5));
        url.searchParams.set("lng", pos.coords.longitude.toFixed(5));
        window.location.href = url.toString();
      }, function () {
        if (status) { status.textContent = btn.getAttribute("data-jc-denied") || ""; }
      }, { timeout: 10000, maximumAge: 300000 });
    });
  });
})();
