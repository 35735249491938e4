import type { Payload } from 'payload'

import { env } from '../server/env'
import { currentConsents } from '../subscribers/service'
import type { SubscriberDoc } from '../model/subscribers'
import { encodeOpen, encodeReadEvent, type ReadEventRow } from './eventLines'
import { closeEventWriter, insertEncodedReadEvents, insertHistory, type HistoryRow } from './store'
import { openHistory } from './tokens'

/**
 * Read events are answered at once and written later, in batches: kept in
 * memory, flushed every second (or as soon as `maxBatch`, default 1,000, are waiting: smaller
 * batches keep each hand-over to the writer short, which is what the p99 feels), and
 * flushed to the last one when the process stops normally (src/server/main.ts
 * awaits stop()). A failed write keeps its events for the next flush; only
 * beyond `maxPending` (the database down for long) are the oldest dropped,
 * with an error in the log.
 */
export type ReadEvent = Omit<ReadEventRow, 'at'> & {
  /** When: a Date, or epoch milliseconds (what the hot path passes: no object to make). */
  at: Date | number
  /** The read token's history field (the subscriber's ref, sealed for this content), only for a resident who opted in to their own reading history. */
  history?: string
}
type HistoryEvent = { ref: string; contentType: string; contentId: string; at: Date }

export type BufferOptions = { intervalMs?: number; maxBatch?: number; maxPending?: number }

export class ReadBuffer {
  /** Encoded events (eventLines.ts), oldest first. */
  private pending: string[] = []
  /** The reads of residents who keep a reading history (few), written with the batch they came in. */
  private pendingHistory: HistoryEvent[] = []
  private flushing: Promise<void> | null = null
  private timer: NodeJS.Timeout | null = null
  private readonly intervalMs: number
  private readonly maxBatch: number
  private readonly maxPending: number
  /** Totals since start: what was accepted, written, refused when written (opens whose token does not hold) and dropped. */
  readonly stats = { recorded: 0, written: 0, refused: 0, dropped: 0, failedFlushes: 0 }

  constructor(
    private readonly payload: Payload,
    opts: BufferOptions = {},
  ) {
    this.intervalMs = opts.intervalMs ?? env.readFlushMs
    this.maxBatch = opts.maxBatch ?? 1_000
    this.maxPending = opts.maxPending ?? 200_000
  }

  start(): this {
    if (!this.timer) {
      this.timer = setInterval(() => void this.flush(), this.intervalMs)
      this.timer.unref()
    }
    return this
  }

  /** Take one event (never waits, never throws). */
  add(event: ReadEvent): void {
    const line = encodeReadEvent(event)
    if (line === null) {
      this.payload.logger.error({ component: 'readership', contentType: event.contentType }, 'read event refused: a field holds a tab or line break')
      return
    }
    this.push(line)
    const ref = event.history && event.kind === 'read' ? openHistory(event.contentType, event.contentId, event.history) : null
    if (ref) {
      const at = typeof event.at === 'number' ? new Date(event.at) : event.at
      this.pendingHistory.push({ ref, contentType: event.contentType, contentId: event.contentId, at })
      if (this.pendingHistory.length > this.maxPending) this.pendingHistory.splice(0, this.pendingHistory.length - this.maxPending)
    }
  }

  /**
   * Take an open of the email pixel with its token unchecked: it is checked
   * when written, off the request thread (eventLines.ts). Never waits, never throws.
   */
  addOpen(token: string, at: number): void {
    const line = encodeOpen(token, at)
    if (line !== null) this.push(line)
  }

  private push(line: string): void {
    this.pending.push(line)
    this.stats.recorded++
    if (this.pending.length > this.maxPending) {
      const over = this.pending.length - this.maxPending
      this.pending.splice(0, over)
      this.stats.dropped += over
      this.payload.logger.error({ component: 'readership', dropped: over }, 'read events dropped: the database has not taken them for too long')
    }
    if (this.pending.length >= this.maxBatch && !this.flushing) void this.flush()
  }

  get size(): number {
    return this.pending.length
  }

  /** Write everything waiting now; concurrent callers share one flush, and events added meanwhile go in the next. */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing.then(() => (this.pending.length ? this.flush() : undefined))
    if (!this.pending.length) return Promise.resolve()
    this.flushing = this.write().finally(() => {
      this.flushing = null
    })
    return this.flushing
  }

  private async write(): Promise<void> {
    while (this.pending.length) {
      const batch = this.pending.slice(0, Math.max(this.maxBatch, 1))
      let stored: number
      try {
        stored = await insertEncodedReadEvents(this.payload, batch)
      } catch (err) {
        this.stats.failedFlushes++
        this.payload.logger.error({ component: 'readership', err, waiting: this.pending.length }, 'writing read events failed; kept for the next flush')
        return
      }
      this.pending.splice(0, batch.length)
      this.stats.written += stored
      this.stats.refused += batch.length - stored
      const history = this.pendingHistory
      this.pendingHistory = []
      await this.writeHistory(history).catch((err) =>
        this.payload.logger.error({ component: 'readership', err }, 'writing reading history failed'),
      )
    }
  }

  /** History rows for residents who still hold the statistics consent now (the token may predate a withdrawal). */
  private async writeHistory(events: HistoryEvent[]): Promise<void> {
    const refs = [...new Set(events.map((e) => e.ref))]
    if (!refs.length) return
    const { docs } = await this.payload.db.find({ collection: 'subscribers', where: { ref: { in: refs } }, limit: 0, pagination: false })
    const consenting = new Map<string, string>()
    for (const s of docs as unknown as SubscriberDoc[]) if (currentConsents(s).statistics?.granted) consenting.set(s.ref, String(s.id))
    const rows: HistoryRow[] = []
    for (const e of events) {
      const subscriber = consenting.get(e.ref)
      if (subscriber) rows.push({ subscriber, contentType: e.contentType, contentId: e.contentId, at: e.at })
    }
    await insertHistory(this.payload, rows)
  }

  /** Stop the timer and write what is left; resolves when everything accepted is stored (or failed loudly). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    // A failed flush keeps its events: try a few more times before giving up on a normal stop.
    for (let attempt = 0; attempt < 3 && (this.pending.length || this.flushing); attempt++) await this.flush()
    if (this.pending.length) this.payload.logger.error({ component: 'readership', lost: this.pending.length }, 'read events not written at stop')
  }
}

const KEY = Symbol.for('street-news.read-buffer')
const holder = globalThis as unknown as Record<symbol, Map<Payload, ReadBuffer> | undefined>

/** The process's buffer for this Payload (started on first use). */
export function readBuffer(payload: Payload): ReadBuffer {
  const map = (holder[KEY] ??= new Map())
  let b = map.get(payload)
  if (!b) {
    b = new ReadBuffer(payload).start()
    map.set(payload, b)
  }
  return b
}

/** Flush and stop this Payload's buffer (the server's shutdown path). */
export async function stopReadBuffer(payload: Payload): Promise<void> {
  const map = holder[KEY]
  const b = map?.get(payload)
  if (!b) return
  map!.delete(payload)
  await b.stop()
  await closeEventWriter(payload)
}
