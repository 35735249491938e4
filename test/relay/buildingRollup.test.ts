import type { Payload, PayloadRequest } from 'payload'
import { beforeAll, describe, expect, it } from 'vitest'

import { buildingLinkReaders, relayReport } from '../../src/readership/relayCoverage'
import { applyReadRetention, backfillBuildingRollups, rollupReadership } from '../../src/readership/rollup'
import { insertReadEvents, type ReadEventRow } from '../../src/readership/store'
import { rollupTotals } from '../../src/readership/store'
import { smallStreet, type Id } from '../support/fixtures'
import { testPayload } from '../support/payload'
import { confirm, publishedIssue, type Street, withBuildings } from './support'

/**
 * Building reader figures (readers through a building's share link, issue 18)
 * survive the read retention: the rollup keeps them in its building rows, so
 * the figures and the coverage the leader sees are the same before and after
 * the raw read events are deleted; the small-group rule (<3) and the
 * complementary hiding apply as before. The grid figures do not count the
 * building rows. A database whose rollup kept no buildings yet gets them from
 * the events still kept (the one-time backfill).
 */
let payload: Payload
let street: Street
let issue: { type: string; id: Id }
const DAY = 86_400_000
const now = new Date()
const reqOf = (user: unknown) => ({ payload, user, context: {}, i18n: { language: 'zh' } }) as unknown as PayloadRequest

const ev = (building: string | null, reader: string, daysAgo: number, kind: ReadEventRow['kind'] = 'read'): ReadEventRow => ({
  contentType: 'issues',
  contentId: String(issue.id),
  grid: String(street.gridA1.id),
  channel: 'share',
  kind,
  reader,
  at: new Date(now.getTime() - daysAgo * DAY),
  ...(building ? { building } : {}),
})

const shown = async () => {
  const report = await relayReport(reqOf(street.leaderA), 'issues', issue.id)
  const a = report.grids[0]
  return {
    links: Object.fromEntries((await buildingLinkReaders(payload, issue, [street.gridA1.id])).get(String(street.gridA1.id)) ?? []),
    readers: a.coverage!.readers.display,
    linkReaders: a.coverage!.buildingLinkReaders.display,
    buildings: a.coverage!.buildings.map((b) => [b.key, b.readers.display, b.coverage.lower, b.coverage.upper]),
    bounds: [a.coverage!.coverage.lower, a.coverage!.coverage.upper],
  }
}
const eventsLeft = async () => (await payload.db.count({ collection: 'read-events', where: { contentId: { equals: String(issue.id) } } })).totalDocs

beforeAll(async () => {
  payload = await testPayload()
  street = await smallStreet(payload)
  await withBuildings(payload, street)
  issue = { type: 'issues', id: (await publishedIssue(payload, '第三期', new Date(now.getTime() - 21 * DAY))).id }
  await confirm(payload, issue, street.gridA1.id, 'A1-1', { relayedAt: new Date(now.getTime() - 21 * DAY), doorHouseholds: 12, head: '张三' })
  // Three weeks ago, over three days: A1-1 five readers (r1 comes back on a later day: one reader),
  // A1-2 two (a small group), A1-3 one, an open that is no read, and two readers through the grid's own link.
  await insertReadEvents(payload, [
    ...['r1', 'r2', 'r3', 'r4', 'r5'].map((r) => ev('A1-1', r, 20)),
    ev('A1-1', 'r1', 19),
    ev('A1-2', 'r6', 19),
    ev('A1-2', 'r7', 18),
    ev('A1-3', 'r8', 18),
    ev('A1-3', 'r9', 18, 'open'),
    ev(null, 'r10', 19),
    ev(null, 'r11', 18),
  ])
  // The rollup as it ran on those days.
  await rollupReadership(payload, { now, days: 22 })
}, 120_000)

describe('building reader figures', () => {
  it('are the same before and after the read retention deletes the events', async () => {
    const before = await shown()
    expect(before.links).toEqual({ 'A1-1': 5, 'A1-2': 2, 'A1-3': 1 })
    expect(before.readers).toBe('10')
    // Small groups (<3) shown as such; a building's own figure is hidden where it would give one away.
    expect(before.buildings.find((b) => b[0] === 'A1-2')![1]).toBe('<3')
    expect(before.buildings.find((b) => b[0] === 'A1-3')![1]).toBe('<3')
    expect(before.buildings.find((b) => b[0] === 'A1-1')![1]).toBe('5')

    expect(await applyReadRetention(payload, 7, now)).toBe(12)
    expect(await eventsLeft()).toBe(0)
    // The rollup's runs after the deletion recompute their window only: older rows stand.
    await rollupReadership(payload, { now })
    expect(await shown()).toEqual(before)
  })

  it('are no part of the grid figures', async () => {
    const totals = await rollupTotals(payload, [issue], [String(street.gridA1.id)])
    expect(totals.map((t) => t.channel).sort()).toEqual(['all', 'share'])
    expect(totals.find((t) => t.channel === 'all')!.readers).toBe(10)
  })

  it('are made once from the events still kept where the rollup kept no buildings yet', async () => {
    const other = { type: 'issues', id: (await publishedIssue(payload, '第四期', new Date(now.getTime() - 5 * DAY))).id }
    const rows = (ids: string[]) =>
      ids.map((r, i): ReadEventRow => ({ contentType: 'issues', contentId: String(other.id), grid: String(street.gridA1.id), channel: 'share', kind: 'read', reader: r, at: new Date(now.getTime() - (5 - i * 0.1) * DAY), building: 'A1-4' }))
    await insertReadEvents(payload, rows(['s1', 's2', 's3', 's4']))
    // As if rolled up before buildings were kept: the grid rows only.
    await rollupReadership(payload, { now, days: 7 })
    await payload.db.deleteMany({ collection: 'read-rollups', where: { and: [{ contentId: { equals: String(other.id) } }, { channel: { equals: 'building' } }] } })
    expect(Object.fromEntries((await buildingLinkReaders(payload, other, [street.gridA1.id])).get(String(street.gridA1.id)) ?? [])).toEqual({})
    expect(await backfillBuildingRollups(payload)).toBeGreaterThan(0)
    expect(Object.fromEntries((await buildingLinkReaders(payload, other, [street.gridA1.id])).get(String(street.gridA1.id)) ?? [])).toEqual({ 'A1-4': 4 })
    // The first content's events are gone: its rows stay as they were.
    expect(Object.fromEntries((await buildingLinkReaders(payload, issue, [street.gridA1.id])).get(String(street.gridA1.id)) ?? [])).toEqual({ 'A1-1': 5, 'A1-2': 2, 'A1-3': 1 })
  })
})
