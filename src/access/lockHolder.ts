import type { CollectionAfterReadHook, FieldHook, RelationshipField, SanitizedCollectionConfig } from 'payload'

import type { Id } from './roles'

/**
 * The edit lock's holder, by name. Payload's "someone is editing" dialog
 * shows the lock's populated user, but only an admin may read other staff
 * accounts (Users read: selfOrAdmin), so an editor saw "用户: 3". Where a
 * lock is read with population (depth > 0, as the admin does) and the holder
 * stayed a bare id, it becomes { id, name } (the name only: no email, role
 * or grids), read past access. At depth 0 the lock keeps its plain shape.
 */
const populated = new WeakSet<object>()

type Holder = { relationTo?: string; value?: unknown }

/** Field hook on the lock's `user`: remember which holders were read with population asked for. */
const markPopulated: FieldHook = ({ depth, value }) => {
  if (depth && value && typeof value === 'object') populated.add(value as object)
  return value
}

/** Collection hook, after population: a holder left as an id gets its name. */
const nameHolder: CollectionAfterReadHook = async ({ doc, req }) => {
  const holder = doc?.user as Holder | undefined
  if (!holder || !populated.has(holder) || holder.value == null || typeof holder.value === 'object') return doc
  const slug = holder.relationTo ?? 'users'
  if (slug !== 'users') return doc
  const user = await req.payload
    .findByID({ collection: 'users', id: holder.value as Id, depth: 0, overrideAccess: true, disableErrors: true, select: { name: true }, req })
    .catch(() => null)
  if (user) holder.value = { id: user.id, name: (user as { name?: string }).name ?? '' }
  return doc
}

/** Add the hooks to Payload's locked-documents collection (called from withInternalAccess). */
export function nameLockHolders(collection: SanitizedCollectionConfig): void {
  const field = collection.fields.find((f) => 'name' in f && f.name === 'user') as RelationshipField | undefined
  if (!field) throw new Error(`Payload's ${collection.slug} has no user field: src/access/lockHolder.ts no longer applies`)
  field.hooks = { ...field.hooks, afterRead: [...(field.hooks?.afterRead ?? []), markPopulated] }
  collection.hooks.afterRead = [...(collection.hooks.afterRead ?? []), nameHolder]
}
