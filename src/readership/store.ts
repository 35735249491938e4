import { sql } from '@payloadcms/db-sqlite'
import type { Payload } from 'payload'

import { uniqueIndexReady } from '../store/receipts'
import { sqliteUrl } from '../server/env'
import { inSqliteWriteTurn } from '../store/sqlite'
import { checkOpenToken, encodeReadEvent, eventRows, rowDocument, type ReadEventRow } from './eventLines'
import { INSERT_EVENTS_SQL, SqliteEventWriter } from './sqliteWriter'

export type { ReadEventRow }

/**
 * Bulk writes of the readership hot path, one native statement per batch
 * (Payload's create is one row per call, and on SQLite one write turn each):
 * one INSERT of a JSON array on SQLite, insertMany on MongoDB. Both tested on both
 * databases (test/readership/).
 */
export type HistoryRow = { subscriber: string; contentType: string; contentId: string; at: Date }

type Db = { name: string; client?: { execute: (q: { sql: string; args: (string | null)[] }) => Promise<unknown> }; drizzle?: { run: (q: unknown) => Promise<unknown> }; collections?: Record<string, { insertMany: (docs: unknown[], opts: { ordered: boolean }) => Promise<unknown> }> }

const writers = new WeakMap<Payload, SqliteEventWriter>()
const failedWriters = new WeakSet<Payload>()

/**
 * The insert in the worker thread (sqliteWriter.ts), so the event loop keeps
 * answering meanwhile; rejects (and the caller writes in this thread) if the
 * worker cannot run here.
 */
async function writeOffThread(payload: Payload, text: string): Promise<number> {
  if (failedWriters.has(payload)) throw new Error('no read-event writer')
  let w = writers.get(payload)
  if (!w) {
    const url = (payload.db as unknown as { clientConfig?: { url?: string } }).clientConfig?.url ?? sqliteUrl()
    writers.set(payload, (w = new SqliteEventWriter(url)))
  }
  try {
    return await w.write(text)
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

/**
 * Rows of encoded lines in this thread (MongoDB, or SQLite without its writer
 * thread), in slices with a turn of the event loop between them: checking a
 * thousand open tokens at once would hold requests for about 3 ms.
 */
async function rowsHere(lines: string[]): Promise<string[][]> {
  const rows: string[][] = []
  for (let i = 0; i < lines.length; i += 200) {
    if (i) await new Promise((resolve) => setImmediate(resolve))
    for (const r of eventRows(lines.slice(i, i + 200), checkOpenToken)) rows.push(r)
  }
  return rows
}

/** Store encoded read events (eventLines.ts); resolves to how many were stored (opens whose token does not hold are not). */
export async function insertEncodedReadEvents(payload: Payload, lines: string[]): Promise<number> {
  if (!lines.length) return 0
  const db = payload.db as unknown as Db
  if (db.name === 'sqlite') {
    const text = lines.join('\n')
    // The libsql client directly (drizzle's sql template costs more than the insert at this size).
    return inSqliteWriteTurn(payload, () =>
      writeOffThread(payload, text).catch(async () => {
        const rows = await rowsHere(lines)
        if (rows.length) await db.client!.execute({ sql: INSERT_EVENTS_SQL, args: [JSON.stringify(rows)] })
        return rows.length
      }),
    )
  }
  const rows = await rowsHere(lines)
  if (rows.length) await db.collections!['read-events'].insertMany(rows.map(rowDocument), { ordered: false })
  return rows.length
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
