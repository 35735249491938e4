import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { ensureBuild } from '../../src/server/build'
import { type RunningFerret, startFerret } from '../support/ferretdb'
import { type ServerProcess, startServerProcess } from '../support/server-process'

/**
 * Database error episodes against the real server (`npm start`): while one
 * lasts, writes fail and /healthz says so (503, a generic message, no error
 * text to the public); once its cause is gone, the same process writes again
 * and /healthz is 200 within 10 s, with no restart. Every write the API
 * answered as done is in the database afterwards.
 *
 * The episodes are made for real. CI runs as root on an overlay file system,
 * where file modes do not stop root: the server runs as `nobody` there (as
 * the user running the test otherwise).
 * - SQLite, a read-only file: the database file's mode goes to 0444 and back.
 * - SQLite, a full disk: the server's file-size limit (RLIMIT_FSIZE, set with
 *   prlimit by the same user, as root may not raise another user's limit
 *   here) drops to 4 KiB, so every write past that offset fails as on a full
 *   disk, and goes back up.
 * - MongoDB (FerretDB), a lost connection: its own FerretDB is stopped and
 *   started again on the same port and data.
 * - MongoDB (FerretDB), a full disk on the database server: the same
 *   file-size limit on the FerretDB process.
 */
const mongoLeg = process.env.TEST_DB === 'mongo'
const RECOVERY_MS = 10_000
const HEALTH_TOKEN = 'recovery-test-token'
const GENERIC = '服务暂时不可用，请稍后再试。'

const asRoot = process.getuid?.() === 0
const runAs = asRoot
  ? { uid: Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' })), gid: Number(execFileSync('id', ['-g', 'nobody'], { encoding: 'utf8' })) }
  : undefined

let server: ServerProcess
let ferret: RunningFerret | null = null
let token = ''
let dataDir = ''
let seq = 0
/** Codes of the communities the API answered as created: each must be in the database in the end. */
const acknowledged: string[] = []

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function health(withToken = false) {
  const res = await fetch(`${server.base}/healthz`, { headers: withToken ? { 'X-Health-Token': HEALTH_TOKEN } : {}, signal: AbortSignal.timeout(15_000) })
  return { status: res.status, body: (await res.json()) as Record<string, any> }
}

/** One save through the REST API; the status, or 0 when no answer came. */
async function write(): Promise<number> {
  const code = `R-${process.pid}-${++seq}`
  try {
    const res = await fetch(`${server.base}/api/communities`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `JWT ${token}` },
      body: JSON.stringify({ code, name: `恢复测试 ${seq}` }),
      signal: AbortSignal.timeout(45_000),
    })
    await res.arrayBuffer()
    if (res.status === 201) acknowledged.push(code)
    return res.status
  } catch {
    return 0
  }
}

/** Poll `check` until it holds; resolves with the milliseconds it took, rejects after `ms`. */
async function within(ms: number, what: string, check: () => Promise<boolean>): Promise<number> {
  const started = Date.now()
  for (;;) {
    if (await check()) return Date.now() - started
    if (Date.now() - started > ms) throw new Error(`${what}: not within ${ms} ms\n${server.output().split('\n').slice(-15).join('\n')}`)
    await sleep(250)
  }
}

/** Before an episode: all is well. */
async function expectHealthy() {
  await within(RECOVERY_MS, 'healthy before the episode', async () => (await health()).status === 200)
}

/**
 * While the episode lasts: writes fail, and /healthz says so to the public without details, and with them to the token.
 * `healthFirst`: /healthz sees the cause before writes fail (a read-only file: it checks the file's permissions at once,
 * while a connection opened before may write on for a while); then the writes are waited for too.
 */
async function expectFailingWrites(errorPattern: RegExp, { healthFirst = false } = {}) {
  await within(20_000, '/healthz reports the failing writes', async () => (await health()).status === 503)
  if (healthFirst) await within(30_000, 'writes fail', async () => (await write()) !== 201)
  const pub = await health()
  expect(pub.status).toBe(503)
  expect(pub.body).toEqual({ ok: false, message: GENERIC })
  const detailed = await health(true)
  expect(detailed.status).toBe(503)
  expect(detailed.body.database.write.ok).toBe(false)
  expect(detailed.body.database.write.error).toMatch(errorPattern)
  // Side by side: on MongoDB each waits for the driver's server selection (30 s) before it fails.
  const statuses = await Promise.all([write(), write(), write()])
  for (const status of statuses) expect(status).not.toBe(201)
}

/** Cause gone: writes work and /healthz is 200 within RECOVERY_MS, in the same process. */
async function expectRecovery() {
  const pid = server.child.pid
  const took = await within(RECOVERY_MS, 'writes and /healthz recover', async () => (await write()) === 201 && (await health()).status === 200)
  expect(took).toBeLessThanOrEqual(RECOVERY_MS)
  expect((await health()).body).toEqual({ ok: true })
  expect(server.child.pid).toBe(pid)
  expect(server.child.exitCode).toBeNull()
  for (let i = 0; i < 3; i++) expect(await write()).toBe(201)
  return took
}

async function login(email: string, password: string) {
  const res = await fetch(`${server.base}/api/users/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password }) })
  expect(res.status).toBe(200)
  return ((await res.json()) as { token: string }).token
}

/** Every write answered 201 is in the database. */
async function expectAcknowledgedStored() {
  for (const code of acknowledged) {
    const res = await fetch(`${server.base}/api/communities?where[code][equals]=${encodeURIComponent(code)}&depth=0`, { headers: { Authorization: `JWT ${token}` } })
    expect(res.status).toBe(200)
    expect(((await res.json()) as { totalDocs: number }).totalDocs, code).toBe(1)
  }
}

/** Set the file-size limit (soft; the hard one stays unlimited) of `pid`, as the user it runs as (null: as this process). */
function fileSizeLimit(pid: number, soft: string, user: { uid: number; gid: number } | null | undefined) {
  execFileSync('prlimit', ['--pid', String(pid), `--fsize=${soft}:unlimited`], user ? { uid: user.uid, gid: user.gid } : {})
}

beforeAll(async () => {
  await ensureBuild()
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'street-news-recovery-'))
  if (runAs) fs.chownSync(dataDir, runAs.uid, runAs.gid)
  const env: Record<string, string> = {
    DATA_DIR: dataDir,
    MEDIA_DIR: path.join(dataDir, 'media'),
    HOME: dataDir,
    HEALTH_TOKEN,
    LOG_LEVEL: 'warn',
    SEED_DEMO: '',
  }
  if (mongoLeg) {
    ferret = await startFerret()
    Object.assign(env, {
      DATABASE_URI: `${ferret.uri}sn_recovery`,
      MONGODB_COMPAT: 'ferretdb',
      ADMIN_EMAIL: 'recovery-admin@street.test',
      ADMIN_PASSWORD: 'recovery-admin-password-1',
    })
  } else {
    env.DATABASE_URI = ''
  }
  server = await startServerProcess({ env, user: mongoLeg ? undefined : runAs })
  token = mongoLeg ? await login('recovery-admin@street.test', 'recovery-admin-password-1') : await login('admin@demo.street', 'demo-admin-2026')
  expect(await write()).toBe(201)
  expect((await health()).status).toBe(200)
}, 900_000)

afterAll(async () => {
  await server?.stop()
  await ferret?.stop()
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true })
})

describe.skipIf(mongoLeg)('SQLite write episodes, no restart', () => {
  const dbFile = () => path.join(dataDir, 'street-news.db')

  it('a read-only database file: writes fail and /healthz says so; made writable, both recover within 10 s', async () => {
    expect(fs.existsSync(dbFile())).toBe(true)
    await expectHealthy()
    fs.chmodSync(dbFile(), 0o444)
    try {
      await expectFailingWrites(/readonly/i, { healthFirst: true })
    } finally {
      fs.chmodSync(dbFile(), 0o644)
    }
    await expectRecovery()
  }, 120_000)

  it('a full disk (file-size limit): writes fail, none is answered as saved, and both recover within 10 s once there is room', async () => {
    const pid = server.serverPid()
    await expectHealthy()
    fileSizeLimit(pid, '4096', runAs)
    try {
      await expectFailingWrites(/disk I\/O error|disk is full|SQLITE_(FULL|IOERR)/)
    } finally {
      fileSizeLimit(pid, 'unlimited', runAs)
    }
    await expectRecovery()
    await expectAcknowledgedStored()
  }, 120_000)
})

describe.skipIf(!mongoLeg)('MongoDB (FerretDB) episodes, no restart', () => {
  it('a lost connection: writes fail and /healthz says so; with the database back, both recover within 10 s', async () => {
    await expectHealthy()
    await ferret!.stop({ keepData: true })
    try {
      await expectFailingWrites(/ECONNREFUSED|connect|closed|timed out|took more than/i)
    } finally {
      ferret = await startFerret(() => {}, { port: ferret!.port, dir: ferret!.dir })
    }
    await expectRecovery()
    await expectAcknowledgedStored()
  }, 180_000)

  it('a full disk on the database server: writes fail and /healthz says so; with room again, both recover within 10 s', async () => {
    const pid = ferret!.child.pid!
    await expectHealthy()
    fileSizeLimit(pid, '4096', null)
    try {
      await expectFailingWrites(/./)
    } finally {
      fileSizeLimit(pid, 'unlimited', null)
    }
    await expectRecovery()
    await expectAcknowledgedStored()
  }, 120_000)
})
