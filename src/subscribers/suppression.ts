import type { Payload, Where } from 'payload'

import type { SubscriberDoc, SubscriberStatus } from '../model/subscribers'
import { t } from '../i18n/messages'
import { noTransaction } from '../store/noTransaction'

/**
 * Suppression by a delivery, and its undoing. A delivery that is refused for
 * an address for good (an email bounce) suppresses it, and the record keeps
 * which delivery did so, with which code and when: a relay incident (a server
 * that refused everyone) can then be undone for exactly the residents it
 * touched, by delivery and code, and nobody else.
 */
export type Id = string | number

/** Who suppressed an address: the delivery and the refusal's code (an SMTP reply code). */
export type SuppressedBy = { delivery: Id; code: string }

/**
 * A delivery goes only to active residents, and only an active one is
 * suppressed by it (one who left meanwhile stays unsubscribed): restored, they
 * are active again.
 */
const BEFORE_SUPPRESSION: SubscriberStatus = 'active'

/** The fields a suppression writes and a restore clears (the reason the admin sees is among them). */
export const CLEARED_SUPPRESSION = { suppressedReason: null, suppressedBy: null, suppressedCode: null, suppressedAt: null }

/** Suppress an address a delivery was refused for, recording the delivery, the code and the time. */
export async function suppressFor(payload: Payload, id: Id, by: SuppressedBy): Promise<void> {
  await payload.db.updateMany({
    collection: 'subscribers',
    where: { and: [{ id: { equals: id } }, { status: { equals: BEFORE_SUPPRESSION } }] },
    data: {
      status: 'suppressed',
      suppressedReason: t('delivery.suppressed', 'zh', { code: by.code }),
      suppressedBy: String(by.delivery),
      suppressedCode: by.code,
      suppressedAt: new Date().toISOString(),
    },
    req: noTransaction(),
  })
}

const byDelivery = (delivery: Id): Where[] => [{ suppressedBy: { equals: String(delivery) } }, { status: { equals: 'suppressed' } }]

/** The residents a delivery has suppressed (still suppressed now), counted per code, largest first. */
export async function suppressedCounts(payload: Payload, delivery: Id): Promise<{ code: string; count: number }[]> {
  const { docs } = await payload.db.find({
    collection: 'subscribers',
    where: { and: byDelivery(delivery) },
    limit: 0,
    pagination: false,
    select: { suppressedCode: true },
  })
  const counts = new Map<string, number>()
  for (const s of docs as unknown as Pick<SubscriberDoc, 'suppressedCode'>[]) {
    const code = s.suppressedCode ?? ''
    counts.set(code, (counts.get(code) ?? 0) + 1)
  }
  return [...counts].map(([code, count]) => ({ code, count })).sort((a, b) => b.count - a.count || a.code.localeCompare(b.code))
}

/**
 * Put back residents a delivery suppressed: all it suppressed with one code,
 * or the given ones. They get the status they had (active) and lose the
 * suppression's fields. Returns the ids restored.
 */
export async function restoreSuppressed(payload: Payload, delivery: Id, which: { code: string } | { ids: Id[] }): Promise<Id[]> {
  const narrow: Where = 'code' in which ? { suppressedCode: { equals: which.code } } : { id: { in: which.ids } }
  if ('ids' in which && !which.ids.length) return []
  const { docs } = await payload.db.find({
    collection: 'subscribers',
    where: { and: [...byDelivery(delivery), narrow] },
    limit: 0,
    pagination: false,
    select: { suppressedBy: true },
  })
  const ids = (docs as unknown as { id: Id }[]).map((s) => s.id)
  if (!ids.length) return []
  await payload.db.updateMany({
    collection: 'subscribers',
    where: { and: [{ id: { in: ids } }, ...byDelivery(delivery)] },
    data: { status: BEFORE_SUPPRESSION, ...CLEARED_SUPPRESSION },
    req: noTransaction(),
  })
  return ids
}
