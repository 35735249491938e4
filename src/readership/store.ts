import { sql } from '@payloadcms/db-sqlite'
import type { Payload } from 'payload'

import { uniqueIndexReady } from '../store/receipts'
import { sqliteUrl } from '../server/env'
import { inSqliteWriteTurn } from '../store/sqlite'
import { eventRowsJson, INSERT_EVENTS_SQL, SqliteEventWriter } from './sqliteWriter'

/**
 * Bulk writes of the readership hot path, one native statement per batch
 * (Payload's create is one row per call, and on SQLite one write turn each):
 * a multi-row INSERT on SQLite, insertMany on MongoDB. Both tested on both
 * databases (test/readership/).
 */
export type ReadEventRow = {
  contentType: string
  contentId: string
  grid: string
  channel: 'email' | 'webpush' | 'share' | 'site'
  kind: 'open' | 'read'
  reader: string
  at: Date
}
export type HistoryRow = { subscriber: string; contentType: string; contentId: string; at: Date }

type Db = { name: string; client?: { execute: (q: { sql: string; args: (string | null)[] }) => Promise<unknown> }; drizzle?: { run: (q: unknown) => Promise<unknown> }; collections?: Record<string, { insertMany: (docs: unknown[], opts: { ordered: boolean }) => Promise<unknown> }> }

/**
 * A read event travels from the request to the database as one line of text,
 * fields joined by tabs (none of them can hold one: ids, keys, slugs), its
 * time as epoch milliseconds. The buffer keeps lines rather than objects, and
 * a batch goes to the writer thread as one string: the request thread never
 * builds a statement's arguments or clones thousands of them.
 */
const SEPARATORS = /[\t\n\r]/

export function encodeReadEvent(e: Omit<ReadEventRow, 'at'> & { at: Date | number }): string | null {
  const at = typeof e.at === 'number' ? e.at : e.at.getTime()
  if (SEPARATORS.test(e.contentId + e.grid + e.reader + e.contentType) || !Number.isFinite(at)) return null
  return `${e.contentType}\t${e.contentId}\t${e.grid}\t${e.channel}\t${e.kind}\t${e.reader}\t${at}`
}

export function decodeReadEvent(line: string): ReadEventRow {
  const [contentType, contentId, grid, channel, kind, reader, at] = line.split('\t')
  return { contentType, contentId, grid, channel: channel as ReadEventRow['channel'], kind: kind as ReadEventRow['kind'], reader, at: new Date(Number(at)) }
}

const writers = new WeakMap<Payload, SqliteEventWriter>()
const failedWriters = new WeakSet<Payload>()

/**
 * The insert in the worker thread (sqliteWriter.ts), so the event loop keeps
 * answering meanwhile; rejects (and the caller writes in this thread) if the
 * worker cannot run here.
 */
async function writeOffThread(payload: Payload, text: string): Promise<void> {
  if (failedWriters.has(payload)) throw new Error('no read-event writer')
  let w = writers.get(payload)
  if (!w) {
    const url = (payload.db as unknown as { clientConfig?: { url?: string } }).clientConfig?.url ?? sqliteUrl()
    writers.set(payload, (w = new SqliteEventWriter(url)))
  }
  try {
    await w.write(text)
  } catch (err) {
    failedWriters.add(payload)
    payload.logger.warn({ component: 'readership', err }, 'read-event writer thread failed; writing in the main thread from now on')
    throw err
  }
}

/** Stop the writer thread (after the last flush). */
export async function closeEventWriter(payload: Payload): Promise<void> {
  const w = writers.get(payload)
  writers.delete(payload)
  await w?.close()
}

/** Store encoded read events (encodeReadEvent's lines). */
export async function insertEncodedReadEvents(payload: Payload, lines: string[]): Promise<void> {
  if (!lines.length) return
  const db = payload.db as unknown as Db
  if (db.name === 'sqlite') {
    // The libsql client directly (drizzle's sql template costs more than the insert at this size).
    const text = lines.join('\n')
    await inSqliteWriteTurn(payload, () =>
      writeOffThread(payload, text).catch(() => db.client!.execute({ sql: INSERT_EVENTS_SQL, args: [eventRowsJson(text)] })),
    )
    return
  }
  await db.collections!['read-events'].insertMany(lines.map(decodeReadEvent), { ordered: false })
}

export async function insertReadEvents(payload: Payload, rows: ReadEventRow[]): Promise<void> {
  const lines: string[] = []
  for (const r of rows) {
    const line = encodeReadEvent(r)
    if (line === null) throw new Error(`read event for ${r.contentType} ${r.contentId} holds a tab or line break`)
    lines.push(line)
  }
  await insertEncodedReadEvents(payload, lines)
}

/** History rows: one per subscriber and content; a row that exists already is kept as it is (the first read). */
export async function insertHistory(payload: Payload, rows: HistoryRow[]): Promise<void> {
  if (!rows.length) return
  const db = payload.db as unknown as Db
  const now = new Date()
  if (db.name === 'sqlite') {
    const iso = now.toISOString()
    const values = sql.join(
      rows.map((r) => sql`(${r.subscriber}, ${r.contentType}, ${r.contentId}, ${r.at.toISOString()}, ${iso}, ${iso})`),
      sql`, `,
    )
    await inSqliteWriteTurn(payload, () =>
      db.drizzle!.run(
        sql`INSERT INTO reading_history (subscriber, content_type, content_id, at, updated_at, created_at) VALUES ${values} ON CONFLICT (subscriber, content_type, content_id) DO NOTHING`,
      ),
    )
    return
  }
  await uniqueIndexReady(payload, 'reading-history')
  try {
    await db.collections!['reading-history'].insertMany(
      rows.map((r) => ({ ...r, createdAt: now, updatedAt: now })),
      { ordered: false },
    )
  } catch (err) {
    // Duplicates only (code 11000 on every failed row): the others were written (ordered: false).
    const e = err as { code?: number; writeErrors?: { code?: number; err?: { code?: number } }[] }
    const codes = e.writeErrors?.map((w) => w.code ?? w.err?.code) ?? [e.code]
    if (!codes.length || codes.some((c) => c !== 11000)) throw err
  }
}
