import { describe, expect, it } from 'vitest'

import { convertLexicalToHTML } from '@payloadcms/richtext-lexical/html'
import { convertLexicalToPlaintext } from '@payloadcms/richtext-lexical/plaintext'

import { bold, doc, h, image, link, list, p, quote, table } from '../../src/seed/lexical'
import { safeHref } from '../../src/templates/html'
import { plainTextOfRichText } from '../../src/templates/plainText'
import { wechatArticles } from '../../src/templates/wechat'
import { renderRichText, renderRichTextCached, unpopulatedMediaIds } from '../../src/templates/richText'
import { dangerousMarkup, tagsAndAttributes } from './htmlCheck'

const text = (t: string, format = 0) => ({ type: 'text', text: t, format, detail: 0, mode: 'normal', style: '', version: 1 })
const media = {
  id: 7,
  alt: '志愿者合影',
  filename: 'team.jpg',
  mimeType: 'image/jpeg',
  width: 1600,
  height: 900,
  sizes: { page: { filename: 'team-1200x675.jpg', width: 1200, height: 675 }, thumb: { filename: 'team-400x300.jpg', width: 400, height: 300 } },
}

describe('rich text renderer', () => {
  it('renders paragraphs, headings, quotes, line breaks and text formats', () => {
    const html = renderRichText(
      doc(
        h(2, '小标题'),
        p('第一段', bold('加粗')),
        { type: 'paragraph', children: [text('上'), { type: 'linebreak' }, text('下')] },
        quote('有事找网格长'),
        { type: 'paragraph', children: [1, 2, 4, 8, 32, 64].map((f) => text(`f${f}`, f)) },
        { type: 'paragraph', children: [text('斜粗', 3)] },
      ),
    )
    expect(html).toBe(
      '<h2>小标题</h2><p>第一段<strong>加粗</strong></p><p>上<br>下</p><blockquote>有事找网格长</blockquote>' +
        '<p><strong>f1</strong><em>f2</em><s>f4</s><u>f8</u><sub>f32</sub><sup>f64</sup></p><p><em><strong>斜粗</strong></em></p>',
    )
  })

  it('keeps content headings below the page title (h1 becomes h2; minHeading lowers further)', () => {
    const value = doc({ type: 'heading', tag: 'h1', children: [text('一')] }, h(4, '四'))
    expect(renderRichText(value)).toBe('<h2>一</h2><h4>四</h4>')
    expect(renderRichText(value, { minHeading: 3 })).toBe('<h3>一</h3><h4>四</h4>')
    expect(renderRichText(doc({ type: 'heading', tag: 'h9"><script>', children: [text('x')] }))).toBe('<h2>x</h2>')
  })

  it('renders ordered, unordered and nested lists', () => {
    const nested = {
      type: 'list',
      listType: 'number',
      tag: 'ol',
      start: 3,
      children: [
        { type: 'listitem', value: 3, children: [text('第三步')] },
        { type: 'listitem', value: 4, children: [list('bullet', ['甲', '乙'])] },
      ],
    }
    expect(renderRichText(doc(list('bullet', ['一', '二'])))).toBe('<ul><li>一</li><li>二</li></ul>')
    expect(renderRichText(doc(nested))).toBe(
      '<ol start="3"><li>第三步</li><li class="nested"><ul><li>甲</li><li>乙</li></ul></li></ol>',
    )
  })

  it('renders tables with header cells', () => {
    const html = renderRichText(doc(table([['事项', '数量'], ['受理', '41 件']])))
    expect(html).toBe(
      '<div class="table-wrap" tabindex="0"><table><tr><th><p>事项</p></th><th><p>数量</p></th></tr><tr><td><p>受理</p></td><td><p>41 件</p></td></tr></table></div>',
    )
  })

  it('renders uploads as lazy images of the page size with width, height and alt', () => {
    const populated = renderRichText(doc({ ...image(7), value: media }))
    expect(populated).toBe(
      '<figure><img src="/api/media/file/team-1200x675.jpg" alt="志愿者合影" width="1200" height="675" loading="lazy" decoding="async"><figcaption>志愿者合影</figcaption></figure>',
    )
    // An id only: resolved through the lookup the caller gives; absolute where asked.
    const byId = renderRichText(doc(image(7)), { media: (id) => (String(id) === '7' ? media : undefined), base: 'https://news.example' })
    expect(byId).toContain('src="https://news.example/api/media/file/team-1200x675.jpg"')
    expect(unpopulatedMediaIds(doc(p('x'), image(7), image('65a0c0ffee0000000000beef')))).toEqual([7, '65a0c0ffee0000000000beef'])
    // Unknown media, or another collection: nothing.
    expect(renderRichText(doc(image(8)))).toBe('')
    expect(renderRichText(doc({ ...image(7), relationTo: 'users', value: media }))).toBe('')
    // Without the size, the original file.
    expect(renderRichText(doc({ ...image(7), value: { ...media, sizes: {} } }))).toContain('src="/api/media/file/team.jpg" alt="志愿者合影" width="1600" height="900"')
  })

  it('links http(s), mailto, tel and site paths; anything else becomes plain text', () => {
    expect(renderRichText(doc(p(link('https://example.org/a?b=1&c=2', '外链'))))).toBe(
      '<p><a href="https://example.org/a?b=1&amp;c=2" rel="noopener noreferrer">外链</a></p>',
    )
    expect(renderRichText(doc(p(link('mailto:office@example.org', '邮件'))))).toContain('<a href="mailto:office@example.org">邮件</a>')
    expect(renderRichText(doc(p(link('tel:0598-8955018', '电话'))))).toContain('<a href="tel:0598-8955018">电话</a>')
    expect(renderRichText(doc(p(link('/issues/3', '本站'))))).toContain('<a href="/issues/3">本站</a>')
    for (const bad of [
      'javascript:alert(1)',
      'JavaScript:alert(1)',
      ' javascript:alert(1)',
      'java\tscript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox(1)',
      '//evil.example/x',
      '/\\evil.example',
      'issues/3',
    ]) {
      expect(renderRichText(doc(p(link(bad, '点我'))))).toBe('<p>点我</p>')
      expect(safeHref(bad)).toBeNull()
    }
  })

  it('opens a new tab only with noopener', () => {
    const node = { ...link('https://example.org', '新窗口'), fields: { linkType: 'custom', url: 'https://example.org', newTab: true } }
    expect(renderRichText(doc(p(node)))).toBe('<p><a href="https://example.org" target="_blank" rel="noopener noreferrer">新窗口</a></p>')
  })

  it('links internal documents to their pages, or renders text when it has none', () => {
    const internal = (relationTo: string, value: unknown) => ({
      type: 'link',
      fields: { linkType: 'internal', doc: { relationTo, value } },
      children: [text('内链')],
    })
    const docHref = (relationTo: string, value: unknown) =>
      relationTo === 'events' ? `/events/${(value as { id: number }).id}` : null
    expect(renderRichText(doc(p(internal('events', { id: 5 }))), { docHref })).toBe('<p><a href="/events/5">内链</a></p>')
    expect(renderRichText(doc(p(internal('users', { id: 1 }))), { docHref })).toBe('<p>内链</p>')
  })

  it('escapes every text and attribute; no element or handler from content survives', () => {
    const evil = doc(
      p('<script>alert(1)</script>'),
      p(link('https://example.org/"onmouseover="alert(1)', '"><img src=x onerror=alert(1)>')),
      { ...image(1), value: { ...media, sizes: {}, alt: '" onerror="alert(1)', filename: 'a".jpg' } },
      { type: 'paragraph', children: [{ type: 'text', text: '<b>粗</b>', format: '1"><script>' }] },
    )
    const html = renderRichText(evil)
    expect(html).not.toMatch(/<script/i)
    expect(dangerousMarkup(html)).toEqual([])
    expect(tagsAndAttributes(html).map((t) => t.tag)).toEqual(['p', 'p', 'a', 'figure', 'img', 'figcaption', 'p'])
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(html).toContain('href="https://example.org/&quot;onmouseover=&quot;alert(1)"')
    expect(html).toContain('alt="&quot; onerror=&quot;alert(1)"')
    expect(html).toContain('src="/api/media/file/a%22.jpg"')
  })

  it('renders only the text of unknown node types, and ignores malformed input', () => {
    const value = doc(
      { type: 'html', html: '<script>alert(1)</script>', children: [text('<i>只有文字</i>'), { type: 'link', fields: { url: 'https://x.example' }, children: [text('链')] }] },
      { type: 'block', fields: { blockType: 'iframe', url: 'https://x.example' } },
    )
    expect(renderRichText(value)).toBe('&lt;i&gt;只有文字&lt;/i&gt;链')
    expect(renderRichText(null)).toBe('')
    expect(renderRichText('<script>')).toBe('')
    expect(renderRichText({ root: { type: 'root', children: [null, 3, 'x', { type: 'paragraph', children: 'no' }] } })).toBe('<p></p>')
  })

  it('stops at absurd nesting instead of overflowing the stack', () => {
    let node: Record<string, unknown> = text('深')
    for (let i = 0; i < 5000; i++) node = { type: 'quote', children: [node] }
    const html = renderRichText({ root: { type: 'root', children: [node] } })
    expect(html.startsWith('<blockquote>')).toBe(true)
    expect(html).not.toContain('深')
  })

  it('renders once per key (collection, id, updatedAt)', () => {
    const key = `test:1:${Date.now()}`
    const first = renderRichTextCached(key, doc(p('旧')))
    expect(renderRichTextCached(key, doc(p('新')))).toBe(first)
    expect(renderRichTextCached(`${key}:later`, doc(p('新')))).toBe('<p>新</p>')
  })

  describe("through Payload's converters, with our overrides applied", () => {
    // Payload's defaults, for contrast: each override must change what they give.
    const payloadDefault = (value: object) => convertLexicalToHTML({ data: value as never, disableContainer: true })

    it('shifts headings below the page title', () => {
      const value = doc({ type: 'heading', tag: 'h1', children: [text('标题')] })
      expect(payloadDefault(value)).toContain('<h1')
      expect(renderRichText(value)).toBe('<h2>标题</h2>')
      expect(renderRichText(value, { minHeading: 3 })).toBe('<h3>标题</h3>')
    })

    it('renders uploads as our media images (site path, page size, lazy, caption)', () => {
      const value = doc({ ...image(7), value: { ...media, url: 'https://cdn.example/team.jpg' } })
      expect(payloadDefault(value)).not.toContain('/api/media/file/')
      expect(renderRichText(value)).toBe(
        '<figure><img src="/api/media/file/team-1200x675.jpg" alt="志愿者合影" width="1200" height="675" loading="lazy" decoding="async"><figcaption>志愿者合影</figcaption></figure>',
      )
    })

    it('drops a link whose scheme is not allowed, keeping its text', () => {
      for (const url of ['javascript:alert(1)', 'data:text/html,x', 'ftp://files.example/a']) {
        const value = doc(p(link(url, '点我')))
        expect(payloadDefault(value)).toContain('<a')
        expect(renderRichText(value)).toBe('<p>点我</p>')
      }
    })

    it('is the one rendering of every surface: WeChat articles get the same overrides', () => {
      const body = doc({ type: 'heading', tag: 'h1', children: [text('标题')] }, p(link('javascript:alert(1)', '点我')))
      const [article] = wechatArticles({ collection: 'announcements', doc: { id: 1, title: '通知', body, updatedAt: `${Date.now()}` } })
      expect(article.html).toBe('<h2>标题</h2><p>点我</p>')
    })
  })
})

describe('plain text', () => {
  it("is Payload's plain-text converter with our link and upload overrides", () => {
    const value = doc(h(2, '标题'), p('第一段', bold('加粗')), list('bullet', ['一', '二']), p(link('https://example.org/x', '原文')), image(7))
    expect(plainTextOfRichText(value)).toBe('标题\n\n第一段加粗\n\n一\n二\n\n原文')
    expect(plainTextOfRichText(value, { linkUrls: true })).toBe('标题\n\n第一段加粗\n\n一\n二\n\n原文 https://example.org/x')
    // Payload's own converter, for contrast, gives no link address.
    expect(convertLexicalToPlaintext({ data: value as never })).not.toContain('https://example.org/x')
  })

  it('ignores malformed input and stops at absurd nesting', () => {
    expect(plainTextOfRichText(null)).toBe('')
    expect(plainTextOfRichText('<script>')).toBe('')
    expect(plainTextOfRichText({ root: { type: 'root', children: [null, 3, { type: 'paragraph', children: [{ type: 'text', text: {} }, text('字')] }] } })).toBe('字')
    let node: Record<string, unknown> = text('深')
    for (let i = 0; i < 5000; i++) node = { type: 'quote', children: [node] }
    expect(plainTextOfRichText(doc(p('浅'), node))).toBe('浅')
  })
})
