/*
 * 惠民通 (the community terminal, /kiosk?community=CODE): rotates the start
 * view, returns to it when nobody has touched the screen for a while,
 * refreshes the content in place (keeping what it shows when the network is
 * down, retrying every minute), and registers the service worker that keeps
 * the last content for a reload without network (public/kiosk-sw.js).
 * Its intervals come from the site settings (the page's data-rotate, data-idle,
 * data-refresh, in seconds); for trials the address may set them: ?rotate=&idle=&refresh=.
 */
;(function () {
  'use strict'
  var doc = document
  var root = doc.documentElement
  var body = doc.body
  root.classList.add('js')
  var query = new URLSearchParams(location.search)
  function seconds(name, fallback, min, max) {
    var asked = Number(query.get(name))
    var set = Number(body.dataset[name])
    return (asked >= min && asked <= max ? asked : set >= min && set <= max ? set : fallback) * 1000
  }
  var ROTATE = seconds('rotate', 12, 1, 3600)
  var IDLE = seconds('idle', 60, 2, 3600)
  var REFRESH = seconds('refresh', 300, 5, 86400)
  var RETRY = Math.min(60000, REFRESH)
  var START = '#k-start'
  var at = -1
  var pending = null
  var idleTimer = 0
  var refreshTimer = 0

  function atStart() {
    return !location.hash || location.hash === '#' || location.hash === START
  }
  function rotate(to) {
    var slides = doc.querySelectorAll('.k-slide')
    if (!slides.length) return
    at = (to + slides.length) % slides.length
    for (var i = 0; i < slides.length; i++) slides[i].classList.toggle('on', i === at)
    body.dataset.slide = String(at)
  }
  function goStart() {
    if (atStart()) return apply()
    location.replace(START)
    apply()
    rotate(0)
    window.scrollTo(0, 0)
  }
  // The section shown is marked in the navigation (an item: the list it belongs to).
  function mark() {
    var hash = atStart() ? START : /^#i-events-/.test(location.hash) ? '#k-events' : /^#i-/.test(location.hash) ? '#k-notices' : location.hash
    var links = doc.querySelectorAll('.k-nav a')
    for (var i = 0; i < links.length; i++) {
      if (links[i].getAttribute('href') === hash) links[i].setAttribute('aria-current', 'page')
      else links[i].removeAttribute('aria-current')
    }
  }
  function touched() {
    clearTimeout(idleTimer)
    idleTimer = setTimeout(goStart, IDLE)
  }

  // New content waits until the start view is shown: a resident reading an item keeps it.
  function apply() {
    if (!pending || !atStart()) return
    // A new release (another stylesheet): the whole page is loaded again.
    var css = pending.querySelector('link[rel="stylesheet"]')
    var mine = doc.querySelector('link[rel="stylesheet"]')
    if (css && mine && css.getAttribute('href') !== mine.getAttribute('href')) return location.reload()
    var main = pending.getElementById('k-main')
    var status = pending.getElementById('k-status')
    if (main) doc.getElementById('k-main').innerHTML = main.innerHTML
    if (status) doc.getElementById('k-status').replaceWith(doc.importNode(status, true))
    pending = null
    rotate(0)
    keep()
  }
  function offline(down) {
    body.classList.toggle('offline', down)
    var status = doc.getElementById('k-status')
    if (!status) return
    if (!status.dataset.online) status.dataset.online = status.textContent
    status.textContent = down ? status.dataset.offline : status.dataset.online
  }
  function schedule(ms) {
    clearTimeout(refreshTimer)
    refreshTimer = setTimeout(refresh, ms)
  }
  function refresh() {
    fetch(location.pathname + location.search, { headers: { 'X-Kiosk-Refresh': '1' }, cache: 'no-store', credentials: 'same-origin' })
      .then(function (res) {
        if (!res.ok) throw new Error('HTTP ' + res.status)
        return res.text()
      })
      .then(function (html) {
        pending = new DOMParser().parseFromString(html, 'text/html')
        offline(false)
        apply()
        schedule(REFRESH)
      })
      .catch(function () {
        offline(true)
        schedule(RETRY)
      })
  }

  // The service worker keeps this page and what it shows (stylesheet, script, QR codes), nothing else.
  function keep() {
    var sw = navigator.serviceWorker
    if (!sw || !sw.controller) return
    var urls = [location.href.split('#')[0], location.origin + '/js/kiosk.js']
    var links = doc.querySelectorAll('link[rel="stylesheet"], img')
    for (var i = 0; i < links.length; i++) urls.push(links[i].href || links[i].src)
    sw.controller.postMessage({ keep: urls })
  }
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker
      .register(body.dataset.worker, { scope: '/kiosk' })
      .then(function () {
        if (navigator.serviceWorker.controller) keep()
        else navigator.serviceWorker.addEventListener('controllerchange', keep)
      })
      .catch(function () {})
  }

  // An opened item is counted for the community's terminals (never as a resident's read).
  window.addEventListener('hashchange', function () {
    window.scrollTo(0, 0)
    if (/^#i-/.test(location.hash) && navigator.sendBeacon) navigator.sendBeacon('/kiosk/open?community=' + encodeURIComponent(body.dataset.community || ''))
    if (atStart()) apply()
    mark()
    touched()
  })
  ;['pointerdown', 'keydown', 'wheel', 'touchstart'].forEach(function (name) {
    doc.addEventListener(name, touched, { passive: true })
  })
  // Full screen once touched (browsers allow it only after a gesture); a kiosk browser may already be.
  doc.addEventListener(
    'pointerdown',
    function () {
      if (!doc.fullscreenElement && root.requestFullscreen) root.requestFullscreen().catch(function () {})
    },
    { once: true },
  )

  rotate(0)
  mark()
  setInterval(function () {
    if (atStart()) rotate(at + 1)
  }, ROTATE)
  touched()
  schedule(REFRESH)
})()
