import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'

import { checkCompact, compactKey } from '../tokens'
import { eventRows } from './eventLines'
import { decodeTrackFields, TRACK_FIELDS, TRACK_PURPOSE } from './tokens'

/**
 * Read events into SQLite from a worker thread. The libsql driver is
 * synchronous: a batch insert (with its fsync: WAL, synchronous=FULL) blocks
 * the thread it runs on for 5–30 ms per thousand rows, which on the main
 * thread stalls every request, the tracking routes included. The worker owns
 * a connection of its own to the same file, made with the driver Payload's
 * adapter uses; the caller holds the process's SQLite write turn while the
 * worker writes (src/store/sqlite.ts), so the worker never competes with
 * Payload's own writes for the file's one write lock.
 *
 * This connection commits with synchronous=NORMAL (a per-connection setting
 * in WAL mode; Payload's connection keeps its own): no fsync per batch, only
 * at checkpoints. The database cannot be corrupted by it; a power cut (not a
 * process crash) may lose the last second or so of read events, which is
 * what the in-memory buffer risks anyway.
 *
 * The worker's code is plain CommonJS run with `eval` and no loader flags, so
 * it starts the same under tsx, vitest and a production start. It receives a
 * batch as one string (the request thread hands it over in microseconds),
 * checks the open pixels' tokens and builds the rows itself, with the very
 * functions this thread uses (eventRows, checkCompact, decodeTrackFields:
 * each self-contained, taken as source text). It holds the token key for
 * that; the key never leaves the process.
 */

/**
 * One statement for a batch of any size: the rows go in as one JSON array
 * (SQLite's json_each unpacks it in C), which costs about 40% less per row
 * than a multi-row VALUES list with seven bound values a row, and needs no
 * statement text per batch size.
 */
export const INSERT_EVENTS_SQL =
  'INSERT INTO read_events (content_type, content_id, grid, channel, kind, reader, at) ' +
  'SELECT value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6 FROM json_each(?)'

/** The database refused the write (read-only file, full disk, I/O error): the same codes as store/sqlite.ts. */
const WRITE_EPISODE = /SQLITE_(READONLY|FULL|IOERR|CANTOPEN)|readonly database|database or disk is full|disk I\/O error/

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const { createClient } = require(workerData.driver)
const crypto = require('node:crypto')
const checkCompact = ${checkCompact.toString()}
const decodeTrackFields = ${decodeTrackFields.toString()}
const eventRows = ${eventRows.toString()}
const key = Buffer.from(workerData.key)
const openToken = (token, at) => {
  const fields = checkCompact(crypto, key, token, workerData.openPurpose, workerData.trackFields, at)
  return typeof fields === 'string' ? null : decodeTrackFields(fields)
}
let client, ready
const connect = () => {
  client = createClient({ url: workerData.url })
  ready = client.execute('PRAGMA busy_timeout = 15000').then(() => client.execute('PRAGMA synchronous = NORMAL'))
}
connect()
parentPort.on('message', async ({ id, text }) => {
  try {
    await ready
    const rows = eventRows(text.split('\\n'), openToken)
    if (rows.length) await client.execute({ sql: workerData.sql, args: [JSON.stringify(rows)] })
    parentPort.postMessage({ id, ok: true, stored: rows.length })
  } catch (err) {
    const error = String((err && err.message) || err)
    // A connection opened while the file was read-only stays read-only: open a fresh one for the next batch.
    if (${WRITE_EPISODE}.test(String(err && err.code) + ' ' + error)) {
      try { client.close() } catch {}
      connect()
    }
    parentPort.postMessage({ id, ok: false, error })
  }
})
`

type Pending = { resolve: (stored: number) => void; reject: (err: Error) => void }

export class SqliteEventWriter {
  private worker: Worker | null = null
  private readonly pending = new Map<number, Pending>()
  private next = 1

  constructor(private readonly url: string) {}

  private start(): Worker {
    if (this.worker) return this.worker
    const driver = createRequire(createRequire(import.meta.url).resolve('@payloadcms/db-sqlite')).resolve('@libsql/client')
    const workerData = { driver, url: this.url, sql: INSERT_EVENTS_SQL, key: compactKey(), openPurpose: TRACK_PURPOSE.open, trackFields: TRACK_FIELDS }
    const w = new Worker(WORKER_SOURCE, { eval: true, execArgv: [], workerData })
    w.unref()
    w.on('message', (m: { id: number; ok: boolean; stored?: number; error?: string }) => {
      const p = this.pending.get(m.id)
      if (!p) return
      this.pending.delete(m.id)
      if (m.ok) p.resolve(m.stored ?? 0)
      else p.reject(Object.assign(new Error(`writing read events failed: ${m.error}`), { workerRan: true }))
    })
    const fail = (err: Error) => {
      for (const p of this.pending.values()) p.reject(err)
      this.pending.clear()
      this.worker = null
    }
    w.on('error', fail)
    w.on('exit', (code) => fail(new Error(`the read-event writer stopped (exit ${code})`)))
    this.worker = w
    return w
  }

  /** Insert encoded read events (eventLines.ts, joined by newlines); resolves to how many were stored. */
  write(text: string): Promise<number> {
    const w = this.start()
    const id = this.next++
    return new Promise<number>((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      w.postMessage({ id, text })
    })
  }

  async close(): Promise<void> {
    const w = this.worker
    this.worker = null
    if (w) await w.terminate()
  }
}
