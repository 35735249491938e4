import type { Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { runQueue } from '../../src/jobs/runner'
import { readBuffer } from '../../src/readership/buffer'
import { changeRelayLink, relayPath, relayToken } from '../../src/relay/links'
import { RELAY_RULE } from '../../src/site/relay'
import { body, type Id } from '../support/fixtures'
import { testPayload } from '../support/payload'
import { staffMailIdle } from '../../src/server/staffMailer'
import { Client, inputValue, mailsTo, setUpStreet, startWorld, stopWorld, textOf, type World } from '../subscribe/support'

/**
 * Building heads' links and 我的楼栋 (issue 18) over HTTP against the Express
 * app, as WeChat's browser without JavaScript would use them: links made,
 * revoked (404) and reissued, the grid's notices urgent first and not another
 * grid's, confirmations stored, bounded, corrected the same day and refused
 * after, CSRF, the per-link rate limit, and reads through a building's share
 * link attributed to the grid and the building.
 */
let payload: Payload
let w: World
let codes: { b3: string; b5: string; b12: string }
const WECHAT = 'Mozilla/5.0 (Linux; Android 12; Pixel 6) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36 MicroMessenger/8.0.47'
const ago = (ms: number) => new Date(Date.now() - ms).toISOString()
const create = async (collection: string, data: Record<string, unknown>) =>
  (await payload.create({ collection: collection as never, data: { _status: 'published', ...data } as never, overrideAccess: true })) as unknown as { id: Id }
let urgentA: { id: Id }
let plainA: { id: Id }

beforeAll(async () => {
  payload = await testPayload()
  const street = await setUpStreet(payload)
  w = await startWorld(payload, street)
  const gridA = (await payload.findByID({ collection: 'grids', id: street.gridA1.id, overrideAccess: true, depth: 0 })) as unknown as { buildings: { id: string; code: string }[] }
  await payload.update({
    collection: 'grids',
    id: street.gridA1.id,
    data: { buildings: gridA.buildings.map((b, i) => ({ ...b, households: i ? 30 : 24, head: i ? '李阿姨' : '王大伯', headPhone: '13800000000' })) } as never,
    overrideAccess: true,
  })
  const gridB = (await payload.findByID({ collection: 'grids', id: street.gridB1.id, overrideAccess: true, depth: 0 })) as unknown as { buildings: { code: string }[] }
  codes = { b3: gridA.buildings[0].code, b5: gridA.buildings[1].code, b12: gridB.buildings[0].code }
  plainA = await create('announcements', { title: '甲一楼道清理通知', grids: [street.gridA1.id], summary: '周六上午清理楼道杂物。', body: body('正文'), publishedAt: ago(3600_000) })
  urgentA = await create('announcements', { title: '甲一紧急停水', grids: [street.gridA1.id], urgent: true, summary: '明日停水，请储水。', body: body('正文'), publishedAt: ago(2 * 3600_000) })
  await create('announcements', { title: '乙一网格公告', grids: [street.gridB1.id], body: body('正文'), publishedAt: ago(1800_000) })
})
afterAll(async () => {
  if (w) await stopWorld(w)
})

const linkPath = (link: string) => new URL(link).pathname

describe('a building head’s link', () => {
  it('is made, revoked (the old link answers 404) and reissued with a new version after a handover', async () => {
    const made = (await changeRelayLink(payload, undefined, codes.b3, 'issue'))!
    const client = new Client(w.site.base)
    expect((await client.get(linkPath(made.link!))).status).toBe(200)

    await changeRelayLink(payload, undefined, codes.b3, 'revoke')
    expect((await client.get(linkPath(made.link!))).status).toBe(404)

    const again = (await changeRelayLink(payload, undefined, codes.b3, 'issue', { head: '王大伯', headPhone: '13800000000', consent: true }))!
    expect(again.link).not.toBe(made.link)
    expect((await client.get(linkPath(made.link!))).status).toBe(404)
    expect((await client.get(linkPath(again.link!))).status).toBe(200)
    expect(again.building.headConsent).toBe(true)
    // A link signed for a version never issued, or forged, is no link.
    expect((await client.get(relayPath(relayToken(codes.b3, 99)))).status).toBe(404)
    expect((await client.get(`${relayPath(relayToken(codes.b3, 2))}x`)).status).toBe(404)
  })
})

describe('我的楼栋', () => {
  let path: string
  let client: Client
  beforeAll(async () => {
    path = linkPath((await changeRelayLink(payload, undefined, codes.b5, 'issue'))!.link!)
    client = new Client(w.site.base, '10.0.0.5')
  })

  it('shows the grid’s notices, urgent first, not another grid’s, with building share links and the warning', async () => {
    const page = await client.get(path)
    expect(page.status).toBe(200)
    expect(page.res.headers.get('cache-control')).toContain('no-store')
    const text = textOf(page.html)
    expect(text).toContain('请勿转发此链接')
    expect(text).toContain('我的楼栋')
    expect(text.indexOf('甲一紧急停水')).toBeGreaterThan(-1)
    expect(text.indexOf('甲一紧急停水')).toBeLessThan(text.indexOf('甲一楼道清理通知'))
    expect(text).not.toContain('乙一网格公告')
    // The forwarding text carries a share link, never the head's own link.
    const area = /<textarea[^>]*>([^<]*)<\/textarea>/.exec(page.html)![1]
    expect(area).toContain('/t/c/')
    expect(area).not.toContain('/relay/')
    expect(page.html).toContain('<svg')
  })

  it('stores confirmations, bounds the households, corrects the same day and refuses the next day', async () => {
    const page = await client.get(path)
    const csrf = inputValue(page.html, 'csrf')!
    const fields = (what: string, extra: Record<string, string> = {}) => ({ csrf, type: 'announcements', id: String(urgentA.id), what, ...extra })

    expect((await client.post(path, fields('relayed', { value: '1' }))).status).toBe(303)
    expect((await client.post(path, fields('doors', { households: '12' }))).status).toBe(303)
    const find = async () =>
      (await payload.find({ collection: 'relay-confirmations', where: { building: { equals: codes.b5 } }, overrideAccess: true })).docs as unknown as Record<string, unknown>[]
    let [row] = await find()
    expect(row).toMatchObject({ contentType: 'announcements', contentId: String(urgentA.id), building: codes.b5, head: '李阿姨', doorHouseholds: 12 })
    expect(row.relayedAt).toBeTruthy()
    expect(row.doorsAt).toBeTruthy()

    // Beyond the building's 30 households, negative, not a whole number: refused naming the field.
    for (const bad of ['31', '-1', '2.5', '十']) {
      const r = await client.post(path, fields('doors', { households: bad }))
      expect(r.status).toBe(400)
      expect(textOf(r.html)).toContain('“已入户告知户数”须为 0 到 30 之间的整数')
    }
    // Corrected the same day.
    expect((await client.post(path, fields('doors', { households: '30' }))).status).toBe(303)
    expect((await client.post(path, fields('relayed', { value: '0' }))).status).toBe(303)
    ;[row] = await find()
    expect(row.doorHouseholds).toBe(30)
    expect(row.relayedAt).toBeNull()

    // A confirmation of yesterday stands.
    await payload.update({ collection: 'relay-confirmations', id: row.id as Id, data: { doorsAt: ago(30 * 3600_000) } as never, overrideAccess: true })
    const late = await client.post(path, fields('doors', { households: '5' }))
    expect(late.status).toBe(409)
    expect(textOf(late.html)).toContain('只能在当天更正')
    ;[row] = await find()
    expect(row.doorHouseholds).toBe(30)

    // Not a notice of this building's page.
    const other = await client.post(path, { ...fields('posted', { value: '1' }), id: '999999' })
    expect(other.status).toBe(400)
  })

  it('refuses a form without this browser’s CSRF token', async () => {
    const stranger = new Client(w.site.base, '10.0.0.6')
    const r = await stranger.post(path, { csrf: 'x'.repeat(43), type: 'announcements', id: String(plainA.id), what: 'posted', value: '1' })
    expect(r.status).toBe(403)
    const rows = (await payload.find({ collection: 'relay-confirmations', where: { contentId: { equals: String(plainA.id) } }, overrideAccess: true })).docs
    expect(rows).toHaveLength(0)
  })

  it('is rate-limited per link', async () => {
    const limited = linkPath((await changeRelayLink(payload, undefined, codes.b12, 'issue'))!.link!)
    const c = new Client(w.site.base, '10.0.0.7')
    // The limit is a fixed window: start the requests in a window that will not end under them.
    const left = RELAY_RULE.windowMs - (Date.now() % RELAY_RULE.windowMs)
    if (left < 40_000) await new Promise((r) => setTimeout(r, left + 200))
    const statuses: number[] = []
    for (let i = 0; i < RELAY_RULE.limit + 1; i++) statuses.push((await c.get(`${limited}/poster/announcements/1`)).status)
    expect(statuses.slice(0, RELAY_RULE.limit).every((s) => s !== 429)).toBe(true)
    expect(statuses[RELAY_RULE.limit]).toBe(429)
    // Another link is not limited by it.
    expect((await c.get(path)).status).toBe(200)
  }, 90_000)

  it('attributes a read through the building share link to the grid and the building', async () => {
    const page = await client.get(path)
    const link = /<textarea[^>]*>[^<]*?(http[^\s<]+\/t\/c\/[^\s<]+)/.exec(page.html)![1]
    const reader = new Client(w.site.base, '10.0.0.9')
    const hop = await reader.get(new URL(link).pathname, { 'user-agent': WECHAT })
    expect(hop.status).toBe(302)
    const to = new URL(hop.res.headers.get('location')!)
    expect((await reader.get(to.pathname + to.search, { 'user-agent': WECHAT })).status).toBe(200)
    await readBuffer(payload).flush()
    const events = (await payload.db.find({ collection: 'read-events', where: { building: { equals: codes.b5 } }, limit: 10 })).docs as unknown as Record<string, unknown>[]
    expect(events.length).toBeGreaterThan(0)
    expect(events[0]).toMatchObject({ grid: String(w.street.gridA1.id), building: codes.b5, channel: 'share' })
  })
})

describe('heads told on publication (the job the publish queues)', () => {
  it('emails the head of each building of the grid their link; another grid’s notice does not', async () => {
    // The jobs the earlier publications queued run first, before 5栋's head gave an email and consent.
    await runQueue(payload, 'default')
    const issued = (await changeRelayLink(payload, undefined, codes.b5, 'issue', { headEmail: 'li@street.test', consent: true }))!
    const before = mailsTo(w.smtp, 'li@street.test').length
    await create('announcements', { title: '甲一网格消防检查', grids: [w.street.gridA1.id], summary: '周日消防检查。', body: body('正文') })
    // The publish queued the job; the scheduler's runner tells the heads (src/jobs/relayTell.ts).
    await runQueue(payload, 'default')
    await staffMailIdle()
    await w.smtp.waitFor(before + 1, 15_000)
    const mails = mailsTo(w.smtp, 'li@street.test')
    expect(mails).toHaveLength(before + 1)
    const mail = mails.at(-1)!
    expect(mail.parsed?.subject).toContain('甲一网格消防检查')
    expect(mail.parsed?.text).toContain(issued.link!)
    expect(mail.parsed?.text).toContain('请勿转发')

    await create('announcements', { title: '乙一网格停车通知', grids: [w.street.gridB1.id], body: body('正文') })
    await runQueue(payload, 'default')
    await staffMailIdle()
    expect(mailsTo(w.smtp, 'li@street.test')).toHaveLength(before + 1)
  })
})
