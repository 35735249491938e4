import { createHash } from 'node:crypto'

import type { PayloadRequest } from 'payload'
import { sql } from '@payloadcms/db-sqlite'

import { claimSlot, type ClaimRow, CLAIMS_SLUG, deleteClaim, newestClaims } from './claims'
import { inSqliteWriteTurn } from './sqlite'
import { processOwner } from './leases'
import { noTransaction } from './noTransaction'

/**
 * Atomically take the next value of a named counter, never below `floor + 1`.
 * Payload's update-by-where is a find followed by writes, so it cannot hand out
 * unique numbers under concurrency: SQLite gets one native statement, MongoDB
 * a claim in the ledger of store/claims.ts.
 *
 * `for` names what the value is for (e.g. `issues:<id>`): asked twice for the
 * same thing at the same moment, both callers get one value. On SQLite the
 * caller's transaction already serialises them (and takes the value back if it
 * fails); on MongoDB the ledger records whom each value went to.
 */
export async function nextCounterValue(req: PayloadRequest, key: string, floor = 0, opts: { for?: string } = {}): Promise<number> {
  const db = req.payload.db as unknown as {
    name: string
    drizzle?: SqliteLike
    sessions?: Record<string, { db: SqliteLike }>
    collections?: Record<string, MongoModel>
  }
  const now = new Date().toISOString()
  if (db.name === 'sqlite') {
    // Inside the request's transaction when there is one: SQLite has one writer,
    // and a second connection would wait on our own lock.
    const tx = req.transactionID ? db.sessions?.[String(await req.transactionID)]?.db : undefined
    const next = (conn: SqliteLike) =>
      conn.get<{ value: number }>(sql`
        INSERT INTO counters (key, value, updated_at, created_at) VALUES (${key}, ${floor + 1}, ${now}, ${now})
        ON CONFLICT (key) DO UPDATE SET value = MAX(value, ${floor}) + 1, updated_at = ${now}
        RETURNING value`)
    // Outside a transaction it is a write of its own, and waits for the process's write turn.
    const row = tx ? await next(tx) : await inSqliteWriteTurn(req.payload, () => next(db.drizzle!))
    return Number(row.value)
  }
  // The value is allocated by claiming slot n of `counter:<key>` in the claims
  // ledger (store/claims.ts): an insert under a unique index, which exactly one
  // process wins on every MongoDB-wire server. A conditional update or $inc is
  // not enough there: FerretDB v1 runs them as read, modify, write back, and
  // concurrent increments are lost (docs/databases.md).
  const scope = `counter:${key}`
  const owner = opts.for ? `for:${opts.for}` : processOwner
  const takenFor = async () => (opts.for ? await claimsOf(req.payload, scope, owner) : [])
  const earlier = await takenFor()
  if (earlier.length) return Number(earlier[0].slot)
  const _id = createHash('sha256').update(scope).digest('hex').slice(0, 24)
  const model = db.collections!.counters
  const stored = (await model.findOne({ _id }, { value: 1 }).lean()) as { value?: number } | null
  const newest = (await newestClaims(req.payload, [scope])).get(scope)
  let value = Math.max(Number(newest?.slot ?? 0), Number(stored?.value ?? 0), floor) + 1
  let mine = await claimSlot(req.payload, { scope, slot: value, owner })
  for (let tries = 0; !mine; tries++) {
    if (tries >= 1000) throw new Error(`counter ${key}: no free value after 1000 tries`)
    value++
    mine = await claimSlot(req.payload, { scope, slot: value, owner })
  }
  if (opts.for) {
    // Two callers for one thing may both have claimed: the lower value is the one; the other gives its back.
    const first = (await takenFor())[0]
    if (first && Number(first.slot) !== value) {
      await deleteClaim(req.payload, mine.id)
      return Number(first.slot)
    }
  }
  // The counter document shows the latest value; the ledger is what decides.
  // Its _id comes from the key: the primary key is unique from the first write,
  // the index on `key` only once built in the background after start.
  for (let attempt = 1; ; attempt++) {
    try {
      await model.updateOne(
        { _id },
        { $max: { value }, $set: { updatedAt: new Date(now) }, $setOnInsert: { key, createdAt: new Date(now) } },
        { upsert: true },
      )
      return value
    } catch (err) {
      // Two concurrent first upserts of one _id: the loser finds it there on retry.
      if ((err as { code?: number }).code === 11000 && attempt < 3) continue
      throw err
    }
  }
}

/** The ledger rows of one scope held by one owner, lowest value first. */
async function claimsOf(payload: PayloadRequest['payload'], scope: string, owner: string): Promise<ClaimRow[]> {
  const { docs } = await payload.db.find({
    collection: CLAIMS_SLUG,
    where: { and: [{ scope: { equals: scope } }, { owner: { equals: owner } }] },
    sort: 'slot',
    limit: 0,
    pagination: false,
    req: noTransaction(),
  })
  return docs as unknown as ClaimRow[]
}

type SqliteLike = { get<T>(query: unknown): Promise<T> }
type MongoModel = {
  updateOne(filter: object, update: object, options?: object): Promise<unknown>
  findOne(filter: object, projection: object): { lean(): Promise<unknown> }
}
