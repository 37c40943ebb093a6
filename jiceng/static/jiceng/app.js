/* Jiceng page behaviour. Loaded last on every page; no inline scripts (CSP script-src 'self').
 * Data comes from data- attributes and {{ value|json_script }} blocks. */
(function () {
  "use strict";

  var FONT_COOKIE = "jc_font";

  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  /* ---- 标准 / 大字 ---------------------------------------------------------------------- */
  function setFont(large) {
    var secure = location.protocol === "https:" ? "; Secure" : "";
    if (large) {
      document.cookie = FONT_COOKIE + "=large; Path=/; Max-Age=31536000; SameSite=Lax" + secure;
    } else {
      document.cookie = FONT_COOKIE + "=; Path=/; Max-Age=0; SameSite=Lax" + secure;
    }
    document.documentElement.classList.toggle("large-text", large);
    document.querySelectorAll("[data-jc-font]").forEach(function (btn) {
      btn.setAttribute("aria-pressed", String((btn.getAttribute("data-jc-font") === "large") === large));
    });
    window.dispatchEvent(new Event("resize")); // let maps re-measure
  }

  function initFontSwitch() {
    document.querySelectorAll("[data-jc-font]").forEach(function (btn) {
      btn.addEventListener("click", function () { setFont(btn.getAttribute("data-jc-font") === "large"); });
    });
  }

  /* ---- Navigation: mark the entry whose address is the longest prefix of this page ------------ */
  function initNav() {
    var here = location.pathname;
    [".jc-sidenav .jc-nav-link", ".jc-tabbar .jc-tab"].forEach(function (selector) {
      var links = document.querySelectorAll(selector);
      if (!links.length || document.querySelector(selector + "[aria-current]")) { return; }
      var best = null, bestLen = 0;
      links.forEach(function (a) {
        var path = new URL(a.href, location.href).pathname;
        var exact = a.hasAttribute("data-jc-nav-exact");
        var match = exact ? here === path : here.indexOf(path) === 0;
        if (match && path.length > bestLen) { best = a; bestLen = path.length; }
      });
      if (best) {
        best.classList.add("active");
        best.setAttribute("aria-current", "page");
      }
    });
  }

  /* ---- Forms: disable the submit button while submitting (the server is idempotent too) ------- */
  function initForms() {
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (!(form instanceof HTMLFormElement) || event.defaultPrevented) { return; }
      if ((form.getAttribute("method") || "get").toLowerCase() !== "post" || form.hasAttribute("data-jc-no-disable")) { return; }
      if (form.dataset.jcSubmitting === "1") { event.preventDefault(); return; }
      form.dataset.jcSubmitting = "1";
      // Disable after the browser has collected the submitter's name/value.
      window.setTimeout(function () {
        form.querySelectorAll("button[type=submit], input[type=submit], button:not([type])").forEach(function (btn) {
          btn.disabled = true;
          btn.setAttribute("aria-busy", "true");
          var busy = btn.getAttribute("data-jc-busy-label");
          if (busy) { btn.dataset.jcLabel = btn.innerHTML; btn.textContent = busy; }
        });
      }, 0);
    });
    // Coming back with the Back button: the page may be restored from cache with buttons disabled.
    window.addEventListener("pageshow", function (event) {
      if (!event.persisted) { return; }
      document.querySelectorAll("form[data-jc-submitting]").forEach(function (form) {
        delete form.dataset.jcSubmitting;
        form.querySelectorAll("[aria-busy=true]").forEach(function (btn) {
          btn.disabled = false;
          btn.removeAttribute("aria-busy");
          if (btn.dataset.jcLabel) { btn.innerHTML = btn.dataset.jcLabel; delete btn.dataset.jcLabel; }
        });
      });
    });
  }

  /* ---- Date inputs: <input type=date> needs yyyy-mm-dd; a locale format such as 2024/03/01 would
   * be dropped by the browser and the date lost on save. Put the value back in ISO form. -------- */
  function initDateInputs() {
    document.querySelectorAll("input[type=date]").forEach(function (input) {
      var raw = input.getAttribute("value") || "";
      if (input.value || !raw) { return; }
      var m = raw.match(/^(\d{4})[\/.年-](\d{1,2})[\/.月-](\d{1,2})日?$/);
      if (m) {
        input.value = m[1] + "-" + ("0" + m[2]).slice(-2) + "-" + ("0" + m[3]).slice(-2);
      }
    });
  }

  /* ---- Copy buttons (the new API token) --------------------------------------------------- */
  function initCopy() {
    document.querySelectorAll("[data-jc-copy]").forEach(function (btn) {
      var target = document.getElementById(btn.getAttribute("data-jc-copy"));
      if (!target) { return; }
      target.addEventListener("focus", function () { target.select(); });
      btn.addEventListener("click", function () {
        var done = function () {
          var status = document.getElementById(btn.getAttribute("data-jc-copy-status"));
          if (status) { status.textContent = btn.getAttribute("data-jc-copied-label") || ""; }
        };
        target.focus();
        target.select();
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(target.value).then(done, function () {
            if (document.execCommand("copy")) { done(); }
          });
        } else if (document.execCommand("copy")) {
          done();
        }
      });
    });
  }

  /* ---- Area map: GeoJSON from json_script, Leaflet on a plain background -------------------- */
  function initMaps() {
    document.querySelectorAll("[data-jc-map]").forEach(function (el) {
      if (!window.L) { return; }
      var source = document.getElementById(el.getAttribute("data-jc-map"));
      if (!source) { return; }
      var data;
      try { data = JSON.parse(source.textContent); } catch (e) { return; }
      if (!data || !data.features || !data.features.length) { return; }

      var tileUrl = el.getAttribute("data-tile-url") || "";
      var map = L.map(el, {
        attributionControl: !!tileUrl,
        zoomSnap: 0.25,
        scrollWheelZoom: false   // the page scrolls; zoom with the buttons or by pinching
      });
      if (tileUrl) {
        L.tileLayer(tileUrl, { attribution: el.getAttribute("data-tile-attribution") || "" }).addTo(map);
      }
      var hrefTemplate = el.getAttribute("data-href-template") || "";
      var base = { color: "#a11218", weight: 1.5, fillColor: "#c8161d", fillOpacity: 0.1 };
      var hover = { weight: 3, fillOpacity: 0.28 };
      var layer = L.geoJSON(data, {
        style: function () { return base; },
        pointToLayer: function (feature, latlng) {
          return L.circleMarker(latlng, { radius: 7, color: "#a11218", weight: 2, fillColor: "#c8161d", fillOpacity: 0.6 });
        },
        onEachFeature: function (feature, lyr) {
          var props = feature.properties || {};
          if (props.name) { lyr.bindTooltip(String(props.name), { sticky: true, direction: "top" }); }
          if (props.code && hrefTemplate) {
            lyr.on("click", function () {
              window.location.href = hrefTemplate.replace("__code__", encodeURIComponent(props.code));
            });
          }
          if (lyr.setStyle) {
            lyr.on("mouseover", function () { lyr.setStyle(hover); });
            lyr.on("mouseout", function () { layer.resetStyle(lyr); });
          }
        }
      }).addTo(map);
      var bounds = layer.getBounds();
      if (bounds.isValid()) {
        map.fitBounds(bounds, { padding: [12, 12], maxZoom: 17 });
      } else {
        map.setView([39.9, 116.4], 10);
      }
      window.addEventListener("resize", function () { map.invalidateSize(); });
    });
  }

  /* A form lower down the page (the password change on 我的) must not grab focus and scroll the
   * page away from its top: drop autofocus there before the browser acts on it. */
  (function () {
    var boxes = document.querySelectorAll("[data-jc-no-autofocus]");
    if (!boxes.length) { return; }
    boxes.forEach(function (box) {
      box.querySelectorAll("[autofocus]").forEach(function (el) { el.removeAttribute("autofocus"); });
    });
    var acted = false;
    var stop = function () { acted = true; };
    ["pointerdown", "keydown", "touchstart"].forEach(function (t) { window.addEventListener(t, stop, { capture: true, once: true }); });
    var guard = function (event) {
      if (acted || !event.target.closest || !event.target.closest("[data-jc-no-autofocus]")) { return; }
      event.target.blur();
      if (!location.hash) { window.scrollTo(0, 0); }
    };
    document.addEventListener("focusin", guard, true);
    var now = document.activeElement;
    if (now && now !== document.body && now.closest && now.closest("[data-jc-no-autofocus]")) {
      guard({ target: now });
    }
    window.addEventListener("load", function () {
      window.setTimeout(function () { document.removeEventListener("focusin", guard, true); }, 500);
    });
  })();

  ready(function () {
    initFontSwitch();
    initNav();
    initDateInputs();
    initForms();
    initCopy();
    initMaps();
  });
})();
