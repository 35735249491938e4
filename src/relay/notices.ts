import type { Payload, Where } from 'payload'

import type { Id } from '../access'
import { gridAnnouncements, latestIssue, listEvents, listPolicies, listUrgent, URGENT_DAYS } from '../content/data'
import type { ContentSlug } from '../model/content'
import { contentPath } from '../templates/paths'

/**
 * The notices a building head passes on (我的楼栋, issue 18): the grid's
 * announcements, the street's and the grid's events, the latest policies,
 * the latest issue, and the street's urgent content, urgent (of the last
 * URGENT_DAYS) first, then newest first. Nothing of another grid.
 */
export type Notice = { type: ContentSlug; id: string; title: string; summary: string; urgent: boolean; publishedAt: string; path: string }

type Doc = { id: Id; title?: string; summary?: string | null; urgent?: boolean | null; publishedAt?: string | null; number?: number }

const ANNOUNCEMENTS = 10

export async function noticesForGrid(payload: Payload, gridId: Id, now = Date.now()): Promise<Notice[]> {
  const forGrid: Where = { or: [{ wholeStreet: { equals: true } }, { grids: { in: [gridId] } }] }
  const [announcements, latest, events, policies, urgent] = await Promise.all([
    gridAnnouncements(payload, gridId, ANNOUNCEMENTS),
    latestIssue(payload),
    listEvents(payload, 5, forGrid),
    listPolicies(payload, 3),
    listUrgent(payload),
  ])
  const found: [ContentSlug, Doc][] = [
    ...announcements.map((d) => ['announcements', d] as [ContentSlug, Doc]),
    ...(latest ? [['issues', latest] as [ContentSlug, Doc]] : []),
    ...events.map((d) => ['events', d] as [ContentSlug, Doc]),
    ...policies.map((d) => ['policies', d] as [ContentSlug, Doc]),
    ...urgent.map((s) => [s.kind, s.doc] as [ContentSlug, Doc]),
  ]
  const since = new Date(now - URGENT_DAYS * 86400_000).toISOString()
  const seen = new Set<string>()
  const out: Notice[] = []
  for (const [type, d] of found) {
    const key = `${type}:${d.id}`
    if (seen.has(key)) continue
    seen.add(key)
    const publishedAt = String(d.publishedAt ?? '')
    out.push({
      type,
      id: String(d.id),
      title: d.title ?? '',
      summary: d.summary ?? '',
      urgent: Boolean(d.urgent) && publishedAt >= since,
      publishedAt,
      path: contentPath(type, d) ?? '/',
    })
  }
  return out.sort((a, b) => Number(b.urgent) - Number(a.urgent) || b.publishedAt.localeCompare(a.publishedAt))
}
