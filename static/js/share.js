// The "done" screen's Share button: the Web Share API where the browser has it (phones), else the
// link is copied to the clipboard. Without JavaScript the button stays hidden and the link field is
// there to copy by hand. A static file: the Content-Security-Policy allows no inline script.
(function () {
  function say(button, text) {
    var status = document.getElementById(button.dataset.status);
    if (status) status.textContent = text;
  }

  function copy(button) {
    var url = button.dataset.shareUrl;
    var done = function () { say(button, button.dataset.copied || "Link copied"); };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(url).then(done, function () {
        var field = document.getElementById("share-link");
        if (field) { field.focus(); field.select(); }
      });
    } else {
      var field = document.getElementById("share-link");
      if (field) { field.focus(); field.select(); document.execCommand("copy"); done(); }
    }
  }

  function wire(root) {
    root.querySelectorAll(".share-button").forEach(function (button) {
      if (button.dataset.wired) return;
      button.dataset.wired = "1";
      button.hidden = false;
      button.addEventListener("click", function () {
        var data = { title: button.dataset.shareTitle, text: button.dataset.shareText, url: button.dataset.shareUrl };
        if (navigator.share && (!navigator.canShare || navigator.canShare(data))) {
          // A cancelled share is not an error worth showing; anything else falls back to copying.
          navigator.share(data).catch(function (error) { if (error && error.name !== "AbortError") copy(button); });
        } else {
          copy(button);
        }
      });
    });
    root.querySelectorAll("[data-select-on-focus]").forEach(function (field) {
      if (field.dataset.wired) return;
      field.dataset.wired = "1";
      field.addEventListener("focus", function () { field.select(); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { wire(document); });
  document.addEventListener("htmx:afterSwap", function () { wire(document); });
  document.addEventListener("htmx:oobAfterSwap", function () { wire(document); });
})();
