import type { Payload } from 'payload'
import { beforeAll, describe, expect, it } from 'vitest'

import type { ReadEventDoc } from '../../src/collections/ReadEvents'
import { ReadBuffer } from '../../src/readership/buffer'
import { eventRowsJson, SqliteEventWriter } from '../../src/readership/sqliteWriter'
import { decodeReadEvent, encodeReadEvent, insertEncodedReadEvents, insertReadEvents, type ReadEventRow } from '../../src/readership/store'
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

describe('read events as encoded lines', () => {
  it('round-trip every field, the time to the millisecond', () => {
    const r = row(7)
    expect(decodeReadEvent(encodeReadEvent(r)!)).toEqual(r)
    expect(encodeReadEvent({ ...r, at: r.at.getTime() })).toBe(encodeReadEvent(r))
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

  it('go to SQLite as one JSON array of rows, the time as ISO text', () => {
    const rows = [row(3), row(4)]
    expect(JSON.parse(eventRowsJson(rows.map((r) => encodeReadEvent(r)!).join('\n')))).toEqual([
      ['policies', 'store-1', '0', 'email', 'read', 'k3_-x', '2026-11-20T01:02:03.003Z'],
      ['policies', 'store-1', '1', 'share', 'open', 'k4_-x', '2026-11-20T01:02:03.004Z'],
    ])
  })

  it('are stored as they were sent: on SQLite by the writer thread itself, on MongoDB by insertMany', async () => {
    const rows = Array.from({ length: 1_500 }, (_, i) => row(i, { contentId: 'store-2' }))
    const text = rows.map((r) => encodeReadEvent(r)!).join('\n')
    if (payload.db.name === 'sqlite') {
      const url = (payload.db as unknown as { clientConfig: { url: string } }).clientConfig.url
      const writer = new SqliteEventWriter(url)
      try {
        await writer.write(text)
      } finally {
        await writer.close()
      }
    } else {
      await insertEncodedReadEvents(payload, text.split('\n'))
    }
    expect(await stored('store-2')).toEqual(plain(rows))
  })
})
