/*
 * A table wrapper is a tab stop and a labelled region only while its table is
 * wider than the wrapper, so that it scrolls: a keyboard user then reaches it
 * and scrolls it with the arrow keys, and a screen reader names the region.
 * A table that fits is no stop at all, and no landmark.
 *
 * Without scripts every wrapper stays as the build wrote it, a focusable
 * region: a table that might scroll must never be out of a keyboard's reach.
 * The check is made again whenever a wrapper's size changes (window resized,
 * text enlarged, web fonts loaded).
 */
(function () {
  "use strict";

  var wraps = Array.prototype.slice.call(document.querySelectorAll(".table-wrap"));
  if (wraps.length === 0) return;

  wraps.forEach(function (wrap) {
    // The region's name, kept while the attribute is off.
    if (!wrap.hasAttribute("data-region-label")) {
      var caption = wrap.querySelector("caption");
      var label = wrap.getAttribute("aria-label") || (caption ? caption.textContent.trim() : "");
      wrap.setAttribute("data-region-label", label);
    }
  });

  function update(wrap) {
    if (wrap.scrollWidth > wrap.clientWidth) {
      wrap.setAttribute("tabindex", "0");
      wrap.setAttribute("role", "region");
      var label = wrap.getAttribute("data-region-label");
      if (label) wrap.setAttribute("aria-label", label);
    } else {
      wrap.removeAttribute("tabindex");
      wrap.removeAttribute("role");
      wrap.removeAttribute("aria-label");
    }
  }

  wraps.forEach(update);
  if (typeof ResizeObserver === "function") {
    var observer = new ResizeObserver(function (entries) {
      entries.forEach(function (entry) {
        update(entry.target.closest(".table-wrap"));
      });
    });
    wraps.forEach(function (wrap) {
      observer.observe(wrap);
      // The table's own size changes too when fonts load or text is enlarged.
      var table = wrap.querySelector("table");
      if (table) observer.observe(table);
    });
  } else {
    window.addEventListener("resize", function () {
      wraps.forEach(update);
    });
  }
})();
