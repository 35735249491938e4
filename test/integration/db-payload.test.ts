import { spawnSync } from 'node:child_process'

import { createLocalReq, initTransaction, isolateObjectProperty, killTransaction, type Payload, type Where } from 'payload'
import { beforeAll, describe, expect, it } from 'vitest'

import { mongoServerInfo } from '../../src/store/mongo'
import { body, smallStreet } from '../support/fixtures'
import { rest } from '../support/http'
import { itUnlessFerretDB, onFerretDB } from '../support/legs'
import { testPayload } from '../support/payload'

/**
 * What the system asks of the database through Payload, on each leg: the
 * places where FerretDB v1 differs from MongoDB (docs/databases.md) and the
 * settings that bridge them.
 */
let payload: Payload
let street: Awaited<ReturnType<typeof smallStreet>>
const mongoLeg = process.env.TEST_DB === 'mongo'

beforeAll(async () => {
  payload = await testPayload()
  street = await smallStreet(payload)
})

describe('transactions', () => {
  it('are used where the server has them, and a rollback undoes the write; skipped cleanly where not', async () => {
    const info = mongoServerInfo(payload)
    // SQLite always; MongoDB on a replica set or sharded cluster; FerretDB never.
    const expected = !mongoLeg ? true : onFerretDB() ? false : info!.replicaSet !== null
    if (mongoLeg) expect(info!.transactions).toBe(expected)
    const transactionID = await payload.db.beginTransaction()
    expect(transactionID != null).toBe(expected)
    const req = { transactionID: transactionID ?? undefined } as never
    const doc = await payload.create({ collection: 'communities', data: { code: 'TX', name: '事务社区' }, overrideAccess: true, req })
    if (transactionID != null) await payload.db.rollbackTransaction(transactionID)
    const found = await payload.find({ collection: 'communities', where: { id: { equals: doc.id } }, overrideAccess: true })
    // Without transactions each write stands alone: the create is there.
    expect(found.totalDocs).toBe(expected ? 0 : 1)
  })

  it('a write made outside its own open transaction does not wait for the write turn that transaction holds', async () => {
    // Payload's own way of writing outside a request's transaction (forgot-password reserves its interval so).
    // On SQLite that used to wait out the 15 s busy timeout for the turn its own transaction held, and fail;
    // MongoDB has no write turn, and the write must simply stand on its own there.
    const req = await createLocalReq({}, payload)
    await initTransaction(req)
    const outside = isolateObjectProperty(req, 'transactionID')
    outside.transactionID = undefined
    const started = Date.now()
    await payload.db.create({ collection: 'claims', data: { scope: 'test:outside', slot: 1, owner: 'test' }, req: outside })
    expect(Date.now() - started).toBeLessThan(5_000)
    await killTransaction(req)
    // The turn is free again for any other writer.
    await payload.db.create({ collection: 'claims', data: { scope: 'test:outside', slot: 2, owner: 'test' }, req: { transactionID: undefined } as never })
  })
})

describe('concurrent writes', () => {
  it('all succeed when many requests save at once, failing ones included, inside transactions and outside', async () => {
    const grid = (i: number) => ({ code: `C-${i}`, name: `并发网格${i}`, community: street.commA.id, households: 300 + i })
    const results = await Promise.allSettled([
      ...Array.from({ length: 12 }, (_, i) => payload.create({ collection: 'grids', data: grid(i), overrideAccess: true })),
      // Rejected by validation inside its transaction: it must give its turn back.
      payload.create({ collection: 'grids', data: { ...grid(99), households: 0 }, overrideAccess: true }),
      ...Array.from({ length: 6 }, (_, i) =>
        payload.update({ collection: 'grids', id: street.gridB1.id, data: { households: 480 + i }, overrideAccess: true }),
      ),
      // Writes outside any transaction (as the claims and Payload's job runner make).
      ...Array.from({ length: 6 }, (_, i) =>
        payload.db.create({ collection: 'claims', data: { scope: 'concurrent', slot: i, owner: 'test' } }),
      ),
    ])
    const failed = results.map((r, i) => [i, r] as const).filter(([, r]) => r.status === 'rejected')
    expect(failed.map(([i]) => i)).toEqual([12])
    expect(String((failed[0][1] as PromiseRejectedResult).reason)).toMatch(/ValidationError|households|户数/)
    const made = await payload.find({ collection: 'grids', where: { code: { like: 'C-' } }, limit: 0, overrideAccess: true })
    expect(made.totalDocs).toBe(12)
    await payload.delete({ collection: 'grids', where: { code: { like: 'C-' } }, overrideAccess: true })
  })
})

describe('writes the adapter nests', () => {
  it('an upsert outside any transaction (Payload saves admin preferences so) completes at once, beside other writes', async () => {
    const where: Where = { and: [{ scope: { equals: 'upsert' } }, { slot: { equals: 1 } }] }
    const [first] = await Promise.all([
      payload.db.upsert({ collection: 'claims', where, data: { scope: 'upsert', slot: 1, owner: 'first' } }),
      payload.db.create({ collection: 'claims', data: { scope: 'upsert', slot: 2, owner: 'beside' } }),
    ])
    await payload.db.upsert({ collection: 'claims', where, data: { scope: 'upsert', slot: 1, owner: 'second' } })
    // Before, the inner updateOne queued behind its own upsert and failed after the 15 s turn timeout.
    const rows = await payload.find({ collection: 'claims', where: { scope: { equals: 'upsert' } }, sort: 'slot', overrideAccess: true })
    expect(rows.docs.map((d) => [d.slot, d.owner])).toEqual([[1, 'second'], [2, 'beside']])
    expect(String(first.id)).toBe(String(rows.docs[0].id))
  })
})

describe('writes and reads Payload makes', () => {
  it('counts a failed login and still answers with the login error', async () => {
    // Counted in the rate-limit ledger (hooks/staffAuth.ts), no longer on the account (Payload's lock is off).
    const r = await rest('POST', 'users/login', { body: { email: street.editor.email, password: 'wrong-password-1' }, from: '192.0.2.9' })
    expect(r.status).toBe(401)
    const places = await payload.count({ collection: 'claims', where: { scope: { like: 'rate:login-ip:' } }, overrideAccess: true })
    expect(places.totalDocs).toBe(1)
    await expect(
      payload.login({ collection: 'users', data: { email: street.editor.email, password: 'wrong-password' } }),
    ).rejects.toMatchObject({ name: 'AuthenticationError', status: 401 })
  })

  it('updates with a select and returns the selected fields', async () => {
    const grid = await payload.update({
      collection: 'grids',
      id: street.gridA2.id,
      data: { households: 360 },
      select: { households: true, code: true },
      overrideAccess: true,
    })
    expect(grid).toMatchObject({ households: 360, code: 'A-02' })
    const stored = await payload.findByID({ collection: 'grids', id: street.gridA2.id, overrideAccess: true })
    expect(stored.households).toBe(360)
  })

  it('finds by text in Chinese, by a related document\'s field, and by any of several grids', async () => {
    const byName = await payload.find({ collection: 'grids', where: { name: { like: '甲二' } }, overrideAccess: true })
    expect(byName.docs.map((g) => g.code)).toEqual(['A-02'])
    const byCommunity = await payload.find({
      collection: 'grids',
      where: { 'community.code': { equals: 'A' } },
      sort: 'code',
      overrideAccess: true,
    })
    expect(byCommunity.docs.map((g) => g.code)).toEqual(['A-01', 'A-02'])
    const both = await payload.create({
      collection: 'announcements',
      data: { title: '两个网格的公告', grids: [street.gridA1.id, street.gridB1.id], body: body('内容'), _status: 'published' },
      overrideAccess: true,
    })
    const inB = await payload.find({ collection: 'announcements', where: { grids: { in: [street.gridB1.id] } }, overrideAccess: true })
    expect(inB.docs.map((d) => d.id)).toContain(both.id)
    const inA = await payload.find({ collection: 'announcements', where: { grids: { in: [street.gridA1.id] } }, overrideAccess: true })
    expect(inA.docs.map((d) => d.id)).toContain(both.id)
    const inA2 = await payload.find({ collection: 'announcements', where: { grids: { in: [street.gridA2.id] } }, overrideAccess: true })
    expect(inA2.docs.map((d) => d.id)).not.toContain(both.id)
  })

  it('lists published content newest first, with drafts and versions kept apart', async () => {
    const make = (title: string, day: number) =>
      payload.create({
        collection: 'announcements',
        data: {
          title,
          grids: [street.gridA2.id],
          body: body(title),
          publishedAt: new Date(Date.UTC(2026, 0, day)).toISOString(),
          _status: 'published',
        },
        overrideAccess: true,
      })
    const older = await make('较早的通知', 3)
    await make('较新的通知', 9)
    const grid = { grids: { in: [street.gridA2.id] } }
    await payload.create({
      collection: 'announcements',
      data: { title: '草稿通知', grids: [street.gridA2.id], body: body('草稿') },
      draft: true,
      overrideAccess: true,
    })
    // A later draft of a published one does not replace what readers see.
    await payload.update({ collection: 'announcements', id: older.id, data: { title: '较早的通知（修改中）' }, draft: true, overrideAccess: true })
    const published = await payload.find({
      collection: 'announcements',
      where: { and: [grid, { _status: { equals: 'published' } }] },
      sort: '-publishedAt',
      overrideAccess: true,
    })
    expect(published.docs.map((d) => d.title)).toEqual(['较新的通知', '较早的通知'])
    const withDrafts = await payload.find({ collection: 'announcements', where: grid, draft: true, sort: '-updatedAt', overrideAccess: true })
    expect(withDrafts.docs.map((d) => d.title)).toEqual(['较早的通知（修改中）', '草稿通知', '较新的通知'])
    const versions = await payload.findVersions({ collection: 'announcements', where: { parent: { equals: older.id } }, overrideAccess: true })
    expect(versions.totalDocs).toBe(2)
  })

  itUnlessFerretDB('sorts by a field of a related document', async () => {
    const codes = async (sort: string) =>
      (await payload.find({ collection: 'grids', sort, overrideAccess: true, depth: 0 })).docs.map((g) => g.code as string)
    const down = await codes('-community.code')
    expect(down[0]).toBe('B-01')
    expect(down.slice(1).sort()).toEqual(['A-01', 'A-02'])
    const up = await codes('community.code')
    expect(up.at(-1)).toBe('B-01')
  })
})

describe('the MongoDB settings are checked at start', () => {
  const start = (env: Record<string, string>) =>
    spawnSync(
      process.execPath,
      // Through the launcher, as `npm start` starts the server.
      ['scripts/launch.mjs', '-e', "const { initPayload } = await import('./src/server/payload.ts'); await initPayload(); process.exit(0)"],
      { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 },
    )

  it('refuses an unknown MONGODB_COMPAT, and on a MongoDB-wire server one that does not match it, saying what to set', () => {
    const unknown = start({ DATABASE_URI: 'mongodb://127.0.0.1:9/none', MONGODB_COMPAT: 'documentdb' })
    expect(unknown.status).not.toBe(0)
    expect(unknown.stderr + unknown.stdout).toContain('MONGODB_COMPAT must be empty or "ferretdb"')
    if (!mongoLeg) return
    const wrong = start({ MONGODB_COMPAT: onFerretDB() ? '' : 'ferretdb' })
    expect(wrong.status).not.toBe(0)
    expect(wrong.stderr + wrong.stdout).toContain(
      onFerretDB() ? 'set MONGODB_COMPAT=ferretdb' : 'MONGODB_COMPAT=ferretdb is set but the server is MongoDB',
    )
  }, 120_000)
})
