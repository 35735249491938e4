import type { Payload } from 'payload'
import { beforeAll, describe, expect, it } from 'vitest'

import type { ReadEventDoc } from '../../src/collections/ReadEvents'
import { ReadBuffer } from '../../src/readership/buffer'
import { checkOpenToken, encodeOpen, encodeReadEvent, eventRows, type ReadEventRow } from '../../src/readership/eventLines'
import { SqliteEventWriter } from '../../src/readership/sqliteWriter'
import { insertEncodedReadEvents, insertReadEvents } from '../../src/readership/store'
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
