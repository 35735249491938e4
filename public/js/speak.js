/* 朗读: read the article aloud (title and body) with the browser's speech synthesis in zh-CN, with pause
   and continue. The button stays hidden where the browser has no speech synthesis. The only script of a
   reading page (src/templates/site/care.ts); at most 3 KB. */
(function () {
  var synth = window.speechSynthesis
  var button = document.getElementById('speak')
  if (!synth || !window.SpeechSynthesisUtterance || !button) return
  var bar = button.parentNode
  var article = button.closest('article') || document.querySelector('main')
  var labels = { idle: button.textContent, speaking: button.getAttribute('data-pause'), paused: button.getAttribute('data-resume') }
  var state = 'idle'
  var run = 0

  function set(next) {
    state = next
    button.textContent = labels[next]
  }

  // The article's own text: title and body, without the kicker, this button, the table of contents or images.
  function text() {
    var parts = []
    for (var el = article.firstElementChild; el; el = el.nextElementSibling) {
      if (el === bar || el.matches('.kicker, nav, figure, script')) continue
      parts.push(el.innerText)
    }
    return parts.join('\n')
  }

  // Sentences, grouped up to about 150 characters: some engines stop a long utterance part way.
  function chunks(all) {
    var sentences = all.match(/[^。！？；\n]+[。！？；]*/g) || []
    var out = []
    var current = ''
    sentences.forEach(function (s) {
      s = s.trim()
      if (!s) return
      if (current && current.length + s.length > 150) {
        out.push(current)
        current = ''
      }
      current += s
    })
    if (current) out.push(current)
    return out
  }

  function chineseVoice() {
    var voices = synth.getVoices()
    for (var i = 0; i < voices.length; i++) if (/^zh[-_]CN/i.test(voices[i].lang)) return voices[i]
    return null
  }

  function start() {
    synth.cancel()
    var mine = ++run
    var parts = chunks(text())
    var voice = chineseVoice()
    if (!parts.length) return
    parts.forEach(function (part, i) {
      var u = new SpeechSynthesisUtterance(part)
      u.lang = 'zh-CN'
      if (voice) u.voice = voice
      u.rate = 0.9
      u.onend = function () {
        if (mine === run && i === parts.length - 1) set('idle')
      }
      u.onerror = function (e) {
        if (mine === run && e.error !== 'interrupted' && e.error !== 'canceled') set('idle')
      }
      synth.speak(u)
    })
    set('speaking')
  }

  button.addEventListener('click', function () {
    if (state === 'idle') start()
    else if (state === 'speaking') {
      synth.pause()
      set('paused')
    } else {
      synth.resume()
      set('speaking')
    }
  })
  window.addEventListener('pagehide', function () {
    run++
    synth.cancel()
  })
  bar.hidden = false
})()
