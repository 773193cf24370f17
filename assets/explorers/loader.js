/* Load the live explorers of a page only when the reader comes near one.
 *
 * The extension (_ext/explorers.py) puts this script on pages with an explorer and lists
 * the files the page's explorers need, in order, in its data-scripts attribute (paths
 * relative to _static/): d3's modules, core.js, ui.js and one module per explorer. They
 * are fetched when an explorer comes within one screen height of the viewport, so a
 * reader who never scrolls there does not download them (163 kB on chapter 5). Scripts
 * inserted with async = false run in insertion order; ui.js mounts the explorers once
 * they have loaded.
 */
(function () {
  "use strict";
  const me = document.currentScript;
  const base = me.src.slice(0, me.src.lastIndexOf("/explorers/") + 1);
  const files = (me.dataset.scripts || "").split(/\s+/).filter(Boolean);
  let started = false;

  function loadAll() {
    if (started) return;
    started = true;
    for (const file of files) {
      const script = document.createElement("script");
      script.src = base + file;
      script.async = false;
      document.head.appendChild(script);
    }
  }

  function watch() {
    const roots = document.querySelectorAll(".momentum-explorer[data-explorer]");
    if (!roots.length) return;
    if (!("IntersectionObserver" in window)) { loadAll(); return; }
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) { observer.disconnect(); loadAll(); }
    }, { rootMargin: "100% 0px" });
    roots.forEach((root) => observer.observe(root));
  }

  window.momentumLoadExplorers = loadAll;
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", watch);
  else watch();
})();
