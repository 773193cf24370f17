// The Momentum book's lecture decks: reveal.js in a 1280x720 (16:9) frame, speaker notes
// (press S), and each figure shrunk to fit what the rest of its slide leaves free.
(function () {
  const HEIGHT = 720;

  // Figures fill what the rest of the slide leaves free (up to twice their natural
  // size, within the slide's width), so a figure slide shows its figure full size.
  const WIDTH = 1280, GAP = 12;
  function fitFigures(slide) {
    if (!slide) return;
    const images = Array.from(slide.querySelectorAll('img'));
    if (!images.length) return;
    images.forEach(img => { img.style.height = '40px'; img.style.width = 'auto'; img.style.maxHeight = 'none'; });
    const others = slide.scrollHeight - 40 * images.length;
    const free = (HEIGHT - others - GAP) / images.length;
    images.forEach(img => {
      const aspect = img.naturalWidth / img.naturalHeight || 1;
      const height = Math.max(120, Math.min(free, 2 * img.naturalHeight, (WIDTH - 40) / aspect));
      img.style.height = Math.floor(height) + 'px';
    });
  }

  // A slide still too tall (text) is scaled down, at most to MIN_ZOOM (18 px body text):
  // what needs more than that overflows, and the browser tests report it.
  const MIN_ZOOM = 0.7;
  function fitText(slide) {
    if (!slide) return;
    slide.style.zoom = '';
    const height = slide.scrollHeight;
    if (height > HEIGHT) slide.style.zoom = Math.max(MIN_ZOOM, Math.floor(HEIGHT / height * 100) / 100);
  }

  function fitCurrent() {
    const slide = Reveal.getCurrentSlide();
    fitFigures(slide);
    fitText(slide);
    Reveal.layout();
  }

  Reveal.initialize({
    width: 1280, height: HEIGHT, margin: 0.04, minScale: 0.2, maxScale: 2.0,
    center: true, hash: true, controls: true, progress: true, slideNumber: 'c/t',
    transition: 'none', backgroundTransition: 'none',
    plugins: [RevealNotes],
  }).then(() => {
    const typeset = window.MathJax && MathJax.startup ? MathJax.startup.promise : Promise.resolve();
    const decoded = Array.from(document.images).map(img => img.decode().catch(() => null));
    Promise.all([typeset, ...decoded]).then(() => { fitCurrent(); document.body.dataset.slidesReady = 'yes'; });
  });
  Reveal.on('slidechanged', fitCurrent);
  Reveal.on('resize', fitCurrent);
})();
