// Small enhancements; every page works without them.
(function () {
  "use strict";

  // Sort selects apply on change (without JS, a <noscript> button submits them).
  document.addEventListener("change", function (event) {
    if (event.target.matches("select[data-autosubmit]")) event.target.form.requestSubmit();
  });

  // Gallery thumbnails scroll the main strip to their photo instead of jumping the page.
  document.addEventListener("click", function (event) {
    var thumb = event.target.closest("[data-gallery-thumb]");
    if (!thumb) return;
    var slide = document.getElementById(thumb.getAttribute("href").slice(1));
    if (!slide) return;
    event.preventDefault();
    slide.parentElement.scrollTo({ left: slide.offsetLeft - slide.parentElement.offsetLeft, behavior: "smooth" });
    thumb.closest("ol").querySelectorAll("[aria-current]").forEach(function (other) {
      other.removeAttribute("aria-current");
    });
    thumb.setAttribute("aria-current", "true");
  });

  // On phones the search filters start folded, under a "Filters" toggle.
  document.addEventListener("DOMContentLoaded", function () {
    if (!window.matchMedia("(max-width: 860px)").matches) return;
    document.querySelectorAll("details[data-collapse-on-phone]").forEach(function (details) {
      if (!details.querySelector(".has-error")) details.open = false;
    });
  });
})();
