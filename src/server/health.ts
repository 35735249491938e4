import { timingSafeEqual } from 'node:crypto'
import { constants as fsConstants } from 'node:fs'
import { access } from 'node:fs/promises'
import path from 'node:path'

import type { Request, Response } from 'express'
import type { Payload, PayloadRequest } from 'payload'

import { t } from '../i18n/messages'
import { schedulerState } from '../jobs/scheduler'
import { claimSlot, deleteClaims } from '../store/claims'
import { processOwner } from '../store/leases'
import { env, sqliteUrl } from './env'
import { noTransaction } from '../store/noTransaction'
import { sqliteFileUrl } from '../store/sqliteThread'

/**
 * /healthz: can this process read and write its database, and is its job
 * runner ticking (for load balancers, monitoring and operators).
 *
 * Reads are checked on every call (a count). Writes are checked by a probe
 * that writes as a save does, in a transaction where the database has them:
 * a row in the claims collection, then deleted. A read-only file or a full
 * disk fails it while reads still work. The probe runs at most once every
 * PROBE_EVERY_MS however often /healthz is called (callers in between get the
 * last result; concurrent callers share one probe), so /healthz cannot be used
 * to hammer the database, and it answers within PROBE_TIMEOUT_MS even when
 * writes hang.
 *
 * On SQLite every call also checks that this process's user may write the
 * database file and its directory (where the journal and WAL files are made):
 * a connection opened before a file turned read-only goes on writing through
 * its descriptor, so the probe alone can pass for a while; the file's mode
 * shows it at once.
 *
 * The public answer is `{ ok }`, with a generic message when not ok (503).
 * The details, error text included, go only to a caller sending
 * `X-Health-Token: HEALTH_TOKEN`, or to a logged-in admin.
 */
export const PROBE_EVERY_MS = 2_000
export const PROBE_TIMEOUT_MS = 5_000

type Check = { ok: boolean; ms?: number; at?: string; error?: string }
type ProbeState = { at: number; result: Check | null; running: Promise<Check> | null }

const probes = new WeakMap<Payload, ProbeState>()
const SCOPE = `health:${processOwner}`

/** The error as an operator needs it: the innermost cause (the driver's code and text), not the SQL around it. */
function message(err: unknown): string {
  let e = err as { message?: unknown; code?: unknown; cause?: unknown } | null
  for (let depth = 0; e?.cause && depth < 5; depth++) e = e.cause as typeof e
  const text = String(e?.message ?? err)
  const code = typeof e?.code === 'string' || typeof e?.code === 'number' ? String(e.code) : ''
  return (code && !text.startsWith(code) ? `${code}: ${text}` : text).slice(0, 500)
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took more than ${ms} ms`)), ms)
  })
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer))
}

/** One write as a save makes it: begin, insert, delete, commit (each write alone where the database has no transactions). */
async function probeWrite(payload: Payload): Promise<Check> {
  const started = Date.now()
  let transactionID: string | number | null = null
  try {
    transactionID = ((await payload.db.beginTransaction?.()) ?? null) as string | number | null
    const req = (transactionID == null ? noTransaction() : { transactionID }) as PayloadRequest
    await payload.db.create({ collection: 'claims', data: { scope: SCOPE, slot: started, owner: processOwner }, req })
    await payload.db.deleteMany({ collection: 'claims', where: { scope: { equals: SCOPE } }, req })
    if (transactionID != null) await payload.db.commitTransaction(transactionID)
    return { ok: true, ms: Date.now() - started, at: new Date(started).toISOString() }
  } catch (err) {
    if (transactionID != null) await payload.db.rollbackTransaction(transactionID).catch(() => {})
    // A probe row left by a write that failed half-way goes with the next good probe.
    return { ok: false, ms: Date.now() - started, at: new Date(started).toISOString(), error: message(err) }
  }
}

/** The SQLite file's path (null for MongoDB or an in-memory database). */
function sqliteFilePath(payload: Payload): string | null {
  if (payload.db.name !== 'sqlite') return null
  const url = sqliteFileUrl(payload.db, sqliteUrl())
  if (!url) return null
  return url.replace(/^file:(\/\/)?/, '').replace(/\?.*$/, '') || null
}

/**
 * Can this process's user write the SQLite database file and its directory (fs.access, W_OK)? A failed
 * check in the form of the driver's own error for a read-only database (SQLITE_READONLY), naming the
 * file or directory; null when writable or not SQLite.
 */
export async function sqliteFileCheck(payload: Payload): Promise<Check | null> {
  const file = sqliteFilePath(payload)
  if (!file) return null
  for (const [what, target] of [['file', file], ['directory', path.dirname(file)]] as const) {
    try {
      await access(target, fsConstants.W_OK)
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'EACCES'
      return { ok: false, at: new Date().toISOString(), error: `SQLITE_READONLY: the database ${what} ${target} is not writable by this process (${code})` }
    }
  }
  return null
}

/** The write check: the database file's mode first (SQLite), then the last probe's result if it is recent, otherwise a new probe (shared by concurrent callers). */
export async function writeCheck(payload: Payload): Promise<Check> {
  const file = await sqliteFileCheck(payload)
  if (file) return file
  let state = probes.get(payload)
  if (!state) probes.set(payload, (state = { at: 0, result: null, running: null }))
  if (!state.running && (!state.result || Date.now() - state.at >= PROBE_EVERY_MS)) {
    const s = state
    s.at = Date.now()
    s.running = probeWrite(payload).then((result) => {
      s.result = result
      s.at = Date.now()
      s.running = null
      return result
    })
  }
  if (!state.running) return state.result!
  try {
    return await withTimeout(state.running, PROBE_TIMEOUT_MS, 'the write probe')
  } catch (err) {
    return { ok: false, error: message(err) }
  }
}

async function readCheck(payload: Payload): Promise<Check> {
  const started = Date.now()
  try {
    await withTimeout(payload.count({ collection: 'communities', overrideAccess: true }), PROBE_TIMEOUT_MS, 'the read check')
    return { ok: true, ms: Date.now() - started }
  } catch (err) {
    return { ok: false, ms: Date.now() - started, error: message(err) }
  }
}

function tokenMatches(given: string | undefined): boolean {
  const expected = env.healthToken
  if (!expected || !given) return false
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

/** Only a request that carries a session is looked up; a database that fails the lookup shows the public answer. */
async function isAdmin(payload: Payload, req: Request): Promise<boolean> {
  if (!req.headers.authorization && !/(?:^|;\s*)payload-token=/.test(req.headers.cookie ?? '')) return false
  try {
    const headers = new Headers()
    for (const name of ['authorization', 'cookie'] as const) if (req.headers[name]) headers.set(name, String(req.headers[name]))
    const { user } = await withTimeout(payload.auth({ headers }), PROBE_TIMEOUT_MS, 'the session check')
    return (user as { role?: string } | null)?.role === 'admin'
  } catch {
    return false
  }
}

export function healthHandler(payload: Payload) {
  return async (req: Request, res: Response) => {
    const [read, write] = await Promise.all([readCheck(payload), writeCheck(payload)])
    const ok = read.ok && write.ok
    res.status(ok ? 200 : 503).set('Cache-Control', 'no-store')
    const detailed = tokenMatches(req.get('x-health-token')) || (await isAdmin(payload, req))
    if (!detailed) {
      const lang = /(?:^|;\s*)payload-lng=en\b/.test(req.headers.cookie ?? '') ? 'en' : 'zh'
      res.json(ok ? { ok } : { ok, message: t('health.unavailable', lang) })
      return
    }
    const runsJobs = env.role !== 'web'
    const tickAge = schedulerState.lastTickAt ? (Date.now() - schedulerState.lastTickAt.getTime()) / 1000 : null
    res.json({
      ok,
      role: env.role,
      database: { adapter: payload.db.name, ok, read, write },
      jobs: {
        runsHere: runsJobs,
        lastTickAt: schedulerState.lastTickAt?.toISOString() ?? null,
        lastTickAgeSeconds: tickAge,
        healthy: !runsJobs || (tickAge !== null && tickAge < 120),
        lastError: schedulerState.lastError,
      },
    })
  }
}
