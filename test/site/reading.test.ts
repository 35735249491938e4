import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { doc, link as linkNode, p } from '../../src/seed/lexical'
import { peek } from '../../src/site/cache'
import { pageKey } from '../../src/site/cachedPages'
import { NORMAL_MODES } from '../../src/site/modes'
import { body, smallStreet } from '../support/fixtures'
import { testPayload } from '../support/payload'
import { type Site, startSite, uploadImage } from './support'

type Id = string | number
type Payload = Awaited<ReturnType<typeof testPayload>>

/**
 * Reading pages, on both databases: previous and next within the type
 * (published only; an announcement's among its own grids' announcements), an
 * issue's table of contents, the follow card, source and date, a title that
 * stands on its own; and the page cache keeping prev/next right when a
 * neighbour is published, corrected or withdrawn.
 */
describe('reading pages: previous and next, contents, follow card', () => {
  let payload: Payload
  let site: Site
  let street: Awaited<ReturnType<typeof smallStreet>>
  const day = (n: number) => new Date(Date.UTC(2026, 10, n, 2)).toISOString()

  const create = async (collection: string, data: Record<string, unknown>) =>
    (await payload.create({ collection: collection as never, data: { _status: 'published', ...data } as never, overrideAccess: true })) as unknown as {
      id: Id
      number: number
    }
  const event = (title: string, publishedAt: string, extra: Record<string, unknown> = {}) =>
    create('events', { title, publishedAt, startsAt: day(28), location: '社区广场', wholeStreet: true, body: body(`${title}正文`), ...extra })
  const page = async (path: string) => {
    const res = await site.get(path)
    return { status: res.status, text: await res.text() }
  }
  /** Past the cache's second sweep after a save (SETTLE_MS), so a page cached now stays until something drops it. */
  const settled = () => new Promise((r) => setTimeout(r, 1_700))
  const isCached = (path: string) => peek(pageKey(path, NORMAL_MODES)) !== undefined
  /** Render and keep a page as it is now, so what follows tests its invalidation. */
  const cache = async (path: string) => {
    await settled()
    await page(path)
    expect(isCached(path)).toBe(true)
  }
  const nav = (html: string) => html.match(/<nav class="prevnext"[\s\S]*?<\/nav>/)?.[0] ?? ''
  const link = (rel: 'prev' | 'next', html: string) => nav(html).match(new RegExp(`<a rel="${rel}" href="([^"]+)"><span>[^<]+</span>([^<]*)</a>`))?.slice(1, 3) ?? null

  beforeAll(async () => {
    payload = await testPayload()
    street = await smallStreet(payload)
    const qr = await uploadImage(payload, 'qr.jpg', '二维码')
    await payload.updateGlobal({
      slug: 'site-settings',
      data: { streetName: '测试街道', periodicalName: '测试周刊', wechatName: '测试订阅号', wechatQr: qr.id },
      overrideAccess: true,
    })
    site = await startSite(payload)
  })
  afterAll(async () => {
    await site?.close()
  })

  it('links an event notice to the previous and next published ones, older first', async () => {
    const e1 = await event('一号活动', day(1))
    const e2 = await event('二号活动', day(2))
    await create('events', { title: '草稿活动', publishedAt: day(3), startsAt: day(28), location: '广场', wholeStreet: true, _status: 'draft' })
    const e3 = await event('三号活动', day(4))
    const mid = await page(`/events/${e2.id}`)
    expect(mid.status).toBe(200)
    expect(link('prev', mid.text)).toEqual([`/events/${e1.id}`, '一号活动'])
    expect(link('next', mid.text)).toEqual([`/events/${e3.id}`, '三号活动'])
    expect(nav(mid.text)).toContain('<span>上一篇</span>')
    expect(nav(mid.text)).toContain('<span>下一篇</span>')
    expect(mid.text).not.toContain('草稿活动')
    const first = await page(`/events/${e1.id}`)
    expect(link('prev', first.text)).toBeNull()
    expect(link('next', first.text)?.[0]).toBe(`/events/${e2.id}`)
    // Source and date, the follow card in the page and not again in the footer, a title of its own.
    expect(mid.text).toContain('<p class="meta origin">来源：测试街道 · <time datetime="2026-11-02">发布时间：2026年11月2日</time></p>')
    expect(mid.text).toMatch(/<aside class="wechat follow"><img src="\/api\/media\/file\/qr\.jpg" alt="公众号“测试订阅号”二维码"[^>]*><div><p><strong>关注公众号“测试订阅号”<\/strong>/)
    expect(mid.text.match(/关注公众号“测试订阅号”/g)).toHaveLength(1)
    expect(mid.text).toContain('<title>二号活动 · 测试街道</title>')
  })

  it('keeps a cached page right: a newly published neighbour, a corrected title, a withdrawal', async () => {
    const a = await event('甲活动', day(10))
    const b = await event('乙活动', day(11))
    await settled()
    // Cached without a newer neighbour.
    expect(link('next', (await page(`/events/${b.id}`)).text)).toBeNull()
    expect(link('prev', (await page(`/events/${b.id}`)).text)?.[1]).toBe('甲活动')
    expect(isCached(`/events/${b.id}`)).toBe(true)
    const c = await event('丙活动', day(12))
    expect(link('next', (await page(`/events/${b.id}`)).text)).toEqual([`/events/${c.id}`, '丙活动'])
    // A neighbour's correction reaches the page that names it.
    await cache(`/events/${b.id}`)
    await payload.update({ collection: 'events', id: a.id, data: { title: '甲活动（更正）' }, overrideAccess: true })
    expect(link('prev', (await page(`/events/${b.id}`)).text)?.[1]).toBe('甲活动（更正）')
    // A draft saved over the published neighbour changes nothing residents see.
    await cache(`/events/${b.id}`)
    await payload.update({ collection: 'events', id: c.id, data: { title: '丙活动草稿' }, draft: true, overrideAccess: true })
    expect(link('next', (await page(`/events/${b.id}`)).text)?.[1]).toBe('丙活动')
    // Withdrawn: gone from its neighbours' pages.
    await cache(`/events/${b.id}`)
    await payload.update({ collection: 'events', id: c.id, data: { _status: 'draft' }, overrideAccess: true })
    expect(link('next', (await page(`/events/${b.id}`)).text)).toBeNull()
    // A new publication time moves a content among its neighbours.
    await cache(`/events/${b.id}`)
    await payload.update({ collection: 'events', id: a.id, data: { publishedAt: day(13) }, overrideAccess: true })
    expect(link('next', (await page(`/events/${b.id}`)).text)?.[0]).toBe(`/events/${a.id}`)
  })

  it('orders contents published at the same moment by id, each once', async () => {
    const at = day(20)
    const x = await event('同时甲', at)
    const y = await event('同时乙', at)
    expect(link('next', (await page(`/events/${x.id}`)).text)?.[0]).toBe(`/events/${y.id}`)
    expect(link('prev', (await page(`/events/${y.id}`)).text)?.[0]).toBe(`/events/${x.id}`)
  })

  it('leads an announcement only to its own grids’ announcements', async () => {
    const { gridA1, gridB1 } = street
    const a1 = await create('announcements', { title: '甲一停水', grids: [gridA1.id], publishedAt: day(5), body: body('停水') })
    const b1 = await create('announcements', { title: '乙一停电', grids: [gridB1.id], publishedAt: day(6), body: body('停电') })
    const a2 = await create('announcements', { title: '甲一开会', grids: [gridA1.id], publishedAt: day(7), body: body('开会') })
    const later = await page(`/announcements/${a2.id}`)
    expect(link('prev', later.text)).toEqual([`/announcements/${a1.id}`, '甲一停水'])
    expect(link('next', later.text)).toBeNull()
    expect(nav((await page(`/announcements/${b1.id}`)).text)).toBe('')
    expect(later.text).toContain('来源：A-01 · 甲一网格')
  })

  it('gives an issue its contents with anchors, the way back to them, and the previous and next issue', async () => {
    const articles = (n: number) => [
      { title: `第${n}期头条`, body: doc(p('头条正文。')) },
      { title: `第${n}期专栏`, body: doc(p('专栏正文。')) },
    ]
    const i1 = await create('issues', { title: '春', articles: articles(1) })
    const i2 = await create('issues', { title: '夏', articles: articles(2) })
    const mid = await page(`/issues/${i2.number}`)
    expect(mid.text).toContain(`<nav class="toc" id="toc" aria-label="本期目录"><h2>本期目录</h2><ol><li><a href="#a1">第2期头条</a></li><li><a href="#a2">第2期专栏</a></li></ol></nav>`)
    expect(mid.text).toContain('<section class="article" id="a2"><h2>第2期专栏</h2>')
    expect(mid.text.match(/<p class="back"><a href="#toc">回到目录<\/a><\/p>/g)).toHaveLength(2)
    expect(link('prev', mid.text)).toEqual([`/issues/${i1.number}`, '春'])
    expect(nav(mid.text)).toContain('<span>上一期</span>')
    expect(link('next', mid.text)).toBeNull()
    expect(mid.text).toContain(`<title>测试周刊 第 ${i2.number} 期 夏 · 测试街道</title>`)
    expect(mid.text).toContain(`来源：测试周刊 第 ${i2.number} 期`)
    // The next issue published: the cached page of this one gets its 下一期.
    await cache(`/issues/${i2.number}`)
    const i3 = await create('issues', { title: '秋', articles: articles(3) })
    expect(link('next', (await page(`/issues/${i2.number}`)).text)).toEqual([`/issues/${i3.number}`, '秋'])
  })

  it('builds share-card and feed summaries from rich text: Chinese unbroken, no link address', async () => {
    const ev = await event('食堂开张', day(25), {
      summary: null,
      body: doc(p('社区 食堂 开张，请点击', linkNode('https://example.org/canteen?id=7', '这里'), '查看。'), p('欢迎老人就餐！')),
    })
    const expected = '社区食堂开张，请点击这里查看。欢迎老人就餐！'
    const { text } = await page(`/events/${ev.id}`)
    expect(text).toContain(`<meta name="description" content="${expected}">`)
    expect(text).toContain(`<meta property="og:description" content="${expected}">`)
    const feed = await (await site.get('/feed.xml')).text()
    expect(feed).toContain(`<summary type="text">${expected}</summary>`)
    expect(feed).not.toContain('example.org/canteen')
  })
})
