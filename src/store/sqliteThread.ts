import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'

import { isWriteEpisodeError } from './sqlite'

/**
 * A connection of its own to the SQLite file, in a worker thread. The libsql
 * driver is synchronous: a commit (with its fsync: WAL, synchronous=FULL)
 * holds the thread it runs on for milliseconds, which on the main thread
 * stalls every request and every send in flight. Here the main thread hands
 * a statement over in microseconds and awaits the answer; the commit, fsync
 * included, happens beside it.
 *
 * The caller holds the process's SQLite write turn while the thread writes
 * (`inSqliteWriteTurn`, src/store/sqlite.ts), so the thread never competes
 * with Payload's own connection for the file's one write lock. A write the
 * thread has answered is committed as durably as one made on the main thread
 * (with synchronous FULL); a crash of the process ends the thread with it.
 *
 * The worker's code is plain CommonJS run with `eval` and no loader flags, so
 * it starts the same under tsx, vitest and a production start. By default a
 * message is the statement itself ({ sql, args }); a `prelude` (source text,
 * self-contained) may set `statement` to turn a message into one, to move
 * CPU work off the main thread too (the read-event writer checks tokens so).
 */
export type ThreadStatement = { sql: string; args: unknown[]; stored?: number }

const WORKER_SOURCE = (prelude: string, synchronous: string) => `
const { parentPort, workerData } = require('node:worker_threads')
const { createClient } = require(workerData.driver)
const isWriteEpisodeError = ${isWriteEpisodeError.toString()}
let statement = (message) => message
${prelude}
let client, ready
const connect = () => {
  client = createClient({ url: workerData.url })
  ready = client.execute('PRAGMA busy_timeout = 15000').then(() => client.execute('PRAGMA synchronous = ${synchronous}'))
}
connect()
parentPort.on('message', async ({ id, message }) => {
  try {
    await ready
    const st = statement(message)
    const result = st ? await client.execute({ sql: st.sql, args: st.args }) : null
    parentPort.postMessage({ id, ok: true, stored: st ? (st.stored ?? result.rowsAffected) : 0 })
  } catch (err) {
    // A connection opened while the file was read-only stays read-only: open a fresh one for the next write.
    if (isWriteEpisodeError(err)) {
      try { client.close() } catch {}
      connect()
    }
    parentPort.postMessage({ id, ok: false, error: String((err && err.message) || err) })
  }
})
`

type Pending = { resolve: (stored: number) => void; reject: (err: Error) => void }

/** Errors from a write the thread ran (the database refused it) carry `workerRan`; others mean the thread itself failed. */
export class SqliteThread<M = ThreadStatement> {
  private worker: Worker | null = null
  private readonly pending = new Map<number, Pending>()
  private next = 1

  constructor(
    private readonly url: string,
    private readonly options: { label: string; synchronous: 'FULL' | 'NORMAL'; prelude?: string; data?: Record<string, unknown> },
  ) {}

  private start(): Worker {
    if (this.worker) return this.worker
    const driver = createRequire(createRequire(import.meta.url).resolve('@payloadcms/db-sqlite')).resolve('@libsql/client')
    const source = WORKER_SOURCE(this.options.prelude ?? '', this.options.synchronous)
    const w = new Worker(source, { eval: true, execArgv: [], workerData: { ...this.options.data, driver, url: this.url } })
    w.unref()
    w.on('message', (m: { id: number; ok: boolean; stored?: number; error?: string }) => {
      const p = this.pending.get(m.id)
      if (!p) return
      this.pending.delete(m.id)
      if (m.ok) p.resolve(m.stored ?? 0)
      else p.reject(Object.assign(new Error(`${this.options.label} failed: ${m.error}`), { workerRan: true }))
    })
    const fail = (err: Error) => {
      for (const p of this.pending.values()) p.reject(err)
      this.pending.clear()
      this.worker = null
    }
    w.on('error', fail)
    w.on('exit', (code) => fail(new Error(`the ${this.options.label} thread stopped (exit ${code})`)))
    this.worker = w
    return w
  }

  /** Run one message's statement; resolves to the rows stored (the statement's `stored`, or the rows it changed). */
  run(message: M): Promise<number> {
    const w = this.start()
    const id = this.next++
    return new Promise<number>((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      w.postMessage({ id, message })
    })
  }

  async close(): Promise<void> {
    const w = this.worker
    this.worker = null
    if (w) await w.terminate()
  }
}

/**
 * The file URL of the adapter's connection, for a thread to open its own to the same file; null for an
 * in-memory database, which another connection would not see.
 */
export function sqliteFileUrl(db: unknown, fallback: string): string | null {
  const url = (db as { clientConfig?: { url?: string } }).clientConfig?.url ?? fallback
  return url.includes(':memory:') ? null : url
}
