import { sql } from '@payloadcms/db-sqlite'
import type { Payload } from 'payload'

import { uniqueIndexReady } from '../store/receipts'
import { sqliteUrl } from '../server/env'
import { inSqliteWriteTurn } from '../store/sqlite'
import { SqliteEventWriter } from './sqliteWriter'

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

/** SQLite binds at most 32,766 variables per statement; rows go in slices well under that. */
const SQLITE_ROWS_PER_STATEMENT = 4_000

const EVENT_ROW = '(?, ?, ?, ?, ?, ?, ?)'
const eventInsert = new Map<number, string>()
/** The statement for n rows, built once per size (batches mostly come in a few sizes). */
function eventInsertSql(n: number): string {
  let text = eventInsert.get(n)
  if (!text) {
    text = `INSERT INTO read_events (content_type, content_id, grid, channel, kind, reader, at) VALUES ${Array(n).fill(EVENT_ROW).join(', ')}`
    if (eventInsert.size > 64) eventInsert.clear()
    eventInsert.set(n, text)
  }
  return text
}

const writers = new WeakMap<Payload, SqliteEventWriter>()
const failedWriters = new WeakSet<Payload>()

/**
 * The insert in the worker thread (sqliteWriter.ts), so the event loop keeps
 * answering meanwhile; rejects (and the caller writes in this thread) if the
 * worker cannot run here.
 */
async function writeOffThread(payload: Payload, sql: string, args: (string | null)[]): Promise<void> {
  if (failedWriters.has(payload)) throw new Error('no read-event writer')
  let w = writers.get(payload)
  if (!w) {
    const url = (payload.db as unknown as { clientConfig?: { url?: string } }).clientConfig?.url ?? sqliteUrl()
    writers.set(payload, (w = new SqliteEventWriter(url)))
  }
  try {
    await w.write(sql, args)
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

export async function insertReadEvents(payload: Payload, rows: ReadEventRow[]): Promise<void> {
  if (!rows.length) return
  const db = payload.db as unknown as Db
  if (db.name === 'sqlite') {
    // The libsql client directly, with positional arguments: building the statement through
    // drizzle's sql template costs more than the insert itself at this size.
    for (let i = 0; i < rows.length; i += SQLITE_ROWS_PER_STATEMENT) {
      const slice = rows.slice(i, i + SQLITE_ROWS_PER_STATEMENT)
      const args: (string | null)[] = new Array(slice.length * 7)
      let k = 0
      for (const r of slice) {
        args[k++] = r.contentType
        args[k++] = r.contentId
        args[k++] = r.grid
        args[k++] = r.channel
        args[k++] = r.kind
        args[k++] = r.reader
        args[k++] = r.at.toISOString()
      }
      const sql = eventInsertSql(slice.length)
      await inSqliteWriteTurn(payload, () => writeOffThread(payload, sql, args).catch(() => db.client!.execute({ sql, args })))
    }
    return
  }
  await db.collections!['read-events'].insertMany(
    rows.map((r) => ({ contentType: r.contentType, contentId: r.contentId, grid: r.grid, channel: r.channel, kind: r.kind, reader: r.reader, at: r.at })),
    { ordered: false },
  )
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
