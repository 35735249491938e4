/*
 * Street News subscribe and preferences pages: the few bytes of script they
 * use. Everything works without it; this only adds
 * - the live estate/building search (the same matches the search button lists),
 * - web push on this device, offered only where the browser has the Push API:
 *   the service worker is registered and permission asked only after the
 *   resident's click, and the subscription goes to the server with the form.
 */
(function () {
  'use strict'

  var pushSupported = 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window && window.isSecureContext

  function keyBytes(base64url) {
    var padded = (base64url + '='.repeat((4 - (base64url.length % 4)) % 4)).replace(/-/g, '+').replace(/_/g, '/')
    var raw = atob(padded)
    var out = new Uint8Array(raw.length)
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i)
    return out
  }

  /** Ask permission (after a click), register /sw.js and subscribe with the server's VAPID key. */
  function subscribePush(vapid) {
    return Notification.requestPermission().then(function (permission) {
      if (permission !== 'granted') throw Object.assign(new Error('denied'), { denied: true })
      return navigator.serviceWorker.register('/sw.js', { scope: '/' })
    }).then(function () {
      return navigator.serviceWorker.ready
    }).then(function (registration) {
      return registration.pushManager.getSubscription().then(function (existing) {
        return existing || registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(vapid) })
      })
    }).then(function (subscription) {
      return subscription.toJSON()
    })
  }

  function say(form, message) {
    var box = document.getElementById('push-message')
    if (!box) {
      box = document.createElement('p')
      box.id = 'push-message'
      box.className = 'field-error'
      box.setAttribute('role', 'alert')
      var anchor = document.getElementById('push-option') || form
      anchor.parentNode.insertBefore(box, anchor.nextSibling)
    }
    box.textContent = message
  }

  function showPushOption(form) {
    var option = document.getElementById('push-option')
    var unavailable = document.getElementById('push-unavailable')
    if (!option || !form.getAttribute('data-vapid') || !pushSupported) return false
    option.hidden = false
    if (unavailable) unavailable.hidden = true
    return true
  }

  // ---------------------------------------------------------------- subscribe page
  var subscribeForm = document.getElementById('subscribe-form')
  if (subscribeForm) {
    showPushOption(subscribeForm)
    subscribeForm.addEventListener('submit', function (event) {
      var push = document.getElementById('f-push')
      var field = document.getElementById('f-push-subscription')
      if (!push || !push.checked || !field || field.value) return
      event.preventDefault()
      var button = subscribeForm.querySelector('button[type="submit"]')
      if (button) button.disabled = true
      subscribePush(subscribeForm.getAttribute('data-vapid')).then(function (json) {
        field.value = JSON.stringify(json)
        subscribeForm.submit()
      }).catch(function (err) {
        push.checked = false
        if (button) button.disabled = false
        say(subscribeForm, subscribeForm.getAttribute(err && err.denied ? 'data-msg-denied' : 'data-msg-failed'))
      })
    })
  }

  // ---------------------------------------------------------------- live building search
  var q = document.getElementById('q')
  var results = document.getElementById('search-results')
  var select = document.getElementById('f-grid')
  if (q && results && window.fetch) {
    var timer = null
    var render = function (data, query) {
      results.textContent = ''
      if (!query) return
      var matches = data.matches || []
      var box = document.createElement('div')
      box.className = 'search-results'
      box.setAttribute('role', 'status')
      if (!data.found) {
        var why = document.createElement('p')
        why.textContent = (data.why === 'unknown' && !matches.length) || !data.message ? results.getAttribute('data-none') || '' : data.message
        box.appendChild(why)
      }
      if (matches.length) {
        var ul = document.createElement('ul')
        matches.forEach(function (m) {
          var li = document.createElement('li')
          var a = document.createElement('a')
          a.href = '/subscribe?grid=' + encodeURIComponent(m.code)
          a.textContent = m.label
          a.addEventListener('click', function (e) {
            if (!select || select.tagName !== 'SELECT') return
            e.preventDefault()
            select.value = m.code
            select.focus()
          })
          li.appendChild(a)
          ul.appendChild(li)
        })
        box.appendChild(ul)
      }
      results.appendChild(box)
    }
    q.addEventListener('input', function () {
      clearTimeout(timer)
      var query = q.value.trim()
      timer = setTimeout(function () {
        if (!query) return render({ matches: [] }, '')
        fetch('/subscribe/buildings?q=' + encodeURIComponent(query), { headers: { Accept: 'application/json' } })
          .then(function (r) { return r.ok ? r.json() : { found: false, matches: [] } })
          .then(function (data) { if (q.value.trim() === query) render(data, query) })
          .catch(function () {})
      }, 250)
    })
  }

  // ---------------------------------------------------------------- preferences: push on this device
  var prefsForm = document.getElementById('prefs-form')
  var enable = document.getElementById('push-enable')
  if (prefsForm && enable && showPushOption(prefsForm)) {
    enable.addEventListener('click', function () {
      enable.disabled = true
      subscribePush(prefsForm.getAttribute('data-vapid')).then(function (json) {
        return fetch('/subscribe/push', {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': prefsForm.getAttribute('data-csrf') },
          body: JSON.stringify({ t: prefsForm.getAttribute('data-token'), subscription: json }),
        })
      }).then(function (r) {
        if (!r.ok) throw new Error('server ' + r.status)
        var url = new URL(window.location.href)
        url.searchParams.set('m', 'device-added')
        window.location.replace(url.toString())
      }).catch(function (err) {
        enable.disabled = false
        say(prefsForm, prefsForm.getAttribute(err && err.denied ? 'data-msg-denied' : 'data-msg-failed'))
      })
    })
  }
})()
