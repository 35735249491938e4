/**
 * A Payload process on the embedded SQLite database, driven line by line from
 * stdin by test/integration/sqlite-episodes.test.ts (which runs it as an
 * unprivileged user and changes its file's mode and its file-size limit
 * between commands). Each command answers one JSON line on stdout:
 * - `plain`: a write outside any transaction (as claims, leases, receipts make them)
 * - `tx`: a save through Payload's operation (in a transaction)
 * - `events`: read events through the readership store (its writer thread)
 * - `count`: how many communities exist
 * - `readonly`, `writable`: the start and the end of a read-only episode (see makeReadOnly)
 * - `log`: the warnings and errors logged so far
 * - `health`: /healthz's write check (fails with its error when not ok)
 * - `dir-readonly`, `dir-writable`: the database's directory made read-only and writable again
 * Run with --expose-gc (for `readonly`).
 */
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { createInterface } from 'node:readline'

import { insertReadEvents } from '../../src/readership/store'
import { writeCheck } from '../../src/server/health'
import { initPayload } from '../../src/server/payload'

const payload = await initPayload()
const logged: string[] = []
for (const level of ['warn', 'error'] as const) {
  const original = payload.logger[level].bind(payload.logger)
  payload.logger[level] = ((...args: unknown[]) => {
    logged.push(args.map((a) => (typeof a === 'string' ? a : '')).join(' '))
    return (original as (...a: unknown[]) => void)(...args)
  }) as never
}

let seq = 0
const innermost = (err: unknown) => {
  let e = err as { message?: string; cause?: unknown }
  while (e?.cause) e = e.cause as typeof e
  return String(e?.message ?? err)
}
const answer = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`)

type RawConnection = { exec(sql: string): void; close(): void }
// The native driver under the adapter's libsql client, for one connection of our own.
const Database = createRequire(createRequire(createRequire(import.meta.url).resolve('@payloadcms/db-sqlite')).resolve('@libsql/client'))('libsql') as new (
  file: string,
) => RawConnection
const dbFile = path.join(process.env.DATA_DIR!, 'street-news-dev.db')
const openDescriptors = () =>
  fs.readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return fs.readlinkSync(`/proc/self/fd/${fd}`) === dbFile
    } catch {
      return false
    }
  }).length
let keeper: RawConnection | null = null

/**
 * Makes the file read-only such that every connection opened from now on is read-only, as in a server
 * that goes on running. SQLite keeps the descriptor of a closed connection while other connections of
 * the process hold locks on the file, and hands it to the next connection that opens the file: a
 * connection opened after a chmod can write through a descriptor opened before it. libsql closes a
 * connection only when V8 collects it (every transaction leaves its connection behind), so whether one
 * opened during the episode could write depended on when the collector ran. So: collect until this
 * process has no descriptor of the file open; then open one connection that stays open through the
 * episode, as a running server's do, and write through it (the last close deleted the WAL, and SQLite
 * gives an empty WAL the database file's mode when a connection opens it: the read-only mode, for
 * one more failed write after the episode); then chmod. Returns how many descriptors were left (the
 * file is left alone then).
 */
async function makeReadOnly(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc
  if (!gc) throw new Error('the episode child needs --expose-gc')
  for (let i = 0; i < 50 && openDescriptors() > 0; i++) {
    gc()
    // Finalizers of native handles run after the collection, from the event loop.
    await new Promise((r) => setTimeout(r, 20))
  }
  const left = openDescriptors()
  if (left > 0) return left
  keeper = new Database(dbFile)
  // exec, not a prepared statement: such a connection closes when told to (a prepared one waits for the collector).
  keeper.exec('BEGIN IMMEDIATE; CREATE TABLE episode_scratch (x); DROP TABLE episode_scratch; COMMIT')
  fs.chmodSync(dbFile, 0o444)
  return 0
}

function makeWritable() {
  fs.chmodSync(dbFile, 0o644)
  keeper?.close()
  keeper = null
}

async function run(cmd: string): Promise<object> {
  const code = `E-${++seq}`
  switch (cmd) {
    case 'plain':
      await payload.db.create({ collection: 'communities', data: { code, name: code }, req: { transactionID: undefined } as never })
      return { code }
    case 'tx':
      await payload.create({ collection: 'communities', data: { code, name: code }, overrideAccess: true })
      return { code }
    case 'events':
      await insertReadEvents(payload, [{ contentType: 'issues', contentId: code, grid: '1', channel: 'site', kind: 'read', reader: code, at: new Date() }])
      return { code }
    case 'readonly':
      return { left: await makeReadOnly() }
    case 'writable':
      makeWritable()
      return {}
    case 'count':
      return { count: (await payload.count({ collection: 'communities', overrideAccess: true })).totalDocs }
    case 'log':
      return { logged }
    case 'health': {
      const check = await writeCheck(payload)
      if (!check.ok) throw new Error(check.error)
      return {}
    }
    case 'dir-readonly':
      fs.chmodSync(path.dirname(dbFile), 0o555)
      return {}
    case 'dir-writable':
      fs.chmodSync(path.dirname(dbFile), 0o755)
      return {}
    default:
      throw new Error(`unknown command ${cmd}`)
  }
}

answer({ ready: true })
for await (const line of createInterface({ input: process.stdin })) {
  const cmd = line.trim()
  if (cmd === 'exit') break
  try {
    answer({ cmd, ok: true, ...(await run(cmd)) })
  } catch (err) {
    answer({ cmd, ok: false, error: innermost(err) })
  }
}
await payload.destroy?.()
process.exit(0)
