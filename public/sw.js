/*
 * Street News service worker: shows the notifications the server pushes
 * (JSON {title, body, icon?, url, tag?}, see src/channels/webpush) and opens
 * the content when one is clicked. It caches nothing: the site is read online.
 */
'use strict'

self.addEventListener('install', function () {
  self.skipWaiting()
})

self.addEventListener('activate', function (event) {
  event.waitUntil(self.clients.claim())
})

self.addEventListener('push', function (event) {
  var data = {}
  if (event.data) {
    try {
      data = event.data.json()
    } catch (e) {
      data = { body: event.data.text() }
    }
  }
  var options = {
    body: data.body || '',
    icon: data.icon || '/icons/icon-192.png',
    badge: '/icons/icon-192.png',
    lang: 'zh-CN',
    data: { url: data.url || '/' },
  }
  // One notification per content: a newer push for it replaces the older one.
  if (data.tag) options.tag = data.tag
  event.waitUntil(self.registration.showNotification(data.title || '街道资讯', options))
})

self.addEventListener('notificationclick', function (event) {
  event.notification.close()
  var target = new URL((event.notification.data && event.notification.data.url) || '/', self.location.origin)
  // Only pages of this site: a notification never sends a resident elsewhere.
  if (target.origin !== self.location.origin) target = new URL('/', self.location.origin)
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then(function (windows) {
      for (var i = 0; i < windows.length; i++) {
        if (windows[i].url === target.href && 'focus' in windows[i]) return windows[i].focus()
      }
      return self.clients.openWindow(target.href)
    }),
  )
})

// The push service replaced this browser's subscription (expiry, key
// rotation): tell the server, so notifications keep arriving. The old
// endpoint is what the server knows this browser by; without it (some
// browsers give none) the resident turns push on again from their
// preferences page, and the server drops the dead endpoint on its 404/410.
self.addEventListener('pushsubscriptionchange', function (event) {
  var old = event.oldSubscription
  if (!old) return
  event.waitUntil(
    Promise.resolve(event.newSubscription || self.registration.pushManager.subscribe(old.options))
      .then(function (fresh) {
        return fetch('/subscribe/push/renew', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ old: old.endpoint, subscription: fresh.toJSON() }),
        })
      })
      .catch(function () {}),
  )
})
