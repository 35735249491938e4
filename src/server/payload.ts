import { getPayload, type Payload } from 'payload'

import { migrations } from '../migrations'
import config from '../payload.config'
import { registerEngine } from './engine'

/**
 * The one way every process (server, worker, tests, scripts) gets Payload:
 * initialised once, with the embedded database migrated to the current schema.
 */
export async function initPayload(): Promise<Payload> {
  registerEngine()
  const payload = await getPayload({ config })
  if (payload.db.name === 'sqlite') await payload.db.migrate({ migrations: migrations as never })
  return payload
}

/** Is the database empty of staff (a fresh install)? */
export async function isFreshDatabase(payload: Payload): Promise<boolean> {
  const { totalDocs } = await payload.count({ collection: 'users', overrideAccess: true })
  return totalDocs === 0
}
