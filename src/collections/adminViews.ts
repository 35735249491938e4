import type { SanitizedCollectionConfig, SanitizedConfig, SanitizedGlobalConfig } from 'payload'

import { isAdmin } from '../access'

/**
 * Two things every document view gets, set on the built config so no
 * collection has to repeat them (and Payload's own collections get them too):
 *
 * - The API tab (the document's REST URL and JSON) for admins only: editors
 *   and grid leaders have no use for it. Payload's `admin.hideAPIURL` is one
 *   switch for everyone, so the tab's condition is replaced instead (it asks
 *   for the request's user). The /api path itself answers only what the
 *   user's own REST access gives, so it stays as it is.
 * - The edit-lock dialog in the user's language with the holder's name
 *   (src/components/LockNotice.tsx) on every collection and global that locks.
 */
const LOCK_NOTICE = '/components/LockNotice#LockNotice'

type Entity = SanitizedCollectionConfig | SanitizedGlobalConfig

/** The API tab's condition: admins, and only where the collection shows the API at all. */
export const apiTabFor = (entity: Entity) => ({ req }: { req?: { user?: unknown } | null }) =>
  entity.admin?.hideAPIURL !== true && isAdmin((req?.user ?? null) as never)

function polish(entity: Entity, kind: 'collection' | 'global') {
  entity.admin ??= {} as never
  const admin = entity.admin as { components?: Record<string, unknown> }
  const components = (admin.components ??= {}) as {
    views?: { edit?: Record<string, { tab?: Record<string, unknown> } & Record<string, unknown>> }
    edit?: { beforeDocumentControls?: unknown[] }
    elements?: { beforeDocumentControls?: unknown[] }
  }
  const views = (components.views ??= {})
  const edit = (views.edit ??= {})
  edit.api = { ...edit.api, tab: { ...edit.api?.tab, condition: apiTabFor(entity) } }

  if (entity.lockDocuments === false) return
  // Collections name the slot `edit`, globals `elements` (Payload's config types).
  const slot = kind === 'collection' ? (components.edit ??= {}) : (components.elements ??= {})
  slot.beforeDocumentControls = [...(slot.beforeDocumentControls ?? []).filter((c) => c !== LOCK_NOTICE), LOCK_NOTICE]
}

export function withAdminViews(config: SanitizedConfig): SanitizedConfig {
  for (const collection of config.collections) polish(collection, 'collection')
  for (const global of config.globals) polish(global, 'global')
  return config
}
