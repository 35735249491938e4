import fs from 'node:fs'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { ensureBuild } from '../../src/server/build'
import { type ServerProcess, startServerProcess } from '../support/server-process'

/**
 * `npm start` on this leg's database: the admin and the reading site come up.
 * With DATABASE_URI on MongoDB the first admin comes from ADMIN_EMAIL /
 * ADMIN_PASSWORD and demo data never loads, even with SEED_DEMO=1; the
 * embedded SQLite default loads the demo street. Builds the admin first if
 * the build is not current (minutes, once).
 */
const mongoLeg = process.env.TEST_DB === 'mongo'
const ADMIN = { email: 'first-admin@street.test', password: 'first-admin-password-1' }
const DEMO_ADMIN = { email: 'admin@demo.street', password: 'demo-admin-2026' }
const HEALTH_TOKEN = 'db-start-health-token'

let server: ServerProcess
let base: string

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

beforeAll(async () => {
  await ensureBuild()
  const dataDir = path.join(process.env.DATA_DIR!, 'start')
  fs.mkdirSync(dataDir, { recursive: true })
  server = await startServerProcess({
    env: {
      // The first start as a street office sees it: with the demo's readership history.
      SEED_DEMO_HISTORY: '1',
      DATA_DIR: dataDir,
      MEDIA_DIR: path.join(dataDir, 'media'),
      LOG_LEVEL: 'info',
      // This leg's database: DATABASE_URI from setup.ts on MongoDB, the embedded file otherwise.
      DATABASE_URI: mongoLeg ? process.env.DATABASE_URI! : '',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      // Asked for, and must be ignored on MongoDB.
      SEED_DEMO: '1',
      HEALTH_TOKEN,
    },
  })
  base = server.base
}, 900_000)

afterAll(async () => {
  await server?.stop()
})

describe(`npm start on ${mongoLeg ? 'MongoDB (DATABASE_URI)' : 'the embedded SQLite default'}`, () => {
  it('serves the admin, the reading site and a healthy /healthz', async () => {
    // The public answer says only ok; the details go to the health token (or an admin).
    const health = await fetch(`${base}/healthz`)
    expect(health.status).toBe(200)
    expect(await health.json()).toEqual({ ok: true })
    const detailed = await fetch(`${base}/healthz`, { headers: { 'X-Health-Token': HEALTH_TOKEN } })
    expect(detailed.status).toBe(200)
    const h = (await detailed.json()) as { ok: boolean; database: { adapter: string; ok: boolean; write: { ok: boolean } } }
    expect(h.ok).toBe(true)
    expect(h.database).toMatchObject({ ok: true, adapter: mongoLeg ? 'mongoose' : 'sqlite', write: { ok: true } })
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
      // No demo readership history either (src/seed/history.ts).
      for (const collection of ['communities', 'grids', 'issues', 'events', 'policies', 'announcements', 'media', 'read-rollups']) {
        expect(await count(collection, token), collection).toBe(0)
      }
      expect(server.output()).toContain('SEED_DEMO is ignored on a MongoDB database')
    } else {
      const demo = await login(DEMO_ADMIN)
      expect(demo.status).toBe(200)
      expect(await count('communities', demo.body.token!)).toBe(5)
      expect(await count('grids', demo.body.token!)).toBe(34)
      // With its three months of readership, so the dashboards have figures on first start.
      expect(await count('read-rollups', demo.body.token!)).toBeGreaterThan(1000)
    }
  })
})
