// "Copy" buttons next to a read-only field (join links, API keys). Hidden without JavaScript; the
// field itself stays selectable. A static file: the Content-Security-Policy allows no inline script.
(function () {
  function wire() {
    document.querySelectorAll("[data-select-on-focus]").forEach(function (field) {
      field.addEventListener("focus", function () { field.select(); });
    });
    document.querySelectorAll("[data-copy-target]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var field = document.getElementById(button.dataset.copyTarget);
        field.select();
        var done = function () { button.textContent = button.dataset.copied || "Copied"; };
        if (navigator.clipboard) { navigator.clipboard.writeText(field.value).then(done); }
        else { document.execCommand("copy"); done(); }
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", wire);
  else wire();
})();
