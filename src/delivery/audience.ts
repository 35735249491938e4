import type { Payload, Where } from 'payload'

import type { ContentSlug } from '../model/content'
import { type DeliveryDoc, isNotice } from '../model/deliveries'
import type { Topic } from '../model/subscribers'
import { idValue } from '../store/idTypes'
import { channelStatuses, fallbackWhere, noticeSources } from './fallback'

const TOPIC_OF: Record<ContentSlug, Topic> = { issues: 'issues', events: 'events', policies: 'policies', announcements: 'announcements' }

/**
 * Subscribers this delivery goes to (status, channel, topic unless urgent, grids), without the cursor.
 * SMS (paid) goes only to residents with a number, and besides urgent content only for the types
 * they ticked for SMS (`smsTopics`, empty by default: urgent only).
 */
export function audienceWhere(d: Pick<DeliveryDoc, 'channel' | 'contentType' | 'urgent' | 'audience'>): Where {
  const and: Where[] = [{ status: { equals: 'active' } }, { channels: { in: [d.channel] } }, ...channelWhere(d.channel)]
  if (!d.urgent) and.push(d.channel === 'sms' ? { smsTopics: { in: [TOPIC_OF[d.contentType]] } } : { topics: { in: [TOPIC_OF[d.contentType]] } })
  if (d.audience.startsWith('grids:')) and.push({ grid: { in: d.audience.slice(6).split(',').filter(Boolean) } })
  return { and }
}

/** What a channel's recipients need beyond ticking it: SMS, a number. */
const channelWhere = (channel: string): Where[] => (channel === 'sms' ? [{ phoneIndex: { exists: true } }] : [])

/** The id value to compare with in a query (store/idTypes.ts), for this module's callers. */
export { idValue }

/** The subscribers a delivery reached: those with a submitted receipt of it. */
export async function reachedBy(payload: Payload, delivery: string | number): Promise<string[]> {
  const { docs } = await payload.db.find({
    collection: 'delivery-receipts',
    where: { and: [{ delivery: { equals: String(delivery) } }, { status: { equals: 'submitted' } }] },
    limit: 0,
    pagination: false,
    select: { subscriber: true },
  })
  return (docs as unknown as { subscriber: string }[]).map((r) => r.subscriber)
}

/**
 * The subscribers a delivery goes to, without the cursor: a content delivery
 * its audience (audienceWhere); a notice those its original (or a fallback on
 * its channel) reached, still active on that channel (one who left since is
 * not written to again); a fallback those it falls back to.
 * Null: nobody.
 */
export async function recipientsWhere(
  payload: Payload,
  d: Pick<DeliveryDoc, 'channel' | 'contentType' | 'urgent' | 'audience' | 'kind' | 'original'> & Partial<Pick<DeliveryDoc, 'contentId' | 'round'>>,
): Promise<Where | null> {
  // A fallback: those its round falls back to on this channel (src/delivery/fallback.ts).
  if (d.kind === 'fallback') return fallbackWhere(payload, { ...d, contentId: String(d.contentId ?? '') })
  if (!isNotice(d)) return audienceWhere(d)
  // Those the content reached on this channel: by its own delivery or by a fallback.
  const reached = d.original ? [...new Set((await Promise.all((await noticeSources(payload, d.original)).map((id) => reachedBy(payload, id)))).flat())] : []
  if (!reached.length) return null
  // A dead mailbox suppresses the record, not its other channels: a resident reached by push or SMS (a fallback's) is told there too.
  return { and: [{ status: { in: channelStatuses(d.channel) } }, { channels: { in: [d.channel] } }, ...channelWhere(d.channel), { id: { in: reached.map((id) => idValue(payload, id)) } }] }
}
