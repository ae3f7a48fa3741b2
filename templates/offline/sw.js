{% autoescape off %}// The service worker: keeps a signed-in caller's campaign and call pages, and the static files,
// so a page opened before can be read with no network. Served by advocacy.views.service_worker;
// what it may keep is decided by the server (the cache header on a caller's own pages).
"use strict";

const VERSION = {{ version }};
const STATIC_CACHE = "static-" + VERSION;
const PAGES_CACHE = "pages";
const PRECACHE = {{ precache }};
const OFFLINE_URL = {{ offline_url }};
const STATIC_PREFIX = {{ static_prefix }};
const CACHE_HEADER = {{ cache_header }};
// Where the key of the user whose pages are kept is written, inside the pages cache.
const OWNER_URL = "/__offline-owner__";

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(STATIC_CACHE).then((cache) => cache.addAll(PRECACHE.concat([OFFLINE_URL]))).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith("static-") && n !== STATIC_CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim())
  );
});

async function owner(cache) {
  const stored = await cache.match(OWNER_URL);
  return stored ? stored.text() : null;
}

// Keep a copy of a caller's own page, stamped with when it was fetched. A page of another
// user (a shared phone, a new sign-in) first drops every page kept for the previous one.
async function keepPage(request, response) {
  const key = response.headers.get(CACHE_HEADER);
  if (!key || response.status !== 200 || request.method !== "GET") return;
  const cache = await caches.open(PAGES_CACHE);
  if ((await owner(cache)) !== key) {
    await caches.delete(PAGES_CACHE);
    const fresh = await caches.open(PAGES_CACHE);
    await fresh.put(OWNER_URL, new Response(key));
    return keepPage(request, response);
  }
  const headers = new Headers(response.headers);
  headers.set("x-offline-saved-at", new Date().toISOString());
  const body = await response.clone().text();
  await cache.put(new URL(request.url).href, new Response(body, { status: 200, headers: headers }));
}

// A kept page, marked so that the page's script shows "offline: showing the version from ...".
async function keptPage(url) {
  const cache = await caches.open(PAGES_CACHE);
  const response = await cache.match(url, { ignoreVary: true });
  if (!response) return null;
  const savedAt = response.headers.get("x-offline-saved-at") || "";
  const body = (await response.text()).replace("<body", '<body data-offline-copy="' + savedAt + '"');
  const headers = new Headers(response.headers);
  headers.delete("content-length");
  return new Response(body, { status: 200, headers: headers });
}

async function navigate(event) {
  try {
    const response = await fetch(event.request);
    event.waitUntil(keepPage(event.request, response.clone()));
    return response;
  } catch (error) {
    const kept = await keptPage(event.request.url);
    if (kept) return kept;
    const fallback = await caches.match(OFFLINE_URL);
    if (fallback) return fallback;
    throw error;
  }
}

// Static files: the kept copy at once, refreshed in the background (their names carry a hash in production).
async function staticFile(event) {
  const cache = await caches.open(STATIC_CACHE);
  const kept = await cache.match(event.request, { ignoreVary: true });
  const fetched = fetch(event.request).then((response) => {
    if (response.ok) cache.put(event.request, response.clone());
    return response;
  });
  if (kept) {
    event.waitUntil(fetched.catch(() => null));
    return kept;
  }
  return fetched;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(navigate(event));
  } else if (url.pathname.startsWith(STATIC_PREFIX)) {
    event.respondWith(staticFile(event));
  }
});

// The page asks for a copy of itself when it was loaded before this worker took over.
self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "keep-page" && typeof data.url === "string") {
    const url = new URL(data.url, self.location.origin);
    if (url.origin !== self.location.origin) return;
    const request = new Request(url.href, { credentials: "same-origin" });
    event.waitUntil(
      fetch(request)
        .then((response) => keepPage(request, response))
        .then(() => event.source && event.source.postMessage({ type: "page-kept", url: url.href }))
        .catch(() => null)
    );
  } else if (data.type === "forget-everything") {
    event.waitUntil(caches.keys().then((names) => Promise.all(names.map((n) => caches.delete(n)))));
  }
});
{% endautoescape %}