/*
 * 惠民通 service worker (scope /kiosk): keeps the last content of the
 * community terminal, so that it still shows its notices when the network is
 * down, even after a reload. Network first: every answer that comes is kept
 * and shown; only when none comes is the kept copy shown. The page's own
 * refresh (X-Kiosk-Refresh) is never answered from the copy: it must learn
 * that the network is down, and keeps showing what it has. Only this site's
 * addresses are fetched or kept.
 */
'use strict'

var CACHE = 'kiosk-v1'

self.addEventListener('install', function () {
  self.skipWaiting()
})

self.addEventListener('activate', function (event) {
  event.waitUntil(
    caches
      .keys()
      .then(function (names) {
        return Promise.all(names.filter(function (n) { return n.indexOf('kiosk-') === 0 && n !== CACHE }).map(function (n) { return caches.delete(n) }))
      })
      .then(function () { return self.clients.claim() }),
  )
})

function ours(url) {
  try {
    return new URL(url).origin === self.location.origin
  } catch (e) {
    return false
  }
}

// The page names what it shows: fetched and kept; anything kept and no longer named is dropped.
self.addEventListener('message', function (event) {
  var urls = ((event.data && event.data.keep) || []).filter(ours).slice(0, 100)
  if (!urls.length) return
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      return Promise.all(
        urls.map(function (url) {
          return fetch(new Request(url, { headers: { 'X-Kiosk-Refresh': '1' }, credentials: 'same-origin' }))
            .then(function (res) { if (res.ok) return cache.put(url, res) })
            .catch(function () {})
        }),
      ).then(function () {
        return cache.keys().then(function (kept) {
          return Promise.all(kept.filter(function (req) { return urls.indexOf(req.url) < 0 }).map(function (req) { return cache.delete(req) }))
        })
      })
    }),
  )
})

self.addEventListener('fetch', function (event) {
  var req = event.request
  if (req.method !== 'GET' || !ours(req.url)) return
  var refresh = req.headers.get('X-Kiosk-Refresh') === '1'
  event.respondWith(
    fetch(req)
      .then(function (res) {
        if (res.ok && res.type === 'basic') {
          var copy = res.clone()
          event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.put(req.url, copy) }))
        }
        return res
      })
      .catch(function (err) {
        if (refresh) throw err
        return caches.match(req.url, { ignoreVary: true }).then(function (kept) {
          if (kept) return kept
          throw err
        })
      }),
  )
})
