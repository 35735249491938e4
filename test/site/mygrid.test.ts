import type { Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { shareLink } from '../../src/delivery/links'
import { preferencesToken } from '../../src/subscribers/service'
import { paths } from '../../src/templates/paths'
import { addSubscribers } from '../delivery/support'
import { body, type Id } from '../support/fixtures'
import { testPayload } from '../support/payload'
import { Client, pathOf, setUpStreet, startWorld, stopWorld, subscribeAs, textOf, type World } from '../subscribe/support'

/**
 * 我的网格 over HTTP against the Express app: the grid list and a grid's page
 * (buildings, grid leader, the work phone only when the leader shows it,
 * subscribe preset), the remembered grid's cookie from each way it is set,
 * the urgent banner on other pages (the grid's and the street's), the home
 * page's section, forgetting it, and no redirect off the site.
 */
let payload: Payload
let w: World
let ipCounter = 1
const client = () => new Client(w.site.base, `198.51.100.${ipCounter++}`)

const COOKIE = /^sn_mygrid=([^;]*); Max-Age=(\d+); Path=\/; SameSite=Lax; HttpOnly/
const myGridCookieOf = (res: Response) => res.headers.getSetCookie().find((c) => c.startsWith('sn_mygrid='))

const create = async (collection: string, data: Record<string, unknown>) =>
  (await payload.create({ collection: collection as never, data: data as never, overrideAccess: true })) as unknown as { id: Id }
const announce = (title: string, grid: Id, extra: Record<string, unknown> = {}) =>
  create('announcements', { title, grids: [grid], body: body(`${title}正文`), _status: 'published', ...extra })

beforeAll(async () => {
  payload = await testPayload()
  const street = await setUpStreet(payload)
  await payload.update({ collection: 'users', id: street.leaderA.id, data: { name: '黄建华', workPhone: '138-0000-9876' }, overrideAccess: true })
  w = await startWorld(payload, street)
})
afterAll(async () => {
  if (w) await stopWorld(w)
})

describe('grid list and grid page', () => {
  it('lists grids by community, each with its estates', async () => {
    const { status, html } = await client().get('/grids')
    expect(status).toBe(200)
    expect(textOf(html)).toMatch(/甲社区 2 个网格 A-01 · 甲一网格 小区：碧湖小区 A-02 · 甲二网格 乙社区 1 个网格 B-01 · 乙一网格 小区：江滨花园/)
  })

  it('shows its buildings, its leader, a subscribe button for the grid and urgent announcements first; the work phone only once the leader shows it', async () => {
    await announce('甲一普通公告', w.street.gridA1.id)
    await announce('甲一紧急公告', w.street.gridA1.id, { urgent: true })
    const c = client()
    const { status, html } = await c.get('/grids/A-01')
    expect(status).toBe(200)
    const text = textOf(html)
    expect(html).toContain('<dt>碧湖小区</dt><dd>3栋、5栋</dd>')
    expect(text).toContain('网格长 黄建华')
    expect(html).toContain('<a class="button" href="/subscribe?grid=A-01">订阅本网格的消息</a>')
    expect(html).toContain('href="/mygrid/set?grid=A-01"')
    expect(text.indexOf('甲一紧急公告')).toBeLessThan(text.indexOf('甲一普通公告'))
    // Not shown: neither the number nor a tel: link.
    expect(html).not.toContain('9876')
    expect(html).not.toContain('tel:138')

    // The leader ticks it on their own account (their access, not an admin's): the cached page changes at once.
    const leader = { ...w.street.leaderA, collection: 'users' as const }
    await payload.update({ collection: 'users', id: leader.id, data: { showWorkPhone: true }, user: leader as never, overrideAccess: false })
    const shown = await c.get('/grids/A-01')
    expect(shown.html).toContain('<span class="leader-phone">工作电话 <a href="tel:13800009876">138-0000-9876</a></span>')
    // Another grid's page shows nobody else's leader.
    expect((await c.get('/grids/A-02')).html).not.toContain('黄建华')

    await payload.update({ collection: 'users', id: leader.id, data: { showWorkPhone: false }, user: leader as never, overrideAccess: false })
    expect((await c.get('/grids/A-01')).html).not.toContain('tel:138')
  })

  it('refuses the work phone fields to other staff', async () => {
    const other = { ...w.street.leaderB, collection: 'users' as const }
    await expect(
      payload.update({ collection: 'users', id: w.street.leaderA.id, data: { showWorkPhone: true }, user: other as never, overrideAccess: false }),
    ).rejects.toThrow()
  })
})

describe('the remembered grid', () => {
  it('is set by 设为我的网格 on a grid page, without JavaScript, and the home page then shows 我的网格', async () => {
    const c = client()
    const res = await c.get('/mygrid/set?grid=A-01')
    expect(res.status).toBe(303)
    expect(res.res.headers.get('location')).toBe('/')
    expect(myGridCookieOf(res.res)).toMatch(COOKIE)
    expect(COOKIE.exec(myGridCookieOf(res.res)!)!.slice(1)).toEqual(['A-01', String(180 * 24 * 3600)])
    const home = await c.get('/')
    const text = textOf(home.html)
    expect(text).toContain('我的网格：A-01 · 甲一网格')
    expect(text).toContain('甲一普通公告')
    expect(text).toContain('不是我的网格？更换')
    expect(home.html).toContain('<a class="button" href="/grids/A-01">进入本网格页面</a>')
    // Served again from the cache before Express: still this grid's.
    expect(textOf((await c.get('/')).html)).toContain('我的网格：A-01 · 甲一网格')
    // Another visitor, without the cookie, gets no such section.
    expect(textOf((await client().get('/')).html)).not.toContain('我的网格')
  })

  it('is set by subscribing (the grid asked for) and by the preferences page (the subscriber’s grid)', async () => {
    const c = client()
    const sent = await subscribeAs(c, { email: 'mygrid@example.org', grid: 'A-02' })
    expect(sent.status).toBe(200)
    expect(COOKIE.exec(myGridCookieOf(sent.res) ?? '')?.[1]).toBe('A-02')
    // The subscribe form then has that grid chosen.
    expect((await c.get('/subscribe')).html).toContain('<option value="A-02" selected>')

    const [s] = await addSubscribers(payload, 1, { grid: w.street.gridB1.id, prefix: 'mygrid-prefs-' })
    const prefs = await client().get(paths.preferences(preferencesToken(s.ref)))
    expect(prefs.status).toBe(200)
    expect(COOKIE.exec(myGridCookieOf(prefs.res) ?? '')?.[1]).toBe('B-01')
  })

  it('is set by a share link made for a grid, unless the browser remembers one already', async () => {
    const a = await announce('转发到乙一群的公告', w.street.gridB1.id)
    const link = shareLink('announcements', a.id, w.street.gridB1.id, '')
    const c = client()
    const hop = await c.get(link)
    expect(hop.status).toBe(302)
    const landing = await c.get(pathOf(hop.res.headers.get('location')!))
    expect(landing.status).toBe(200)
    expect(COOKIE.exec(myGridCookieOf(landing.res) ?? '')?.[1]).toBe('B-01')
    expect(landing.res.headers.get('cache-control')).toBe('no-store')

    const chosen = client()
    await chosen.get('/mygrid/set?grid=A-01')
    const again = await chosen.get(pathOf((await chosen.get(link)).res.headers.get('location')!))
    expect(again.status).toBe(200)
    expect(myGridCookieOf(again.res)).toBeUndefined()
    expect(chosen.cookies.get('sn_mygrid')).toBe('A-01')
  })

  it('shows its grid’s urgent notice as a banner on every page until it is withdrawn or expires, and the street’s to everyone', async () => {
    const urgent = await announce('甲一紧急：明日停水', w.street.gridA1.id, { urgent: true, summary: '明日停水。' })
    await announce('甲一过期紧急通知', w.street.gridA1.id, { urgent: true, publishedAt: new Date(Date.now() - 8 * 86400_000).toISOString() })
    const policy = await create('policies', { title: '普通政策', issuingBody: '市民政局', summary: '解读。', body: body('正文'), _status: 'published' })
    const mine = client()
    await mine.get('/mygrid/set?grid=A-01')
    const other = client()
    await other.get('/mygrid/set?grid=B-01')

    for (const path of [`/policies/${policy.id}`, '/issues', '/grids', '/subscribe', '/events/abc', '/']) {
      for (let i = 0; i < 2; i++) {
        const page = await mine.get(path)
        expect(page.html, path).toContain('class="urgent-banner"')
        expect(page.html, path).toContain(`<a href="/announcements/${urgent.id}">甲一紧急：明日停水</a>`)
        expect(textOf(page.html), path).toContain('紧急 A-01 · 甲一网格紧急通知：')
        expect(page.html, path).not.toContain('甲一过期紧急通知')
      }
      expect((await other.get(path)).html, path).not.toContain('甲一紧急：明日停水')
      expect((await client().get(path)).html, path).not.toContain('urgent-banner')
    }

    // A street-wide urgent notice: a banner for everyone, with or without a grid.
    const event = await create('events', {
      title: '全街道紧急：今晚停电',
      startsAt: new Date(Date.now() + 86400_000).toISOString(),
      location: '全街道',
      wholeStreet: true,
      urgent: true,
      body: body('停电'),
      _status: 'published',
    })
    for (const c of [client(), other, mine]) {
      const page = await c.get(`/policies/${policy.id}`)
      expect(page.html).toContain(`<a href="/events/${event.id}">全街道紧急：今晚停电</a>`)
      expect(textOf(page.html)).toContain('全街道紧急通知：')
    }

    // Withdrawn: gone from the banner at once.
    await payload.update({ collection: 'announcements', id: urgent.id, data: { _status: 'draft' }, overrideAccess: true })
    expect((await mine.get(`/policies/${policy.id}`)).html).not.toContain('甲一紧急：明日停水')
    await payload.update({ collection: 'events', id: event.id, data: { _status: 'draft' }, overrideAccess: true })
    expect((await client().get(`/policies/${policy.id}`)).html).not.toContain('urgent-banner')
  })

  it('shows a new urgent notice on the first page after its publication, also when reading it takes longer than the cache’s second sweep', async () => {
    const urgent = await announce('甲一紧急：燃气检修', w.street.gridA1.id, { urgent: true })
    const mine = client()
    await mine.get('/mygrid/set?grid=A-01')
    // The publication's second invalidation comes 1.5 s after it (src/site/cache.ts): a banner produced from a
    // read slower than that was dropped, and the page, filled from the cache, went without it.
    const find = payload.find.bind(payload)
    payload.find = (async (args: Parameters<typeof find>[0]) => {
      if (args.collection === 'announcements') await new Promise((resolve) => setTimeout(resolve, 2_000))
      return find(args)
    }) as typeof payload.find
    try {
      const page = await mine.get('/grids')
      expect(page.html).toContain(`<a href="/announcements/${urgent.id}">甲一紧急：燃气检修</a>`)
    } finally {
      payload.find = find
    }
  })

  it('is forgotten by 不再记住, and a code that names no grid is forgotten at the next page', async () => {
    const c = client()
    await c.get('/mygrid/set?grid=A-01')
    expect(c.cookies.get('sn_mygrid')).toBe('A-01')
    const forget = await c.get('/mygrid/forget')
    expect(forget.status).toBe(303)
    expect(forget.res.headers.get('location')).toBe('/')
    expect(myGridCookieOf(forget.res)).toMatch(/^sn_mygrid=; Max-Age=0; Path=\/; SameSite=Lax; HttpOnly/)
    expect(c.cookies.has('sn_mygrid')).toBe(false)
    expect(textOf((await c.get('/')).html)).not.toContain('我的网格：')

    const stale = await client().get('/', { cookie: 'sn_mygrid=ZZ-99' })
    expect(stale.status).toBe(200)
    expect(myGridCookieOf(stale.res)).toMatch(/^sn_mygrid=; Max-Age=0/)
    expect(textOf(stale.html)).not.toContain('我的网格：')
  })

  it('never redirects off the site, and sets nothing for a grid that does not exist', async () => {
    for (const target of ['https://evil.example/', '//evil.example/', '/\\evil.example', '\\\\evil.example', 'javascript:alert(1)', '/%0d%0aSet-Cookie:x=1', 'evil.example', '']) {
      for (const route of [`/mygrid/set?grid=A-01&back=${encodeURIComponent(target)}`, `/mygrid/forget?back=${encodeURIComponent(target)}`]) {
        const res = await client().get(route)
        expect(res.status, route).toBe(303)
        const location = res.res.headers.get('location') ?? ''
        expect(location, route).toMatch(/^\/(?![/\\])/)
        expect(new URL(location, w.site.base).origin, route).toBe(w.site.base)
        expect(location, route).not.toContain('evil')
      }
    }
    expect((await client().get('/mygrid/set?grid=A-01&back=/grids/A-01')).res.headers.get('location')).toBe('/grids/A-01')
    for (const code of ['ZZ-99', '<script>', 'A-01;x=1', '']) {
      const res = await client().get(`/mygrid/set?grid=${encodeURIComponent(code)}`)
      expect(res.status, code).toBe(303)
      expect(res.res.headers.get('location'), code).toBe('/grids')
      expect(myGridCookieOf(res.res), code).toBeUndefined()
    }
  })

  it('is explained on the privacy page', async () => {
    const text = textOf((await client().get('/privacy')).html)
    expect(text).toContain('sn_mygrid')
    expect(text).toContain('内容只有网格编号')
  })
})
