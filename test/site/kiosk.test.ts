import fs from 'node:fs'

import type { Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { kioskData } from '../../src/content/kiosk'
import { readBuffer } from '../../src/readership/buffer'
import { flushKioskViews, kioskViewFigures } from '../../src/readership/kioskViews'
import { withOwnServiceWorker } from '../../src/server/securityHeaders'
import { streetDay } from '../../src/templates/format'
import { body, type Id } from '../support/fixtures'
import { testPayload } from '../support/payload'
import { setUpStreet, startWorld, stopWorld, textOf, type World } from '../subscribe/support'

/**
 * 惠民通 (/kiosk?community=CODE) over HTTP against the Express app: only the
 * community's grids and their announcements, the street's urgent content and
 * urgent announcements first, expired content left out, the grids' subscribe
 * QR codes, no link leaving the page, a Chinese 404 for an unknown community,
 * its own CSP, its weight, and views counted apart from readers.
 */
let payload: Payload
let w: World
const DAY = 86_400_000
const UA = 'Mozilla/5.0 (Linux; Android 12; Kiosk) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36'
const ago = (ms: number) => new Date(Date.now() - ms).toISOString()
const get = (path: string, headers: Record<string, string> = {}) => fetch(`${w.site.base}${path}`, { redirect: 'manual', headers: { 'user-agent': UA, ...headers } })

const create = async (collection: string, data: Record<string, unknown>) =>
  (await payload.create({ collection: collection as never, data: { _status: 'published', ...data } as never, overrideAccess: true })) as unknown as { id: Id }
const announce = (title: string, grid: Id, extra: Record<string, unknown> = {}) => create('announcements', { title, grids: [grid], body: body(`${title}正文`), ...extra })

beforeAll(async () => {
  payload = await testPayload()
  const street = await setUpStreet(payload)
  w = await startWorld(payload, street)
  const { gridA1, gridA2, gridB1 } = street
  await announce('甲一普通公告', gridA1.id, { publishedAt: ago(DAY) })
  await announce('甲二紧急停水', gridA2.id, { urgent: true, publishedAt: ago(3 * 3600_000), summary: '甲二网格明日停水，请提前储水。' })
  await announce('甲一过期紧急通知', gridA1.id, { urgent: true, publishedAt: ago(8 * DAY) })
  await announce('甲一旧公告', gridA1.id, { publishedAt: ago(40 * DAY) })
  await announce('乙一公告', gridB1.id, { urgent: true, publishedAt: ago(1800_000) })
  await create('policies', { title: '全街道紧急政策', issuingBody: '徐碧街道办事处', summary: '全街道紧急政策通俗解读。', urgent: true, body: body('全街道紧急政策正文'), publishedAt: ago(3600_000) })
  await create('policies', { title: '过期的紧急政策', issuingBody: '徐碧街道办事处', summary: '过期解读。', urgent: true, body: body('正文'), publishedAt: ago(9 * DAY) })
  const event = (title: string, startsAt: number, extra: Record<string, unknown> = {}) =>
    create('events', { title, location: '社区活动室', startsAt: new Date(Date.now() + startsAt).toISOString(), body: body(`${title}正文`), ...extra })
  await event('全街道健康讲座', 2 * DAY, { wholeStreet: true })
  await event('甲一网格议事会', 3 * DAY, { wholeStreet: false, grids: [gridA1.id] })
  await event('乙社区活动', 2 * DAY, { wholeStreet: false, grids: [gridB1.id] })
  await event('已结束活动', -3 * DAY, { wholeStreet: true, endsAt: new Date(Date.now() - 3 * DAY + 2 * 3600_000).toISOString() })
})
afterAll(async () => {
  if (w) await stopWorld(w)
})

describe('the kiosk data of a community', () => {
  it('holds only its grids, their announcements and the street’s urgent content, urgent first, expired left out', async () => {
    const data = (await kioskData(payload, 'A'))!
    expect(data.community.name).toBe('甲社区')
    expect(data.grids.map((g) => g.code)).toEqual(['A-01', 'A-02'])
    const titles = data.notices.map((n) => n.title)
    expect(new Set(titles)).toEqual(new Set(['甲二紧急停水', '全街道紧急政策', '甲一普通公告', '甲一过期紧急通知']))
    // The two urgent ones first (newest first), then the rest newest first: an urgent notice of last week is no longer urgent.
    expect(titles).toEqual(['全街道紧急政策', '甲二紧急停水', '甲一普通公告', '甲一过期紧急通知'])
    expect(data.notices.map((n) => n.urgent)).toEqual([true, true, false, false])
    expect(data.notices.find((n) => n.title === '甲二紧急停水')!.text).toBe('甲二紧急停水正文')
    expect(data.events.map((e) => e.title)).toEqual(['全街道健康讲座', '甲一网格议事会'])

    const b = (await kioskData(payload, 'B'))!
    expect(b.grids.map((g) => g.code)).toEqual(['B-01'])
    expect(b.notices.map((n) => n.title)).toEqual(['乙一公告', '全街道紧急政策'])
    expect(b.events.map((e) => e.title)).toEqual(['全街道健康讲座', '乙社区活动'])
    expect(await kioskData(payload, 'NOPE')).toBeNull()
  })
})

describe('the kiosk page', () => {
  it('shows the community’s notices, events and grid QR codes, links only inside itself, within 24 KB with its stylesheet', async () => {
    const res = await get('/kiosk?community=A')
    expect(res.status).toBe(200)
    const html = await res.text()
    const text = textOf(html)
    expect(text).toContain('甲社区 · 惠民通')
    for (const title of ['甲二紧急停水', '全街道紧急政策', '甲一普通公告', '全街道健康讲座', '甲一网格议事会']) expect(text).toContain(title)
    for (const title of ['乙一公告', '乙社区活动', '已结束活动', '甲一旧公告', '过期的紧急政策']) expect(text).not.toContain(title)
    expect(text.indexOf('全街道紧急政策')).toBeLessThan(text.indexOf('甲一普通公告'))
    expect(html).toContain('<img src="/kiosk/qr/A-01.svg"')
    expect(html).toContain('<img src="/kiosk/qr/A-02.svg"')
    expect(html).not.toContain('B-01')
    // Every link stays in the page; the item's text is there to open.
    const hrefs = [...html.matchAll(/<a [^>]*href="([^"]*)"/g)].map((m) => m[1])
    expect(hrefs.length).toBeGreaterThan(5)
    expect(hrefs.filter((h) => !h.startsWith('#'))).toEqual([])
    expect(html).toMatch(/<article id="i-announcements-[^"]+" class="k-view k-item">.*甲二紧急停水正文/)

    // The resident pages' policy (as on any page), with workers and fetches from this origin only.
    const csp = res.headers.get('content-security-policy')!
    const base = (await get('/grids')).headers.get('content-security-policy')!
    expect(csp).toBe(`${base}; worker-src 'self'; connect-src 'self'`)
    expect(csp).toContain("script-src 'self'")
    expect(csp).not.toMatch(/unsafe|\*/)
    expect(withOwnServiceWorker("default-src *; worker-src * blob:; connect-src https:; img-src 'self'")).toBe(
      "default-src *; img-src 'self'; worker-src 'self'; connect-src 'self'",
    )
    expect(res.headers.get('cache-control')).toBe('no-cache')
    expect(res.headers.get('set-cookie')).toBeNull()

    const cssHref = /<link rel="stylesheet" href="([^"]+)"/.exec(html)![1]
    const css = await (await get(cssHref)).text()
    expect(css).toContain('.k-view:target')
    expect(Buffer.byteLength(html) + Buffer.byteLength(css)).toBeLessThanOrEqual(24 * 1024)
    const script = await get('/js/kiosk.js')
    expect(script.status).toBe(200)
    expect(Buffer.byteLength(await script.text())).toBeLessThanOrEqual(6 * 1024)
    const worker = await get('/kiosk-sw.js')
    expect(worker.status).toBe(200)
    expect(worker.headers.get('cache-control')).toBe('no-cache')
    expect(worker.headers.get('content-security-policy')).toBe("default-src 'self'")
    expect(worker.headers.get('x-content-type-options')).toBe('nosniff')
    expect(worker.headers.get('content-type')).toMatch(/javascript/)
  })

  it('keeps within 24 KB with its stylesheet when a community has many long notices: the oldest give way, urgent ones stay', async () => {
    const community = await create('communities', { code: 'C', name: '丙社区' })
    const grid = await create('grids', { code: 'C-01', name: '丙一网格', community: community.id, households: 300 })
    const long = (n: number) => '本网格居民请注意，'.repeat(n)
    for (let i = 0; i < 12; i++) {
      await announce(`丙一网格第${i + 1}号通知：${long(4)}`, grid.id, {
        urgent: i === 0,
        summary: long(12),
        body: body(long(120)),
        publishedAt: ago((i + 1) * 3600_000),
      })
    }
    for (let i = 0; i < 8; i++) {
      await create('events', {
        title: `丙一网格第${i + 1}场活动：${long(4)}`,
        location: '丙社区活动室',
        summary: long(12),
        wholeStreet: false,
        grids: [grid.id],
        startsAt: new Date(Date.now() + (i + 1) * DAY).toISOString(),
        body: body(long(120)),
      })
    }
    const res = await get('/kiosk?community=C')
    expect(res.status).toBe(200)
    const html = await res.text()
    const css = await (await get(/<link rel="stylesheet" href="([^"]+)"/.exec(html)![1])).text()
    expect(Buffer.byteLength(html) + Buffer.byteLength(css)).toBeLessThanOrEqual(24 * 1024)
    expect(textOf(html)).toContain('丙一网格第1号通知')
    expect(html).toContain('丙一网格第1场活动')
    expect(html).not.toContain('丙一网格第12号通知')
    // Still a full screen's worth to rotate through.
    expect(html.match(/<li class="k-slide/g)!.length).toBeGreaterThanOrEqual(5)
  })

  it('takes its timing from the site settings (defaults until set)', async () => {
    const timing = async () => /<body [^>]*data-rotate="(\d+)" data-idle="(\d+)" data-refresh="(\d+)">/.exec(await (await get('/kiosk?community=B')).text())!.slice(1)
    expect(await timing()).toEqual(['12', '60', '300'])
    await payload.updateGlobal({ slug: 'site-settings', data: { kiosk: { rotateSeconds: 20, idleSeconds: 90, refreshMinutes: 10 } } as never, overrideAccess: true })
    await expect.poll(timing, { timeout: 5_000 }).toEqual(['20', '90', '600'])
  })

  it('serves each grid’s subscribe QR code, none for grids that do not exist', async () => {
    const qr = await get('/kiosk/qr/A-01.svg')
    expect(qr.status).toBe(200)
    expect(qr.headers.get('content-type')).toBe('image/svg+xml')
    expect(await qr.text()).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/)
    expect((await get('/kiosk/qr/ZZ-99.svg')).status).toBe(404)
    expect((await get('/kiosk/qr/A-01.png')).status).toBe(404)
  })

  it('answers an unknown or missing community with the Chinese 404', async () => {
    for (const path of ['/kiosk?community=NOPE', '/kiosk', '/kiosk?community=%3Cscript%3E', '/kiosk?community=A&community=B']) {
      const res = await get(path)
      expect(res.status, path).toBe(404)
      const html = await res.text()
      expect(html).toContain('<html lang="zh-CN"')
      expect(textOf(html)).toContain('页面不存在')
    }
  })

  it('counts views apart from readers: page loads (not its own refreshes) and opened items, never a read event', async () => {
    await readBuffer(payload).flush()
    const reads = async () => (await payload.db.count({ collection: 'read-events' as never })).totalDocs
    const before = await reads()
    await flushKioskViews(payload)
    const figures = async () => (await kioskViewFigures(payload, { community: 'A' })).find((f) => f.day === streetDay()) ?? { load: 0, open: 0 }
    const start = await figures()

    expect((await get('/kiosk?community=A')).status).toBe(200)
    expect((await get('/kiosk?community=A', { 'x-kiosk-refresh': '1' })).status).toBe(200)
    // A crawler is not a terminal.
    expect((await get('/kiosk?community=A', { 'user-agent': 'Baiduspider/2.0' })).status).toBe(200)
    const open = await fetch(`${w.site.base}/kiosk/open?community=A`, { method: 'POST', headers: { 'user-agent': UA } })
    expect(open.status).toBe(204)
    expect((await fetch(`${w.site.base}/kiosk/open?community=NOPE`, { method: 'POST', headers: { 'user-agent': UA } })).status).toBe(204)

    await flushKioskViews(payload)
    const end = await figures()
    expect({ load: end.load - start.load, open: end.open - start.open }).toEqual({ load: 1, open: 1 })
    expect((await kioskViewFigures(payload)).some((f) => f.community === 'NOPE')).toBe(false)
    // Written again (the same process's row, overwritten): still the same totals.
    await flushKioskViews(payload)
    expect(await figures()).toEqual(end)

    await readBuffer(payload).flush()
    expect(await reads()).toBe(before)
    expect(fs.existsSync('public/kiosk-sw.js')).toBe(true)
  })
})
