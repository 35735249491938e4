import type { Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { insertReceipts, ReceiptWriter } from '../../src/store/receipts'
import { SqliteThread } from '../../src/store/sqliteThread'
import { testPayload } from '../support/payload'

/** The bulk receipt write (one native statement per adapter) and its group commit. */
let payload: Payload

const stored = async (delivery: string) =>
  (await payload.db.find({ collection: 'delivery-receipts', where: { delivery: { equals: delivery } }, limit: 0, pagination: false, sort: 'subscriber' })).docs as unknown as {
    subscriber: string
    status: string
    code: string | null
    createdAt: string
  }[]

beforeAll(async () => {
  payload = await testPayload()
})

afterAll(async () => {
  await payload?.destroy()
})

describe('delivery receipts', () => {
  it('writes many rows at once, readable through Payload, and leaves an existing (delivery, subscriber) as it is', async () => {
    await insertReceipts(payload, [
      { delivery: 'd1', subscriber: 's1', status: 'submitted' },
      { delivery: 'd1', subscriber: 's2', status: 'gone', code: '550' },
    ])
    await insertReceipts(payload, [
      { delivery: 'd1', subscriber: 's2', status: 'submitted' },
      { delivery: 'd1', subscriber: 's3', status: 'failed', code: '451' },
      { delivery: 'd2', subscriber: 's1', status: 'submitted' },
    ])
    const rows = await stored('d1')
    expect(rows.map((r) => [r.subscriber, r.status, r.code ?? null])).toEqual([
      ['s1', 'submitted', null],
      ['s2', 'gone', '550'],
      ['s3', 'failed', '451'],
    ])
    expect(new Date(rows[0].createdAt).getTime()).toBeGreaterThan(Date.now() - 60_000)
    expect(await stored('d2')).toHaveLength(1)
  })

  it('group commit: every caller resolves once its own row is stored, in fewer writes than rows', async () => {
    // Count the native writes: statements handed to the writer thread on SQLite, insertMany on MongoDB.
    const db = payload.db as unknown as { name: string; collections?: Record<string, { insertMany: (...a: unknown[]) => unknown }> }
    const target = db.name === 'sqlite' ? SqliteThread.prototype : db.collections!['delivery-receipts']
    const method = db.name === 'sqlite' ? 'run' : 'insertMany'
    const original = (target as Record<string, (...a: unknown[]) => unknown>)[method]
    let writes = 0
    ;(target as Record<string, unknown>)[method] = function (this: unknown, ...a: unknown[]) {
      writes++
      return original.apply(this, a)
    }
    try {
      const writer = new ReceiptWriter(payload)
      const resolved: string[] = []
      await Promise.all(
        Array.from({ length: 300 }, (_, i) => {
          const subscriber = `s${String(i).padStart(3, '0')}`
          return writer.add({ delivery: 'g1', subscriber, status: 'submitted' }).then(() => resolved.push(subscriber))
        }),
      )
      expect(resolved).toHaveLength(300)
      expect(writes).toBeGreaterThan(0)
      expect(writes).toBeLessThan(10)
    } finally {
      ;(target as Record<string, unknown>)[method] = original
    }
    expect(await stored('g1')).toHaveLength(300)
  })
})
