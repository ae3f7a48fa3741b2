// The call page on a bad connection. A signed-in caller's pages register the service worker
// (/sw.js), which keeps their campaign and call pages for reading offline. A tap that cannot reach
// the server is kept on this phone (IndexedDB) with its idempotency key, the time of the tap and
// the note, and sent through POST /api/v1/calls/batch/ when the connection is back: the server
// judges it like a live call, and the key makes a retried send log it once.
(function () {
  "use strict";

  var DB_NAME = "advocacy-offline";
  var STORE = "calls";
  var MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;
  var BATCH_URL = "/api/v1/calls/batch/";
  var RETRY_MS = 30000;

  function meta(name) {
    var el = document.querySelector('meta[name="' + name + '"]');
    return el ? el.getAttribute("content") : null;
  }

  var userKey = meta("offline-user");
  var strings = {};

  function say(name, values) {
    var text = strings[name] || "";
    Object.keys(values || {}).forEach(function (key) {
      text = text.split("{" + key + "}").join(values[key]);
    });
    return text;
  }

  // ---- IndexedDB, as promises -------------------------------------------------------------
  function openDb() {
    return new Promise(function (resolve, reject) {
      if (!window.indexedDB) { reject(new Error("no IndexedDB")); return; }
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "idempotency_key" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function withStore(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var result = work(tx.objectStore(STORE));
        tx.oncomplete = function () { db.close(); resolve(result && "result" in result ? result.result : result); };
        tx.onerror = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function queued() {
    return withStore("readonly", function (store) { return store.getAll(); }).then(function (items) {
      return (items || []).filter(function (item) { return item.user === userKey; });
    });
  }
  function keep(item) { return withStore("readwrite", function (store) { store.put(item); }); }
  function forget(keys) {
    return withStore("readwrite", function (store) { keys.forEach(function (key) { store.delete(key); }); });
  }

  // ---- What the caller sees ---------------------------------------------------------------
  function showCount() {
    var counter = document.getElementById("offline-queue");
    if (!counter || !userKey) return Promise.resolve();
    return queued().then(function (items) {
      var n = items.length;
      counter.hidden = n === 0;
      counter.textContent = n === 0 ? "" : n === 1 ? say("waitingOne") : say("waitingMany", { count: String(n) });
    }).catch(function () { return null; });
  }

  function tellCard(domId, text, className) {
    var status = domId && document.getElementById(domId + "-status");
    if (!status) return false;
    status.textContent = "";
    var p = document.createElement("p");
    p.className = className;
    p.tabIndex = -1;
    p.textContent = text;
    status.appendChild(p);
    return p;
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "k-" + Date.now().toString(36) + "-" + Math.random().toString(36).slice(2);
  }

  function freshKeys(root) {
    root.querySelectorAll('.log-form input[name="idempotency_key"]').forEach(function (input) { input.value = newKey(); });
  }

  function showOfflineNotice() {
    var notice = document.getElementById("offline-notice");
    if (!notice) return;
    var savedAt = document.body.dataset.offlineCopy;
    if (savedAt) {
      var when = new Date(savedAt);
      var lang = document.documentElement.lang || undefined;
      var time = isNaN(when) ? savedAt : new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" }).format(when);
      notice.textContent = say("offlineCopy", { time: time });
      notice.hidden = false;
    } else if (!navigator.onLine) {
      notice.textContent = say("offlineNow");
      notice.hidden = false;
    } else {
      notice.hidden = true;
    }
  }

  // ---- Keeping a tap ----------------------------------------------------------------------
  var lastOutcome = new WeakMap();

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest('.log-form button[name="outcome"]');
    if (button) lastOutcome.set(button.form, { value: button.value, label: button.textContent.trim() });
  }, true);

  function campaignOf(form) {
    var match = /\/campaigns\/([^/]+)\/calls\//.exec(form.getAttribute("action") || "");
    return match ? decodeURIComponent(match[1]) : null;
  }

  function keepTap(form, submitter) {
    var outcome = submitter ? { value: submitter.value, label: submitter.textContent.trim() } : lastOutcome.get(form);
    var campaign = campaignOf(form);
    if (!outcome || !campaign || !userKey) return Promise.resolve(false);
    var keyInput = form.querySelector('input[name="idempotency_key"]');
    var note = form.querySelector('input[name="note"]');
    var card = form.closest(".target");
    var item = {
      idempotency_key: keyInput.value,
      user: userKey,
      campaign: campaign,
      action: Number(form.querySelector('input[name="action"]').value),
      office: Number(form.querySelector('input[name="office"]').value),
      outcome: outcome.value,
      outcome_label: outcome.label,
      note: note ? note.value : "",
      client_timestamp: new Date().toISOString(),
      dom_id: card ? card.id : null
    };
    return keep(item).then(function () {
      // The next tap on this card is another call: it gets its own key.
      keyInput.value = newKey();
      if (note) note.value = "";
      var p = tellCard(item.dom_id, say("saved"), "log-queued");
      if (p) p.focus();
      return showCount().then(function () { return true; });
    }).catch(function () { return false; });
  }

  // No network at all: don't even try, keep the tap at once.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt;
    if (navigator.onLine || !form.matches || !form.matches(".log-form")) return;
    event.preventDefault();
    keepTap(form, event.detail.requestConfig && event.detail.requestConfig.triggeringEvent && event.detail.requestConfig.triggeringEvent.submitter);
  });

  // The request went out but no answer came back: keep it with the same key, so that if the
  // server did log it, sending it again is answered as a duplicate, not a second call.
  document.addEventListener("htmx:sendError", function (event) {
    var form = event.detail.elt;
    if (form.matches && form.matches(".log-form")) keepTap(form, null);
  });

  // ---- Sending what was kept ----------------------------------------------------------------
  var sending = false;

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  }

  function settle(item, result) {
    var label = item.outcome_label || item.outcome;
    if (result.result === "created" || result.result === "duplicate") {
      tellCard(item.dom_id, say("sent", { outcome: label }), "logged");
    } else {
      var reason = (result.error && result.error.message) || "";
      tellCard(item.dom_id, say("refused", { outcome: label, reason: reason }), "log-error");
    }
  }

  function send() {
    if (sending || !navigator.onLine || !userKey) return Promise.resolve();
    sending = true;
    return queued().then(function (items) {
      var now = Date.now();
      var tooOld = items.filter(function (item) { return now - Date.parse(item.client_timestamp) > MAX_AGE_MS; });
      var fresh = items.filter(function (item) { return tooOld.indexOf(item) === -1; }).slice(0, 1000);
      tooOld.forEach(function (item) {
        tellCard(item.dom_id, say("tooOld", { outcome: item.outcome_label || item.outcome }), "log-error");
      });
      var done = forget(tooOld.map(function (item) { return item.idempotency_key; }));
      if (!fresh.length) return done;
      var body = {
        calls: fresh.map(function (item) {
          return {
            campaign: item.campaign, action: item.action, office: item.office, outcome: item.outcome,
            note: item.note, client_timestamp: item.client_timestamp, idempotency_key: item.idempotency_key
          };
        })
      };
      return done.then(function () {
        return fetch(BATCH_URL, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrfToken() },
          body: JSON.stringify(body)
        });
      }).then(function (response) {
        // Signed out, over the rate, or the server is down: keep everything and try again later.
        if (response.status !== 200) return null;
        return response.json().then(function (answer) {
          var settled = [];
          (answer.results || []).forEach(function (result) {
            var item = fresh[result.index];
            if (!item) return;
            // An item over the calls rate was not judged: it stays for the next try.
            if (result.result === "error" && result.error && result.error.code === "throttled") return;
            settle(item, result);
            settled.push(item.idempotency_key);
          });
          return forget(settled);
        });
      });
    }).catch(function () { return null; }).then(function () {
      sending = false;
      return showCount();
    });
  }

  // ---- Signing out forgets this phone's copies (the server's Clear-Site-Data does it too) ----
  function forgetEverything() {
    var jobs = [];
    if (window.caches) jobs.push(caches.keys().then(function (names) { return Promise.all(names.map(function (n) { return caches.delete(n); })); }));
    if (window.indexedDB) jobs.push(new Promise(function (resolve) {
      var request = indexedDB.deleteDatabase(DB_NAME);
      request.onsuccess = request.onerror = request.onblocked = function () { resolve(); };
    }));
    if (navigator.serviceWorker) jobs.push(navigator.serviceWorker.getRegistrations().then(function (regs) {
      return Promise.all(regs.map(function (reg) { return reg.unregister(); }));
    }));
    return Promise.all(jobs).catch(function () { return null; });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches('form[action$="/accounts/logout/"]') || form.dataset.cleared) return;
    event.preventDefault();
    var timeout = new Promise(function (resolve) { setTimeout(resolve, 3000); });
    Promise.race([send(), timeout]).then(forgetEverything).then(function () {
      form.dataset.cleared = "1";
      form.submit();
    });
  });

  // ---- Start ------------------------------------------------------------------------------
  function register() {
    var url = meta("service-worker");
    if (!("serviceWorker" in navigator) || !url) return;
    if (!userKey) {
      // Signed out (or the session ended): nothing of a caller's may stay readable here. Calls
      // still waiting are kept: they belong to a user key and are sent only when that user is back.
      navigator.serviceWorker.getRegistrations().then(function (regs) { regs.forEach(function (reg) { reg.unregister(); }); });
      if (window.caches) caches.delete("pages");
      return;
    }
    navigator.serviceWorker.register(url, { scope: "/" }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (reg) {
      // Opened before the worker took over: ask it to keep this page too (it keeps only a caller's own pages).
      if (!navigator.serviceWorker.controller && reg.active && !document.body.dataset.offlineCopy) {
        reg.active.postMessage({ type: "keep-page", url: location.href });
      }
    }).catch(function () { return null; });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var el = document.getElementById("offline-strings");
    if (el) {
      strings = {
        saved: el.dataset.saved, sending: el.dataset.sending, sent: el.dataset.sent, refused: el.dataset.refused,
        tooOld: el.dataset.tooOld, waitingOne: el.dataset.waitingOne, waitingMany: el.dataset.waitingMany,
        offlineCopy: el.dataset.offlineCopy, offlineNow: el.dataset.offlineNow
      };
    }
    // A kept copy's forms carry the keys of the day it was fetched: every tap here is a new call.
    if (document.body.dataset.offlineCopy) freshKeys(document);
    showOfflineNotice();
    register();
    showCount().then(send);
    setInterval(function () { if (navigator.onLine) send(); }, RETRY_MS);
  });
  window.addEventListener("online", function () { showOfflineNotice(); send(); });
  window.addEventListener("offline", showOfflineNotice);
})();
