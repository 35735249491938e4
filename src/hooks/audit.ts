import type { CollectionAfterDeleteHook, CollectionConfig, PayloadRequest } from 'payload'

export const AUDIT_ACTIONS = [
  'publish',
  'unpublish',
  'delete',
  'settings-change',
  'mass-send',
  'import',
  'delivery-pause',
  'delivery-resume',
  'delivery-cancel',
  'delivery-retry',
  'unsuppress',
  'submit',
  'approve',
  'return',
  'role-change',
  'export',
  'login',
  'login-failed',
  'login-blocked',
  'password-change',
  'checks-override',
  'review-withdraw',
  'review-reset',
  'notice',
  'offline-reach',
  'citation-refresh',
] as const
export type AuditAction = (typeof AUDIT_ACTIONS)[number]

type Target = { collection: string; id?: string | number | null; title?: string | null }

/** Append one entry to the audit log, inside the request's transaction. */
export async function audit(req: PayloadRequest, action: AuditAction, target: Target, detail?: string) {
  const user = req.user as { id?: string | number; email?: string; name?: string } | null
  await req.payload.create({
    collection: 'audit-log',
    data: {
      action,
      actor: user?.id ?? null,
      actorName: user ? user.name || user.email || String(user.id) : 'system',
      targetCollection: target.collection,
      targetId: target.id == null ? null : String(target.id),
      targetTitle: target.title ?? null,
      detail: detail ?? null,
    },
    overrideAccess: true,
    req,
  })
  req.payload.logger.info({ audit: action, actor: user?.id ?? 'system', target }, 'audit')
}

/**
 * How a deleted document is named in the log. A subscriber is named by id
 * only: the log outlives the record, and an address must not stay behind
 * in it (docs/privacy.md).
 */
const TITLE_OF: Record<string, (doc: Record<string, unknown>) => string | null> = {
  grids: (d) => [d.code, d.name].filter(Boolean).join(' ') || null,
  media: (d) => (d.alt as string) || (d.filename as string) || null,
  users: (d) => (d.name as string) || (d.email as string) || null,
  subscribers: () => null,
}

/** The collections whose deletions are recorded (content, policy documents, grids, communities, staff, media, subscribers). */
export const AUDITED_DELETIONS = ['issues', 'events', 'policies', 'policy-documents', 'announcements', 'grids', 'communities', 'users', 'media', 'subscribers'] as const

/**
 * Record a deletion. A caller that deletes as routine housekeeping (expired
 * unconfirmed subscription requests, nobody's decision) says so with
 * `context.audit === false`; every deletion by a person, and a resident's
 * own erasure, is recorded.
 */
export const auditDeletion: CollectionAfterDeleteHook = async ({ collection, doc, id, req }) => {
  if (req.context?.audit === false) return doc
  const d = (doc ?? {}) as Record<string, unknown>
  const title = (TITLE_OF[collection.slug] ?? ((x) => (x.title as string) || (x.name as string) || null))(d)
  const detail = typeof req.context?.auditDetail === 'string' ? req.context.auditDetail : undefined
  await audit(req, 'delete', { collection: collection.slug, id: (d.id as string | number | undefined) ?? id, title }, detail)
  return doc
}

/** The collections as configured, with the deletion record added to those in AUDITED_DELETIONS. */
export function withDeletionAudit(collections: CollectionConfig[]): CollectionConfig[] {
  return collections.map((c) =>
    (AUDITED_DELETIONS as readonly string[]).includes(c.slug)
      ? { ...c, hooks: { ...c.hooks, afterDelete: [...(c.hooks?.afterDelete ?? []), auditDeletion] } }
      : c,
  )
}
