import type { Payload } from 'payload'

import type { PushSubscriptionDoc } from '../collections/PushSubscriptions'
import type { SubscriberDoc } from '../model/subscribers'
import { isUniqueViolation } from '../store/claims'
import { noTransaction } from '../store/noTransaction'
import { idValue } from './audience'
import { channelStatuses } from './fallback'

/**
 * Undoing the devices a push delivery removed (the pipeline's streak guard,
 * delivery/suppression.ts): a device answered 404/410 is deleted at once, as
 * before, but the push driver keeps the deleted row (endpoint, keys, owner,
 * browser, dates) in memory for the run. When the same answer removed
 * GONE_STREAK residents' devices in a row (a push service or a proxy before
 * it answering 410 to everyone), the guard calls the driver's `restore`
 * (restorePushDevices), which writes those rows back; the guard then drops
 * their receipts and the delivery, resumed, pushes to them. A single expired
 * device (one 410 among accepted pushes) is never restored: it stays deleted.
 *
 * As the guard itself, this lives in one run of one process: no schema holds
 * a deleted device, so a streak cut by a crash leaves its devices deleted
 * (the residents subscribe again from their browsers). What is kept is
 * bounded: the last KEEP_PER_DELIVERY residents' devices of the last
 * KEEP_DELIVERIES deliveries (a streak is GONE_STREAK residents plus the
 * answers in flight when it trips, far fewer), and a delivery's are dropped
 * when it is rendered for its next run.
 */
type Id = string | number
const KEEP_PER_DELIVERY = 1000
const KEEP_DELIVERIES = 8

/** Per delivery, per resident, the device rows this process deleted for it (oldest first). */
const removed = new Map<string, Map<string, PushSubscriptionDoc[]>>()

const ownerOf = (device: PushSubscriptionDoc) => String(typeof device.subscriber === 'object' ? device.subscriber.id : device.subscriber)

/** A new run of the delivery: what an earlier run kept is past its guard (which lives in one run), so it goes. */
export function forgetRemoved(delivery: Id): void {
  removed.delete(String(delivery))
}

/** Delete a device the push service called gone, keeping its row for the delivery's streak guard. */
export async function removeGoneDevice(payload: Payload, delivery: Id, device: PushSubscriptionDoc): Promise<void> {
  await payload.db.deleteOne({ collection: 'push-subscriptions', where: { id: { equals: device.id } }, req: noTransaction() })
  const key = String(delivery)
  let kept = removed.get(key)
  if (!kept) {
    kept = new Map()
    removed.set(key, kept)
    while (removed.size > KEEP_DELIVERIES) removed.delete(removed.keys().next().value!)
  }
  const owner = ownerOf(device)
  const rows = kept.get(owner) ?? []
  // Newest last: a resident seen again moves to the end.
  kept.delete(owner)
  kept.set(owner, [...rows, device])
  while (kept.size > KEEP_PER_DELIVERY) kept.delete(kept.keys().next().value!)
}

/**
 * The push driver's `restore`: the devices this delivery removed from these
 * residents are written back, for a resident who still takes web push (a status
 * push goes to, channelStatuses: active, or suppressed by a dead mailbox; webpush
 * among their channels: one who left meanwhile keeps that choice) and
 * whose endpoint nobody registered again meanwhile. Returns how many residents
 * got at least one device back.
 */
export async function restorePushDevices(payload: Payload, delivery: Id, ids: Id[]): Promise<number> {
  const kept = removed.get(String(delivery))
  if (!kept || !ids.length) return 0
  const { docs } = await payload.db.find({
    collection: 'subscribers',
    where: { id: { in: ids.map((id) => idValue(payload, String(id))) } },
    limit: 0,
    pagination: false,
    select: { status: true, channels: true },
  })
  const wanting = new Set((docs as unknown as Pick<SubscriberDoc, 'id' | 'status' | 'channels'>[]).filter((s) => channelStatuses('webpush').includes(s.status) && (s.channels ?? []).includes('webpush')).map((s) => String(s.id)))
  let restored = 0
  let devices = 0
  for (const id of ids.map(String)) {
    const rows = kept.get(id)
    kept.delete(id)
    if (!rows || !wanting.has(id)) continue
    let back = 0
    for (const row of rows) if (await putBack(payload, id, row)) back++
    devices += back
    if (back) restored++
  }
  payload.logger.info({ component: 'delivery', channel: 'webpush', delivery, residents: restored, devices }, 'push devices removed by a streak of the same answer restored')
  return restored
}

/** Write one deleted device back (a new row id; what it was otherwise); false when its endpoint is registered again already. */
async function putBack(payload: Payload, owner: string, row: PushSubscriptionDoc): Promise<boolean> {
  const taken = await payload.db.findOne({ collection: 'push-subscriptions', where: { endpoint: { equals: row.endpoint } } })
  if (taken) return false
  const data = {
    endpoint: row.endpoint,
    keys: { p256dh: row.keys.p256dh, auth: row.keys.auth },
    subscriber: idValue(payload, owner),
    userAgent: row.userAgent ?? null,
    lastSuccessAt: row.lastSuccessAt ?? null,
    ...(row.createdAt ? { createdAt: row.createdAt } : {}),
  }
  try {
    await payload.db.create({ collection: 'push-subscriptions', data, req: noTransaction() })
    return true
  } catch (err) {
    // The browser registered the same endpoint again at this moment: its own row stands.
    if (isUniqueViolation(err)) return false
    throw err
  }
}
