import type { Payload, Where } from 'payload'

import { env } from '../server/env'
import { prunePending } from '../subscribers/service'
import { pruneLeases } from '../store/leases'
import { onceInWindow } from './periodic'
import { noTransaction } from '../store/noTransaction'

/**
 * Hourly housekeeping, done by one process per hour: leases long released
 * or expired, audit entries past their retention, and subscribe requests
 * past their confirmation period (the
 * address of someone who never confirmed is not kept; a do-not-mail record
 * keeps its status and only loses the request, see prunePending).
 */
export const HOUSEKEEPING_EVERY_MS = 3_600_000

export type HousekeepingRun = { pendingDeleted: number; requestsExpired: number; restored: number; auditDeleted: number }

export async function runHousekeeping(payload: Payload, now = new Date()): Promise<HousekeepingRun | null> {
  return onceInWindow(payload, 'job:housekeeping', Math.floor(now.getTime() / HOUSEKEEPING_EVERY_MS), async () => {
    const log = payload.logger.child({ component: 'housekeeping' })
    await pruneLeases(payload)
    const pruned = await prunePending(payload, now.getTime())
    if (pruned.deleted) log.info({ deleted: pruned.deleted }, 'unconfirmed subscription requests past their period deleted')
    if (pruned.expired) log.info({ expired: pruned.expired }, 'unconfirmed requests of unsubscribed or suppressed addresses expired; the records stay')
    if (pruned.restored) log.warn({ restored: pruned.restored }, 'unsubscribed or suppressed addresses left pending by an earlier version put back')
    // Audit entries past AUDIT_RETENTION_DAYS (at least 180): the only deletion of the audit log there is.
    const auditDeleted = await pruneAuditLog(payload, now)
    if (auditDeleted) log.info({ deleted: auditDeleted, days: env.auditRetentionDays }, 'audit entries past their retention deleted')
    return { pendingDeleted: pruned.deleted, requestsExpired: pruned.expired, restored: pruned.restored, auditDeleted }
  })
}

/**
 * Delete audit entries past the retention, never fewer than 180 days. The
 * only deletion of the audit log: it goes through the adapter, as the
 * collection refuses every delete through Payload (hooks/auditLog.ts).
 */
export async function pruneAuditLog(payload: Payload, now = new Date(), days = env.auditRetentionDays): Promise<number> {
  if (!Number.isInteger(days) || days < 180) throw new Error(`audit entries are kept at least 180 days, not ${days}`)
  const where: Where = { createdAt: { less_than: new Date(now.getTime() - days * 86_400_000).toISOString() } }
  const { totalDocs } = await payload.db.count({ collection: 'audit-log', where, req: noTransaction() })
  if (totalDocs) await payload.db.deleteMany({ collection: 'audit-log', where, req: noTransaction() })
  return totalDocs
}
