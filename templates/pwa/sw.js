// The CRM's service worker (pwa/views.py renders it; issue 20). Version {{ version }}.
// Static files come from the cache (their URLs are hashed in production); pages from the
// network, and offline from the copy of the visit form kept when it was last opened, else the
// offline page. Nothing but GET requests of this site is touched: a visit logged offline is
// queued by the page itself (static/js/app.js), never replayed from here.
"use strict";
const VERSION = "{{ version }}";
const SHELL_CACHE = "kam-shell-" + VERSION;
const PAGES_CACHE = "kam-pages";  // emptied at logout (app.js)
const SHELL = [{% for url in shell %}"{{ url|escapejs }}", {% endfor %}"{{ offline_url|escapejs }}"];
const OFFLINE_URL = "{{ offline_url|escapejs }}";
const STATIC_PREFIX = "{{ static_prefix|escapejs }}";
// Pages worth opening without a connection: the form that logs a visit.
const KEPT_PAGES = ["/visits/new/"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL_CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names.filter((n) => n.startsWith("kam-shell-") && n !== SHELL_CACHE)
      .map((n) => caches.delete(n))))
    .then(() => self.clients.claim()));
});

const fromNetworkKeeping = (request, cacheName) => fetch(request).then((response) => {
  if (response.ok && response.type === "basic" && !response.redirected) {
    const copy = response.clone();
    caches.open(cacheName).then((cache) => cache.put(request, copy));
  }
  return response;
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith(STATIC_PREFIX)) {
    // Stale while revalidate: at once from the cache, refreshed behind (in development the
    // names are not hashed, so a changed file arrives on the next load).
    event.respondWith(caches.match(request).then((cached) => {
      const fresh = fromNetworkKeeping(request, SHELL_CACHE).catch(() => cached);
      return cached || fresh;
    }));
    return;
  }
  if (request.mode === "navigate") {
    const kept = KEPT_PAGES.some((p) => url.pathname.startsWith(p));
    event.respondWith((kept ? fromNetworkKeeping(request, PAGES_CACHE) : fetch(request)).catch(() =>
      caches.match(request)
        .then((page) => page || (kept ? caches.match(KEPT_PAGES[0], { ignoreSearch: true }) : undefined))
        .then((page) => page || caches.match(OFFLINE_URL))));
  }
});
