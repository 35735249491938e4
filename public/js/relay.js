/* 我的楼栋: one tap copies a notice's forwarding text (the page works without this script: the text is selectable). */
;(function () {
  document.querySelectorAll('[data-copy]').forEach(function (button) {
    var area = document.getElementById(button.getAttribute('data-copy'))
    var done = document.querySelector('[data-copied="' + button.getAttribute('data-copy') + '"]')
    if (!area) return
    button.hidden = false
    button.addEventListener('click', function () {
      var shown = function () {
        if (done) done.hidden = false
      }
      var fallback = function () {
        area.removeAttribute('readonly')
        area.select()
        area.setSelectionRange(0, area.value.length)
        try {
          document.execCommand('copy')
          shown()
        } catch (e) {}
        area.setAttribute('readonly', '')
      }
      if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(area.value).then(shown, fallback)
      else fallback()
    })
  })
})()
