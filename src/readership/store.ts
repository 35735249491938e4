import { sql } from '@payloadcms/db-sqlite'
import type { Payload } from 'payload'

import type { ReadRollupDoc } from '../collections/Readership'
import { sqliteUrl } from '../server/env'
import { sqliteFileUrl } from '../store/sqliteThread'
import { uniqueIndexReady } from '../store/receipts'
import { inSqliteWriteTurn } from '../store/sqlite'
import { checkOpenToken, encodeReadEvent, eventRows, rowDocument, type ReadEventRow } from './eventLines'
import { INSERT_EVENTS_SQL, SqliteEventWriter } from './sqliteWriter'

export type { ReadEventRow }

/**
 * Readership's native database work, each tested on both databases
 * (test/readership/):
 * - bulk writes of the hot path, one statement per batch (Payload's create is
 *   one row per call, and on SQLite one write turn each): one INSERT of a JSON
 *   array on SQLite, insertMany on MongoDB;
 * - the dashboard's grouped reads (Payload has no GROUP BY): subscribers per
 *   grid, and rollup rows summed over their days.
 */
export type HistoryRow = { subscriber: string; contentType: string; contentId: string; at: Date }

type Db = {
  name: string
  client?: { execute: (q: { sql: string; args: (string | null)[] }) => Promise<{ rows: Record<string, unknown>[] }> }
  drizzle?: { run: (q: unknown) => Promise<unknown> }
  collections?: Record<string, { insertMany: (docs: unknown[], opts: { ordered: boolean }) => Promise<unknown>; aggregate: (pipeline: unknown[]) => Promise<Record<string, unknown>[]> }>
}

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
    const url = sqliteFileUrl(payload.db, sqliteUrl())
    if (!url) {
      failedWriters.add(payload)
      throw new Error('no read-event writer for an in-memory database')
    }
    writers.set(payload, (w = new SqliteEventWriter(url)))
  }
  try {
    return await w.write(text)
  } catch (err) {
    // The thread ran and the database refused this batch (a full disk, a read-only file): the caller keeps
    // the events, and the thread, which has reopened its connection, takes the next batch.
    if ((err as { workerRan?: boolean }).workerRan) throw err
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
      writeOffThread(payload, text).catch(async (err) => {
        if ((err as { workerRan?: boolean }).workerRan) throw err
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

/**
 * Active subscribers per grid (grid id as text), in one grouped query: Payload
 * has no grouped count, and a count per grid was 34 queries for the dashboard
 * (90 ms of its 104 ms at 100,000 subscribers on SQLite; this query takes 20 ms).
 */
export async function activeSubscribersPerGrid(payload: Payload): Promise<Map<string, number>> {
  const db = payload.db as unknown as Db
  const rows =
    db.name === 'sqlite'
      ? (await db.client!.execute({ sql: "SELECT grid_id AS grid, count(*) AS n FROM subscribers WHERE status = 'active' GROUP BY grid_id", args: [] })).rows
      : (await db.collections!.subscribers.aggregate([{ $match: { status: 'active' } }, { $group: { _id: '$grid', n: { $sum: 1 } } }])).map((r) => ({ grid: r._id, n: r.n }))
  return new Map(rows.map((r) => [String(r.grid), Number(r.n)]))
}

/** A content's rollup figures for one grid and channel, summed over the days. */
export type RollupTotal = Pick<ReadRollupDoc, 'contentType' | 'contentId' | 'grid' | 'channel' | 'submitted' | 'readers' | 'openReaders'>

const FIGURES = ['submitted', 'readers', 'openReaders'] as const
type Figure = (typeof FIGURES)[number]

/** A total from its group's key fields, as either database returns them, and its sums. */
const rollupTotal = (key: Record<string, unknown>, sums: Pick<RollupTotal, Figure>): RollupTotal => ({
  contentType: String(key.contentType),
  contentId: String(key.contentId),
  grid: String(key.grid ?? ''),
  channel: key.channel as ReadRollupDoc['channel'],
  ...sums,
})

/**
 * The rollup rows of `contents`, summed over their days in the database, one
 * row per content, grid and channel; only `grids` (ids as text) when given.
 * Building rows (channel 'building', per building: buildingRollupReaders in
 * relayCoverage.ts) are not grid figures and are left out.
 * Payload's find would hand every day's row over one by one: 65,000 of them
 * for the dashboard's 32 contents after 10 days, 1.7 s on SQLite.
 */
export async function rollupTotals(payload: Payload, contents: { type: string; id: string | number }[], grids: string[] | null): Promise<RollupTotal[]> {
  if (!contents.length || grids?.length === 0) return []
  const byType = new Map<string, string[]>()
  for (const c of contents) byType.set(c.type, [...(byType.get(c.type) ?? []), String(c.id)])
  const db = payload.db as unknown as Db
  if (db.name === 'sqlite') {
    const args: string[] = []
    const list = (values: string[]) => (args.push(...values), values.map(() => '?').join(', '))
    const ofContents = [...byType].map(([type, ids]) => `(content_type = ${list([type])} AND content_id IN (${list(ids)}))`).join(' OR ')
    const ofGrids = grids ? ` AND grid IN (${list(grids)})` : ''
    const { rows } = await db.client!.execute({
      sql:
        'SELECT content_type AS contentType, content_id AS contentId, grid, channel, ' +
        'sum(submitted) AS submitted, sum(readers) AS readers, sum(open_readers) AS openReaders ' +
        `FROM read_rollups WHERE (${ofContents})${ofGrids} AND channel <> 'building' GROUP BY content_type, content_id, grid, channel`,
      args,
    })
    return rows.map((r) => rollupTotal(r, { submitted: Number(r.submitted), readers: Number(r.readers), openReaders: Number(r.openReaders) }))
  }
  const match = {
    $or: [...byType].map(([type, ids]) => ({ contentType: type, contentId: { $in: ids } })),
    ...(grids ? { grid: { $in: grids } } : {}),
    channel: { $ne: 'building' },
  }
  // One sum per query: FerretDB v1 sums only the first of several accumulators in a
  // $group (its issue 4616), and one code path is then tested on the MongoDB-wire leg.
  const groupsOf = (figure: Figure) =>
    db.collections!['read-rollups'].aggregate([
      { $match: match },
      { $group: { _id: { contentType: '$contentType', contentId: '$contentId', grid: '$grid', channel: '$channel' }, n: { $sum: `$${figure}` } } },
    ])
  const groups = await Promise.all(FIGURES.map(groupsOf))
  const totals = new Map<string, RollupTotal>()
  FIGURES.forEach((figure, i) => {
    for (const g of groups[i]) {
      const key = g._id as Record<string, unknown>
      const id = JSON.stringify([key.contentType, key.contentId, key.grid ?? '', key.channel])
      let total = totals.get(id)
      if (!total) totals.set(id, (total = rollupTotal(key, { submitted: 0, readers: 0, openReaders: 0 })))
      total[figure] = Number(g.n)
    }
  })
  return [...totals.values()]
}
