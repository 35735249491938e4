import fs from 'node:fs'
import path from 'node:path'

import { describe, expect, it } from 'vitest'

import { WECHAT_STYLES, toWechatHtml } from '../../src/channels/wechat/html'

const INPUT = `
<article class="issue">
  <h2 class="title" id="t1" onclick="steal()">社区&amp;网格 新闻</h2>
  <p style="text-align:center;color:red" class="lead">网格员 <strong>王芳</strong> 走访了 <a href="https://elsewhere.example/x" target="_blank">32 户独居老人</a>。</p>
  <p>危险链接 <a href="javascript:alert(1)">点我</a> 与文字 &lt;script&gt;不是标签&lt;/script&gt;</p>
  <script>document.cookie</script>
  <style>p { color: red }</style>
  <iframe src="https://video.example/embed"></iframe>
  <form action="/x"><input name="q"><button>提交</button></form>
  <noscript><img src="/media/tracker.png"></noscript>
  <figure><img src="/media/photo.jpg" alt="走访现场" onerror="steal()" width="800"><figcaption>走访现场</figcaption></figure>
  <p><img src="/media/photo.jpg" alt="同一张图"><img src="/media/missing.png" alt="缺失"></p>
  <blockquote><p>引用</p></blockquote>
  <ul><li>一</li><li>二</li></ul>
  <table><tr><th colspan="2">表头</th></tr><tr><td onmouseover="x()">甲</td><td rowspan="x">乙</td></tr></table>
  <custom-element data-x="1">自定义元素里的字</custom-element>
  <!-- comment -->
</article>`

async function convert() {
  const uploads: string[] = []
  const html = await toWechatHtml(INPUT, async (src) => {
    uploads.push(src)
    return src.includes('missing') ? null : `http://127.0.0.1:1/mmbiz/${path.basename(src)}`
  })
  return { html, uploads }
}

describe('WeChat article HTML', () => {
  it('drops scripts, styles, iframes, forms and their content, and every event handler', async () => {
    const { html } = await convert()
    expect(html).not.toMatch(/<script|<style|<iframe|<form|<input|<button|<noscript/i)
    expect(html).not.toContain('document.cookie')
    expect(html).not.toContain('color: red }')
    expect(html).not.toContain('提交')
    expect(html).not.toMatch(/\son\w+=/i)
    expect(html).not.toContain('steal')
  })

  it('turns links into their text: no href, no external URL', async () => {
    const { html } = await convert()
    expect(html).not.toMatch(/<a[\s>]|href=/i)
    expect(html).not.toContain('elsewhere.example')
    expect(html).not.toContain('javascript:')
    expect(html).toContain('32 户独居老人')
    expect(html).toContain('点我')
  })

  it('uploads each distinct image once and uses only the URLs the uploader returns', async () => {
    const { html, uploads } = await convert()
    expect(uploads).toEqual(['/media/photo.jpg', '/media/missing.png']) // not the one inside <noscript>
    const srcs = [...html.matchAll(/<img [^>]*src="([^"]+)"/g)].map((m) => m[1])
    expect(srcs).toEqual(['http://127.0.0.1:1/mmbiz/photo.jpg', 'http://127.0.0.1:1/mmbiz/photo.jpg'])
    expect(html).not.toContain('/media/')
    expect(html).not.toContain('width="800"')
    expect(html).toContain('alt="走访现场"')
  })

  it('writes inline styles only, keeps plain alignment and table spans, and escapes text', async () => {
    const { html } = await convert()
    expect(html).not.toMatch(/\s(class|id|target|data-x)=/)
    expect(html).toContain(`<h2 style="${WECHAT_STYLES.h2}">社区&amp;网格 新闻</h2>`)
    expect(html).toContain(`<p style="${WECHAT_STYLES.p.replace("text-align:justify;", "")}text-align:center;">网格员 <strong style="font-weight:bold;">王芳</strong>`)
    expect(html).not.toContain('color:red')
    expect(html).toContain('&lt;script&gt;不是标签&lt;/script&gt;')
    expect(html).toContain(`<th colspan="2" style="${WECHAT_STYLES.th}">表头</th>`)
    expect(html).toContain(`<td style="${WECHAT_STYLES.td}">乙</td>`)
    expect(html).toContain(`<blockquote style="${WECHAT_STYLES.blockquote}"><p style="${WECHAT_STYLES.p}">引用</p></blockquote>`)
    expect(html).toContain('自定义元素里的字')
    expect(html).not.toContain('custom-element')
    expect(html).not.toContain('comment')
    expect(html.startsWith('<section style="')).toBe(true)
    // Every tag left carries nothing but src/alt/colspan/rowspan/start/style.
    for (const m of html.matchAll(/<([a-z0-9]+)((?:\s[^>]*)?)>/g)) {
      for (const attr of m[2].matchAll(/\s([a-z-]+)=/g)) expect(['src', 'alt', 'colspan', 'rowspan', 'start', 'style']).toContain(attr[1])
    }
  })
})

describe('channel layer boundaries', () => {
  it('nothing under src/channels imports Payload', () => {
    const files: string[] = []
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name)
        if (e.isDirectory()) walk(p)
        else if (p.endsWith('.ts')) files.push(p)
      }
    }
    walk(path.resolve('src/channels'))
    expect(files.length).toBeGreaterThan(5)
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8')
      expect(text, file).not.toMatch(/from ['"](payload|@payloadcms\/[^'"]+)['"]/)
      expect(text, file).not.toMatch(/from ['"][./]*(collections|hooks|server|jobs|delivery)\//)
    }
  })
})
