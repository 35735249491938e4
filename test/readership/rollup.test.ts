import type { Payload } from 'payload'
import { beforeAll, describe, expect, it } from 'vitest'

import type { ReadRollupDoc } from '../../src/collections/Readership'
import { ReadBuffer, readBuffer, stopReadBuffer } from '../../src/readership/buffer'
import { buildReport } from '../../src/readership/dashboard'
import { applyReadRetention, rollupReadership } from '../../src/readership/rollup'
import { streetDay, streetHour } from '../../src/templates/format'
import { insertReadEvents, type ReadEventRow } from '../../src/readership/store'
import { readerKey, sealHistory } from '../../src/readership/tokens'
import { insertReceipts } from '../../src/store/receipts'
import { addSubscribers } from '../delivery/support'
import { smallStreet } from '../support/fixtures'
import { testPayload } from '../support/payload'

let payload: Payload
let street: Awaited<ReturnType<typeof smallStreet>>
const noTxn = { transactionID: undefined } as never

beforeAll(async () => {
  payload = await testPayload()
  street = await smallStreet(payload)
})

const rowsOf = async (contentId: string): Promise<ReadRollupDoc[]> => {
  const { docs } = await payload.db.find({ collection: 'read-rollups', where: { contentId: { equals: contentId } }, limit: 0, pagination: false, sort: 'key' })
  return docs as unknown as ReadRollupDoc[]
}
const figures = (rows: ReadRollupDoc[]) =>
  rows.map((r) => ({ key: r.key, submitted: r.submitted, opens: r.opens, openReaders: r.openReaders, reads: r.reads, readers: r.readers }))
const ev = (over: Partial<ReadEventRow> & Pick<ReadEventRow, 'contentId' | 'at'>): ReadEventRow => ({
  contentType: 'issues',
  grid: '1',
  channel: 'email',
  kind: 'read',
  reader: 'r1',
  ...over,
})

describe('rollup', () => {
  it('counts reads and first-seen readers per content × grid × channel × street day; opens apart; "all" across channels', async () => {
    const c = 'c-basic'
    const k = readerKey('issues', c, 'ref-1')
    await insertReadEvents(payload, [
      // 2026-11-20 in Shanghai, twice by the same reader: 2 reads, 1 reader.
      ev({ contentId: c, reader: k, at: new Date('2026-11-20T02:00:00Z') }),
      ev({ contentId: c, reader: k, at: new Date('2026-11-20T03:00:00Z') }),
      // 16:30 UTC is already the 21st in Shanghai; the same reader again: a read, not a new reader.
      ev({ contentId: c, reader: k, at: new Date('2026-11-20T16:30:00Z') }),
      // The same resident through push (same per-content key): a new reader for webpush, not for "all".
      ev({ contentId: c, reader: k, channel: 'webpush', at: new Date('2026-11-21T01:00:00Z') }),
      // Opens: their own figures, never reads.
      ev({ contentId: c, reader: k, kind: 'open', at: new Date('2026-11-20T01:00:00Z') }),
      ev({ contentId: c, reader: k, kind: 'open', at: new Date('2026-11-20T01:05:00Z') }),
      // Another grid, an anonymous share reader.
      ev({ contentId: c, grid: '2', channel: 'share', reader: 'anon-1', at: new Date('2026-11-21T05:00:00Z') }),
    ])
    await rollupReadership(payload, { now: new Date('2026-11-22T04:00:00Z'), days: 5 })
    const rows = figures(await rowsOf(c))
    const z = { submitted: 0, opens: 0, openReaders: 0 }
    expect(rows).toEqual([
      { key: `issues:${c}:1:all:2026-11-20`, ...z, opens: 2, openReaders: 1, reads: 2, readers: 1 },
      { key: `issues:${c}:1:all:2026-11-21`, ...z, reads: 2, readers: 0 },
      { key: `issues:${c}:1:email:2026-11-20`, ...z, opens: 2, openReaders: 1, reads: 2, readers: 1 },
      { key: `issues:${c}:1:email:2026-11-21`, ...z, reads: 1, readers: 0 },
      // Through a message (email or push): the resident is one reader, first seen on the 20th; opens come along as in "all".
      { key: `issues:${c}:1:messages:2026-11-20`, ...z, opens: 2, openReaders: 1, reads: 2, readers: 1 },
      { key: `issues:${c}:1:messages:2026-11-21`, ...z, reads: 2, readers: 0 },
      { key: `issues:${c}:1:webpush:2026-11-21`, ...z, reads: 1, readers: 1 },
      { key: `issues:${c}:2:all:2026-11-21`, ...z, reads: 1, readers: 1 },
      // The share reader is in "all" but not in "messages" (no messages row for grid 2 at all).
      { key: `issues:${c}:2:share:2026-11-21`, ...z, reads: 1, readers: 1 },
    ])
    expect(streetDay(new Date('2026-11-20T16:30:00Z'))).toBe('2026-11-21')
    // The hour on the street's clock (the WeChat figures are fetched from 9 o'clock): midnight is 0, not 24.
    expect([streetHour(new Date('2026-11-20T00:30:00Z')), streetHour(new Date('2026-11-20T15:59:00Z')), streetHour(new Date('2026-11-20T16:00:00Z'))]).toEqual([8, 23, 0])
  })

  it('matches the raw events (random data: sums of reads and of first-day readers equal the brute-force counts) and is idempotent', async () => {
    let seed = 7
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n)
    const channels = ['email', 'webpush', 'share', 'site'] as const
    const events: ReadEventRow[] = []
    const start = new Date('2026-11-10T00:00:00Z').getTime()
    for (let i = 0; i < 600; i++) {
      events.push({
        contentType: 'events',
        contentId: `rand-${rand(3)}`,
        grid: String(rand(3) + 1),
        channel: channels[rand(4)],
        kind: rand(5) === 0 ? 'open' : 'read',
        reader: `k${rand(25)}`,
        at: new Date(start + rand(6 * 24 * 60) * 60_000),
      })
    }
    await insertReadEvents(payload, events)
    const now = new Date('2026-11-17T00:00:00Z')
    const first = await rollupReadership(payload, { now, days: 10 })
    expect(first.contents).toBeGreaterThanOrEqual(3)
    const rows: ReadRollupDoc[] = []
    for (let c = 0; c < 3; c++) rows.push(...(await rowsOf(`rand-${c}`)))
    const sum = (pred: (r: ReadRollupDoc) => boolean, f: keyof ReadRollupDoc) => rows.filter(pred).reduce((a, r) => a + Number(r[f]), 0)
    for (let c = 0; c < 3; c++) {
      for (let g = 1; g <= 3; g++) {
        for (const ch of [...channels, 'messages', 'all'] as const) {
          const through = (e: ReadEventRow) => ch === 'all' || e.channel === ch || (ch === 'messages' && (e.channel === 'email' || e.channel === 'webpush'))
          const raw = events.filter((e) => e.contentId === `rand-${c}` && e.grid === String(g) && through(e))
          const pred = (r: ReadRollupDoc) => r.contentId === `rand-${c}` && r.grid === String(g) && r.channel === ch
          const reads = raw.filter((e) => e.kind === 'read')
          const opens = raw.filter((e) => e.kind === 'open')
          expect(sum(pred, 'reads')).toBe(reads.length)
          expect(sum(pred, 'readers')).toBe(new Set(reads.map((e) => e.reader)).size)
          expect(sum(pred, 'opens')).toBe(opens.length)
          expect(sum(pred, 'openReaders')).toBe(new Set(opens.map((e) => e.reader)).size)
        }
      }
    }
    const before = figures(rows)
    const again = await rollupReadership(payload, { now, days: 10 })
    expect(again.created + again.updated + again.deleted).toBe(0)
    const after: ReadRollupDoc[] = []
    for (let c = 0; c < 3; c++) after.push(...(await rowsOf(`rand-${c}`)))
    expect(figures(after)).toEqual(before)
    expect(after.map((r) => r.id)).toEqual(rows.map((r) => r.id))
  })

  it('counts submitted from receipts under the subscriber’s grid, once per resident across channels', async () => {
    const people = await addSubscribers(payload, 3, { grid: street.gridA1.id, prefix: 'sub-' })
    const other = await addSubscribers(payload, 1, { grid: street.gridB1.id, prefix: 'sub-b-' })
    const mk = async (channel: string) =>
      (await payload.db.create({
        collection: 'deliveries',
        data: { key: `policies:p-sub:${channel}:all`, contentType: 'policies', contentId: 'p-sub', channel, audience: 'all', status: 'done' },
        req: noTxn,
      })) as { id: string | number }
    const mail = await mk('email')
    const push = await mk('webpush')
    await insertReceipts(payload, [
      ...people.map((p) => ({ delivery: String(mail.id), subscriber: String(p.id), status: 'submitted' as const })),
      { delivery: String(mail.id), subscriber: String(other[0].id), status: 'failed' as const },
      { delivery: String(push.id), subscriber: String(people[0].id), status: 'submitted' as const },
    ])
    await rollupReadership(payload)
    const today = streetDay(new Date())
    const a1 = String(street.gridA1.id)
    const rows = figures(await rowsOf('p-sub')).map((r) => [r.key, r.submitted])
    expect(rows).toEqual([
      [`policies:p-sub:${a1}:all:${today}`, 3],
      [`policies:p-sub:${a1}:email:${today}`, 3],
      [`policies:p-sub:${a1}:messages:${today}`, 3],
      [`policies:p-sub:${a1}:webpush:${today}`, 1],
    ])
  })

  it('"messages": recipients who read through email or push, once each; share and site readers left out; submitted as in "all"', async () => {
    const [both, mailOnly, opener] = await addSubscribers(payload, 3, { grid: street.gridA1.id, prefix: 'msg-' })
    const mk = async (channel: string) =>
      (await payload.db.create({
        collection: 'deliveries',
        data: { key: `policies:p-msg:${channel}:all`, contentType: 'policies', contentId: 'p-msg', channel, audience: 'all', status: 'done' },
        req: noTxn,
      })) as { id: string | number }
    const mail = await mk('email')
    const push = await mk('webpush')
    await insertReceipts(payload, [
      ...[both, mailOnly, opener].map((p) => ({ delivery: String(mail.id), subscriber: String(p.id), status: 'submitted' as const })),
      { delivery: String(push.id), subscriber: String(both.id), status: 'submitted' as const },
    ])
    const a1 = String(street.gridA1.id)
    const now = new Date()
    const yesterday = new Date(now.getTime() - 86_400_000)
    const key = (s: { ref: string }) => readerKey('policies', 'p-msg', s.ref)
    const m = (over: Partial<ReadEventRow> & Pick<ReadEventRow, 'at'>) => ev({ contentType: 'policies', contentId: 'p-msg', grid: a1, ...over })
    await insertReadEvents(payload, [
      // One resident by mail yesterday, then by push and mail again today: one message reader, yesterday's.
      m({ channel: 'email', reader: key(both), at: yesterday }),
      m({ channel: 'webpush', reader: key(both), at: now }),
      m({ channel: 'email', reader: key(both), at: now }),
      m({ channel: 'email', reader: key(mailOnly), at: now }),
      // Opened the mail, never read it: an open, not a reader.
      m({ channel: 'email', kind: 'open', reader: key(opener), at: now }),
      // Neighbours through the grid's share link (twice) and the website: readers, but never recipients.
      m({ channel: 'share', reader: 'anon-share', at: yesterday }),
      m({ channel: 'share', reader: 'anon-share', at: now }),
      m({ channel: 'site', reader: 'anon-site', at: now }),
    ])
    await rollupReadership(payload, { now })
    const rows = await rowsOf('p-msg')
    const of = (channel: string) => rows.filter((r) => r.grid === a1 && r.channel === channel)
    const sum = (channel: string, f: 'submitted' | 'readers' | 'reads' | 'openReaders') => of(channel).reduce((a, r) => a + r[f], 0)
    expect(of('messages').map((r) => [r.day, r.readers])).toEqual([
      [streetDay(yesterday), 1],
      [streetDay(now), 1],
    ])
    expect(sum('messages', 'reads')).toBe(4)
    expect(sum('messages', 'openReaders')).toBe(1)
    expect(sum('all', 'readers')).toBe(4)
    // Recipients: three residents, one of them by mail and push; "messages" has the same three as "all".
    expect(sum('email', 'submitted') + sum('webpush', 'submitted')).toBe(4)
    expect(sum('all', 'submitted')).toBe(3)
    expect(sum('messages', 'submitted')).toBe(3)

    // The dashboard's read rate from these rows: 2 of 3 recipients read it (not 4 "of" 3); reach counts all 4.
    const report = buildReport(
      { type: 'policies', id: 'p-msg', title: 'p', number: null, publishedAt: null, summary: '', grids: null },
      rows,
      [{ id: street.gridA1.id, code: 'A-01', name: '甲一网格', community: '甲社区', households: 400 }],
      new Map([[a1, 3]]),
      { unattributed: false, k: 1, lang: 'zh' },
    )
    expect(report.rows[0]).toMatchObject({ readers: { value: 4 }, messageReaders: { value: 2 }, submitted: { value: 3 } })
    expect(report.rows[0].readRate.display).toBe('66.7%')
    expect(report.rows[0].reach.display).toBe('1.0%')

    const again = await rollupReadership(payload, { now })
    expect(again.created + again.updated + again.deleted).toBe(0)
    expect(figures(await rowsOf('p-msg'))).toEqual(figures(rows))
  })

  it('retention deletes raw events past the limit and keeps the rollups', async () => {
    const now = new Date('2026-11-22T04:00:00Z')
    await insertReadEvents(payload, [
      ev({ contentId: 'c-old', reader: 'x', at: new Date(now.getTime() - 91 * 86_400_000) }),
      ev({ contentId: 'c-old', reader: 'y', at: new Date(now.getTime() - 89 * 86_400_000) }),
    ])
    await rollupReadership(payload, { now, days: 92 })
    const rollups = figures(await rowsOf('c-old'))
    expect(rollups.filter((r) => r.key.includes(':all:')).map((r) => r.readers)).toEqual([1, 1])
    const count = async () => (await payload.db.count({ collection: 'read-events', where: { contentId: { equals: 'c-old' } } })).totalDocs
    expect(await count()).toBe(2)
    expect(await applyReadRetention(payload, 90, now)).toBeGreaterThanOrEqual(1)
    expect(await count()).toBe(1)
    // The day whose events are gone keeps its figures (a normal run covers only the recent days).
    await rollupReadership(payload, { now })
    expect(figures(await rowsOf('c-old'))).toEqual(rollups)
  })
})

describe('buffered writes', () => {
  it('write nothing until a flush, then everything; N events trigger a flush; stop loses nothing', async () => {
    const b = new ReadBuffer(payload, { intervalMs: 60_000, maxBatch: 300 }).start()
    const count = async () => (await payload.db.count({ collection: 'read-events', where: { contentId: { equals: 'buf' } } })).totalDocs
    for (let i = 0; i < 299; i++) b.add(ev({ contentId: 'buf', reader: `r${i}`, at: new Date() }))
    await new Promise((r) => setTimeout(r, 50))
    expect(await count()).toBe(0)
    b.add(ev({ contentId: 'buf', reader: 'r299', at: new Date() }))
    await b.flush()
    expect(await count()).toBe(300)
    for (let i = 0; i < 2_345; i++) b.add(ev({ contentId: 'buf', reader: `s${i}`, at: new Date() }))
    await b.stop()
    expect(await count()).toBe(2_645)
    expect(b.stats).toMatchObject({ recorded: 2_645, written: 2_645, dropped: 0 })
  })

  it('the process buffer is flushed by the shutdown path; residents with the statistics consent get history, others not', async () => {
    const [yes, no] = await addSubscribers(payload, 2, { grid: street.gridA1.id, prefix: 'hist-' })
    await payload.update({
      collection: 'subscribers',
      id: yes.id,
      data: { consents: [{ purpose: 'statistics', granted: true, at: new Date().toISOString(), textVersion: '1', method: 'web' }] } as never,
      overrideAccess: true,
    })
    const b = readBuffer(payload)
    for (const s of [yes, no]) b.add({ ...ev({ contentId: 'hist-c', reader: s.ref, at: new Date() }), history: sealHistory('issues', 'hist-c', s.ref) })
    await stopReadBuffer(payload)
    expect((await payload.db.count({ collection: 'read-events', where: { contentId: { equals: 'hist-c' } } })).totalDocs).toBe(2)
    const { docs } = await payload.db.find({ collection: 'reading-history', where: { contentId: { equals: 'hist-c' } }, limit: 0, pagination: false })
    expect(docs.map((d) => (d as unknown as { subscriber: string }).subscriber)).toEqual([String(yes.id)])
  })
})

describe('scheduled readership work', () => {
  it('runs the rollup once per 5-minute window and retention once per day, from the scheduler tick', async () => {
    const { runReadershipJobs, ROLLUP_EVERY_MS } = await import('../../src/jobs/readership')
    const t0 = new Date(Math.ceil(Date.now() / ROLLUP_EVERY_MS) * ROLLUP_EVERY_MS + 1_000)
    await insertReadEvents(payload, [ev({ contentId: 'sched-1', reader: 'z', at: new Date(t0.getTime() - 60_000) })])
    const first = await runReadershipJobs(payload, t0)
    expect(first.rollup).toMatchObject({ contents: expect.any(Number) })
    expect(first.retention).toEqual(expect.any(Number))
    expect((await rowsOf('sched-1')).length).toBeGreaterThan(0)
    const again = await runReadershipJobs(payload, new Date(t0.getTime() + 60_000))
    expect(again).toMatchObject({ ran: 0 })
    expect(again.rollup ?? null).toBeNull()
    const later = await runReadershipJobs(payload, new Date(t0.getTime() + ROLLUP_EVERY_MS))
    expect(later.rollup).toBeTruthy()
    // Retention again only on a new street day.
    const sameDay = streetDay(t0) === streetDay(new Date(t0.getTime() + ROLLUP_EVERY_MS))
    if (sameDay) expect(later.retention ?? null).toBeNull()
    else expect(later.retention).toEqual(expect.any(Number))
  })
})
