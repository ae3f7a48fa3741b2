// Progressive enhancement for campaign pages. Everything here is optional: without JavaScript the
// Copy buttons stay hidden and the call form posts and redirects to the card's confirmation.
(function () {
  function wireCopy(root) {
    if (!navigator.clipboard) return;
    root.querySelectorAll(".copy-button[data-copy]").forEach(function (button) {
      if (button.dataset.wired) return;
      button.dataset.wired = "1";
      button.hidden = false;
      button.addEventListener("click", function () {
        var source = document.querySelector(button.dataset.copy);
        if (!source) return;
        // The words come from the page (data-copied), so they are in the page's language.
        var label = button.textContent;
        navigator.clipboard.writeText(source.innerText.trim()).then(function () {
          button.textContent = button.dataset.copied || "Copied";
          setTimeout(function () { button.textContent = label; }, 2000);
        });
      });
    });
  }

  // A tel: link names its number (data-contact-point): the card's form sends it with the outcome,
  // so the answer rates learn which line answered. Delegated, so fresh cards need no wiring.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-contact-point]");
    var card = link && link.closest(".target");
    var field = card && card.querySelector("input.contact-point-field");
    if (field) field.value = link.dataset.contactPoint;
  });

  // After htmx logs a call, focus goes to the card's confirmation (in its persistent live region),
  // so the next Tab reaches the fresh outcome buttons right after it.
  document.addEventListener("call-logged", function (event) {
    var done = event.detail.done && document.getElementById(event.detail.done);
    if (done && !done.hidden) { done.focus(); return; }
    var status = document.getElementById(event.detail.status);
    var message = status && status.querySelector("[tabindex='-1']");
    if (message) message.focus();
  });

  // htmx swaps only 2xx answers by default. A refused call may come back as a 4xx (429 for too many
  // calls); when it is the card's own answer (it names the live region to focus), show it all the same.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    var trigger = xhr.getResponseHeader("HX-Trigger-After-Settle") || "";
    if (xhr.status >= 400 && xhr.status < 500 && trigger.indexOf("call-logged") !== -1) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // Enter (or "Go") in the note field sends nothing: the form's default button is disabled so no
  // outcome is ever implied. Say so in the card's live region, once per press.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !event.target.matches(".note input")) return;
    event.preventDefault();
    var card = event.target.closest(".target");
    var status = card && card.querySelector(".log-status");
    if (!status) return;
    status.textContent = "";
    var hint = document.createElement("p");
    hint.className = "log-hint";
    hint.textContent = event.target.dataset.enterHint || "Now choose how it went: your note is saved with that outcome.";
    status.appendChild(hint);
  });

  document.addEventListener("DOMContentLoaded", function () { wireCopy(document); });
  document.addEventListener("htmx:afterSwap", function (event) { wireCopy(event.target); });
})();
