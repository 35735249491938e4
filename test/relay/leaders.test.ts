import { parse } from 'csv-parse/sync'
import type { Payload, PayloadRequest } from 'payload'
import { beforeAll, describe, expect, it } from 'vitest'

import { coverageBounds, type GridReach } from '../../src/readership/coverage'
import { buildingLinkReaders, relayReport } from '../../src/readership/relayCoverage'
import { rollupReadership } from '../../src/readership/rollup'
import { PASSWORD, smallStreet, type Id } from '../support/fixtures'
import { rest, tokenFor } from '../support/http'
import { testPayload } from '../support/payload'
import { A_BUILDINGS, confirm, publishedAnnouncement, publishedIssue, readers, type Street, withBuildings } from './support'

/**
 * The grid leaders' side of issue 18 through REST: the building list of a
 * content (statuses, heads' phones for the leader, overdue buildings), scoped
 * to the caller's grids; the leader's offline reach, bounded and audited;
 * the relay and coverage figures, equal to what coverage.ts computes from
 * the rows written; the CSV, scoped and audited.
 */
let payload: Payload
let street: Street
let issue: { type: string; id: Id }
let annA: { type: string; id: Id }
let tokens: Record<'editor' | 'staffA' | 'leaderA' | 'leaderB', string>
const HOUR = 3_600_000
const published = new Date(Date.now() - HOUR)

beforeAll(async () => {
  payload = await testPayload()
  street = await smallStreet(payload)
  await withBuildings(payload, street)
  issue = { type: 'issues', id: (await publishedIssue(payload, '第一期', published, { urgent: true })).id }
  annA = { type: 'announcements', id: (await publishedAnnouncement(payload, '甲一网格停水通知', street.gridA1.id, published, { urgent: true })).id }
  // A1-1 relayed and 12 households at the door; A1-2 posted only; A1-3 nothing yet; A1-4 has no head. B1-1 relayed.
  await confirm(payload, issue, street.gridA1.id, 'A1-1', { relayedAt: new Date(published.getTime() + 600_000), doorHouseholds: 12, head: '张三' })
  await confirm(payload, issue, street.gridA1.id, 'A1-2', { postedAt: new Date(published.getTime() + 900_000), head: '李四' })
  await confirm(payload, issue, street.gridB1.id, 'B1-1', { relayedAt: new Date(published.getTime() + 300_000), head: '赵六' })
  await readers(payload, issue, street.gridA1.id, 10)
  await readers(payload, issue, street.gridB1.id, 2)
  tokens = {
    editor: await tokenFor(payload, street.editor.email, PASSWORD),
    staffA: await tokenFor(payload, street.staffA.email, PASSWORD),
    leaderA: await tokenFor(payload, street.leaderA.email, PASSWORD),
    leaderB: await tokenFor(payload, street.leaderB.email, PASSWORD),
  }
}, 120_000)

const key = (c: { type: string; id: Id }) => `${c.type}:${c.id}`
const list = (c: { type: string; id: Id }, token: string, extra = '') => rest('GET', `offline-reach/buildings?content=${key(c)}${extra}`, { token })
const gridCodes = (body: { grids: { grid: { code: string } }[] }) => body.grids.map((g) => g.grid.code)

describe('the building list', () => {
  it('gives the leader their grid’s buildings: relayed, posted, doors knocked or nothing yet, with the heads to call', async () => {
    const r = await list(issue, tokens.leaderA)
    expect(r.status).toBe(200)
    expect(gridCodes(r.body)).toEqual(['A-01'])
    const rows = r.body.grids[0].buildings as Record<string, unknown>[]
    expect(rows.map((b) => [b.code, b.status, b.doorHouseholds, b.headPhone, b.late])).toEqual([
      ['A1-1', 'doors', 12, '13800000001', false],
      ['A1-2', 'posted', 0, '13800000002', false],
      // Published an hour ago, 30 minutes to confirm: overdue, the leader should call.
      ['A1-3', 'none', 0, null, true],
      // No head, nobody to call: listed, never overdue.
      ['A1-4', 'none', 0, null, false],
    ])
    expect(rows[0]).toMatchObject({ head: '张三', households: 100 })
    expect(r.body.confirmMinutes).toBe(30)
    expect(r.body.grids[0].canLog).toBe(true)
  })

  it('grid leaders of other grids get nothing of this grid: not its buildings, not its phones', async () => {
    const b = await list(issue, tokens.leaderB)
    expect(gridCodes(b.body)).toEqual(['B-01'])
    expect(JSON.stringify(b.body)).not.toContain('13800000001')
    expect((await list(issue, tokens.leaderB, `&grid=${street.gridA1.id}`)).status).toBe(403)
    // Another grid's announcement is not theirs to see at all.
    expect((await list(annA, tokens.leaderB)).status).toBe(404)
    expect(gridCodes((await list(annA, tokens.leaderA)).body)).toEqual(['A-01'])
    expect((await list(issue, '')).status).toBe(403)
  })

  it('community staff see their grids’ statuses without the heads’ phones; editors see every grid', async () => {
    const s = await list(issue, tokens.staffA)
    expect(gridCodes(s.body)).toEqual(['A-01', 'A-02'])
    expect(s.body.grids[0].buildings.map((b: { headPhone: string | null }) => b.headPhone)).toEqual([null, null, null, null])
    expect(s.body.grids[0].canLog).toBe(false)
    const e = await list(issue, tokens.editor)
    expect(gridCodes(e.body)).toEqual(['A-01', 'A-02', 'B-01'])
    expect(e.body.grids[0].buildings[0].headPhone).toBe('13800000001')
  })

  it('the confirmation time comes from site settings', async () => {
    await payload.updateGlobal({ slug: 'site-settings', data: { relayConfirmMinutes: 90 } as never, overrideAccess: true })
    try {
      const r = await list(issue, tokens.leaderA)
      expect(r.body.confirmMinutes).toBe(90)
      expect(r.body.grids[0].buildings.map((b: { late: boolean }) => b.late)).toEqual([false, false, false, false])
    } finally {
      await payload.updateGlobal({ slug: 'site-settings', data: { relayConfirmMinutes: 30 } as never, overrideAccess: true })
    }
  })
})

const auditCount = (action: string) => payload.count({ collection: 'audit-log', where: { action: { equals: action } }, overrideAccess: true }).then((r) => r.totalDocs)

describe('the leader’s offline reach', () => {
  const log = (token: string, values: Record<string, unknown>) => rest('POST', 'offline-reach/log', { token, body: { content: key(issue), grid: String(street.gridA1.id), ...values } })

  it('is saved once per content and grid, bounded by the grid’s households, every save audited', async () => {
    const before = await auditCount('offline-reach')
    const first = await log(tokens.leaderA, { doorHouseholds: 30, phoneHouseholds: 20, posters: 4 })
    expect(first.status).toBe(201)
    const second = await log(tokens.leaderA, { doorHouseholds: 35, phoneHouseholds: 20, posters: 5 })
    expect(second.status).toBe(200)
    const tooMany = await log(tokens.leaderA, { doorHouseholds: 401, phoneHouseholds: 0, posters: 0 })
    expect(tooMany.status).toBe(400)
    expect(tooMany.body.errors[0]).toMatchObject({ path: 'doorHouseholds' })
    expect((await log(tokens.leaderA, { doorHouseholds: -1 })).status).toBe(400)
    const rows = await payload.find({ collection: 'offline-reach', overrideAccess: true })
    expect(rows.docs).toHaveLength(1)
    expect(rows.docs[0]).toMatchObject({ doorHouseholds: 35, phoneHouseholds: 20, posters: 5 })
    expect(await auditCount('offline-reach')).toBe(before + 2)
    const entry = await payload.find({ collection: 'audit-log', where: { action: { equals: 'offline-reach' } }, sort: '-createdAt', limit: 1, overrideAccess: true })
    expect(entry.docs[0]).toMatchObject({ actorName: 'leader-a', detail: 'D 30 · P 20 · 张贴海报（张） 4 → D 35 · P 20 · 张贴海报（张） 5' })
  })

  it('only that grid’s leader and editors may write it', async () => {
    expect((await log(tokens.leaderB, { doorHouseholds: 1 })).status).toBe(403)
    expect((await log(tokens.staffA, { doorHouseholds: 1 })).status).toBe(403)
    // Nor past the endpoint, through the collection's own REST.
    const direct = await rest('POST', 'offline-reach', { token: tokens.leaderB, body: { contentType: 'issues', contentId: String(issue.id), grid: street.gridA1.id, doorHouseholds: 1 } })
    expect(direct.status).toBe(403)
    const mine = await rest('GET', 'offline-reach', { token: tokens.leaderB })
    expect(mine.body.docs).toEqual([])
  })

  it('the plain form of the building list saves and comes back to the list', async () => {
    const form = new FormData()
    for (const [k, v] of Object.entries({ content: key(issue), grid: String(street.gridA1.id), doorHouseholds: '36', phoneHouseholds: '20', posters: '5' })) form.set(k, v)
    const r = await rest('POST', 'offline-reach/log', { token: tokens.leaderA, form })
    expect(r.status).toBe(303)
    expect(r.headers.get('location')).toBe(`/admin/relay?content=${encodeURIComponent(key(issue))}&saved=${street.gridA1.id}`)
    const bad = new FormData()
    for (const [k, v] of Object.entries({ content: key(issue), grid: String(street.gridA1.id), doorHouseholds: '9999' })) bad.set(k, v)
    const refused = await rest('POST', 'offline-reach/log', { token: tokens.leaderA, form: bad })
    expect(refused.status).toBe(303)
    expect(refused.headers.get('location')).toContain('&error=')
    await log(tokens.leaderA, { doorHouseholds: 35, phoneHouseholds: 20, posters: 5 })
  })
})

describe('reach, honestly counted', () => {
  const reqOf = (user: unknown) => ({ payload, user, context: {}, i18n: { language: 'zh' } }) as unknown as PayloadRequest

  it('keeps readers apart from relay and offline figures, and bounds coverage as coverage.ts does for the rows written', async () => {
    const report = await relayReport(reqOf(street.leaderA), 'issues', issue.id)
    expect(report.grids.map((g) => g.grid.code)).toEqual(['A-01'])
    const a = report.grids[0]
    expect([a.buildingsRelayed, a.buildingsTotal]).toEqual([1, 4])
    expect(a.offline).toMatchObject({ doorHouseholds: 35, phoneHouseholds: 20, posters: 5 })
    expect(a.coverage!.readers.display).toBe('10')
    expect(a.reach!.display).toBe('2.5%')
    const reach: GridReach = {
      households: 400,
      readers: 10,
      buildings: [
        { key: 'A1-1', households: 100, relayed: true, posted: false, doorHouseholds: 12, readers: 0 },
        { key: 'A1-2', households: 80, relayed: false, posted: true, doorHouseholds: 0, readers: 0 },
        { key: 'A1-3', households: 60, relayed: false, posted: false, doorHouseholds: 0, readers: 0 },
        { key: 'A1-4', households: 50, relayed: false, posted: false, doorHouseholds: 0, readers: 0 },
      ],
      leader: { doorHouseholds: 35, phoneHouseholds: 20 },
    }
    const exact = coverageBounds(reach)
    // lower = max(12 + 1, 35, 20) = 35; upper = min(400, 100 + 1 + 10 + 35 + 20) = 166.
    expect([exact.lower, exact.upper]).toEqual([35, 166])
    expect([a.coverage!.coverage.lower, a.coverage!.coverage.upper]).toEqual([exact.lower, exact.upper])
    expect(a.coverage!.coverage.display).toBe('8.7%–41.5%')
    expect(a.coverage!.buildings.map((b) => [b.key, b.coverage.lower, b.coverage.upper])).toEqual(exact.buildings.map((b) => [b.key, b.lower, b.upper]))
  })

  it('counts readers through each building’s share link once per building, opens and other grids apart', async () => {
    const content = { type: 'events', id: 'relay-readers' }
    const read = (grid: string, building: string | null, reader: string, kind = 'content') =>
      payload.db.create({
        collection: 'read-events',
        data: { contentType: content.type, contentId: content.id, grid, channel: 'share', kind, reader, at: new Date().toISOString(), building },
        req: { transactionID: undefined } as never,
      })
    const a1 = String(street.gridA1.id)
    for (const r of ['r1', 'r2', 'r3', 'r1']) await read(a1, 'A1-1', r)
    await read(a1, 'A1-1', 'r9', 'open')
    await read(a1, 'A1-2', 'r1')
    await read(a1, null, 'r5')
    await read(String(street.gridB1.id), 'B1-1', 'r6')
    // Counted by the rollup (its building rows), which keeps them past the read retention.
    await rollupReadership(payload)
    const readers = await buildingLinkReaders(payload, content, [street.gridA1.id])
    expect([...readers.keys()]).toEqual([a1])
    expect(Object.fromEntries(readers.get(a1)!)).toEqual({ 'A1-1': 3, 'A1-2': 1 })
  })

  it('a small group of readers shows as <3 and enters the upper bound only as at most 2', async () => {
    const report = await relayReport(reqOf(street.leaderB), 'issues', issue.id)
    const b = report.grids[0]
    expect(b.grid.code).toBe('B-01')
    expect(b.coverage!.readers.display).toBe('<3')
    expect(b.coverage!.readersCounted).toBe('at-most')
    // B1-1 relayed: its 120 households; readers at most 2: upper 122 of 480, lower the head's own household.
    expect([b.coverage!.coverage.lower, b.coverage!.coverage.upper]).toEqual([1, 122])
    expect(JSON.stringify(report)).not.toMatch(/"readers":\{"value":2/)
  })
})

describe('CSV export', () => {
  it('per grid and building, scoped to the leader’s grids, audited', async () => {
    const before = await auditCount('export')
    const r = await rest('GET', `offline-reach/report.csv?content=${key(issue)}`, { token: tokens.leaderA })
    expect(r.status).toBe(200)
    expect(r.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    const rows = parse(String(r.body).replace(/^\ufeff/, '')) as string[][]
    expect(rows[0].slice(0, 4)).toEqual(['内容', '网格编码', '网格', '楼栋编码'])
    expect(rows.slice(1).map((l) => [l[1], l[3]])).toEqual([['A-01', ''], ...A_BUILDINGS.map((b) => ['A-01', b.code])])
    expect(rows[1].slice(-3)).toEqual(['35', '166', '8.7%–41.5%'])
    expect(String(r.body)).not.toContain('B-01')
    expect(await auditCount('export')).toBe(before + 1)
    const entry = await payload.find({ collection: 'audit-log', where: { action: { equals: 'export' } }, sort: '-createdAt', limit: 1, overrideAccess: true })
    expect(entry.docs[0]).toMatchObject({ targetCollection: 'offline-reach', actorName: 'leader-a' })
    expect((await rest('GET', `offline-reach/report.csv?content=${key(issue)}&grid=${street.gridA1.id}`, { token: tokens.leaderB })).status).toBe(403)
    expect(await auditCount('export')).toBe(before + 1)
    const editor = await rest('GET', `offline-reach/report.csv?content=${key(issue)}`, { token: tokens.editor })
    expect(String(editor.body)).toContain('B-01')
  })
})

describe('what the leader sees', () => {
  const reqOf = (user: unknown) => ({ payload, user, context: {}, i18n: { language: 'zh' } }) as unknown as PayloadRequest

  it('the leader’s home lists the overdue buildings first, with the heads to call; other grids’ leaders see none of them', async () => {
    const { renderToStaticMarkup } = await import('react-dom/server')
    const { HomeBody, homeData } = await import('../../src/components/HomeBody')
    const data = await homeData({ ...reqOf(street.leaderA), payload } as never, 'zh')
    // Both published at the same moment: compared in title order.
    expect(data.relayLate.map((c) => [c.title, c.grids.flatMap((g) => g.buildings.map((b) => b.code))]).sort()).toEqual([
      ['甲一网格停水通知', ['A1-1', 'A1-2', 'A1-3']],
      ['第一期', ['A1-3']],
    ].sort())
    const html = renderToStaticMarkup(HomeBody({ data }))
    expect(html.indexOf('id="home-relay-urgent"')).toBeGreaterThan(0)
    expect(html.indexOf('id="home-relay-urgent"')).toBeLessThan(html.indexOf('class="home-cards"'))
    expect(html).toContain('href="tel:13800000001"')
    expect(html).toContain('楼栋长未确认（4）')
    const b = await homeData({ ...reqOf(street.leaderB), payload } as never, 'zh')
    expect(JSON.stringify(b.relayLate)).not.toContain('A1-')
  })

  it('the figures table keeps readers apart and shows coverage as a range, with the readers through building links', async () => {
    const { renderToStaticMarkup } = await import('react-dom/server')
    const { RelayFigures } = await import('../../src/components/RelayFigures')
    const html = renderToStaticMarkup(RelayFigures({ report: await relayReport(reqOf(street.leaderA), 'issues', issue.id), lang: 'zh' }))
    expect(html).toContain('8.7%–41.5%')
    expect(html).toContain('1 / 4')
    // Households, readers, then readers through the buildings' links (none for this content): counted, not "—".
    expect(html).toContain('<td>400</td><td>10</td><td>0</td>')
    expect(html).not.toContain('楼栋分享链接的阅读尚未统计')
    expect(html).not.toContain('B-01')
  })
})
