import type { Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'

import { PROBE_EVERY_MS } from '../../src/server/health'
import { PASSWORD, smallStreet } from '../support/fixtures'
import { tokenFor } from '../support/http'
import { testPayload } from '../support/payload'
import { type Site, startSite } from '../site/support'

/**
 * /healthz on this leg's database (the Express app, as the server mounts it):
 * it checks writes with a probe that runs at most once per PROBE_EVERY_MS
 * however many requests come, tells the public only whether all is well, and
 * gives the details to the health token or a logged-in admin. The episodes
 * themselves (a read-only file, a full disk, a lost connection) are in
 * recovery.test.ts, against the real server.
 */
vi.hoisted(() => {
  process.env.HEALTH_TOKEN = 'health-test-token'
})

let payload: Payload
let site: Site
let street: Awaited<ReturnType<typeof smallStreet>>
let probeWrites = 0

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const get = async (headers: Record<string, string> = {}) => {
  const res = await site.get('/healthz', { headers })
  return { status: res.status, body: (await res.json()) as Record<string, any>, cacheControl: res.headers.get('cache-control') }
}

beforeAll(async () => {
  payload = await testPayload()
  street = await smallStreet(payload)
  // Count the probe's writes: each probe inserts one claims row of scope health:…
  const create = payload.db.create.bind(payload.db)
  payload.db.create = (args) => {
    if (args.collection === 'claims' && String((args.data as { scope?: string }).scope).startsWith('health:')) probeWrites++
    return create(args)
  }
  site = await startSite(payload)
})

afterAll(async () => {
  await site?.close()
})

describe('/healthz', () => {
  it('tells the public only that all is well, never details or error text', async () => {
    const r = await get()
    expect(r.status).toBe(200)
    expect(r.body).toEqual({ ok: true })
    expect(r.cacheControl).toBe('no-store')
    // A wrong token and a non-admin's session get the same.
    expect((await get({ 'X-Health-Token': 'wrong' })).body).toEqual({ ok: true })
    const editor = await tokenFor(payload, street.editor.email, PASSWORD)
    expect((await get({ Authorization: `JWT ${editor}` })).body).toEqual({ ok: true })
  })

  it('gives the details (database read and write checks, scheduler) to the health token and to an admin', async () => {
    const admin = await tokenFor(payload, street.admin.email, PASSWORD)
    for (const headers of [{ 'X-Health-Token': 'health-test-token' }, { Authorization: `JWT ${admin}` }] as Record<string, string>[]) {
      const r = await get(headers)
      expect(r.status).toBe(200)
      expect(r.body.ok).toBe(true)
      expect(r.body.database).toMatchObject({ adapter: payload.db.name, ok: true, read: { ok: true }, write: { ok: true } })
      expect(r.body.jobs).toHaveProperty('runsHere')
    }
  })

  it(`probes writes at most once every ${PROBE_EVERY_MS / 1000} s, however many requests come`, async () => {
    await sleep(PROBE_EVERY_MS + 100)
    const before = probeWrites
    const started = Date.now()
    const burst = await Promise.all(Array.from({ length: 50 }, () => get()))
    expect(burst.every((r) => r.status === 200)).toBe(true)
    for (let i = 0; i < 50; i++) expect((await get()).status).toBe(200)
    const windows = Math.floor((Date.now() - started) / PROBE_EVERY_MS) + 1
    const during = probeWrites - before
    expect(during).toBeGreaterThanOrEqual(1)
    // 100 requests, at most one probe per window they spanned (usually one window).
    expect(during).toBeLessThanOrEqual(windows)
    expect(during).toBeLessThan(100)
    await sleep(PROBE_EVERY_MS + 100)
    await get()
    expect(probeWrites - before).toBeGreaterThan(during)
  })

  it('leaves no probe rows behind', async () => {
    await sleep(PROBE_EVERY_MS + 100)
    await get()
    const { totalDocs } = await payload.db.count({ collection: 'claims', where: { scope: { like: 'health:' } } })
    expect(totalDocs).toBe(0)
  })
})
