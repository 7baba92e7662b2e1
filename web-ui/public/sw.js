// The app shell for offline use: a scanner whose network drops can still
// reload the page and keep scanning into its queue. Pages are fetched from
// the network first (so a new release shows at once) and fall back to the
// cached copy; hashed build assets are served from the cache once fetched.
// The API is never cached: its answers are personal and must be current.
// On install it caches every file of the build, which the build lists in
// precache.json, so that the role pages that load on first use work offline too.
const CACHE = 'antoan-shell-v1';

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      const files = await (await fetch('/precache.json', { cache: 'no-store' })).json();
      await cache.addAll(['/', ...files]);
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  const passThrough = ['/api/', '/docs', '/healthz'].some((prefix) => url.pathname.startsWith(prefix));
  if (request.method !== 'GET' || url.origin !== self.location.origin || passThrough) {
    return;
  }
  if (request.mode === 'navigate') {
    // Every page of the single-page app is the same index.html.
    event.respondWith(
      fetch(request)
        .then((response) => {
          const copy = response.clone();
          if (response.ok) caches.open(CACHE).then((cache) => cache.put('/', copy));
          return response;
        })
        .catch(() => caches.match('/').then((cached) => cached ?? Response.error())),
    );
    return;
  }
  if (url.pathname.startsWith('/assets/')) {
    event.respondWith(
      caches.match(request).then(
        (cached) =>
          cached ??
          fetch(request).then((response) => {
            const copy = response.clone();
            if (response.ok) caches.open(CACHE).then((cache) => cache.put(request, copy));
            return response;
          }),
      ),
    );
  }
});
