import { createHash } from 'node:crypto'

import type { PayloadRequest } from 'payload'
import { sql } from '@payloadcms/db-sqlite'

/**
 * Atomically take the next value of a named counter, never below `floor + 1`.
 * Payload's update-by-where is a find followed by writes, so it cannot hand out
 * unique numbers under concurrency: each adapter gets one native statement.
 */
export async function nextCounterValue(req: PayloadRequest, key: string, floor = 0): Promise<number> {
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
    const conn = tx ?? db.drizzle!
    const row = await conn.get<{ value: number }>(sql`
      INSERT INTO counters (key, value, updated_at, created_at) VALUES (${key}, ${floor + 1}, ${now}, ${now})
      ON CONFLICT (key) DO UPDATE SET value = MAX(value, ${floor}) + 1, updated_at = ${now}
      RETURNING value`)
    return Number(row.value)
  }
  // The counter's _id is derived from its key. The primary key is unique on
  // every MongoDB-wire server from the first write, whereas the unique index on
  // `key` is built in the background after start: two first upserts by key
  // could meet before it exists and create two counters (seen on FerretDB).
  const _id = createHash('sha256').update(`counter:${key}`).digest('hex').slice(0, 24)
  const model = db.collections!.counters
  for (let attempt = 1; ; attempt++) {
    try {
      // Create it at the floor, or raise it to the floor: never lowers it.
      await model.updateOne({ _id }, { $max: { value: floor }, $setOnInsert: { key, createdAt: new Date(now) } }, { upsert: true })
      const doc = await model.findOneAndUpdate(
        { _id },
        { $inc: { value: 1 }, $set: { updatedAt: new Date(now) } },
        { new: true, lean: true },
      )
      return Number(doc!.value)
    } catch (err) {
      // Two concurrent first upserts of one _id: the loser finds it there on retry.
      if ((err as { code?: number }).code === 11000 && attempt < 3) continue
      throw err
    }
  }
}

type SqliteLike = { get<T>(query: unknown): Promise<T> }
type MongoModel = {
  updateOne(filter: object, update: object, options?: object): Promise<unknown>
  findOneAndUpdate(filter: object, update: object, options: object): Promise<{ value: number } | null>
}
