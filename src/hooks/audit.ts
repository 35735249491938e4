import type { PayloadRequest } from 'payload'

export const AUDIT_ACTIONS = [
  'publish',
  'unpublish',
  'submit',
  'approve',
  'return',
  'role-change',
  'export',
  'login',
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
