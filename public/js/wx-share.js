/* WeChat's share card (src/site/wechatShare.ts): sent only to WeChat's browser, after the JS-SDK. */
;(function () {
  var wx = window.wx
  if (!wx || !window.fetch) return
  var url = location.href.split('#')[0]
  var meta = function (p) {
    var m = document.querySelector('meta[property="' + p + '"]')
    return m ? m.getAttribute('content') : ''
  }
  fetch('/wechat/js-config?url=' + encodeURIComponent(url), { credentials: 'same-origin' })
    .then(function (r) {
      return r.ok ? r.json() : null
    })
    .then(function (c) {
      if (!c) return
      wx.config({
        appId: c.appId,
        timestamp: c.timestamp,
        nonceStr: c.nonceStr,
        signature: c.signature,
        jsApiList: ['updateAppMessageShareData', 'updateTimelineShareData'],
      })
      wx.ready(function () {
        // The card: the page's own title (it names the street), its description and share image.
        var card = { title: document.title, desc: meta('og:description'), link: url, imgUrl: meta('og:image') }
        wx.updateAppMessageShareData(card)
        wx.updateTimelineShareData({ title: card.title, link: url, imgUrl: card.imgUrl })
      })
    })
    .catch(function () {})
})()
