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
  const model = db.collections!.counters
  await model.updateOne({ key, value: { $lt: floor } }, { $set: { value: floor, updatedAt: new Date(now) } })
  const doc = await model.findOneAndUpdate(
    { key },
    { $inc: { value: 1 }, $set: { updatedAt: new Date(now) }, $setOnInsert: { createdAt: new Date(now) } },
    { upsert: true, new: true, lean: true },
  )
  return Number(doc!.value)
}

type SqliteLike = { get<T>(query: unknown): Promise<T> }
type MongoModel = {
  updateOne(filter: object, update: object): Promise<unknown>
  findOneAndUpdate(filter: object, update: object, options: object): Promise<{ value: number } | null>
}
