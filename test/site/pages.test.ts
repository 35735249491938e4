import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'

import { runDueJobs } from '../../src/jobs/scheduler'
import { invalidateSiteCache, peek, siteCacheStats } from '../../src/site/cache'
import { pageKey } from '../../src/site/cachedPages'
import { NORMAL_MODES } from '../../src/site/modes'
import { doc, h, image, link, list, p } from '../../src/seed/lexical'
import { body, PASSWORD, smallStreet } from '../support/fixtures'
import { onMongoLeg, testPayload } from '../support/payload'
import { dangerousMarkup } from './htmlCheck'
import { metaContent, type Site, startSite, uploadImage } from './support'

type Id = string | number
type Payload = Awaited<ReturnType<typeof testPayload>>

const PUBLIC_URL = process.env.PUBLIC_URL!
/** The one script a reading page carries: read-aloud (public/js/speak.js). */
const SPEAK_SCRIPT = '<script src="/js/speak.js" defer></script>'
const scriptsOf = (html: string) => [...html.matchAll(/<script\b[^>]*>/gi)].map((m) => m[0])

describe('reading site', () => {
  let payload: Payload
  let street: Awaited<ReturnType<typeof smallStreet>>
  let site: Site
  let cover: { id: Id; filename: string }
  let issue: { id: Id; number: number }
  let draftIssue: { id: Id; number: number }

  const create = async (collection: string, data: Record<string, unknown>) =>
    (await payload.create({ collection: collection as never, data: data as never, overrideAccess: true })) as unknown as {
      id: Id
      number: number
      updatedAt: string
    }
  const event = (title: string, extra: Record<string, unknown> = {}) =>
    create('events', {
      title,
      summary: `${title}的摘要`,
      startsAt: new Date(Date.now() + 3 * 86400_000).toISOString(),
      location: '社区文化广场',
      organiser: '街道办事处',
      wholeStreet: true,
      signup: '向网格长报名',
      body: body('活动详情'),
      _status: 'published',
      ...extra,
    })
  const html = async (path: string, init?: RequestInit) => {
    const res = await site.get(path, init)
    return { res, text: await res.text() }
  }

  beforeAll(async () => {
    payload = await testPayload()
    street = await smallStreet(payload)
    const qr = await uploadImage(payload, 'qr.jpg', '二维码')
    await payload.updateGlobal({
      slug: 'site-settings',
      data: {
        streetName: '测试街道',
        periodicalName: '测试周刊',
        hotline: '0598-1234567',
        wechatName: '测试订阅号',
        wechatQr: qr.id,
        footerText: '测试街道办事处 主办',
        icp: '闽ICP备12345678号',
        psb: '闽公网安备 35000000000001号',
      },
      overrideAccess: true,
    })
    cover = await uploadImage(payload, 'cover.jpg', '封面图')
    issue = await create('issues', {
      title: '网格里的家',
      summary: '本期聚焦网格长的一天。',
      cover: cover.id,
      _status: 'published',
      articles: [
        { title: '网格长的一天', author: '宣传办', body: doc(h(3, '早上'), p('巡格。'), image(cover.id), list('number', ['一', '二'])) },
        { title: '楼栋长微信群', body: doc(p('问题不过夜，', link('https://example.org/x', '详见'), '。')) },
      ],
    })
    draftIssue = await create('issues', { title: '尚未发布的一期', articles: [{ title: '草稿文章', body: body('草稿正文') }] })
    site = await startSite(payload)
  })

  afterAll(async () => {
    await site?.close()
  })

  it('shows a published issue in full: cover, table of contents, every article, in Chinese', async () => {
    const { res, text } = await html(`/issues/${issue.number}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(text).toContain('<html lang="zh-CN">')
    expect(text).toContain('name="viewport"')
    expect(text).toContain('本期目录')
    expect(text).toContain('<a href="#a1">网格长的一天</a>')
    expect(text).toContain('<section class="article" id="a2"><h2>楼栋长微信群</h2>')
    expect(text).toContain('文/宣传办')
    expect(text).toContain('<h3>早上</h3>')
    expect(text).toContain('<ol><li>一</li><li>二</li></ol>')
    expect(text).toMatch(new RegExp(`<img src="/api/media/file/cover-1200x675\\.jpg" alt="封面图" width="1200" height="675" loading="lazy"`))
    expect(text).toContain('<a href="https://example.org/x" rel="noopener noreferrer">详见</a>')
    // Header and footer from the site settings.
    expect(text).toContain('<span class="street">测试街道</span><span class="periodical">测试周刊</span>')
    expect(text).toContain('服务热线 <a href="tel:05981234567">0598-1234567</a>')
    expect(text).toContain('关注公众号“测试订阅号”')
    // The QR code as uploaded (the thumb size is a crop that would cut it).
    expect(text).toMatch(/<img src="\/api\/media\/file\/qr\.jpg" alt="公众号“测试订阅号”二维码" width="1600" height="900" loading="lazy"/)
    expect(text).toContain('测试街道办事处 主办')
    expect(text).toContain('闽ICP备12345678号')
    expect(text).toContain('闽公网安备 35000000000001号')
    expect(scriptsOf(text)).toEqual(['<script src="/js/speak.js" defer>'])
  })

  it('gives share cards correct Open Graph tags and a canonical link', async () => {
    const { text } = await html(`/issues/${issue.number}`)
    const url = `${PUBLIC_URL}/issues/${issue.number}`
    expect(metaContent(text, 'og:type')).toBe('article')
    expect(metaContent(text, 'og:title')).toBe(`第 ${issue.number} 期 网格里的家`)
    expect(metaContent(text, 'og:description')).toBe('本期聚焦网格长的一天。')
    expect(metaContent(text, 'og:url')).toBe(url)
    expect(metaContent(text, 'og:image')).toBe(`${PUBLIC_URL}/api/media/file/cover-1200x675.jpg`)
    expect(text).toContain(`<link rel="canonical" href="${url}">`)
    // Without an image of its own, the default card (still absolute).
    const ev = await event('邻里节')
    const page = await html(`/events/${ev.id}`)
    expect(metaContent(page.text, 'og:image')).toBe(`${PUBLIC_URL}/icons/og-default.png`)
    expect(metaContent(page.text, 'og:description')).toBe('邻里节的摘要')
  })

  it('caches public pages for a minute with an ETag, answers 304, and sets the security headers', async () => {
    const first = await site.get(`/issues/${issue.number}`)
    await first.arrayBuffer()
    expect(first.headers.get('cache-control')).toBe('public, max-age=60, stale-while-revalidate=300')
    const etag = first.headers.get('etag')
    expect(etag).toMatch(/^"[\w-]+"$/)
    const again = await site.get(`/issues/${issue.number}`, { headers: { 'If-None-Match': etag! } })
    expect(again.status).toBe(304)
    expect(await again.text()).toBe('')
    const other = await site.get(`/issues/${issue.number}`, { headers: { 'If-None-Match': '"something-else"' } })
    expect(other.status).toBe(200)
    await other.arrayBuffer()

    const csp = first.headers.get('content-security-policy') ?? ''
    expect(csp).toContain("script-src 'self'")
    expect(csp).not.toContain('unsafe-inline')
    expect(csp).toContain("object-src 'none'")
    expect(first.headers.get('x-content-type-options')).toBe('nosniff')
    expect(first.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin')
    // Only on the site's pages: what passes through to Next (here: Express's own 404) gets none of them.
    for (const path of ['/admin', '/api/issues', '/healthz']) {
      const other = await site.get(path)
      await other.arrayBuffer()
      expect(other.headers.get('content-security-policy') ?? '', path).not.toBe(csp)
      expect(other.headers.get('referrer-policy'), path).toBeNull()
    }
  })

  it('never shows a draft, and answers it with a Chinese 404 that is not cached', async () => {
    const { res, text } = await html(`/issues/${draftIssue.number}`)
    expect(res.status).toBe(404)
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(text).toContain('页面不存在')
    expect(text).not.toContain('尚未发布的一期')
    const lists = await Promise.all(['/', '/issues'].map((path) => html(path)))
    for (const l of lists) {
      expect(l.res.status).toBe(200)
      expect(l.text).toContain('网格里的家')
      expect(l.text).not.toContain('尚未发布的一期')
    }
  })

  it('keeps scheduled content hidden until its time', async () => {
    const scheduled = await create('policies', {
      title: '定时发布的政策',
      issuingBody: '市医保局',
      summary: '下周生效。',
      body: body('正文'),
    })
    await payload.jobs.queue({
      task: 'schedulePublish',
      waitUntil: new Date(Date.now() + 7 * 86400_000),
      input: { type: 'publish', doc: { relationTo: 'policies', value: String(scheduled.id) } },
    } as never)
    await runDueJobs(payload)
    const stored = await payload.findByID({ collection: 'policies', id: scheduled.id, overrideAccess: true, draft: false })
    expect(stored._status).toBe('draft')
    const { res, text } = await html(`/policies/${scheduled.id}`)
    expect(res.status).toBe(404)
    expect(text).not.toContain('定时发布的政策')
    expect((await html('/policies')).text).not.toContain('定时发布的政策')
  })

  it('shows a withdrawn content as a short 410 notice, at once (the cached page is dropped)', async () => {
    const ev = await event('将被撤回的活动')
    const before = await html(`/events/${ev.id}`)
    expect(before.res.status).toBe(200)
    expect(before.text).toContain('将被撤回的活动')
    expect(before.text).toContain('社区文化广场')
    expect(before.text).toContain('全街道')
    expect(before.text).toContain('向网格长报名')

    await payload.update({ collection: 'events', id: ev.id, data: { _status: 'draft' }, overrideAccess: true })
    const after = await html(`/events/${ev.id}`)
    expect(after.res.status).toBe(410)
    expect(after.res.headers.get('cache-control')).toBe('no-store')
    expect(after.text).toContain('内容已撤回')
    expect(after.text).toContain('0598-1234567')
    expect(after.text).not.toContain('将被撤回的活动')
    expect((await html('/events')).text).not.toContain('将被撤回的活动')
  })

  it('shows an edit and a settings change at once', async () => {
    const pol = await create('policies', { title: '旧标题', issuingBody: '市民政局', summary: '通俗解读。', body: body('正文'), _status: 'published' })
    expect((await html(`/policies/${pol.id}`)).text).toContain('旧标题')
    await payload.update({ collection: 'policies', id: pol.id, data: { title: '新标题' }, overrideAccess: true })
    const page = await html(`/policies/${pol.id}`)
    expect(page.text).toContain('新标题')
    expect(page.text).not.toContain('旧标题')

    await payload.updateGlobal({ slug: 'site-settings', data: { hotline: '0598-7654321' }, overrideAccess: true })
    expect((await html(`/policies/${pol.id}`)).text).toContain('0598-7654321')
    await payload.updateGlobal({ slug: 'site-settings', data: { hotline: '0598-1234567' }, overrideAccess: true })
  })

  it('drops only what a save changed, once per save; a draft over published content drops nothing', async () => {
    const pol = await create('policies', { title: '缓存测试政策', issuingBody: '市民政局', summary: '通俗解读。', body: body('正文'), _status: 'published' })
    const ev = await event('缓存测试活动')
    const pages = [`/policies/${pol.id}`, '/policies', `/events/${ev.id}`, '/events', `/issues/${issue.number}`, '/', '/grids']
    // Each save sweeps its scope once more 1.5 s later (after its commit): let the earlier saves' sweeps pass first.
    const settled = () => vi.waitFor(() => expect(siteCacheStats().settling).toBe(0), { timeout: 10_000, interval: 100 })
    await settled()
    for (const path of pages) expect((await html(path)).res.status, path).toBe(200)
    const isCached = (path: string) => peek(pageKey(path, NORMAL_MODES)) !== undefined
    expect(pages.filter((path) => !isCached(path))).toEqual([])

    // A draft correction saved over the published policy: residents still see the published one.
    const before = siteCacheStats().invalidations
    await payload.update({ collection: 'policies', id: pol.id, data: { title: '草稿中的新标题' }, draft: true, overrideAccess: true })
    expect(siteCacheStats().invalidations).toBe(before)
    expect(pages.filter((path) => !isCached(path))).toEqual([])

    // The correction published: one invalidation, of that policy's page and the lists of policies.
    await payload.update({ collection: 'policies', id: pol.id, data: { title: '发布后的新标题', _status: 'published' }, overrideAccess: true })
    expect(siteCacheStats().invalidations).toBe(before + 1)
    expect(pages.filter((path) => !isCached(path))).toEqual([`/policies/${pol.id}`, '/policies', '/'])
    expect((await html(`/policies/${pol.id}`)).text).toContain('发布后的新标题')
    expect((await html('/policies')).text).toContain('发布后的新标题')
    await settled()
    for (const path of pages) await html(path)

    // Deleting the event drops its page and the event lists, nothing else.
    await payload.delete({ collection: 'events', id: ev.id, overrideAccess: true })
    expect(siteCacheStats().invalidations).toBe(before + 2)
    expect(pages.filter((path) => !isCached(path))).toEqual([`/events/${ev.id}`, '/events', '/'])
    expect((await html(`/events/${ev.id}`)).res.status).toBe(404)
    expect((await html('/events')).text).not.toContain('缓存测试活动')
  })

  it('shows a policy explainer with its facts, Q&A and source link', async () => {
    const pol = await create('policies', {
      title: '医保缴费指南',
      issuingBody: '市医疗保障局',
      documentNumber: '明医保〔2026〕12号',
      effectiveDate: '2026-09-01T00:00:00.000Z',
      summary: '九月起缴费。',
      body: body('谁要缴'),
      qa: [{ question: '错过了怎么办？', answer: '次年补缴。' }],
      sourceUrl: 'https://example.org/policy/12',
      _status: 'published',
    })
    const { res, text } = await html(`/policies/${pol.id}`)
    expect(res.status).toBe(200)
    for (const s of ['发文机关', '市医疗保障局', '明医保〔2026〕12号', '2026年9月1日', '九月起缴费。', '常见问答', '错过了怎么办？', '次年补缴。']) {
      expect(text).toContain(s)
    }
    expect(text).toContain('<a href="https://example.org/policy/12" rel="noopener noreferrer">查看原文</a>')
  })

  it('never lets a script, an event handler or a javascript: link from content reach a page', async () => {
    const evil = await create('announcements', {
      title: '<img src=x onerror=alert(1)>停水通知',
      summary: '"><script>alert("summary")</script>',
      grids: [street.gridA1.id],
      body: doc(p('<script>alert(1)</script>'), p(link('https://example.org/ok', '正常链接'))),
      _status: 'published',
    })
    // The stored link is made hostile directly in the database, as an import or an old version could leave it:
    // the page must not rely on the editor's validation.
    const stored = (await payload.findByID({ collection: 'announcements', id: evil.id, overrideAccess: true, depth: 0 })) as unknown as {
      body: { root: { children: { children: { fields?: { url: string } }[] }[] } }
    }
    stored.body.root.children[1].children[0].fields!.url = 'javascript:alert(document.cookie)'
    await payload.db.updateOne({ collection: 'announcements', id: evil.id, data: { body: stored.body } })
    invalidateSiteCache() // a direct database write runs no hooks

    for (const path of [`/announcements/${evil.id}`, `/grids/A-01`]) {
      const { res, text: page } = await html(path)
      // The read-aloud script is the page's own; nothing else may look like one.
      const text = page.replace(SPEAK_SCRIPT, '')
      expect(res.status).toBe(200)
      expect(text).toContain('停水通知')
      expect(dangerousMarkup(text)).toEqual([])
      expect(text).not.toMatch(/<script/i)
      expect(text).not.toContain('javascript:')
    }
    const { text } = await html(`/announcements/${evil.id}`)
    expect(text).toContain('<p>正常链接</p>')
    expect(text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(text).toContain('&lt;img src=x onerror=alert(1)&gt;停水通知')
  })

  it('lists grids by community and shows a grid its own announcements only', async () => {
    const mine = await create('announcements', { title: '甲一网格的公告', grids: [street.gridA1.id], body: body('只给甲一'), _status: 'published' })
    await create('announcements', { title: '乙一网格的公告', grids: [street.gridB1.id], body: body('只给乙一'), _status: 'published' })
    await create('announcements', { title: '甲一网格的草稿', grids: [street.gridA1.id], body: body('草稿') })

    const grids = await html('/grids')
    expect(grids.text).toMatch(/甲社区[\s\S]*A-01 · 甲一网格[\s\S]*A-02 · 甲二网格[\s\S]*乙社区[\s\S]*B-01 · 乙一网格/)

    const a1 = await html('/grids/A-01')
    expect(a1.res.status).toBe(200)
    expect(a1.text).toContain('甲一网格的公告')
    expect(a1.text).not.toContain('乙一网格的公告')
    expect(a1.text).not.toContain('甲一网格的草稿')
    expect(a1.text).toContain('全街道内容')
    expect(a1.text).toContain('网格里的家')

    const b1 = await html('/grids/B-01')
    expect(b1.text).toContain('乙一网格的公告')
    expect(b1.text).not.toContain('甲一网格的公告')
    expect((await html('/')).text).not.toContain('甲一网格的公告')

    const page = await html(`/announcements/${mine.id}`)
    expect(page.text).toContain('<a href="/grids/A-01">A-01 · 甲一网格</a>')
    expect((await html('/grids/Z-99')).res.status).toBe(404)
  })

  it('shows a renamed grid and community at once on the grid list and the subscribe page', async () => {
    await html('/grids') // cached from here on
    await payload.update({ collection: 'grids', id: street.gridA2.id, data: { name: '甲二网格（新）' }, overrideAccess: true })
    await payload.update({ collection: 'communities', id: street.commB.id, data: { name: '乙社区（新）' }, overrideAccess: true })
    try {
      const grids = await html('/grids')
      expect(grids.text).toContain('A-02 · 甲二网格（新）')
      expect(grids.text).toContain('乙社区（新）')
      expect((await html('/subscribe')).text).toContain('甲二网格（新）')
    } finally {
      await payload.update({ collection: 'grids', id: street.gridA2.id, data: { name: '甲二网格' }, overrideAccess: true })
      await payload.update({ collection: 'communities', id: street.commB.id, data: { name: '乙社区' }, overrideAccess: true })
    }
  })

  it('names the grids an event concerns, and lists it only on those grids', async () => {
    const ev = await event('甲一乙一联合活动', { wholeStreet: false, grids: [street.gridA1.id, street.gridB1.id], summary: null, body: body('请两个网格的居民参加。') })
    const { text } = await html(`/events/${ev.id}`)
    expect(text).toContain('<dt>范围</dt><dd>A-01 · 甲一网格、B-01 · 乙一网格</dd>')
    // No summary: the share card describes it with the start of the body.
    expect(metaContent(text, 'og:description')).toBe('请两个网格的居民参加。')
    expect((await html('/grids/A-01')).text).toContain('甲一乙一联合活动')
    expect((await html('/grids/B-01')).text).toContain('甲一乙一联合活动')
    expect((await html('/grids/A-02')).text).not.toContain('甲一乙一联合活动')
  })

  it('puts urgent street-wide content first on the home page', async () => {
    await event('紧急：明日停电', { urgent: true, summary: '明日 8:00–12:00 停电。' })
    const { text } = await html('/')
    expect(text).toContain('紧急：明日停电')
    const urgentAt = text.indexOf('class="urgent-list"')
    expect(urgentAt).toBeGreaterThan(-1)
    expect(urgentAt).toBeLessThan(text.indexOf('紧急：明日停电'))
    expect(text.indexOf('紧急：明日停电')).toBeLessThan(text.indexOf('最新一期'))
    expect(metaContent(text, 'og:type')).toBe('website')
  })

  it('answers 404, never 500, for ids this database cannot have', async () => {
    const paths = [
      '/events/abc',
      '/events/0',
      '/events/-1',
      '/events/1.5',
      '/events/1e3',
      '/events/99999999999999999999999',
      `/events/${'9'.repeat(400)}`,
      '/policies/%00',
      '/events/%E0%A4%A',
      '/issues/%FF',
      '/grids/%FF',
      '/preview/events/%FF',
      '/policies/%27%20OR%201%3D1',
      '/announcements/ffffffffffffffffffffffff',
      '/announcements/123456',
      '/issues/-1',
      '/issues/0',
      '/issues/abc',
      '/issues/99999999999999999999',
      '/issues/4294967296',
      '/issues/999999',
      '/grids/%3Cscript%3E',
      '/preview/issues/abc',
      '/preview/users/1',
    ]
    for (const path of paths) {
      const { res, text } = await html(path)
      expect(res.status, path).toBe(404)
      expect(text, path).toContain('页面不存在')
      expect(res.headers.get('cache-control'), path).toBe('no-store')
    }
  })

  it('reads both id types: the id this database gave', async () => {
    const ev = await event('按编号访问')
    expect(typeof ev.id).toBe(onMongoLeg() ? 'string' : 'number')
    expect((await html(`/events/${ev.id}`)).res.status).toBe(200)
    if (onMongoLeg()) expect((await html(`/events/${String(ev.id).toUpperCase()}`)).res.status).toBe(200)
  })

  describe('large-text mode without JavaScript', () => {
    it('sets a cookie and goes back to the same page, which then renders large', async () => {
      const path = `/issues/${issue.number}`
      const res = await site.get(`/text-size?size=large&back=${encodeURIComponent(path)}`)
      expect(res.status).toBe(303)
      expect(res.headers.get('location')).toBe(path)
      const cookie = res.headers.get('set-cookie') ?? ''
      expect(cookie).toMatch(/^sn_text=large; Path=\/; Max-Age=\d+; SameSite=Lax; HttpOnly/)

      const normal = await html(path)
      const large = await html(path, { headers: { Cookie: 'other=1; sn_text=large' } })
      expect(large.text).toContain('<html lang="zh-CN" class="lt">')
      expect(large.text).toContain(`<a class="mode-switch textsize" href="/text-size?size=normal&amp;back=${encodeURIComponent(path)}"`)
      expect(normal.text).toContain('<html lang="zh-CN">')
      expect(large.res.headers.get('etag')).not.toBe(normal.res.headers.get('etag'))
      expect(large.res.headers.get('vary')).toBe('Cookie')

      const back = await site.get(`/text-size?size=normal&back=/`)
      expect(back.headers.get('set-cookie')).toMatch(/^sn_text=; Path=\/; Max-Age=0/)
    })

    it('never redirects off the site', async () => {
      for (const target of [
        'https://evil.example/',
        '//evil.example/',
        '/\\evil.example',
        '\\\\evil.example',
        'javascript:alert(1)',
        '/%0d%0aSet-Cookie:x=1',
        'evil.example',
        '',
      ]) {
        const res = await site.get(`/text-size?size=large&back=${encodeURIComponent(target)}`)
        expect(res.status, target).toBe(303)
        const location = res.headers.get('location') ?? ''
        expect(location, target).toMatch(/^\/(?![/\\])/)
        expect(new URL(location, site.base).origin, target).toBe(site.base)
        expect(location, target).not.toContain('evil')
      }
      const res = await site.get(`/text-size?size=large&back=/issues&back=//evil.example`)
      expect(res.headers.get('location')).toBe('/')
    })
  })

  describe('staff preview', () => {
    const tokenOf = async (email: string) => {
      const { token } = await payload.login({ collection: 'users', data: { email, password: PASSWORD } })
      return token!
    }
    // A browser navigating from the admin sends Sec-Fetch-Site; Payload accepts the cookie only with it.
    const asStaff = (token: string, site = 'same-origin') => ({ headers: { Cookie: `payload-token=${token}`, 'Sec-Fetch-Site': site } })

    it('refuses an anonymous request and shows no draft', async () => {
      const { res, text } = await html(`/preview/issues/${draftIssue.id}`)
      expect(res.status).toBe(302)
      expect(res.headers.get('location')).toBe(`/admin/login?redirect=${encodeURIComponent(`/preview/issues/${draftIssue.id}`)}`)
      expect(res.headers.get('cache-control')).toBe('no-store')
      expect(text).not.toContain('尚未发布的一期')
    })

    it('refuses a forged token and a cross-site request carrying the cookie', async () => {
      const forged = await html(`/preview/issues/${draftIssue.id}`, asStaff('eyJhbGciOiJIUzI1NiJ9.eyJpZCI6MX0.bad'))
      expect(forged.res.status).toBe(302)
      const token = await tokenOf('editor@test.local')
      const crossSite = await html(`/preview/issues/${draftIssue.id}`, asStaff(token, 'cross-site'))
      expect(crossSite.res.status).toBe(302)
      expect(crossSite.text).not.toContain('尚未发布的一期')
    })

    it('shows an editor the exact page of the draft, with the banner, never cached', async () => {
      const token = await tokenOf('editor@test.local')
      const { res, text } = await html(`/preview/issues/${draftIssue.id}`, asStaff(token))
      expect(res.status).toBe(200)
      expect(res.headers.get('cache-control')).toBe('no-store')
      expect(res.headers.get('etag')).toBeNull()
      expect(text).toContain('预览 — 尚未发布')
      expect(text).toContain('尚未发布的一期')
      expect(text).toContain('草稿正文')
      expect(text).toContain('<meta name="robots" content="noindex">')

      // A draft saved over a published content: the preview shows the draft, the public page the published one.
      await payload.update({ collection: 'issues', id: issue.id, data: { title: '网格里的家（修改稿）' }, draft: true, overrideAccess: true })
      expect((await html(`/preview/issues/${issue.id}`, asStaff(token))).text).toContain('网格里的家（修改稿）')
      const pub = await html(`/issues/${issue.number}`)
      expect(pub.text).toContain('网格里的家')
      expect(pub.text).not.toContain('修改稿')
    })

    it('applies access rules: a grid leader previews their own announcement, not an issue', async () => {
      const token = await tokenOf('leader-a@test.local')
      const denied = await html(`/preview/issues/${draftIssue.id}`, asStaff(token))
      expect(denied.res.status).toBe(403)
      expect(denied.text).toContain('无权查看')
      expect(denied.text).not.toContain('尚未发布的一期')

      const own = await create('announcements', { title: '甲一待审公告', grids: [street.gridA1.id], body: body('待审正文') })
      const ok = await html(`/preview/announcements/${own.id}`, asStaff(token))
      expect(ok.res.status).toBe(200)
      expect(ok.text).toContain('甲一待审公告')

      const foreign = await create('announcements', { title: '乙一待审公告', grids: [street.gridB1.id], body: body('乙一正文') })
      const refused = await html(`/preview/announcements/${foreign.id}`, asStaff(token))
      expect([403, 404]).toContain(refused.res.status)
      expect(refused.text).not.toContain('乙一待审公告')
    })
  })
})
