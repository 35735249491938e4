import { DomUtils, parseDocument } from 'htmlparser2'
import type { Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { body, smallStreet } from '../support/fixtures'
import { testPayload } from '../support/payload'
import { startSite, type Site } from '../site/support'

/**
 * Atom feeds of published content: the whole street, and each grid
 * (street-wide content plus the grid's own notices and announcements).
 * Titles and summaries with markup and characters XML forbids come out
 * escaped, so a feed reader sees the text exactly as written.
 */
let payload: Payload
let site: Site
let street: Awaited<ReturnType<typeof smallStreet>>
const PUBLIC_URL = process.env.PUBLIC_URL!
const TRICKY = `<b>水&电</b> "停" '供'\u0001`
const day = (n: number) => new Date(Date.now() - n * 86400_000).toISOString()

const create = (collection: string, data: Record<string, unknown>) =>
  payload.create({ collection: collection as never, data: { _status: 'published', ...data } as never, overrideAccess: true }) as unknown as Promise<{
    id: string | number
    number?: number
  }>

type Entry = { title: string; id: string; href: string; category: string; summary: string; published: string }

async function feed(path: string) {
  const res = await site.get(path)
  const text = await res.text()
  const docNode = parseDocument(text, { xmlMode: true })
  const entries: Entry[] = DomUtils.getElementsByTagName('entry', docNode).map((e) => {
    const child = (name: string) => DomUtils.getElementsByTagName(name, e.children, false)[0]
    return {
      title: DomUtils.textContent(child('title')),
      id: DomUtils.textContent(child('id')),
      href: String(child('link')?.attribs.href),
      category: String(child('category')?.attribs.term),
      summary: DomUtils.textContent(child('summary')),
      published: DomUtils.textContent(child('published')),
    }
  })
  return { res, text, docNode, entries }
}

beforeAll(async () => {
  payload = await testPayload()
  street = await smallStreet(payload)
  await payload.updateGlobal({ slug: 'site-settings', data: { streetName: '徐碧街道', periodicalName: '聚焦徐碧' } as never, overrideAccess: true })
  await create('issues', { title: TRICKY, summary: `摘要${TRICKY}`, publishedAt: day(1), articles: [{ title: '文章', body: body('正文') }] })
  await create('events', { title: '全街道义诊', summary: '免费体检', startsAt: day(-3), location: '广场', wholeStreet: true, publishedAt: day(2), body: body('义诊详情') })
  await create('events', { title: '甲一网格楼道清理', startsAt: day(-2), location: '3栋', wholeStreet: false, grids: [street.gridA1.id], publishedAt: day(3), body: body('清理楼道杂物，请配合。') })
  await create('policies', { title: '养老补贴新规', summary: '补贴标准提高', issuingBody: '民政局', publishedAt: day(4), body: body('政策正文') })
  await create('announcements', { title: '甲一网格停水通知', summary: '周六停水', grids: [street.gridA1.id], urgent: true, publishedAt: day(5), body: body('停水') })
  await create('announcements', { title: '乙一网格的公告', summary: '只给乙一', grids: [street.gridB1.id], publishedAt: day(6), body: body('乙一') })
  await payload.create({ collection: 'policies', data: { title: '草稿政策', summary: '草稿', issuingBody: '民政局', body: body('草稿') } as never, overrideAccess: true, draft: true })
  site = await startSite(payload)
})
afterAll(async () => site?.close())

describe('feeds', () => {
  it('lists the street’s published issues, street-wide notices and explainers, newest first, escaped', async () => {
    const { res, text, entries } = await feed('/feed.xml')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8')
    expect(text.startsWith('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"')).toBe(true)
    expect(entries.map((e) => e.category)).toEqual(['issues', 'events', 'policies'])
    expect(entries[0].title).toBe(`第 1 期 ${TRICKY.replace('\u0001', '')}`)
    expect(entries[0].summary).toBe(`摘要${TRICKY.replace('\u0001', '')}`)
    expect(entries[0].href).toBe(`${PUBLIC_URL}/issues/1`)
    // Nothing unescaped, and no character XML forbids.
    expect(text).not.toContain('<b>')
    expect(text).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/)
    expect(text).toContain('&lt;b&gt;水&amp;电&lt;/b&gt; &quot;停&quot; &apos;供&apos;')
    // Grid notices and grid announcements are not street-wide; drafts are nowhere.
    expect(text).not.toContain('甲一网格楼道清理')
    expect(text).not.toContain('停水通知')
    expect(text).not.toContain('草稿政策')
    expect(new Set(entries.map((e) => e.id)).size).toBe(entries.length)
    expect(entries.map((e) => e.published)).toEqual([...entries.map((e) => e.published)].sort().reverse())
  })

  it('gives a grid the street-wide content plus its own notices and announcements, and only its own', async () => {
    const { res, entries } = await feed('/grids/A-01/feed.xml')
    expect(res.status).toBe(200)
    expect(entries.map((e) => e.title)).toEqual([`第 1 期 ${TRICKY.replace('\u0001', '')}`, '全街道义诊', '甲一网格楼道清理', '养老补贴新规', '【紧急】甲一网格停水通知'])
    // A summary falls back to the start of the body.
    expect(entries[2].summary).toBe('清理楼道杂物，请配合。')
    expect(entries[4].href).toMatch(new RegExp(`^${PUBLIC_URL}/announcements/`))
    const b = await feed('/grids/B-01/feed.xml')
    expect(b.entries.map((e) => e.title)).toContain('乙一网格的公告')
    expect(b.entries.map((e) => e.title)).not.toContain('甲一网格停水通知')
  })

  it('answers 404 for an unknown or impossible grid, and 304 when the reader has this version', async () => {
    expect((await site.get('/grids/ZZ-99/feed.xml')).status).toBe(404)
    expect((await site.get('/grids/%3Cscript%3E/feed.xml')).status).toBe(404)
    const first = await site.get('/feed.xml')
    const etag = first.headers.get('etag')!
    expect(etag).toBeTruthy()
    expect((await site.get('/feed.xml', { headers: { 'if-none-match': etag } })).status).toBe(304)
  })
})
