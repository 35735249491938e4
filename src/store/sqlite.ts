import { AsyncLocalStorage } from 'node:async_hooks'

import { sqliteAdapter } from '@payloadcms/db-sqlite'
import type { DatabaseAdapterObj, Payload } from 'payload'

/**
 * The embedded SQLite adapter with its writes taken in turn inside this
 * process.
 *
 * SQLite has one writer. The libsql driver's calls are synchronous, and each
 * transaction takes over the client's connection and leaves it a fresh one
 * without the busy timeout: a second writer arriving while a transaction is
 * open either fails at once with SQLITE_BUSY or waits in a call that blocks
 * the event loop, so the open transaction cannot finish either. Concurrent
 * requests (two editors saving, a job running beside a save) then fail.
 * Here every transaction, and every write made outside one, first waits for
 * the process's write turn, asynchronously, so they queue instead of failing.
 * Reads do not wait (WAL lets them run beside the writer).
 */
type SqliteArgs = Parameters<typeof sqliteAdapter>[0]
type Release = () => void

/** Adapter methods that write; outside a transaction each runs in its own write turn. */
const WRITES = [
  'create',
  'createGlobal',
  'createGlobalVersion',
  'createVersion',
  'deleteMany',
  'deleteOne',
  'deleteVersions',
  'updateGlobal',
  'updateGlobalVersion',
  'updateJobs',
  'updateMany',
  'updateOne',
  'updateVersion',
  'upsert',
] as const

/** A FIFO lock whose waiters give up after `timeoutMs` (as a busy timeout would), without blocking the queue. */
class WriteTurn {
  private tail: Promise<void> = Promise.resolve()

  constructor(private readonly timeoutMs: number) {}

  async acquire(): Promise<Release> {
    let release!: Release
    const mine = new Promise<void>((resolve) => (release = resolve))
    const previous = this.tail
    this.tail = previous.then(() => mine)
    let timer: NodeJS.Timeout | undefined
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.timeoutMs)
    })
    const outcome = await Promise.race([previous.then(() => 'ready' as const), timedOut])
    clearTimeout(timer)
    if (outcome === 'timeout') {
      // Our place in the queue still comes; pass it straight on.
      previous.then(release)
      throw new Error(
        `SQLite write waited more than ${this.timeoutMs} ms for its turn: a long transaction, or a write made outside ` +
          'the open transaction of its own request (pass `req` to Payload calls made in hooks)',
      )
    }
    let released = false
    return () => {
      if (!released) (released = true), release()
    }
  }
}

type Adapter = Record<string, unknown> & { writeTurn?: WriteTurn }
type Fn = (this: unknown, ...args: unknown[]) => Promise<unknown>

export function sqliteAdapterInTurn(args: SqliteArgs & { busyTimeout: number }): DatabaseAdapterObj {
  const base = sqliteAdapter(args)
  return {
    ...base,
    init: (initArgs) => {
      const adapter = base.init(initArgs) as unknown as Adapter
      const turn = new WriteTurn(args.busyTimeout)
      adapter.writeTurn = turn
      const held = new Map<string, Release>()
      // A write the adapter makes from inside another (upsert calls updateOne) already has the turn.
      const inWrite = new AsyncLocalStorage<true>()

      const begin = adapter.beginTransaction as Fn
      adapter.beginTransaction = async function (this: unknown, ...rest: unknown[]) {
        const release = await turn.acquire()
        try {
          const id = (await begin.apply(this, rest)) as string | number | null
          if (id == null) release()
          else held.set(String(id), release)
          return id
        } catch (err) {
          release()
          throw err
        }
      }
      for (const name of ['commitTransaction', 'rollbackTransaction'] as const) {
        const end = adapter[name] as Fn
        adapter[name] = async function (this: unknown, id: unknown) {
          const key = String(id instanceof Promise ? await id : id)
          try {
            return await end.call(this, key)
          } finally {
            held.get(key)?.()
            held.delete(key)
          }
        }
      }
      for (const name of WRITES) {
        const write = adapter[name] as Fn
        adapter[name] = async function (this: unknown, writeArgs: { req?: { transactionID?: unknown } } | undefined) {
          // Inside a transaction the turn is already held by it.
          if (writeArgs?.req?.transactionID || inWrite.getStore()) return write.call(this, writeArgs)
          const release = await turn.acquire()
          try {
            return await inWrite.run(true, () => write.call(this, writeArgs))
          } finally {
            release()
          }
        }
      }
      return adapter as never
    },
  }
}

/** Run a native SQLite write made outside any transaction (store functions) in the process's write turn. */
export async function inSqliteWriteTurn<T>(payload: Payload, fn: () => Promise<T>): Promise<T> {
  const turn = (payload.db as unknown as Adapter).writeTurn
  if (!turn) return fn()
  const release = await turn.acquire()
  try {
    return await fn()
  } finally {
    release()
  }
}
