import type { Payload } from 'payload'

import { claimSlot, deleteClaims } from '../store/claims'
import { processOwner } from '../store/leases'
import { streetDay } from '../templates/format'

/**
 * Periodic work shared by every worker process: `work` runs once per
 * (scope, slot), slot being its time window (an hour number, a street day),
 * in whichever process claims the slot first. A run that fails is not
 * repeated in its window; the next window tries again.
 */
const lastTried = new Map<string, number>()

/** The street's day as a slot number (20261127): daily work's time window. */
export const daySlot = (now: Date) => Number(streetDay(now).replace(/-/g, ''))

export async function onceInWindow<T>(payload: Payload, scope: string, slot: number, work: () => Promise<T>): Promise<T | null> {
  // This process already tried this window: no database round trip on every tick.
  if (lastTried.get(scope) === slot) return null
  lastTried.set(scope, slot)
  const claim = await claimSlot(payload, { scope, slot, owner: processOwner })
  if (!claim) return null
  // Claims of earlier windows have served their purpose.
  await deleteClaims(payload, scope, slot).catch(() => {})
  return work()
}
