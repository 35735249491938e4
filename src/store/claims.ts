import { isolateObjectProperty, ValidationError, type CollectionConfig, type Payload, type PayloadRequest } from 'payload'

import { nobody } from '../access'
import { label } from '../i18n/messages'
import { noteOwnTransaction, noTransaction } from './noTransaction'

/**
 * The one atomic primitive every process on one database relies on: "slot N
 * of scope S" can be claimed once. A claim is the insert of the row
 * (scope, slot) under a unique index, so of any number of processes trying
 * the same slot exactly one succeeds — on SQLite, on MongoDB, and on FerretDB
 * v1, whose update commands are read-modify-write without isolation (so a
 * conditional update or $inc there is not atomic, see docs/databases.md).
 *
 * Leases (store/leases.ts) claim slot epoch+1 of `lease:<collection>:<id>`
 * with an expiry; counters (store/counters.ts, MongoDB) claim slot n of
 * `counter:<key>` for good.
 */
export const CLAIMS_SLUG = 'claims'

export const Claims: CollectionConfig = {
  slug: CLAIMS_SLUG,
  labels: { singular: label('col.claims.singular'), plural: label('col.claims.plural') },
  admin: { hidden: true },
  access: { read: nobody, create: nobody, update: nobody, delete: nobody },
  lockDocuments: false,
  fields: [
    { name: 'scope', type: 'text', required: true },
    { name: 'slot', type: 'number', required: true },
    { name: 'owner', type: 'text', required: true },
    // Lease expiry; empty for a claim that never expires (a counter value).
    { name: 'until', type: 'date' },
    { name: 'releasedAt', type: 'date' },
  ],
  // The unique index is the claim; it also serves "newest slot of a scope".
  indexes: [{ fields: ['scope', 'slot'], unique: true }],
}

export type ClaimRow = {
  id: string | number
  scope: string
  slot: number
  owner: string
  until?: string | Date | null
  releasedAt?: string | Date | null
}

/** Request context for the store calls: a claim is its own write, never part of a caller's transaction. */

/**
 * The `req` for a store write made on behalf of a request that may have a
 * transaction open: a view of it without its transaction, as Payload makes
 * for its own writes outside a transaction. The write is then its own on
 * MongoDB (seen by other processes at once), and on SQLite it joins the
 * open transaction instead of waiting for the write turn that transaction
 * holds (store/sqlite.ts). Without a request: no transaction at all.
 */
export function outsideTransaction(req?: PayloadRequest): PayloadRequest {
  if (!req) return noTransaction()
  // A view of a view (GraphQL's) hides the transaction from store/sqlite.ts: noted in the context too.
  noteOwnTransaction(req)
  const view = isolateObjectProperty(req, 'transactionID')
  view.transactionID = undefined
  return view
}

export function isUniqueViolation(err: unknown): boolean {
  if (err instanceof ValidationError) return true
  const e = err as { code?: unknown; message?: unknown; cause?: unknown } | null
  if (!e || typeof e !== 'object') return false
  if (e.code === 11000 || e.code === 'SQLITE_CONSTRAINT_UNIQUE') return true
  if (typeof e.message === 'string' && /UNIQUE constraint failed|E11000/.test(e.message)) return true
  return e.cause ? isUniqueViolation(e.cause) : false
}

/**
 * On MongoDB indexes are built in the background after start, and a claim is
 * only a claim once the unique index exists: wait for it (once; mongoose keeps
 * the promise). A failed build fails every claim, loudly.
 */
async function uniqueIndexReady(payload: Payload) {
  const model = (payload.db as unknown as { collections?: Record<string, { init?: () => Promise<unknown> }> }).collections?.[CLAIMS_SLUG]
  if (payload.db.name === 'mongoose' && model?.init) await model.init()
}

/** Claim one slot: the row on success, null when another process holds it already. */
export async function claimSlot(
  payload: Payload,
  row: { scope: string; slot: number; owner: string; until?: Date | null },
  /** The request this claim is made for, when it may have a transaction open (see outsideTransaction). */
  forReq?: PayloadRequest,
): Promise<ClaimRow | null> {
  await uniqueIndexReady(payload)
  try {
    return (await payload.db.create({
      collection: CLAIMS_SLUG,
      data: {
        scope: row.scope,
        slot: row.slot,
        owner: row.owner,
        until: row.until ? row.until.toISOString() : null,
      },
      req: outsideTransaction(forReq),
    })) as unknown as ClaimRow
  } catch (err) {
    if (isUniqueViolation(err)) return null
    throw err
  }
}

/** The newest claim of each scope (highest slot). */
export async function newestClaims(payload: Payload, scopes: string[]): Promise<Map<string, ClaimRow>> {
  const newest = new Map<string, ClaimRow>()
  if (!scopes.length) return newest
  const { docs } = await payload.db.find({
    collection: CLAIMS_SLUG,
    where: { scope: { in: [...new Set(scopes)] } },
    sort: '-slot',
    limit: 0,
    pagination: false,
    req: noTransaction(),
  })
  for (const row of docs as unknown as ClaimRow[]) {
    const current = newest.get(row.scope)
    if (!current || Number(row.slot) > Number(current.slot)) newest.set(row.scope, row)
  }
  return newest
}

export async function updateClaim(payload: Payload, id: string | number, data: Partial<Pick<ClaimRow, 'until' | 'releasedAt'>>) {
  const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : v)
  await payload.db.updateOne({
    collection: CLAIMS_SLUG,
    id,
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, iso(v)])),
    returning: false,
    req: noTransaction(),
  })
}

/** Delete one claim row (a claim taken and withdrawn before anyone could rely on it). */
export async function deleteClaim(payload: Payload, id: string | number, forReq?: PayloadRequest) {
  await payload.db.deleteOne({ collection: CLAIMS_SLUG, where: { id: { equals: id } }, returning: false, req: outsideTransaction(forReq) })
}

/** Delete the claims of a scope below a slot (history nobody needs), or all of them. */
export async function deleteClaims(payload: Payload, scope: string, belowSlot?: number) {
  await payload.db.deleteMany({
    collection: CLAIMS_SLUG,
    where: belowSlot === undefined ? { scope: { equals: scope } } : { and: [{ scope: { equals: scope } }, { slot: { less_than: belowSlot } }] },
    req: noTransaction(),
  })
}
