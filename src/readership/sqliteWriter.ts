import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'

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
 * it starts the same under tsx, vitest and a production start; it receives a
 * batch as one string and builds the statement's argument itself (eventRowsJson), so
 * the request thread hands over a batch in a few microseconds.
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

/**
 * Encoded lines (store.ts, joined by newlines) → the JSON rows INSERT_EVENTS_SQL
 * takes, the time as ISO text (Payload's date columns). Self-contained plain
 * JavaScript on purpose: the writer thread runs this very function from its
 * source text (below), and this thread runs it when the writer cannot.
 */
export function eventRowsJson(text: string): string {
  const rows = text.split('\n')
  for (let i = 0; i < rows.length; i++) {
    const f = rows[i].split('\t')
    f[6] = new Date(Number(f[6])).toISOString()
    rows[i] = JSON.stringify(f)
  }
  return '[' + rows.join(',') + ']'
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const { createClient } = require(workerData.driver)
const eventRowsJson = ${eventRowsJson.toString()}
const client = createClient({ url: workerData.url })
const ready = client.execute('PRAGMA busy_timeout = 15000').then(() => client.execute('PRAGMA synchronous = NORMAL'))
parentPort.on('message', async ({ id, text }) => {
  try {
    await ready
    await client.execute({ sql: workerData.sql, args: [eventRowsJson(text)] })
    parentPort.postMessage({ id, ok: true })
  } catch (err) {
    parentPort.postMessage({ id, ok: false, error: String((err && err.message) || err) })
  }
})
`

type Pending = { resolve: () => void; reject: (err: Error) => void }

export class SqliteEventWriter {
  private worker: Worker | null = null
  private readonly pending = new Map<number, Pending>()
  private next = 1

  constructor(private readonly url: string) {}

  private start(): Worker {
    if (this.worker) return this.worker
    const driver = createRequire(createRequire(import.meta.url).resolve('@payloadcms/db-sqlite')).resolve('@libsql/client')
    const w = new Worker(WORKER_SOURCE, { eval: true, execArgv: [], workerData: { driver, url: this.url, sql: INSERT_EVENTS_SQL } })
    w.unref()
    w.on('message', (m: { id: number; ok: boolean; error?: string }) => {
      const p = this.pending.get(m.id)
      if (!p) return
      this.pending.delete(m.id)
      if (m.ok) p.resolve()
      else p.reject(new Error(`writing read events failed: ${m.error}`))
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

  /** Insert encoded read events (store.ts's lines, joined by newlines). */
  write(text: string): Promise<void> {
    const w = this.start()
    const id = this.next++
    return new Promise<void>((resolve, reject) => {
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
