import { sql } from '@payloadcms/db-sqlite'
import type { Payload } from 'payload'

import { uniqueIndexReady } from '../store/receipts'
import { inSqliteWriteTurn } from '../store/sqlite'

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

type Db = { name: string; drizzle?: { run: (q: unknown) => Promise<unknown> }; collections?: Record<string, { insertMany: (docs: unknown[], opts: { ordered: boolean }) => Promise<unknown> }> }

/** SQLite binds at most 32,766 variables per statement; rows go in slices well under that. */
const SQLITE_ROWS_PER_STATEMENT = 2_000

export async function insertReadEvents(payload: Payload, rows: ReadEventRow[]): Promise<void> {
  if (!rows.length) return
  const db = payload.db as unknown as Db
  const now = new Date()
  if (db.name === 'sqlite') {
    const iso = now.toISOString()
    for (let i = 0; i < rows.length; i += SQLITE_ROWS_PER_STATEMENT) {
      const slice = rows.slice(i, i + SQLITE_ROWS_PER_STATEMENT)
      const values = sql.join(
        slice.map((r) => sql`(${r.contentType}, ${r.contentId}, ${r.grid}, ${r.channel}, ${r.kind}, ${r.reader}, ${r.at.toISOString()}, ${iso}, ${iso})`),
        sql`, `,
      )
      await inSqliteWriteTurn(payload, () =>
        db.drizzle!.run(sql`INSERT INTO read_events (content_type, content_id, grid, channel, kind, reader, at, updated_at, created_at) VALUES ${values}`),
      )
    }
    return
  }
  await db.collections!['read-events'].insertMany(
    rows.map((r) => ({ contentType: r.contentType, contentId: r.contentId, grid: r.grid, channel: r.channel, kind: r.kind, reader: r.reader, at: r.at, createdAt: now, updatedAt: now })),
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
