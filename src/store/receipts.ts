import type { Payload } from 'payload'
import { sql } from '@payloadcms/db-sqlite'

import { mongoIndexesReady } from './mongo'
import { sqliteUrl } from '../server/env'
import { inSqliteWriteTurn } from './sqlite'
import { sqliteFileUrl, SqliteThread } from './sqliteThread'

/**
 * Delivery receipts written many at once: the pipeline's hot path (one row per
 * recipient). Payload's create is one row per call (and, on SQLite, one write
 * turn each); here a group of rows is one statement on SQLite and one
 * insertMany on MongoDB. A row that exists already (same delivery and
 * subscriber, from a worker whose lease was taken over) is left as it is.
 */
export type ReceiptRow = { delivery: string; subscriber: string; status: 'submitted' | 'failed' | 'gone' | 'skipped'; code?: string | null }

type SqliteLike = { run: (q: unknown) => Promise<unknown> }
type MongoModel = { insertMany: (docs: unknown[], opts: { ordered: boolean }) => Promise<unknown> }

/**
 * Receipts are committed from a thread of their own (sqliteThread.ts) with synchronous FULL, as durable as
 * on the main thread: the commit's fsync, a few milliseconds a group, no longer holds the sends in flight.
 * One statement for any group size: the rows go in as one JSON array that SQLite unpacks (`WHERE true`
 * lets the upsert clause follow a SELECT).
 */
const INSERT_RECEIPTS_SQL =
  'INSERT INTO delivery_receipts (delivery, subscriber, status, code, updated_at, created_at) ' +
  'SELECT value->>0, value->>1, value->>2, value->>3, ?, ? FROM json_each(?) WHERE true ON CONFLICT (delivery, subscriber) DO NOTHING'

const threads = new WeakMap<Payload, SqliteThread>()
const noThread = new WeakSet<Payload>()

function receiptThread(payload: Payload): SqliteThread | null {
  if (noThread.has(payload)) return null
  let thread = threads.get(payload)
  if (!thread) {
    const url = sqliteFileUrl(payload.db, sqliteUrl())
    if (!url) {
      noThread.add(payload)
      return null
    }
    threads.set(payload, (thread = new SqliteThread(url, { label: 'writing receipts', synchronous: 'FULL' })))
  }
  return thread
}

export async function insertReceipts(payload: Payload, rows: ReceiptRow[]): Promise<void> {
  if (!rows.length) return
  const db = payload.db as unknown as { name: string; drizzle?: SqliteLike; collections?: Record<string, MongoModel> }
  const now = new Date()
  if (db.name === 'sqlite') {
    const iso = now.toISOString()
    await inSqliteWriteTurn(payload, async () => {
      const thread = receiptThread(payload)
      if (thread) {
        try {
          await thread.run({ sql: INSERT_RECEIPTS_SQL, args: [iso, iso, JSON.stringify(rows.map((r) => [r.delivery, r.subscriber, r.status, r.code ?? null]))] })
          return
        } catch (err) {
          if ((err as { workerRan?: boolean }).workerRan) throw err
          noThread.add(payload)
          payload.logger.warn({ component: 'delivery', err }, 'receipt writer thread failed; writing receipts in the main thread from now on')
        }
      }
      const values = sql.join(
        rows.map((r) => sql`(${r.delivery}, ${r.subscriber}, ${r.status}, ${r.code ?? null}, ${iso}, ${iso})`),
        sql`, `,
      )
      await db.drizzle!.run(
        sql`INSERT INTO delivery_receipts (delivery, subscriber, status, code, updated_at, created_at) VALUES ${values} ON CONFLICT (delivery, subscriber) DO NOTHING`,
      )
    })
    return
  }
  // MongoDB builds indexes in the background after start: a row is only refused as a duplicate once the unique index exists.
  await uniqueIndexReady(payload, 'delivery-receipts')
  try {
    await db.collections!['delivery-receipts'].insertMany(
      rows.map((r) => ({ ...r, code: r.code ?? null, createdAt: now, updatedAt: now })),
      { ordered: false },
    )
  } catch (err) {
    // Duplicates only (code 11000 on every failed row): the others were written (ordered: false).
    const e = err as { code?: number; writeErrors?: { code?: number; err?: { code?: number } }[] }
    const codes = e.writeErrors?.map((w) => w.code ?? w.err?.code) ?? [e.code]
    if (!codes.length || codes.some((c) => c !== 11000)) throw err
  }
}

/** Wait (once per process) for a collection's indexes on MongoDB; a failed build fails the write, loudly. */
export async function uniqueIndexReady(payload: Payload, model: string): Promise<void> {
  if (payload.db.name !== 'mongoose') return
  const failed = (await mongoIndexesReady(payload)).find((f) => f.model === model)
  if (failed) throw new Error(`the unique index of ${model} could not be built: ${failed.error}`)
}

/** Rows per write at most (one statement / one insertMany). */
const MAX_GROUP = 500

/**
 * Group commit: callers add a row and wait until it is stored; rows that
 * arrive together go in one write. Each caller still waits for its own row,
 * so "answered but not recorded" never exceeds the number of callers (the
 * delivery's in-flight limit).
 *
 * A write costs about the same for one row as for fifty (on SQLite it is one
 * commit, and with synchronous=FULL one fsync of a few milliseconds, made in a
 * call that holds the event loop). So when the writer knows how many callers
 * there are (`expect`), it writes once all of them wait, or `maxWaitMs` after
 * the first row of the group, whichever comes first; otherwise it writes at
 * the end of the event-loop turn, with whoever came in that turn.
 */
export class ReceiptWriter {
  private pending: { row: ReceiptRow; done: (err?: unknown) => void }[] = []
  private writing = false
  private timer: NodeJS.Timeout | null = null
  private immediate: NodeJS.Immediate | null = null
  private callers = 1
  private readonly maxWaitMs: number

  constructor(
    private readonly payload: Payload,
    options: { maxWaitMs?: number } = {},
  ) {
    this.maxWaitMs = options.maxWaitMs ?? 10
  }

  /** From now, up to `callers` callers may be waiting at once (the workers of a batch). */
  expect(callers: number): void {
    this.callers = Math.max(1, callers)
    this.schedule()
  }

  /** One caller is done adding: the others no longer wait for it. */
  leave(): void {
    this.callers = Math.max(1, this.callers - 1)
    this.schedule()
  }

  add(row: ReceiptRow): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ row, done: (err) => (err ? reject(err) : resolve()) })
      this.schedule()
    })
  }

  private schedule(): void {
    if (this.writing || !this.pending.length) return
    if (this.pending.length >= this.callers) {
      // Everyone is waiting: write once this turn of the event loop is over (callers answered in it join).
      if (this.timer) (clearTimeout(this.timer), (this.timer = null))
      this.immediate ??= setImmediate(() => void this.write())
    } else {
      this.timer ??= setTimeout(() => void this.write(), this.maxWaitMs)
    }
  }

  private async write(): Promise<void> {
    if (this.timer) (clearTimeout(this.timer), (this.timer = null))
    if (this.immediate) (clearImmediate(this.immediate), (this.immediate = null))
    if (this.writing || !this.pending.length) return
    this.writing = true
    const group = this.pending.splice(0, MAX_GROUP)
    try {
      await insertReceipts(this.payload, group.map((g) => g.row))
      for (const g of group) g.done()
    } catch (err) {
      for (const g of group) g.done(err)
    } finally {
      this.writing = false
      this.schedule()
    }
  }
}
