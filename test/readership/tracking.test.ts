import type { Payload } from 'payload'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'

import { messageLinks, shareLink, trackFor } from '../../src/delivery/links'
import { PIXEL } from '../../src/readership/routes'
import { readerKey, signTrack, targetHash } from '../../src/readership/tokens'
import { publicUrl } from '../../src/server/env'
import { publishIssue } from '../delivery/support'
import { testPayload } from '../support/payload'
import { body, smallStreet, type Id } from '../support/fixtures'
import { startSite, type Site } from '../site/support'
import { BROWSER, clearEvents, cookiesOf, storedEvents } from './support'

let payload: Payload
let site: Site
let street: Awaited<ReturnType<typeof smallStreet>>
let issue: { id: Id; number: number }
let policy: { id: Id }
const sub = { ref: 'resident-ref-0001', grid: 0 as Id, consents: [] }
const ua = { 'user-agent': BROWSER }
/** A path on the test site from one of our absolute links. */
const local = (url: string) => url.slice(publicUrl().length)

beforeAll(async () => {
  payload = await testPayload()
  street = await smallStreet(payload)
  sub.grid = street.gridA1.id
  issue = await publishIssue(payload, '第九期')
  policy = (await payload.create({
    collection: 'policies',
    data: { title: '养老补贴解读', issuingBody: '市民政局', summary: '解读', body: body('正文'), _status: 'published' } as never,
    overrideAccess: true,
  })) as unknown as { id: Id }
  site = await startSite(payload)
})
afterAll(async () => site?.close())
beforeEach(async () => clearEvents(payload))

describe('open pixel', () => {
  it('answers the GIF, never cached, and records an approximate open for the grid and reader', async () => {
    const links = messageLinks('issues', issue, sub)
    const res = await site.get(local(links.pixel), { headers: ua })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('image/gif')
    expect(res.headers.get('cache-control')).toContain('no-store')
    expect(Buffer.from(await res.arrayBuffer()).equals(PIXEL)).toBe(true)
    const events = await storedEvents(payload)
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({
      contentType: 'issues',
      contentId: String(issue.id),
      grid: String(street.gridA1.id),
      channel: 'email',
      kind: 'open',
      reader: readerKey('issues', String(issue.id), sub.ref),
    })
  })

  it('still answers the GIF for forged, altered, expired and wrong-purpose tokens, recording nothing', async () => {
    const t = trackFor('issues', issue, 'email', sub)
    const good = signTrack('open', t)
    const altered = good.slice(0, -3) + (good.at(-3) === 'A' ? 'B' : 'A') + good.slice(-2)
    const otherGrid = signTrack('open', t).replace(`.${String(street.gridA1.id)}.`, `.${String(street.gridB1.id)}.`)
    const expired = signTrack('open', t, { ttlSeconds: 1, now: Date.now() - 10_000 })
    const clickToken = signTrack('click', t)
    for (const token of [altered, otherGrid, expired, clickToken, 'garbage', 'e.i.1.2.....AAAAAAAAAAAAAAAA', '%00', 'a'.repeat(900)]) {
      const res = await site.get(`/t/o/${token}.gif`, { headers: ua })
      expect(res.status, token).toBe(200)
      expect(Buffer.from(await res.arrayBuffer()).equals(PIXEL)).toBe(true)
    }
    expect(await storedEvents(payload)).toHaveLength(0)
  })

  it('does not count bots, link scanners, HEAD or prefetches', async () => {
    const path = local(messageLinks('issues', issue, sub).pixel)
    const agents = ['', 'curl/8.5.0', 'Mozilla/5.0 (compatible; Googlebot/2.1)', 'Mozilla/5.0 (Windows NT 10.0) HeadlessChrome/120', 'python-requests/2.31', 'Mozilla/5.0 (compatible; Barracuda Sentinel)']
    for (const agent of agents) expect((await site.get(path, { headers: { 'user-agent': agent } })).status).toBe(200)
    expect((await site.get(path, { method: 'HEAD', headers: ua })).status).toBe(200)
    for (const h of [{ purpose: 'prefetch' }, { 'sec-purpose': 'prefetch;prerender' }, { 'x-moz': 'prefetch' }] as Record<string, string>[])
      expect((await site.get(path, { headers: { ...ua, ...h } })).status).toBe(200)
    expect(await storedEvents(payload)).toHaveLength(0)
    await site.get(path, { headers: ua })
    expect(await storedEvents(payload)).toHaveLength(1)
  })
})

describe('click redirect', () => {
  const external = 'https://gov.example.cn/notice?id=7&x=a b'

  it('goes to the link signed into the token and records a read', async () => {
    const url = messageLinks('policies', policy, sub).click(external)
    const res = await site.get(local(url), { headers: ua })
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toBe(new URL(external).href)
    const events = await storedEvents(payload)
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({ channel: 'email', kind: 'read', contentType: 'policies', grid: String(street.gridA1.id) })
  })

  it('a page of ours as target works too', async () => {
    const url = messageLinks('policies', policy, sub).click('/events')
    const res = await site.get(local(url), { headers: ua })
    expect(res.headers.get('location')).toBe(`${publicUrl()}/events`)
  })

  it('is never an open redirect: other targets go to the content page, recording nothing', async () => {
    const t = trackFor('policies', policy, 'email', sub)
    const contentPage = `${publicUrl()}/policies/${policy.id}`
    const token = signTrack('click', { ...t, target: targetHash(external) })
    const attempts = ['//evil.example', '/\\evil.example', 'https://evil.example', 'javascript:alert(1)', '%2F%2Fevil.example', 'https:%2F%2Fevil.example', `${external}#`, '']
    for (const u of attempts) {
      const res = await site.get(`/t/c/${token}?u=${encodeURIComponent(u)}`, { headers: ua })
      expect(res.status, u).toBe(302)
      expect(res.headers.get('location'), u).toBe(contentPage)
    }
    // Double-encoded and raw forms of the same attempts.
    for (const raw of ['//evil.example', '%252F%252Fevil.example', 'https://evil.example']) {
      const res = await site.get(`/t/c/${token}?u=${raw}`, { headers: ua })
      expect(res.headers.get('location')).toBe(contentPage)
    }
    // Even a token we signed for a dangerous URL does not send anyone there.
    for (const bad of ['javascript:alert(1)', '//evil.example', '/\\evil.example', 'data:text/html,x']) {
      const signed = signTrack('click', { ...t, target: targetHash(bad) })
      const res = await site.get(`/t/c/${signed}?u=${encodeURIComponent(bad)}`, { headers: ua })
      expect(res.headers.get('location'), bad).toBe(contentPage)
    }
    // A forged token: the home page.
    const forged = (await site.get(`/t/c/e.i.1.2.....AAAAAAAAAAAAAAAA?u=${encodeURIComponent(external)}`, { headers: ua })).headers.get('location')
    expect(forged).toBe(`${publicUrl()}/`)
    const expired = signTrack('click', { ...t, target: targetHash(external) }, { ttlSeconds: 1, now: Date.now() - 5000 })
    expect((await site.get(`/t/c/${expired}?u=${encodeURIComponent(external)}`, { headers: ua })).headers.get('location')).toBe(contentPage)
    expect(await storedEvents(payload)).toHaveLength(0)
  })
})

describe('page views', () => {
  it('a share link lands on the page with a read token; the view counts for the grid, once per browser by cookie', async () => {
    const link = shareLink('issues', issue.id, street.gridB1.id)
    const res = await site.get(local(link), { headers: ua })
    expect(res.status).toBe(302)
    const landing = res.headers.get('location')!
    expect(landing.startsWith(`${publicUrl()}/issues/${issue.number}?r=`)).toBe(true)
    expect(await storedEvents(payload)).toHaveLength(0)
    const page = await site.get(local(landing), { headers: ua })
    expect(page.status).toBe(200)
    const jar = cookiesOf(page)
    expect(jar).toMatch(/sn_rid=/)
    expect(jar).toMatch(/sn_grid=/)
    // Setting a cookie: not for shared caches.
    expect(page.headers.get('cache-control')).toBe('no-store')
    const again = await site.get(local(landing), { headers: { ...ua, cookie: jar } })
    expect(again.status).toBe(200)
    expect(again.headers.get('set-cookie')).toBeNull()
    expect(again.headers.get('cache-control')).toContain('public')
    const events = await storedEvents(payload)
    expect(events).toHaveLength(2)
    expect(events.map((e) => [e.channel, e.grid, e.kind])).toEqual([
      ['share', String(street.gridB1.id), 'read'],
      ['share', String(street.gridB1.id), 'read'],
    ])
    expect(events[0].reader).toBe(events[1].reader)
    // The grid cookie attributes a later plain visit of another content to the same grid.
    await site.get(`/policies/${policy.id}`, { headers: { ...ua, cookie: jar } })
    const later = (await storedEvents(payload)).at(-1)!
    expect(later).toMatchObject({ channel: 'site', grid: String(street.gridB1.id), contentType: 'policies' })
    expect(later.reader).not.toBe(events[0].reader)
  })

  it('an email link counts under email, the grid and the subscriber reader key; cached pages still answer 304', async () => {
    const links = messageLinks('issues', issue, sub)
    const first = await site.get(local(links.content), { headers: ua })
    expect(first.status).toBe(200)
    const jar = cookiesOf(first)
    // The subscriber's key counts them; the reader cookie marks this browser as the one the link was first opened in (its recipient's).
    expect(jar).toMatch(/sn_rid=/)
    expect(jar).toMatch(/sn_grid=/)
    const second = await site.get(local(links.content), { headers: { ...ua, cookie: jar } })
    const etag = second.headers.get('etag')
    expect(etag).toBeTruthy()
    const third = await site.get(local(links.content), { headers: { ...ua, cookie: jar, 'if-none-match': etag ?? '' } })
    expect(third.status).toBe(304)
    const events = await storedEvents(payload)
    expect(events).toHaveLength(3)
    for (const e of events) expect(e).toMatchObject({ channel: 'email', grid: String(street.gridA1.id), reader: readerKey('issues', String(issue.id), sub.ref) })
  })

  it('an anonymous reader counts as site with no grid; a read token of another content is ignored; bots do not count', async () => {
    await site.get(`/policies/${policy.id}`, { headers: ua })
    const otherContent = messageLinks('issues', issue, sub).content.split('?')[1]
    await site.get(`/policies/${policy.id}?${otherContent}`, { headers: ua })
    await site.get(`/policies/${policy.id}`, { headers: { 'user-agent': 'Mozilla/5.0 (compatible; bingbot/2.0)' } })
    await site.get(`/policies/${policy.id}`, { method: 'HEAD', headers: ua })
    await site.get(`/policies/${policy.id}`, { headers: { ...ua, 'sec-purpose': 'prefetch' } })
    await site.get('/policies', { headers: ua })
    await site.get('/policies/999999', { headers: ua })
    const events = await storedEvents(payload)
    expect(events.map((e) => [e.channel, e.grid, e.contentType])).toEqual([
      ['site', '', 'policies'],
      ['site', '', 'policies'],
    ])
  })
})

describe('readership you can trust', () => {
  const page = () => `/policies/${policy.id}`
  const readersOf = (events: { reader?: string | null }[]) => new Set(events.map((e) => e.reader)).size
  const withLimit = async (rule: string, fn: () => Promise<void>) => {
    process.env.READ_ANON_LIMIT = rule
    try {
      await fn()
    } finally {
      delete process.env.READ_ANON_LIMIT
    }
  }

  it('replaying one grid cookie without a reader cookie counts at most READ_ANON_LIMIT readers per address and window', async () => {
    // A resident arrives through the grid's share link: the browser gets a reader and a grid cookie.
    const landing = (await site.get(local(shareLink('policies', policy.id, street.gridB1.id)), { headers: ua })).headers.get('location')!
    const first = await site.get(local(landing), { headers: ua })
    const grid = cookiesOf(first).split('; ').find((c) => c.startsWith('sn_grid='))!
    await clearEvents(payload)
    await withLimit('10/600', async () => {
      // The grid cookie alone, 61 times, as the attacker replayed it.
      for (let i = 0; i < 61; i++) {
        const res = await site.get(page(), { headers: { ...ua, cookie: grid } })
        expect(res.status).toBe(200)
        // Over the limit: the page, no reader cookie (nothing to harvest), and nothing counted.
        if (i >= 10) expect(res.headers.get('set-cookie')).toBeNull()
      }
      const events = await storedEvents(payload)
      expect(events.every((e) => e.grid === String(street.gridB1.id) && e.channel === 'site')).toBe(true)
      expect(events).toHaveLength(10)
      expect(readersOf(events)).toBe(10)
    })
  })

  it('a made-up reader cookie is no identity; a genuine one replayed is one reader', async () => {
    await clearEvents(payload)
    await withLimit('5/600', async () => {
      const genuine = cookiesOf(await site.get(page(), { headers: ua }))
      expect(genuine).toMatch(/^sn_rid=/)
      for (let i = 0; i < 20; i++) {
        const madeUp = `sn_rid=${Buffer.from(`made-up-${i}-0123456789`).toString('base64url')}`
        expect((await site.get(page(), { headers: { ...ua, cookie: madeUp } })).status).toBe(200)
      }
      for (let i = 0; i < 20; i++) await site.get(page(), { headers: { ...ua, cookie: genuine } })
      const events = await storedEvents(payload)
      // The genuine browser's 21 reads are one reader; the made-up cookies took the address's 4 remaining new readers, no more.
      expect(events).toHaveLength(5 + 20)
      expect(readersOf(events)).toBe(5)
    })
  })

  it('the limit is per client address (behind a trusted proxy, the forwarded one)', async () => {
    const before = process.env.TRUST_PROXY
    process.env.TRUST_PROXY = 'loopback'
    const proxied = await startSite(payload)
    try {
      await clearEvents(payload)
      await withLimit('3/600', async () => {
        for (const address of ['198.51.100.7', '198.51.100.8', '2001:db8:1:2::10', '2001:db8:1:2::11', '2001:db8:1:3::10']) {
          for (let i = 0; i < 5; i++) await proxied.get(page(), { headers: { ...ua, 'x-forwarded-for': address } })
        }
        // 3 per IPv4 address; an IPv6 /64 is one client (2 addresses, 3 readers), another /64 its own 3.
        expect(await storedEvents(payload)).toHaveLength(3 + 3 + 3 + 3)
      })
    } finally {
      await proxied.close()
      if (before === undefined) delete process.env.TRUST_PROXY
      else process.env.TRUST_PROXY = before
    }
  })

  it('a forwarded personal link counts its recipient once, and every other browser as a reader of its own (passed on, not a recipient)', async () => {
    await clearEvents(payload)
    const resident = { ref: 'forwarded-ref-0002', grid: street.gridA1.id, consents: [] }
    const link = local(messageLinks('policies', policy, resident).content)
    const recipient = await site.get(link, { headers: ua })
    const jar = cookiesOf(recipient)
    // Forwarded to three neighbours, each in their own browser; the recipient opens it again later.
    const neighbours = []
    for (let i = 0; i < 3; i++) neighbours.push(cookiesOf(await site.get(link, { headers: ua })))
    await site.get(link, { headers: { ...ua, cookie: jar } })
    await site.get(link, { headers: { ...ua, cookie: neighbours[0] } })
    const events = await storedEvents(payload)
    const own = readerKey('policies', String(policy.id), resident.ref)
    expect(events.map((e) => [e.channel, e.reader === own])).toEqual([
      ['email', true],
      ['share', false],
      ['share', false],
      ['share', false],
      ['email', true],
      ['share', false],
    ])
    expect(events.every((e) => e.grid === String(street.gridA1.id))).toBe(true)
    expect(readersOf(events)).toBe(4)
    // The rollup: one reader through the message (the read rate's), four readers in all.
    const { rollupReadership } = await import('../../src/readership/rollup')
    await rollupReadership(payload)
    const { docs } = await payload.db.find({ collection: 'read-rollups', where: { and: [{ contentType: { equals: 'policies' } }, { contentId: { equals: String(policy.id) } }, { grid: { equals: String(street.gridA1.id) } }] }, limit: 0, pagination: false })
    const sum = (channel: string) => (docs as unknown as { channel: string; readers: number }[]).filter((d) => d.channel === channel).reduce((n, d) => n + d.readers, 0)
    expect(sum('messages')).toBe(1)
    expect(sum('all')).toBe(4)
  })
})

