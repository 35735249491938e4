import type { Where } from 'payload'

import type { ContentSlug } from '../model/content'
import type { DeliveryDoc } from '../model/deliveries'
import type { Topic } from '../model/subscribers'

const TOPIC_OF: Record<ContentSlug, Topic> = { issues: 'issues', events: 'events', policies: 'policies', announcements: 'announcements' }

/** Subscribers this delivery goes to (status, channel, topic unless urgent, grids), without the cursor. */
export function audienceWhere(d: Pick<DeliveryDoc, 'channel' | 'contentType' | 'urgent' | 'audience'>): Where {
  const and: Where[] = [{ status: { equals: 'active' } }, { channels: { in: [d.channel] } }]
  if (!d.urgent) and.push({ topics: { in: [TOPIC_OF[d.contentType]] } })
  if (d.audience.startsWith('grids:')) and.push({ grid: { in: d.audience.slice(6).split(',').filter(Boolean) } })
  return { and }
}

