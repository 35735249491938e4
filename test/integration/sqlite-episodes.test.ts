import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

/**
 * The embedded SQLite adapter through a write episode, command by command
 * (test/support/sqlite-episode-child.ts, a Payload process of its own run as
 * `nobody` when the test runs as root, so file modes apply to it):
 *
 * - A connection opened while the file was read-only stays read-only; the
 *   driver opens one whenever a transaction takes its current connection.
 *   (The episode starts with no connection of the child open: SQLite reuses
 *   an earlier connection's write descriptor for a new one, see the child.)
 *   Writes made outside a transaction (claims, leases, receipts) then failed
 *   for good after the file was writable again, until some save happened to
 *   take that connection. Now the connection is replaced.
 * - On a full disk the COMMIT fails; Payload's adapter swallowed that, so the
 *   save answered as done and was lost. Now it fails.
 * - The read-event writer thread's failed batch no longer sends every later
 *   batch to the main thread for good.
 *
 * SQLite only: this is the embedded driver's connection handling; the
 * MongoDB leg's episodes (a lost connection, a full disk on the server) are in
 * recovery.test.ts, against the real server.
 */
const mongoLeg = process.env.TEST_DB === 'mongo'
const asRoot = process.getuid?.() === 0
const user = asRoot ? { uid: Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' })), gid: Number(execFileSync('id', ['-g', 'nobody'], { encoding: 'utf8' })) } : null

type Answer = { cmd?: string; ok?: boolean; error?: string; code?: string; count?: number; left?: number; logged?: string[]; ready?: boolean }

let child: ChildProcess
let dataDir = ''
const answers: Answer[] = []
let waiting: ((a: Answer) => void) | null = null

function send(cmd: string): Promise<Answer> {
  return new Promise<Answer>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer to ${cmd}`)), 60_000)
    waiting = (a) => {
      clearTimeout(timer)
      resolve(a)
    }
    child.stdin!.write(`${cmd}\n`)
  })
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const dbFile = () => path.join(dataDir, 'street-news-dev.db')
const fileSizeLimit = (soft: string) =>
  execFileSync('prlimit', ['--pid', String(child.pid), `--fsize=${soft}:unlimited`], user ? { uid: user.uid, gid: user.gid } : {})

beforeAll(async () => {
  if (mongoLeg) return
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'street-news-episodes-'))
  if (user) fs.chownSync(dataDir, user.uid, user.gid)
  child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', 'test/support/sqlite-episode-child.ts'], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, DATA_DIR: dataDir, MEDIA_DIR: path.join(dataDir, 'media'), DATABASE_URI: '', NODE_ENV: 'development', HOME: dataDir, LOG_LEVEL: 'fatal' },
    ...(user ?? {}),
  })
  const ready = new Promise<void>((resolve) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.startsWith('{')) return
      const a = JSON.parse(line) as Answer
      if (a.ready) return resolve()
      answers.push(a)
      const w = waiting
      waiting = null
      w?.(a)
    })
  })
  await ready
}, 180_000)

afterAll(async () => {
  if (child && child.exitCode === null) {
    child.stdin!.write('exit\n')
    await Promise.race([new Promise((r) => child.once('exit', r)), sleep(10_000)])
    if (child.exitCode === null) child.kill('SIGKILL')
  }
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true })
})

describe.skipIf(mongoLeg)('SQLite connections through a write episode', () => {
  it('writes outside a transaction work again once a read-only file is writable again', async () => {
    expect((await send('plain')).ok).toBe(true)
    expect((await send('tx')).ok).toBe(true)
    try {
      // The save took the client's connection. The child makes the file read-only once no connection
      // opened before is left: SQLite would give a connection opened during the episode the write
      // descriptor of an earlier one that V8 happened to collect meanwhile (CI saw both writes pass).
      expect(await send('readonly')).toMatchObject({ ok: true, left: 0 })
      // Every connection is now opened read-only: the next save's, and the one the client opens next.
      expect((await send('tx')).ok).toBe(false)
      const during = [await send('plain'), await send('plain')]
      expect(during.map((a) => a.ok)).toEqual([false, false])
      expect(during[0].error).toMatch(/readonly/)
      // /healthz's write check names the file at once.
      const health = await send('health')
      expect(health.ok).toBe(false)
      expect(health.error).toMatch(/SQLITE_READONLY: the database file .*street-news-dev\.db is not writable/)
    } finally {
      expect((await send('writable')).ok).toBe(true)
    }
    // No save in between: only writes outside a transaction. They work again within a few tries.
    const after: Answer[] = []
    for (let i = 0; i < 5; i++) {
      after.push(await send('plain'))
      if (after.at(-1)!.ok) break
      await sleep(600)
    }
    expect(after.at(-1)!.ok, JSON.stringify(after)).toBe(true)
    expect(after.length).toBeLessThanOrEqual(3)
  }, 120_000)

  it("/healthz's write check fails at once for a database directory the server may not write (no journal or WAL could be made), while the probe's own write still goes through", async () => {
    expect((await send('health')).ok).toBe(true)
    let during: Answer
    let write: Answer
    try {
      expect((await send('dir-readonly')).ok).toBe(true)
      during = await send('health')
      write = await send('plain')
    } finally {
      expect((await send('dir-writable')).ok).toBe(true)
    }
    expect(write.ok, 'the open connection still writes: only the mode check can tell').toBe(true)
    expect(during.ok).toBe(false)
    expect(during.error).toMatch(/SQLITE_READONLY: the database directory .* is not writable by this process \(EACCES\)/)
    expect((await send('health')).ok).toBe(true)
  }, 60_000)

  it('on a full disk, a save fails instead of answering as saved, read events wait, and all writes work again once there is room', async () => {
    const before = (await send('count')).count!
    fileSizeLimit('4096')
    let saved: Answer
    let events: Answer
    try {
      saved = await send('tx')
      events = await send('events')
    } finally {
      fileSizeLimit('unlimited')
    }
    expect(saved.ok, 'a save whose COMMIT failed must fail').toBe(false)
    expect(saved.error).toMatch(/disk I\/O error|disk is full/)
    expect(events.ok).toBe(false)
    expect((await send('count')).count).toBe(before)

    expect((await send('tx')).ok).toBe(true)
    expect((await send('plain')).ok).toBe(true)
    expect((await send('events')).ok).toBe(true)
    expect((await send('count')).count).toBe(before + 2)
    const { logged } = await send('log')
    // The writer thread's failed batch was the database's refusal: the thread stays in use.
    expect(logged!.filter((l) => l.includes('writing in the main thread from now on'))).toEqual([])
  }, 120_000)
})
