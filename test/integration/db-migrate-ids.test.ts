import { sql } from '@payloadcms/db-sqlite'
import { getPayload, type Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { migrations } from '../../src/migrations'
import config from '../../src/payload.config'
import { rebuildSqliteTables } from '../../src/store/sqliteRebuild'
import { body, type Id, smallStreet } from '../support/fixtures'
import { onMongoLeg } from '../support/payload'
import { uploadImage } from '../site/support'

/**
 * The migration that gives SQLite's ids AUTOINCREMENT (*_autoincrement_ids):
 * a database at the schema before it, holding a street with content of every
 * type, versions, arrays, relations, uploads, subscribers, deliveries and
 * figures, and whose newest content was deleted, is migrated. Every row,
 * column, index and foreign key is as before; every id the adapter declares
 * so is AUTOINCREMENT; and the deleted content's id is not handed out again.
 *
 * SQLite only: MongoDB has no schema to migrate, and its ObjectIds are never
 * reused (test/delivery/identity.test.ts runs on both legs).
 */
type Db = { all<T>(q: unknown): Promise<T[]> }
let payload: Payload
const MIGRATION = migrations.findIndex((m) => m.name.endsWith('_autoincrement_ids'))

const db = () => (payload.db as unknown as { drizzle: Db }).drizzle
/**
 * The migrations after this one. Today's config reads and writes what they add
 * (columns, tables), so they are applied while the street is written, undone
 * before the snapshot (in reverse order), and applied again for the writes
 * after the upgrade. Called directly, they leave no record in payload_migrations.
 */
const LATER = migrations.slice(MIGRATION + 1)
const migrationArgs = () => ({ db: db(), payload, req: {} }) as never
async function laterUp() {
  for (const m of LATER) await m.up(migrationArgs())
}
async function laterDown() {
  for (const m of [...LATER].reverse()) await m.down(migrationArgs())
}
const q = <T = Record<string, unknown>>(text: string) => db().all<T>(sql.raw(text))
const quote = (name: string) => `\`${name}\``

/** Everything a rebuild could lose or change, per table. */
async function snapshot() {
  const tables = await q<{ name: string; sql: string }>(`SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name`)
  const out: Record<string, { rows: unknown[]; columns: unknown[]; foreignKeys: unknown[]; indexes: unknown[]; autoIncrement: boolean }> = {}
  for (const { name, sql: definition } of tables) {
    const indexList = await q<{ name: string; unique: number; origin: string; partial: number }>(`PRAGMA index_list(${quote(name)})`)
    const indexes = []
    for (const i of indexList.sort((a, b) => a.name.localeCompare(b.name))) {
      const cols = await q<{ name: string }>(`PRAGMA index_info(${quote(i.name)})`)
      indexes.push({ name: i.name, unique: i.unique, origin: i.origin, partial: i.partial, columns: cols.map((c) => c.name) })
    }
    out[name] = {
      rows: await q(`SELECT * FROM ${quote(name)} ORDER BY rowid`),
      columns: await q(`PRAGMA table_info(${quote(name)})`),
      foreignKeys: await q(`PRAGMA foreign_key_list(${quote(name)})`),
      indexes,
      autoIncrement: /\bAUTOINCREMENT\b/i.test(definition),
    }
  }
  return out
}
const withoutAutoIncrement = (s: Awaited<ReturnType<typeof snapshot>>) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, { ...v, autoIncrement: undefined }]))
/** The tables whose id the adapter declares AUTOINCREMENT (autoIncrement: true in the config). */
const declared = () =>
  Object.entries((payload.db as unknown as { rawTables: Record<string, { columns: Record<string, { autoIncrement?: boolean }> }> }).rawTables)
    .filter(([, t]) => t.columns.id?.autoIncrement)
    .map(([name]) => name)
    .sort()

describe.skipIf(onMongoLeg())('SQLite ids migration (SQLite only)', () => {
  let before: Awaited<ReturnType<typeof snapshot>>
  let deleted: Id

  beforeAll(async () => {
    payload = await getPayload({ config })
    expect(MIGRATION).toBeGreaterThan(0)
    // The database as it was before the migration.
    await payload.db.migrate({ migrations: migrations.slice(0, MIGRATION) as never })
    await laterUp()
    const street = await smallStreet(payload)
    const cover = await uploadImage(payload, 'cover.jpg', '封面')
    const editor = { ...street.editor, collection: 'users' } as never
    await payload.create({ collection: 'subscribers', data: { email: 'r1@mail.test', grid: street.gridA1.id, channels: ['email', 'webpush'], topics: ['issues', 'events'] } as never, overrideAccess: true })
    const issue = (await payload.create({
      collection: 'issues',
      data: { title: '第一期', cover: cover.id, articles: [{ title: '甲', body: body('一') }, { title: '乙', body: body('二') }], _status: 'published' } as never,
      user: editor,
      overrideAccess: false,
    })) as { id: Id }
    await payload.update({ collection: 'issues', id: issue.id, data: { title: '第一期（更正稿）' }, draft: true, user: editor, overrideAccess: false })
    await payload.create({
      collection: 'events',
      data: { title: '网格活动', startsAt: new Date(Date.now() + 86_400_000).toISOString(), location: '活动室', wholeStreet: false, grids: [street.gridA1.id, street.gridA2.id], _status: 'published' } as never,
      overrideAccess: true,
    })
    await payload.create({ collection: 'announcements', data: { title: '停水', grids: [street.gridB1.id], body: body('停水'), _status: 'published' } as never, overrideAccess: true })
    const policy = (mk: string) =>
      payload.create({
        collection: 'policies',
        data: { title: mk, issuingBody: '区民政局', summary: '要点', body: body('正文'), qa: [{ question: '问', answer: '答' }], _status: 'published' } as never,
        user: editor,
        overrideAccess: false,
      }) as Promise<{ id: Id }>
    await policy('留下的解读')
    // The newest content is deleted before the upgrade: its deliveries and audit entries still name its id.
    deleted = (await policy('被删除的解读')).id
    await payload.delete({ collection: 'policies', id: deleted, overrideAccess: true })
    await payload.create({
      collection: 'read-rollups',
      data: { key: `issues:${issue.id}:${street.gridA1.id}:all:2026-11-20`, contentType: 'issues', contentId: String(issue.id), grid: String(street.gridA1.id), channel: 'all', day: '2026-11-20', submitted: 5, readers: 3, reads: 4, opens: 0, openReaders: 0 } as never,
      overrideAccess: true,
    })
    await laterDown()
    before = await snapshot()
  }, 180_000)

  afterAll(async () => {
    await payload?.destroy()
  })

  it('starts from the schema before it, with rows in the tables that matter', () => {
    expect(Object.values(before).filter((t) => t.autoIncrement)).toEqual([])
    for (const t of ['issues', 'issues_articles', '_issues_v', '_issues_v_version_articles', 'events_rels', 'policies_qa', 'users_rels', 'subscribers_channels', 'media', 'deliveries', 'audit_log', 'read_rollups']) {
      expect(before[t]?.rows.length, t).toBeGreaterThan(0)
    }
    expect(Number(deleted)).toBeGreaterThan(Math.max(...(before.policies.rows as { id: number }[]).map((r) => r.id)))
  })

  it('keeps every row, column, index and foreign key, and makes the declared ids AUTOINCREMENT', async () => {
    // Up to this migration: later ones change the schema on purpose.
    await payload.db.migrate({ migrations: migrations.slice(0, MIGRATION + 1) as never })
    const after = await snapshot()
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort())
    // payload_migrations gains the record of this migration, nothing else changes.
    const recorded = after.payload_migrations.rows as { name: string }[]
    after.payload_migrations.rows = recorded.filter((r) => r.name !== migrations[MIGRATION].name)
    expect(recorded.length - after.payload_migrations.rows.length).toBe(1)
    for (const table of Object.keys(before)) expect(withoutAutoIncrement(after)[table], table).toEqual(withoutAutoIncrement(before)[table])
    expect(declared().length).toBeGreaterThan(30)
    // Tables a later migration creates (a collection added since) are not there yet: their own migration declares them.
    expect(Object.keys(after).filter((t) => after[t].autoIncrement).sort()).toEqual(declared().filter((t) => t in after))
    expect(await q('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }])
    expect(await q('PRAGMA foreign_key_check')).toEqual([])
  })

  it('never hands out the deleted content’s id again: the next content has its own id and its own deliveries', async () => {
    await laterUp()
    // With the later migrations applied, every declared id is AUTOINCREMENT, those of tables they created included.
    const latest = await snapshot()
    expect(Object.keys(latest).filter((t) => latest[t].autoIncrement).sort()).toEqual(declared())
    const next = (await payload.create({
      collection: 'policies',
      data: { title: '升级之后的解读', issuingBody: '区民政局', summary: '要点', body: body('正文'), _status: 'published' } as never,
      overrideAccess: true,
    })) as { id: Id }
    expect(Number(next.id)).toBeGreaterThan(Number(deleted))
    const { totalDocs } = await payload.count({ collection: 'deliveries', where: { and: [{ contentType: { equals: 'policies' } }, { contentId: { equals: String(next.id) } }] } })
    expect(totalDocs).toBe(3)
    // Deleting it and creating another does not give its id back either.
    await payload.delete({ collection: 'policies', id: next.id, overrideAccess: true })
    const after = (await payload.create({ collection: 'communities', data: { code: 'C', name: '丙社区' }, overrideAccess: true })) as { id: Id }
    const last = (await payload.create({ collection: 'policies', data: { title: '再下一篇', issuingBody: '区民政局', summary: '要点', body: body('正文') } as never, overrideAccess: true })) as { id: Id }
    expect(Number(last.id)).toBeGreaterThan(Number(next.id))
    expect(Number(after.id)).toBeGreaterThan(0)
  })

  it('goes down and up again without losing a row', async () => {
    const at = await snapshot()
    const run = async (autoIncrement: boolean) => {
      const id = (await payload.db.beginTransaction())!
      const tx = (payload.db as unknown as { sessions: Record<string, { db: Db }> }).sessions[String(id)].db
      await rebuildSqliteTables(tx as never, payload, { autoIncrement })
      await payload.db.commitTransaction(id)
    }
    await run(false)
    const down = await snapshot()
    expect(Object.values(down).filter((t) => t.autoIncrement)).toEqual([])
    expect(withoutAutoIncrement(down)).toEqual(withoutAutoIncrement(at))
    await run(true)
    expect(await snapshot()).toEqual(at)
  })
})
