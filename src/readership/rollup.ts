import type { Payload, Where } from 'payload'

import type { ReadEventDoc } from '../collections/ReadEvents'
import type { ReadChannel, ReadRollupDoc } from '../collections/Readership'
import { claimSlot, deleteClaims, newestClaims } from '../store/claims'
import { processOwner } from '../store/leases'
import { insertOrOverwrite } from '../store/upsert'
import { streetDay } from '../templates/format'
import { noTransaction } from '../store/noTransaction'

/**
 * The rollup: raw read events (and delivery receipts, for `submitted`) →
 * read-rollups, one row per content × grid × channel × day in the street's
 * time zone. Each run recomputes every row of the recent days (`days`, by
 * default the last 3) for every content that had events or receipts then,
 * from all the raw data still kept, so running it again gives the same rows.
 * Rows of older days are final: their raw events may be gone.
 *
 * readers/openReaders count a reader on the first day they are seen for that
 * content × grid × channel (and for 'all', across channels; for 'messages',
 * across email and web push), so the days of a content sum to its unique
 * readers. A reader key is per content (see tokens.ts); an event without one
 * counts as a reader of its own.
 *
 * 'messages' is the numerator of the read rate: only residents a message was
 * sent to can read through one, whereas 'all' also holds share-link and site
 * readers who were never recipients. Its submitted equals 'all''s.
 */
export const ROLLUP_DAYS = 3
/** How often the scheduler runs the rollup (src/jobs/readership.ts); the dashboard says so. */
export const ROLLUP_EVERY_MS = 5 * 60_000
/** The claims-ledger scope whose one row's slot is when the last rollup finished (epoch ms). */
const FINISHED_SCOPE = 'state:read-rollup-finished'

const ROLLUPS = 'read-rollups'
const PAGE = 5_000

type Counts = Pick<ReadRollupDoc, 'submitted' | 'opens' | 'openReaders' | 'reads' | 'readers'>
type Row = Omit<ReadRollupDoc, 'id'>
const rowKey = (type: string, id: string, grid: string, channel: string, day: string) => `${type}:${id}:${grid}:${channel}:${day}`
const buildingKey = (type: string, id: string, grid: string, building: string, day: string) => `${rowKey(type, id, grid, 'building', day)}:${building}`

/** Every document of a query, page by page (bounded pages, both adapters). */
async function all<T>(payload: Payload, collection: string, where: Where, sort = 'id'): Promise<T[]> {
  const out: T[] = []
  for (let page = 1; ; page++) {
    const r = await payload.db.find({ collection: collection as never, where, sort, limit: PAGE, page, pagination: true, req: noTransaction() })
    out.push(...(r.docs as unknown as T[]))
    if (!r.hasNextPage) return out
  }
}

type ContentRef = { contentType: string; contentId: string }
type Receipt = { delivery: string; subscriber: string; createdAt: string }

/** Figures of one content for the given days, from its raw events and receipts. */
async function figuresOf(payload: Payload, c: ContentRef, days: Set<string>): Promise<Map<string, Row>> {
  const rows = new Map<string, Row>()
  const row = (grid: string, channel: ReadChannel, day: string): Counts => {
    const key = rowKey(c.contentType, c.contentId, grid, channel, day)
    let r = rows.get(key)
    if (!r) rows.set(key, (r = { key, contentType: c.contentType, contentId: c.contentId, grid, channel, day, submitted: 0, opens: 0, openReaders: 0, reads: 0, readers: 0 }))
    return r
  }
  const buildingRow = (grid: string, building: string, day: string): Counts => {
    const key = buildingKey(c.contentType, c.contentId, grid, building, day)
    let r = rows.get(key)
    if (!r) rows.set(key, (r = { key, contentType: c.contentType, contentId: c.contentId, grid, channel: 'building', building, day, submitted: 0, opens: 0, openReaders: 0, reads: 0, readers: 0 }))
    return r
  }
  const contentWhere: Where = { and: [{ contentType: { equals: c.contentType } }, { contentId: { equals: c.contentId } }] }

  // Reads and opens: the first day each reader is seen, per channel and across channels.
  const events = await all<ReadEventDoc>(payload, 'read-events', contentWhere, 'at')
  const firstSeen = new Map<string, string>()
  let anonymous = 0
  for (const e of events) {
    const day = streetDay(e.at)
    const grid = e.grid ?? ''
    const reader = e.reader || `event-${anonymous++}`
    const viaMessage = e.channel === 'email' || e.channel === 'webpush' || e.channel === 'sms'
    // Through a building's share link (issue 18): that building's readers too, in the grid, opens apart.
    if (e.building && e.grid && e.kind !== 'open') {
      const seenKey = `building\u0000${grid}\u0000${e.building}\u0000${reader}`
      const first = firstSeen.get(seenKey)
      const isFirst = first === undefined || day < first
      if (isFirst) firstSeen.set(seenKey, day)
      if (days.has(day)) {
        const r = buildingRow(grid, e.building, day)
        r.reads++
        if (isFirst) r.readers++
      }
    }
    for (const channel of (viaMessage ? [e.channel, 'messages', 'all'] : [e.channel, 'all']) as ReadChannel[]) {
      const seenKey = `${e.kind}\u0000${grid}\u0000${channel}\u0000${reader}`
      const first = firstSeen.get(seenKey)
      const isFirst = first === undefined || day < first
      if (isFirst) firstSeen.set(seenKey, day)
      if (!days.has(day)) continue
      const r = row(grid, channel, day)
      if (e.kind === 'open') {
        r.opens++
        if (isFirst) r.openReaders++
      } else {
        r.reads++
        if (isFirst) r.readers++
      }
    }
  }

  // Submitted: receipts of this content's email, push and SMS deliveries and their fallbacks, under the
  // subscriber's grid (not its notices of a correction or withdrawal: those went to residents already
  // counted; a fallback goes only to residents no channel reached, and 'all' counts a resident once).
  const deliveries = await all<{ id: string | number; channel: string }>(payload, 'deliveries', {
    and: [...(contentWhere.and as Where[]), { channel: { in: ['email', 'webpush', 'sms'] } }, { or: [{ kind: { exists: false } }, { kind: { in: ['content', 'fallback'] } }] }],
  })
  if (deliveries.length) {
    const channelOf = new Map(deliveries.map((d) => [String(d.id), d.channel as ReadChannel]))
    const receipts = await all<Receipt>(
      payload,
      'delivery-receipts',
      { and: [{ delivery: { in: [...channelOf.keys()] } }, { status: { equals: 'submitted' } }] },
      'createdAt',
    )
    const gridOf = await subscriberGrids(payload, [...new Set(receipts.map((r) => r.subscriber))])
    const firstSubmitted = new Map<string, string>()
    for (const r of receipts) {
      const day = streetDay(r.createdAt)
      const grid = gridOf.get(r.subscriber) ?? ''
      const seenKey = `${grid}\u0000${r.subscriber}`
      const first = firstSubmitted.get(seenKey)
      if (first === undefined || day < first) firstSubmitted.set(seenKey, day)
      if (!days.has(day)) continue
      row(grid, channelOf.get(r.delivery)!, day).submitted++
      // Across channels a resident reached by mail and push is one recipient, on the first day.
      if (first === undefined || day < first) {
        row(grid, 'all', day).submitted++
        row(grid, 'messages', day).submitted++
      }
    }
  }
  return rows
}

async function subscriberGrids(payload: Payload, ids: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>()
  for (let i = 0; i < ids.length; i += 500) {
    const slice = ids.slice(i, i + 500)
    const { docs } = await payload.db.find({ collection: 'subscribers', where: { id: { in: slice } }, limit: 0, pagination: false, req: noTransaction() })
    for (const s of docs as unknown as { id: string | number; grid: unknown }[]) {
      const g = s.grid && typeof s.grid === 'object' ? (s.grid as { id: unknown }).id : s.grid
      out.set(String(s.id), g == null ? '' : String(g))
    }
  }
  return out
}

export type RollupResult = { contents: number; rows: number; created: number; updated: number; deleted: number; days: string[] }

/** Recompute the rollup rows of the last `days` days (idempotent). */
export async function rollupReadership(payload: Payload, opts: { days?: number; now?: Date } = {}): Promise<RollupResult> {
  const now = opts.now ?? new Date()
  const span = Math.max(1, opts.days ?? ROLLUP_DAYS)
  const dayList: string[] = []
  for (let i = span - 1; i >= 0; i--) dayList.push(streetDay(new Date(now.getTime() - i * 86_400_000)))
  const days = new Set(dayList)
  // A day in the street's zone starts at most 14 h before its UTC date; look a day further back and filter by day.
  const since = new Date(now.getTime() - (span + 1) * 86_400_000).toISOString()

  // Contents with events or receipts in the window.
  const contents = new Map<string, ContentRef>()
  const recent = await all<ReadEventDoc>(payload, 'read-events', { at: { greater_than_equal: since } }, 'at')
  for (const e of recent) if (days.has(streetDay(e.at))) contents.set(`${e.contentType}:${e.contentId}`, { contentType: e.contentType, contentId: e.contentId })
  const receipts = await all<Receipt>(payload, 'delivery-receipts', { and: [{ createdAt: { greater_than_equal: since } }, { status: { equals: 'submitted' } }] }, 'createdAt')
  const deliveryIds = [...new Set(receipts.filter((r) => days.has(streetDay(r.createdAt))).map((r) => r.delivery))]
  for (let i = 0; i < deliveryIds.length; i += 500) {
    const { docs } = await payload.db.find({ collection: 'deliveries', where: { id: { in: deliveryIds.slice(i, i + 500) } }, limit: 0, pagination: false, req: noTransaction() })
    for (const d of docs as unknown as ContentRef[]) contents.set(`${d.contentType}:${d.contentId}`, { contentType: d.contentType, contentId: String(d.contentId) })
  }
  // Contents that had rows in the window keep being recomputed (their events may have been deleted).
  const existingInWindow = await all<ReadRollupDoc>(payload, ROLLUPS, { day: { in: dayList } })
  for (const r of existingInWindow) contents.set(`${r.contentType}:${r.contentId}`, { contentType: r.contentType, contentId: r.contentId })

  const result: RollupResult = { contents: contents.size, rows: 0, created: 0, updated: 0, deleted: 0, days: dayList }
  const existingByKey = new Map(existingInWindow.map((r) => [r.key, r]))
  for (const c of contents.values()) {
    const fresh = await figuresOf(payload, c, days)
    result.rows += fresh.size
    for (const [key, row] of fresh) {
      const old = existingByKey.get(key)
      existingByKey.delete(key)
      if (old) {
        if (sameCounts(old, row)) continue
        await payload.db.updateOne({ collection: ROLLUPS, id: old.id, data: counts(row), returning: false, req: noTransaction() })
        result.updated++
        continue
      }
      // Another process may have written the row meanwhile: ours goes over it (both come from the same data).
      if ((await insertOrOverwrite(payload, ROLLUPS, row)) === 'created') result.created++
      else result.updated++
    }
  }
  // Rows of the window that the raw data no longer supports (e.g. events deleted as bots after the fact).
  const gone = [...existingByKey.values()].filter((r) => contents.has(`${r.contentType}:${r.contentId}`))
  if (gone.length) {
    await payload.db.deleteMany({ collection: ROLLUPS, where: { id: { in: gone.map((r) => r.id) } }, req: noTransaction() })
    result.deleted = gone.length
  }
  await recordRollupFinished(payload)
  return result
}

/**
 * Building rows for every day of the read events still kept (issue 18):
 * once per database, when the rollup first keeps buildings (before, the
 * building figures were read from the raw events, and rows of days before
 * the rollup's window are never recomputed). Only building rows are
 * written, so grid rows of days whose events were partly deleted stay as
 * they were. Returns the rows written.
 */
export async function backfillBuildingRollups(payload: Payload): Promise<number> {
  const events = await all<ReadEventDoc>(payload, 'read-events', { building: { exists: true } }, 'at')
  const contents = new Map<string, { ref: ContentRef; days: Set<string> }>()
  for (const e of events) {
    if (!e.building) continue
    const key = `${e.contentType}:${e.contentId}`
    const c = contents.get(key) ?? { ref: { contentType: e.contentType, contentId: e.contentId }, days: new Set<string>() }
    c.days.add(streetDay(e.at))
    contents.set(key, c)
  }
  let written = 0
  for (const { ref, days } of contents.values()) {
    for (const row of (await figuresOf(payload, ref, days)).values()) {
      if (row.channel !== 'building') continue
      await insertOrOverwrite(payload, ROLLUPS, row)
      written++
    }
  }
  return written
}

/**
 * When the last rollup finished, kept as the slot of one row of the claims
 * ledger (every process reads and writes the same row set, on both
 * databases); older rows go. Two processes finishing in the same millisecond
 * both succeed: one row is enough.
 */
async function recordRollupFinished(payload: Payload, at = Date.now()): Promise<void> {
  await claimSlot(payload, { scope: FINISHED_SCOPE, slot: at, owner: processOwner })
  await deleteClaims(payload, FINISHED_SCOPE, at)
}

/** When the figures were last rolled up (null: never yet), for the dashboard. */
export async function lastRollupAt(payload: Payload): Promise<Date | null> {
  const row = (await newestClaims(payload, [FINISHED_SCOPE])).get(FINISHED_SCOPE)
  return row ? new Date(Number(row.slot)) : null
}

const counts = (r: Counts): Counts => ({ submitted: r.submitted, opens: r.opens, openReaders: r.openReaders, reads: r.reads, readers: r.readers })
const sameCounts = (a: Counts, b: Counts) =>
  a.submitted === b.submitted && a.opens === b.opens && a.openReaders === b.openReaders && a.reads === b.reads && a.readers === b.readers

/** Delete raw read events (and residents' own history entries) older than the retention; rollups stay. */
export async function applyReadRetention(payload: Payload, retentionDays: number, now = new Date()): Promise<number> {
  const before = new Date(now.getTime() - retentionDays * 86_400_000).toISOString()
  const where: Where = { at: { less_than: before } }
  const { totalDocs } = await payload.db.count({ collection: 'read-events', where, req: noTransaction() })
  if (totalDocs) await payload.db.deleteMany({ collection: 'read-events', where, req: noTransaction() })
  await payload.db.deleteMany({ collection: 'reading-history', where, req: noTransaction() })
  return totalDocs
}
