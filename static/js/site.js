// On every page. A static file: the Content-Security-Policy allows no inline script or handler.
(function () {
  // A hot-linked photo that fails to load is removed (the card shows its placeholder), instead of
  // showing a broken image. Errors before this script ran are caught by the sweep below.
  function removeBroken(img) {
    if (img.matches("img[data-remove-on-error]")) img.remove();
  }
  document.addEventListener("error", function (event) {
    if (event.target instanceof HTMLImageElement) removeBroken(event.target);
  }, true);
  document.querySelectorAll("img[data-remove-on-error]").forEach(function (img) {
    if (img.complete && img.naturalWidth === 0) img.remove();
  });
})();
