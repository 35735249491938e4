import type { Payload } from 'payload'

import { prunePending } from '../site/subscribeService'
import { pruneLeases } from '../store/leases'
import { onceInWindow } from './periodic'

/**
 * Hourly housekeeping, done by one process per hour: leases long released
 * or expired, and unconfirmed subscription requests past their confirmation
 * period (the address of someone who never confirmed is not kept).
 */
export const HOUSEKEEPING_EVERY_MS = 3_600_000

export type HousekeepingRun = { pendingDeleted: number }

export async function runHousekeeping(payload: Payload, now = new Date()): Promise<HousekeepingRun | null> {
  return onceInWindow(payload, 'job:housekeeping', Math.floor(now.getTime() / HOUSEKEEPING_EVERY_MS), async () => {
    await pruneLeases(payload)
    const pendingDeleted = await prunePending(payload, now.getTime())
    if (pendingDeleted) payload.logger.info({ component: 'housekeeping', deleted: pendingDeleted }, 'unconfirmed subscription requests past their period deleted')
    return { pendingDeleted }
  })
}
