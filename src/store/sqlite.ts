import { AsyncLocalStorage } from 'node:async_hooks'

import { sqliteAdapter } from '@payloadcms/db-sqlite'
import type { DatabaseAdapterObj, Payload } from 'payload'

import { notedTransactionOf } from './noTransaction'

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
 *
 * Two more things make a write episode (file made read-only, disk full) end
 * by itself once its cause is gone, and be reported while it lasts:
 * - A failed COMMIT is an error. Payload's adapter ends a transaction by
 *   settling a promise that swallows the driver's failure, so a save whose
 *   COMMIT failed (a full disk fails there, not at the INSERT) answered as
 *   saved and was lost.
 * - A connection that refuses writes is replaced. SQLite opens a file it may
 *   not write as read-only, silently, and the connection stays so after the
 *   file is writable again; the driver opens its next connection whenever a
 *   transaction takes the current one, so one opened during the episode kept
 *   failing every write made outside a transaction (claims, leases, receipts)
 *   until some transaction happened to take it.
 *
 * One kind of write must not wait: a write an operation makes "outside its
 * own transaction" while that transaction is open. Payload does this through
 * a view of the request whose transactionID reads as undefined
 * (`isolateObjectProperty(req, 'transactionID')`; forgot-password reserves
 * its request interval so), and our store functions do the same for writes
 * that must be seen at once by other processes on MongoDB (rate-limit
 * places). The turn it would wait for is held by its own transaction, which
 * cannot end before the write returns: it waited the whole busy timeout and
 * failed, and every other write queued behind it. On SQLite the open
 * transaction holds the database's write lock, so no other connection can
 * write either; the write joins that transaction instead. Writes take turns
 * anyway, so nobody could have seen it in between; it is undone with the
 * transaction, as Payload undoes such a reservation when the operation fails.
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

type Drizzle = { transaction: (...args: unknown[]) => Promise<unknown>; [WATCHED]?: true }
type Adapter = Record<string, unknown> & {
  writeTurn?: WriteTurn
  recoverWrites?: (err: unknown) => Promise<void>
  client?: { close(): void }
  drizzle?: Drizzle
  connect: (options?: { hotReload?: boolean }) => Promise<void>
  payload: Payload
}
type Fn = (this: unknown, ...args: unknown[]) => Promise<unknown>
type WriteReq = { transactionID?: unknown }

/**
 * The transaction of the request a write's `req` is a view of, when the view
 * hides it. Payload's view is a Proxy over the request with no
 * getOwnPropertyDescriptor trap: `view.transactionID` reads the view's own
 * (undefined) value, the property descriptor the request's. A view of a view
 * reads the bottom request's (none, under GraphQL): then the transaction the
 * request noted in its context (store/noTransaction.ts noteOwnTransaction).
 */
function hiddenTransactionOf(req: WriteReq | undefined): string | undefined {
  if (!req || typeof req !== 'object' || req.transactionID) return undefined
  const value: unknown = Object.getOwnPropertyDescriptor(req, 'transactionID')?.value
  if (typeof value === 'string' || typeof value === 'number') return String(value)
  // A view of a view (GraphQL's resolvers isolate the transaction once more): the one its request noted.
  return notedTransactionOf(req as { context?: unknown })
}

const WATCHED = Symbol('transactions watched')

/** SQLite result codes after which the connection is not trusted to write again: read-only, disk full, I/O. */
export function isWriteEpisodeError(err: unknown): boolean {
  for (let e = err as { code?: unknown; cause?: unknown; message?: unknown } | null, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && /^SQLITE_(READONLY|FULL|IOERR|CANTOPEN)/.test(e.code)) return true
    if (typeof e.message === 'string' && /readonly database|database or disk is full|disk I\/O error/.test(e.message)) return true
  }
  return false
}

/** At most one reopen per interval: during an episode every write fails, and one fresh connection is enough. */
const REOPEN_EVERY_MS = 500

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
      // Drizzle's own promise of each open transaction: it rejects when the COMMIT fails.
      const outcomes = new Map<string, Promise<unknown>>()
      let opened: Promise<unknown> | null = null
      const watchTransactions = () => {
        const d = adapter.drizzle
        if (!d || d[WATCHED]) return
        const transaction = d.transaction.bind(d)
        d.transaction = (...rest: unknown[]) => {
          const p = transaction(...rest)
          opened = p
          return p
        }
        d[WATCHED] = true
      }
      let lastReopen = 0
      /** Replace the client's connection after a write episode error (called while holding the write turn). */
      const recover = async (err: unknown) => {
        if (!isWriteEpisodeError(err) || Date.now() - lastReopen < REOPEN_EVERY_MS) return
        lastReopen = Date.now()
        const old = adapter.client
        try {
          adapter.client = undefined
          await adapter.connect({ hotReload: true })
          old?.close()
          adapter.payload.logger.warn({ component: 'database', err }, 'SQLite write failed; connection reopened')
        } catch (reopenErr) {
          // The file cannot be opened at all right now: keep the old client and try again on the next failure.
          if (!adapter.client) adapter.client = old
          adapter.payload.logger.error({ component: 'database', err: reopenErr }, 'SQLite connection could not be reopened')
        }
      }

      adapter.recoverWrites = recover
      /** Transactions being committed or rolled back: nothing joins them any more. */
      const ending = new Set<string>()

      const begin = adapter.beginTransaction as Fn
      adapter.beginTransaction = async function (this: unknown, ...rest: unknown[]) {
        const release = await turn.acquire()
        try {
          watchTransactions()
          opened = null
          const id = (await begin.apply(this, rest)) as string | number | null
          if (id == null) release()
          else {
            held.set(String(id), release)
            if (opened) outcomes.set(String(id), opened)
          }
          return id
        } catch (err) {
          await recover(err)
          release()
          throw err
        }
      }
      for (const name of ['commitTransaction', 'rollbackTransaction'] as const) {
        const end = adapter[name] as Fn
        adapter[name] = async function (this: unknown, id: unknown) {
          const key = String(id instanceof Promise ? await id : id)
          const outcome = outcomes.get(key)
          outcomes.delete(key)
          // The driver's own COMMIT error: drizzle replaces it with its ROLLBACK's ("transaction is closed").
          let commitError: unknown
          const driverTx = (adapter.sessions as Record<string, { db?: { session?: { tx?: { commit?: () => Promise<void> } } } }> | undefined)?.[key]?.db?.session?.tx
          if (name === 'commitTransaction' && driverTx?.commit) {
            const commit = driverTx.commit.bind(driverTx)
            driverTx.commit = () => commit().catch((err: unknown) => Promise.reject((commitError = err)))
          }
          ending.add(key)
          try {
            await end.call(this, key)
            if (name === 'commitTransaction' && outcome) {
              await outcome.catch(async (err: unknown) => {
                const cause = commitError ?? err
                await recover(cause)
                throw new Error(`SQLite could not commit the transaction: ${(cause as Error)?.message ?? cause}`, { cause })
              })
            }
          } finally {
            held.get(key)?.()
            held.delete(key)
            ending.delete(key)
          }
        }
      }
      for (const name of WRITES) {
        const write = adapter[name] as Fn
        adapter[name] = async function (this: unknown, writeArgs: { req?: WriteReq } | undefined) {
          // Inside a transaction the turn is already held by it.
          if (writeArgs?.req?.transactionID || inWrite.getStore()) return write.call(this, writeArgs)
          // Outside its own open transaction: join it (see above) rather than wait for the turn it holds.
          const own = hiddenTransactionOf(writeArgs?.req)
          if (own !== undefined && held.has(own) && !ending.has(own)) {
            const req = Object.create(writeArgs!.req as object) as WriteReq
            Object.defineProperty(req, 'transactionID', { value: own, enumerable: true })
            return write.call(this, { ...writeArgs, req })
          }
          const release = await turn.acquire()
          try {
            return await inWrite.run(true, () => write.call(this, writeArgs))
          } catch (err) {
            await recover(err)
            throw err
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
  const { writeTurn: turn, recoverWrites } = payload.db as unknown as Adapter
  if (!turn) return fn()
  const release = await turn.acquire()
  try {
    return await fn()
  } catch (err) {
    await recoverWrites?.(err)
    throw err
  } finally {
    release()
  }
}
