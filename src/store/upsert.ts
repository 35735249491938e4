import type { Payload } from 'payload'

import { isUniqueViolation } from './claims'
import { uniqueIndexReady } from './receipts'
import { noTransaction } from './noTransaction'

/**
 * Store `row` as the one row with its `key` (a field with a unique index):
 * created, or written over the row another process created meanwhile. For
 * derived rows that any run recomputes from the same data (rollups, imported
 * figures), so the last writer being right is enough. Adapter calls only: no
 * hooks, no transaction.
 */
export async function insertOrOverwrite(payload: Payload, collection: string, row: { key: string } & Record<string, unknown>): Promise<'created' | 'updated'> {
  await uniqueIndexReady(payload, collection)
  try {
    await payload.db.create({ collection: collection as never, data: row, req: noTransaction() })
    return 'created'
  } catch (err) {
    if (!isUniqueViolation(err)) throw err
  }
  const other = await payload.db.findOne<{ id: string | number }>({ collection: collection as never, where: { key: { equals: row.key } }, req: noTransaction() })
  if (other) await payload.db.updateOne({ collection: collection as never, id: other.id, data: row, returning: false, req: noTransaction() })
  return 'updated'
}
