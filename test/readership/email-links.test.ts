import { describe, expect, it } from 'vitest'

import { messageLinks } from '../../src/delivery/links'
import { targetHash, verifyTrack } from '../../src/readership/tokens'
import { doc, link, p } from '../../src/seed/lexical'
import { fill, recipientParts, renderContentMail } from '../../src/templates/email/content'

/** The email is rendered once; each recipient's tracked links and pixel are spliced in. */
describe('tracked email links', () => {
  const policy = {
    id: 41,
    title: '养老补贴解读',
    issuingBody: '市民政局',
    summary: '解读',
    body: doc(p('详见', link('https://gov.example.cn/notice?a=1&b=2', '原文'), '，以及', link('https://gov.example.cn/notice?a=1&b=2', '同一原文'), '。')),
    updatedAt: '2026-11-27T00:00:00Z',
  }
  const mail = renderContentMail({
    collection: 'policies',
    doc: policy as never,
    settings: { streetName: '徐碧街道', periodicalName: '聚焦徐碧' },
    contentUrl: 'https://news.example/policies/41',
    base: 'https://news.example',
  })
  const person = (ref: string, grid: number) => messageLinks('policies', policy, { ref, grid, consents: [] }, 'https://news.example')

  it('every body link becomes the recipient’s own redirect to that link; the page link and pixel are theirs too', () => {
    expect(mail.links).toEqual(['https://gov.example.cn/notice?a=1&b=2'])
    const a = fill(mail.html, recipientParts('您好', person('ref-a', 3), mail).html)
    const b = fill(mail.html, recipientParts('您好', person('ref-b', 3), mail).html)
    const clicks = [...a.matchAll(/href="https:\/\/news\.example\/t\/c\/([^"?]+)\?u=([^"]+)"/g)]
    expect(clicks).toHaveLength(2)
    for (const [, token, u] of clicks) {
      const v = verifyTrack(token, 'click')
      expect(v.ok && v.token.target).toBe(targetHash('https://gov.example.cn/notice?a=1&b=2'))
      expect(decodeURIComponent(u.replace(/&amp;/g, '&'))).toBe('https://gov.example.cn/notice?a=1&b=2')
    }
    expect(a).toMatch(/href="https:\/\/news\.example\/policies\/41\?r=/)
    expect(a).toMatch(/<img src="https:\/\/news\.example\/t\/o\/[^"]+\.gif"/)
    expect(a).not.toContain('\u0000')
    // Two recipients: different tokens everywhere.
    expect(a).not.toBe(b)
    const mask = (html: string) => html.replace(/(t\/[co]\/|\?r=|preferences\?t=|unsubscribe\/)[A-Za-z0-9_.-]+/g, '$1X')
    expect(mask(a)).toBe(mask(b))
  })

  it('without tracked links (a test-send) the plain links stay and no pixel is added', () => {
    const html = fill(mail.html, recipientParts('您好', { preferences: 'https://news.example/subscribe', unsubscribe: 'https://news.example/subscribe' }).html)
    expect(html).toContain('href="https://gov.example.cn/notice?a=1&amp;b=2"')
    expect(html).toContain('href="https://news.example/policies/41"')
    expect(html).not.toContain('/t/o/')
    const text = fill(mail.text, recipientParts('您好', person('ref-a', 3), mail).text)
    expect(text).toMatch(/https:\/\/news\.example\/policies\/41\?r=/)
  })

  it('a link to a page of the site ("/events/3", "/grids/XB-01") becomes absolute, and each recipient’s own tracked redirect to it', () => {
    const withSiteLinks = {
      ...policy,
      id: 42,
      body: doc(p('报名见', link('/events/3', '活动页'), '，网格公告见', link('/grids/XB-01', '网格页'), '，原文见', link('https://gov.example.cn/n', '原文'), '。')),
    }
    const m = renderContentMail({
      collection: 'policies',
      doc: withSiteLinks as never,
      settings: { streetName: '徐碧街道', periodicalName: '聚焦徐碧' },
      contentUrl: 'https://news.example/policies/42',
      base: 'https://news.example',
    })
    expect(m.links).toEqual(['https://news.example/events/3', 'https://news.example/grids/XB-01', 'https://gov.example.cn/n'])
    const who = messageLinks('policies', withSiteLinks, { ref: 'ref-c', grid: 3, consents: [] }, 'https://news.example')
    const html = fill(m.html, recipientParts('您好', who, m).html)
    expect(html).not.toMatch(/href="\//)
    const clicks = [...html.matchAll(/href="https:\/\/news\.example\/t\/c\/([^"?]+)\?u=([^"]+)"/g)].map(([, token, u]) => ({ token, u: decodeURIComponent(u.replace(/&amp;/g, '&')) }))
    expect(clicks.map((c) => c.u)).toEqual(m.links)
    for (const c of clicks) {
      const v = verifyTrack(c.token, 'click')
      expect(v.ok && v.token).toMatchObject({ channel: 'email', contentType: 'policies', contentId: '42', grid: '3', target: targetHash(c.u) })
    }
    // A test-send (no tracking) gets the absolute links as they are.
    const plain = fill(m.html, recipientParts('您好', { preferences: 'https://news.example/subscribe', unsubscribe: 'https://news.example/subscribe' }).html)
    expect(plain).toContain('href="https://news.example/events/3"')
    expect(plain).toContain('href="https://news.example/grids/XB-01"')
  })
})
