import { type ChildProcess, spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { ensureBuild } from '../../src/server/build'
import { freePort } from '../support/ferretdb'

/**
 * `npm start` on this leg's database: the admin and the reading site come up.
 * With DATABASE_URI on MongoDB the first admin comes from ADMIN_EMAIL /
 * ADMIN_PASSWORD and demo data never loads, even with SEED_DEMO=1; the
 * embedded SQLite default loads the demo street. Builds the admin first if
 * the build is not current (minutes, once).
 */
const mongoLeg = process.env.TEST_DB === 'mongo'
const ROOT = process.cwd()
const ADMIN = { email: 'first-admin@street.test', password: 'first-admin-password-1' }
const DEMO_ADMIN = { email: 'admin@demo.street', password: 'demo-admin-2026' }

let server: ChildProcess
let base: string
const output: string[] = []

async function waitHealthy(timeoutMs: number) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (server.exitCode !== null || server.signalCode !== null) {
      throw new Error(`server exited (${server.exitCode ?? server.signalCode}):\n${output.slice(-30).join('')}`)
    }
    try {
      const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2000) })
      if (res.ok) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`server not healthy after ${timeoutMs / 1000} s:\n${output.slice(-30).join('')}`)
}

async function login(who: { email: string; password: string }) {
  const res = await fetch(`${base}/api/users/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(who),
  })
  return { status: res.status, body: (await res.json()) as { token?: string; user?: { role?: string } } }
}

const count = async (collection: string, token: string) => {
  const res = await fetch(`${base}/api/${collection}?limit=1&depth=0`, { headers: { Authorization: `JWT ${token}` } })
  expect(res.status).toBe(200)
  return ((await res.json()) as { totalDocs: number }).totalDocs
}

function startServer(port: number, dataDir: string) {
  output.length = 0
  server = spawn(path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['src/server/start.ts'], {
    cwd: ROOT,
    // Own process group: tsx runs node as a child, and both must stop.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      PUBLIC_URL: base,
      DATA_DIR: dataDir,
      MEDIA_DIR: path.join(dataDir, 'media'),
      PROCESS_ROLE: 'all',
      LOG_LEVEL: 'info',
      // This leg's database: DATABASE_URI from setup.ts on MongoDB, the embedded file otherwise.
      DATABASE_URI: mongoLeg ? process.env.DATABASE_URI! : '',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      // Asked for, and must be ignored on MongoDB.
      SEED_DEMO: '1',
    },
  })
  server.stdout!.on('data', (d) => output.push(String(d)))
  server.stderr!.on('data', (d) => output.push(String(d)))
}

beforeAll(async () => {
  await ensureBuild()
  const port = await freePort()
  base = `http://127.0.0.1:${port}`
  const dataDir = path.join(process.env.DATA_DIR!, 'start')
  fs.mkdirSync(dataDir, { recursive: true })
  // tsx on Node 20 sometimes ends a process with exit code 13 ("unsettled
  // top-level await") while it is still loading modules on a busy machine,
  // before any of our code runs: such a start is tried again (three times at most).
  for (let attempt = 1; ; attempt++) {
    startServer(port, dataDir)
    try {
      await waitHealthy(180_000)
      return
    } catch (err) {
      if (server.exitCode !== 13 || attempt === 3) throw err
    }
  }
}, 900_000)

afterAll(async () => {
  if (!server || server.exitCode !== null || server.signalCode !== null) return
  const exited = new Promise((r) => server.once('exit', r))
  process.kill(-server.pid!, 'SIGTERM')
  const timer = setTimeout(() => process.kill(-server.pid!, 'SIGKILL'), 15_000)
  await exited
  clearTimeout(timer)
})

describe(`npm start on ${mongoLeg ? 'MongoDB (DATABASE_URI)' : 'the embedded SQLite default'}`, () => {
  it('serves the admin, the reading site and a healthy /healthz', async () => {
    const health = await fetch(`${base}/healthz`)
    expect(health.status).toBe(200)
    const h = (await health.json()) as { ok: boolean; database: { adapter: string; ok: boolean } }
    expect(h.ok).toBe(true)
    expect(h.database).toMatchObject({ ok: true, adapter: mongoLeg ? 'mongoose' : 'sqlite' })
    const admin = await fetch(`${base}/admin/login`)
    expect(admin.status).toBe(200)
    expect(admin.headers.get('content-type')).toMatch(/text\/html/)
    const site = await fetch(`${base}/`)
    expect(site.status).toBe(200)
    expect(site.headers.get('content-type')).toMatch(/text\/html/)
  })

  it(mongoLeg ? 'creates the first admin from the environment and loads no demo data' : 'loads the demo street into the empty embedded database', async () => {
    if (mongoLeg) {
      const first = await login(ADMIN)
      expect(first.status).toBe(200)
      expect(first.body.user?.role).toBe('admin')
      expect((await login(DEMO_ADMIN)).status).toBe(401)
      const token = first.body.token!
      expect(await count('users', token)).toBe(1)
      for (const collection of ['communities', 'grids', 'issues', 'events', 'policies', 'announcements', 'media']) {
        expect(await count(collection, token), collection).toBe(0)
      }
      expect(output.join('')).toContain('SEED_DEMO is ignored on a MongoDB database')
    } else {
      const demo = await login(DEMO_ADMIN)
      expect(demo.status).toBe(200)
      expect(await count('communities', demo.body.token!)).toBe(5)
      expect(await count('grids', demo.body.token!)).toBe(34)
    }
  })
})
