import type { Access, CollectionSlug, PayloadRequest, SanitizedCollectionConfig, SanitizedConfig, Where } from 'payload'

import { nameLockHolders } from './lockHolder'
import { type Id, isAdmin, isStaff, sameId } from './roles'

/**
 * Access for the collections Payload adds by itself, which a collection list
 * in payload.config.ts never shows. Payload builds them while it sanitizes the
 * config, after plugins have run, so the only place to set their access is
 * the sanitized config: `withInternalAccess(buildConfig({...}))`.
 *
 * - `payload-locked-documents` (edit locks; REST /api/payload-locked-documents
 *   and GraphQL). Payload lets any logged-in user create, read, change and
 *   delete any lock: a grid leader could lock another grid's announcement or
 *   the site settings in an editor's name, and every save would answer 423.
 *   Here a lock is made and taken over (Payload's "take over" changes the lock's
 *   user) only in one's own name and only on a document one may update; a lock
 *   is deleted by its holder or by someone who may update the document (who
 *   could take it over anyway); locks are listed only on documents one may
 *   read (the admin shows "being edited by" there).
 * - `payload-migrations`: admins only (Payload: any logged-in user; it has no
 *   REST or GraphQL, but the admin's list server functions read it).
 *
 * Payload's own code that needs more (the admin's lock on opening a document,
 * the lock check on save) goes to the database directly and is not affected;
 * the admin's form-state server function is checked in serverFunctions.ts.
 */

export const LOCKS_SLUG = 'payload-locked-documents'

/** What a lock, a scheduled job or a request names: one document of a collection, or a global. */
export type Target = { collection: string; id: Id } | { global: string }

type Relation = { relationTo?: string; value?: unknown } | Id | null | undefined

const valueOf = (v: unknown): Id | undefined =>
  v == null ? undefined : typeof v === 'object' ? valueOf((v as { id?: unknown; value?: unknown }).value ?? (v as { id?: unknown }).id) : (v as Id)

/** The target a lock (or a lock's data) names, or null when it names none or both. */
export function lockTarget(lock: { document?: Relation; globalSlug?: string | null } | null | undefined): Target | null {
  if (!lock) return null
  const doc = lock.document
  const hasDoc = doc != null && typeof doc === 'object' && typeof doc.relationTo === 'string'
  const global = typeof lock.globalSlug === 'string' && lock.globalSlug ? lock.globalSlug : null
  if (hasDoc === Boolean(global)) return null
  if (global) return { global }
  const id = valueOf((doc as { value?: unknown }).value)
  return id == null ? null : { collection: (doc as { relationTo: string }).relationTo, id }
}

/** Is this relationship value (a lock's `user`) the requesting user? */
export function isSelf(req: PayloadRequest, v: Relation): boolean {
  const user = req.user as { id: Id; collection?: string } | null
  if (!user || v == null) return false
  if (typeof v === 'object' && 'relationTo' in v && v.relationTo !== undefined && v.relationTo !== (user.collection ?? 'users')) return false
  return sameId(valueOf(v), user.id)
}

/** A document id as the collection stores it (numbers on SQLite; jobs keep ids as text). */
function storedId(req: PayloadRequest, collection: string, id: Id): Id {
  const type = req.payload.collections[collection as CollectionSlug]?.customIDType ?? req.payload.db.defaultIDType
  return type === 'number' && typeof id === 'string' && /^\d+$/.test(id) ? Number(id) : id
}

/**
 * May the requesting user read or update this document or global, by its own
 * access rules? A Where answer is checked against the document. Collections
 * and globals without locking, and unknown ones, are never a lock target.
 */
export async function mayOnTarget(req: PayloadRequest, target: Target | null, op: 'read' | 'update'): Promise<boolean> {
  if (!target || !req.user) return false
  if ('global' in target) {
    const global = req.payload.config.globals.find((g) => g.slug === target.global)
    if (!global || global.lockDocuments === false) return false
    const fn = global.access?.[op]
    return fn ? (await fn({ req } as never)) === true : Boolean(req.user)
  }
  const collection = req.payload.collections[target.collection as CollectionSlug]?.config as SanitizedCollectionConfig | undefined
  if (!collection || collection.lockDocuments === false) return false
  const id = storedId(req, target.collection, target.id)
  const answer = await collection.access[op]({ req, id } as never)
  if (answer === true) return true
  if (!answer) return false
  const { totalDocs } = await req.payload.count({
    collection: target.collection as never,
    where: { and: [{ id: { equals: id } }, answer as Where] },
    overrideAccess: true,
    req,
  })
  return totalDocs > 0
}

type LockRow = { id: Id; document?: Relation; globalSlug?: string | null; user?: Relation }

async function findLock(req: PayloadRequest, id: Id): Promise<LockRow | null> {
  return (await req.payload.findByID({ collection: LOCKS_SLUG as never, id, depth: 0, overrideAccess: true, disableErrors: true, req })) as LockRow | null
}

/** A Where that matches no lock (ids always exist); `false` would make Payload's own lock lookups fail with 403. */
const NO_LOCK: Where = { id: { exists: false } }
const onlyLocks = (ids: Id[]): Where => (ids.length ? { id: { in: ids } } : NO_LOCK)

/**
 * The locks this user may see: their own, and those on documents they may
 * read. There are few locks at any time (one per document open for editing),
 * so all are read and each target's collection is asked once, with one
 * query for those whose access is a Where. Kept for the request.
 */
async function visibleLockIds(req: PayloadRequest): Promise<Id[]> {
  const ctx = req.context as { visibleLockIds?: Id[] }
  if (ctx.visibleLockIds) return ctx.visibleLockIds
  const { docs } = await req.payload.find({ collection: LOCKS_SLUG as never, depth: 0, limit: 0, pagination: false, overrideAccess: true, req })
  const visible: Id[] = []
  const byCollection = new Map<string, { lock: Id; doc: Id }[]>()
  const globals = new Map<string, boolean>()
  for (const lock of docs as unknown as LockRow[]) {
    if (isSelf(req, lock.user)) {
      visible.push(lock.id)
      continue
    }
    const target = lockTarget(lock)
    if (!target) continue
    if ('global' in target) {
      if (!globals.has(target.global)) globals.set(target.global, await mayOnTarget(req, target, 'read'))
      if (globals.get(target.global)) visible.push(lock.id)
    } else byCollection.set(target.collection, [...(byCollection.get(target.collection) ?? []), { lock: lock.id, doc: target.id }])
  }
  for (const [slug, locks] of byCollection) {
    const collection = req.payload.collections[slug as CollectionSlug]?.config
    if (!collection || collection.lockDocuments === false) continue
    const answer = await collection.access.read({ req } as never)
    if (answer === true) visible.push(...locks.map((l) => l.lock))
    else if (answer) {
      const ids = locks.map((l) => storedId(req, slug, l.doc))
      const { docs: readable } = await req.payload.find({
        collection: slug as CollectionSlug,
        where: { and: [{ id: { in: ids } }, answer as Where] },
        depth: 0,
        limit: 0,
        pagination: false,
        select: {},
        overrideAccess: true,
        req,
      })
      visible.push(...locks.filter((l) => readable.some((d) => sameId(d.id, l.doc))).map((l) => l.lock))
    }
  }
  return (ctx.visibleLockIds = visible)
}

const readLocks: Access = async ({ req, id }) => {
  const user = req.user
  if (!isStaff(user)) return false
  if (isAdmin(user)) return true
  if (id != null) {
    const lock = await findLock(req, id as Id)
    return Boolean(lock) && (isSelf(req, lock!.user) || (await mayOnTarget(req, lockTarget(lock), 'read')))
  }
  return onlyLocks(await visibleLockIds(req))
}

/** A new lock: in the user's own name, on one document or global the user may update. */
const createLock: Access = async ({ req, data }) => {
  if (!isStaff(req.user)) return false
  const d = (data ?? {}) as LockRow
  return isSelf(req, d.user) && mayOnTarget(req, lockTarget(d), 'update')
}

/**
 * Changing a lock is the admin's "take over": the lock passes to the user who
 * asks, on a document that user may update. Only one lock at a time (no bulk
 * changes), only to one's own name, never moved to another document.
 */
const updateLock: Access = async ({ req, id, data }) => {
  if (!isStaff(req.user) || id == null) return false
  const lock = await findLock(req, id as Id)
  if (!lock) return false
  const d = (data ?? {}) as LockRow
  if (!isSelf(req, d.user)) return false
  const target = lockTarget(lock)
  const moved = d.document !== undefined || d.globalSlug !== undefined
  if (moved && JSON.stringify(lockTarget({ document: d.document ?? lock.document, globalSlug: d.globalSlug ?? lock.globalSlug })) !== JSON.stringify(target)) return false
  return mayOnTarget(req, target, 'update')
}

/**
 * Releasing a lock: one's own (the admin does so on leaving a document), or one
 * on a document one may update (who could take it over and release it anyway).
 * Bulk deletes reach only one's own locks.
 */
const deleteLock: Access = async ({ req, id }) => {
  const user = req.user as { id: Id; collection?: string } | null
  if (!isStaff(user)) return false
  if (id == null) {
    const own: Where = { and: [{ 'user.value': { equals: user!.id } }, { 'user.relationTo': { equals: user!.collection ?? 'users' } }] }
    return own
  }
  const lock = await findLock(req, id as Id)
  if (!lock) return false
  return isSelf(req, lock.user) || mayOnTarget(req, lockTarget(lock), 'update')
}

const adminsOnly: Access = ({ req }) => isAdmin(req.user)

function setAccess(config: SanitizedConfig, slug: string, access: Partial<Record<'create' | 'read' | 'update' | 'delete', Access>>) {
  const collection = config.collections.find((c) => c.slug === slug)
  if (!collection) throw new Error(`Payload's ${slug} collection is missing: the access rules of src/access/payloadInternals.ts no longer apply`)
  Object.assign(collection.access, access)
}

/** Set the access of Payload's own collections on the built config (see above). */
export async function withInternalAccess(built: Promise<SanitizedConfig> | SanitizedConfig): Promise<SanitizedConfig> {
  const config = await built
  setAccess(config, LOCKS_SLUG, { create: createLock, read: readLocks, update: updateLock, delete: deleteLock })
  // The lock's holder by name for the "someone is editing" dialog (lockHolder.ts).
  nameLockHolders(config.collections.find((c) => c.slug === LOCKS_SLUG)!)
  setAccess(config, 'payload-migrations', { create: adminsOnly, read: adminsOnly, update: adminsOnly, delete: adminsOnly })
  return config
}
