import type { Payload } from 'payload'
import { beforeAll, describe, expect, it } from 'vitest'

import type { ReadEventDoc } from '../../src/collections/ReadEvents'
import { ReadBuffer } from '../../src/readership/buffer'
import { checkOpenToken, encodeOpen, encodeReadEvent, eventRows, type ReadEventRow } from '../../src/readership/eventLines'
import { SqliteEventWriter } from '../../src/readership/sqliteWriter'
import { activeSubscribersPerGrid, insertEncodedReadEvents, insertReadEvents, rollupTotals } from '../../src/readership/store'
import { readerKey, signTrack, type TrackToken } from '../../src/readership/tokens'
import { MAX_TOKEN_LENGTH } from '../../src/tokens'
import { testPayload } from '../support/payload'

let payload: Payload
beforeAll(async () => {
  payload = await testPayload()
})

const row = (i: number, over: Partial<ReadEventRow> = {}): ReadEventRow => ({
  contentType: 'policies',
  contentId: 'store-1',
  grid: String(i % 3),
  channel: i % 2 ? 'email' : 'share',
  kind: i % 4 ? 'read' : 'open',
  reader: `k${i}_-x`,
  at: new Date(Date.UTC(2026, 10, 20, 1, 2, 3, i)),
  ...over,
})
const stored = async (contentId: string) => {
  const { docs } = await payload.db.find({ collection: 'read-events', where: { contentId: { equals: contentId } }, limit: 0, pagination: false, sort: 'at' })
  return (docs as unknown as ReadEventDoc[]).map((d) => ({
    contentType: d.contentType,
    contentId: d.contentId,
    grid: d.grid,
    channel: d.channel,
    kind: d.kind,
    reader: d.reader,
    at: new Date(d.at).toISOString(),
  }))
}
const plain = (rows: ReadEventRow[]) => rows.map((r) => ({ ...r, at: r.at.toISOString() }))

/** On SQLite through the writer thread itself (not the fallback in this thread), on MongoDB through insertMany. */
async function write(lines: string[]): Promise<number> {
  if (payload.db.name !== 'sqlite') return insertEncodedReadEvents(payload, lines)
  const writer = new SqliteEventWriter((payload.db as unknown as { clientConfig: { url: string } }).clientConfig.url)
  try {
    return await writer.write(lines.join('\n'))
  } finally {
    await writer.close()
  }
}

describe('read events as encoded lines', () => {
  it('become rows in the table\'s column order, the time as ISO text to the millisecond', () => {
    const rows = [row(3), row(4)]
    expect(eventRows(rows.map((r) => encodeReadEvent(r)!), checkOpenToken)).toEqual([
      ['policies', 'store-1', '0', 'email', 'read', 'k3_-x', '2026-11-20T01:02:03.003Z'],
      ['policies', 'store-1', '1', 'share', 'open', 'k4_-x', '2026-11-20T01:02:03.004Z'],
    ])
    expect(encodeReadEvent({ ...rows[0], at: rows[0].at.getTime() })).toBe(encodeReadEvent(rows[0]))
  })

  it('refuse a field holding a separator, and a time that is not one: the buffer drops that event alone, loudly', async () => {
    for (const bad of [{ contentId: 'a\tb' }, { grid: '1\n2' }, { reader: 'x\ry' }, { at: new Date('nonsense') }]) expect(encodeReadEvent(row(1, bad))).toBeNull()
    await expect(insertReadEvents(payload, [row(1), row(2, { reader: 'a\tb' })])).rejects.toThrow(/tab or line break/)
    expect(await stored('store-1')).toEqual([])

    const b = new ReadBuffer(payload, { intervalMs: 60_000 })
    b.add(row(1, { contentId: 'store-bad', grid: '1\t2' }))
    b.add(row(2, { contentId: 'store-bad' }))
    expect(b.size).toBe(1)
    await b.stop()
    expect(await stored('store-bad')).toEqual(plain([row(2, { contentId: 'store-bad' })]))
  })

  it('are stored as they were sent', async () => {
    const rows = Array.from({ length: 1_500 }, (_, i) => row(i, { contentId: 'store-2' }))
    expect(await write(rows.map((r) => encodeReadEvent(r)!))).toBe(1_500)
    expect(await stored('store-2')).toEqual(plain(rows))
  })
})

describe('opens of the email pixel, their tokens checked when written', () => {
  const at = Date.UTC(2026, 10, 21, 8, 0, 0, 5)
  const t: TrackToken = { channel: 'email', contentType: 'events', contentId: 'store-open', grid: '4', reader: readerKey('events', 'store-open', 'ref-o') }
  const good = signTrack('open', t, { ttlSeconds: 3600, now: at })
  const expected = { contentType: 'events', contentId: 'store-open', grid: '4', channel: 'email', kind: 'open', reader: t.reader, at: new Date(at).toISOString() }

  it('keep only what could be a token at all', () => {
    expect(encodeOpen(good, at)).toBe(`${good}\t${at}`)
    for (const junk of ['', 'a\tb', 'x'.repeat(MAX_TOKEN_LENGTH + 1), '<script>', 'a/b', 'a%2Eb']) expect(encodeOpen(junk, at)).toBeNull()
  })

  it('become a row of what the token says; forged, altered, expired and other-purpose tokens record nothing', async () => {
    const altered = good.replace('.4.', '.5.')
    expect(altered).not.toBe(good)
    const expired = signTrack('open', t, { ttlSeconds: 60, now: at - 3_600_000 })
    const click = signTrack('click', t)
    const forged = `e.e.store-open.4.${t.reader}...${'A'.repeat(16)}`
    const lines = [good, altered, expired, click, forged, good].map((tok) => encodeOpen(tok, at)!)
    // A read among them is kept as it is.
    lines.push(encodeReadEvent(row(1, { contentId: 'store-open', at: new Date(at + 1) }))!)

    expect(eventRows(lines, checkOpenToken).map((r) => r[1] + r[4])).toEqual(['store-openopen', 'store-openopen', 'store-openread'])
    expect(await write(lines)).toBe(3)
    const opens = (await stored('store-open')).filter((r) => r.kind === 'open')
    expect(opens).toEqual([expected, expected])
  })

  it('through the buffer, as the pixel route gives them: counted as refused when the token does not hold', async () => {
    const b = new ReadBuffer(payload, { intervalMs: 60_000 })
    const other = { ...t, contentId: 'store-open-2' }
    b.addOpen(signTrack('open', other), Date.now())
    b.addOpen(signTrack('open', other).replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')), Date.now())
    b.addOpen('not a token', Date.now())
    expect(b.size).toBe(2)
    await b.stop()
    expect(b.stats).toMatchObject({ recorded: 2, written: 1, refused: 1 })
    expect((await stored('store-open-2')).map((r) => r.kind)).toEqual(['open'])
  })
})

describe('rollup totals, summed in the database', () => {
  it('sum each content, grid and channel over its days; only the contents and grids asked for', async () => {
    const rollup = (contentId: string, grid: string, channel: string, day: string, n: number) =>
      payload.create({
        collection: 'read-rollups',
        data: { key: `issues:${contentId}:${grid}:${channel}:${day}`, contentType: 'issues', contentId, grid, channel, day, submitted: n, opens: 0, openReaders: n * 3, reads: n, readers: n * 2 } as never,
        overrideAccess: true,
      })
    for (const [day, n] of [['2026-11-01', 1], ['2026-11-02', 10], ['2026-11-03', 100]] as const) {
      await rollup('sum-1', 'g1', 'all', day, n)
      await rollup('sum-1', 'g1', 'email', day, n + 1)
      await rollup('sum-1', 'g2', 'all', day, n + 2)
      await rollup('sum-1', '', 'share', day, n + 3)
      await rollup('sum-2', 'g1', 'all', day, 1000)
    }
    const totals = (await rollupTotals(payload, [{ type: 'issues', id: 'sum-1' }], null)).sort((a, b) => (`${a.grid}|${a.channel}` < `${b.grid}|${b.channel}` ? -1 : 1))
    // Three sums each (FerretDB v1 once summed only the first of several in one query).
    expect(totals).toEqual([
      { contentType: 'issues', contentId: 'sum-1', grid: 'g1', channel: 'all', submitted: 111, readers: 222, openReaders: 333 },
      { contentType: 'issues', contentId: 'sum-1', grid: 'g1', channel: 'email', submitted: 114, readers: 228, openReaders: 342 },
      { contentType: 'issues', contentId: 'sum-1', grid: 'g2', channel: 'all', submitted: 117, readers: 234, openReaders: 351 },
      { contentType: 'issues', contentId: 'sum-1', grid: '', channel: 'share', submitted: 120, readers: 240, openReaders: 360 },
    ])
    const scoped = await rollupTotals(payload, [{ type: 'issues', id: 'sum-1' }, { type: 'issues', id: 'sum-2' }, { type: 'policies', id: 'sum-1' }], ['g1'])
    expect(scoped.map((t) => [t.contentId, t.grid, t.channel, t.submitted]).sort()).toEqual([
      ['sum-1', 'g1', 'all', 111],
      ['sum-1', 'g1', 'email', 114],
      ['sum-2', 'g1', 'all', 3000],
    ])
    expect(await rollupTotals(payload, [{ type: 'issues', id: 'sum-1' }], [])).toEqual([])
    expect(await rollupTotals(payload, [], null)).toEqual([])
  })

  it('count active subscribers per grid in one query', async () => {
    const grids = (await payload.find({ collection: 'grids', limit: 2, overrideAccess: true, depth: 0 })).docs
    let gridPair = grids
    if (gridPair.length < 2) {
      const community = await payload.create({ collection: 'communities', data: { code: 'S', name: '计数社区' } as never, overrideAccess: true })
      gridPair = await Promise.all(['S-01', 'S-02'].map((code) => payload.create({ collection: 'grids', data: { code, name: code, community: community.id, households: 100 } as never, overrideAccess: true })))
    }
    const before = await activeSubscribersPerGrid(payload)
    const add = (grid: unknown, status: string, i: number) =>
      payload.create({ collection: 'subscribers', data: { email: `count${i}@example.org`, grid, status, channels: ['email'], topics: ['issues'], source: 'admin' } as never, overrideAccess: true })
    let i = 0
    for (const status of ['active', 'active', 'active', 'pending', 'unsubscribed']) await add(gridPair[0].id, status, i++)
    await add(gridPair[1].id, 'active', i++)
    const after = await activeSubscribersPerGrid(payload)
    const grew = (g: { id: unknown }) => (after.get(String(g.id)) ?? 0) - (before.get(String(g.id)) ?? 0)
    expect([grew(gridPair[0]), grew(gridPair[1])]).toEqual([3, 1])
  })
})
