import type { Payload } from 'payload'
import { beforeAll, describe, expect, it } from 'vitest'

import { CONTENT_SLUGS } from '../../src/collections/contentCollection'
import { mongoIndexesReady } from '../../src/store/mongo'
import { itUnlessFerretDB } from '../support/legs'
import { testPayload } from '../support/payload'

/**
 * The indexes of the hot paths are declared in code and exist in the
 * database: on MongoDB built from the collections at start (none failing),
 * on SQLite created by the migration.
 */
let payload: Payload
const mongoLeg = process.env.TEST_DB === 'mongo'

/** Hot-path indexes: [collection, fields in order, unique]. */
const HOT: [string, string[], boolean][] = [
  ...CONTENT_SLUGS.map((slug): [string, string[], boolean] => [slug, ['_status', 'publishedAt'], false]),
  ['announcements', ['grids'], false],
  ['claims', ['scope', 'slot'], true],
  ['payload-jobs', ['queue', 'completedAt', 'createdAt'], false],
]

type MongoModel = {
  collection: { indexes(): Promise<{ key: Record<string, number>; unique?: boolean }[]> }
  schema: { indexes(): [Record<string, number>, { unique?: boolean }][] }
}
type Sqlite = { all<T>(q: unknown): Promise<T[]> }
type ExplainableModel = { find(q: object): { sort(s: object): { limit(n: number): { explain(): Promise<unknown> } } } }

const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)

beforeAll(async () => {
  payload = await testPayload()
})

async function sqliteIndexes(table: string): Promise<string[]> {
  const db = (payload.db as unknown as { drizzle: Sqlite }).drizzle
  const { sql } = await import('@payloadcms/db-sqlite')
  const found: string[] = []
  for (const index of await db.all<{ name: string; unique: number }>(sql.raw(`PRAGMA index_list(${table})`))) {
    const cols = await db.all<{ name: string }>(sql.raw(`PRAGMA index_info(${index.name})`))
    found.push(`${cols.map((c) => c.name).join(',')}${index.unique ? ' unique' : ''}`)
  }
  return found
}

describe('indexes', () => {
  it('builds every index the collections declare, the hot paths among them', async () => {
    if (mongoLeg) {
      expect(await mongoIndexesReady(payload)).toEqual([])
      const models = (payload.db as unknown as { collections: Record<string, MongoModel> }).collections
      for (const [slug, model] of Object.entries(models)) {
        const built = (await model.collection.indexes()).map((i) => `${Object.keys(i.key).join(',')}${i.unique ? ' unique' : ''}`)
        for (const [key, options] of model.schema.indexes()) {
          expect(built, slug).toContain(`${Object.keys(key).join(',')}${options.unique ? ' unique' : ''}`)
        }
      }
      for (const [slug, fields, unique] of HOT) {
        const built = await models[slug].collection.indexes()
        expect(built.some((i) => Object.keys(i.key).join(',') === fields.join(',') && !!i.unique === unique), `${slug} ${fields}`).toBe(true)
      }
    } else {
      for (const [slug, fields, unique] of HOT) {
        // A hasMany relationship lives in the _rels table: its own index there.
        const [table, columns] =
          fields[0] === 'grids' ? [`${slug}_rels`, ['grids_id']] : [slug.replace(/-/g, '_'), fields.map(snake)]
        expect(await sqliteIndexes(table), `${slug} ${fields}`).toContain(`${columns.join(',')}${unique ? ' unique' : ''}`)
      }
    }
  })

  itUnlessFerretDB('serves the newest-published list from its index', async () => {
    if (mongoLeg) {
      const model = (payload.db as unknown as { collections: Record<string, ExplainableModel> }).collections.announcements
      const plan = JSON.stringify(await model.find({ _status: 'published' }).sort({ publishedAt: -1 }).limit(20).explain())
      expect(plan).toContain('_status_1_publishedAt_1')
    } else {
      const db = (payload.db as unknown as { drizzle: Sqlite }).drizzle
      const { sql } = await import('@payloadcms/db-sqlite')
      const plan = await db.all<{ detail: string }>(
        sql.raw(`EXPLAIN QUERY PLAN SELECT id FROM announcements WHERE _status = 'published' ORDER BY published_at DESC LIMIT 20`),
      )
      expect(plan.map((p) => p.detail).join(' ')).toMatch(/_status_publishedAt\w*_idx/)
    }
  })
})
