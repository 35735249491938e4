import type { Payload } from 'payload'

import { CONTENT_SLUGS, type ContentSlug } from '../model/content'
import type { ReadingHistoryDoc } from '../collections/ReadEvents'
import { contentPath } from '../templates/paths'
import { noTransaction } from '../store/noTransaction'

/**
 * A resident's own reading history (only for those with the 'statistics'
 * consent; rows are written by the read buffer, see buffer.ts): what their
 * preferences page lists, and its deletion on withdrawal or erasure.
 */
export type HistoryEntry = { contentType: ContentSlug; title: string; path: string | null; at: string }

export async function readingHistory(payload: Payload, subscriberId: string | number, limit = 100): Promise<HistoryEntry[]> {
  const { docs } = await payload.db.find({
    collection: 'reading-history',
    where: { subscriber: { equals: String(subscriberId) } },
    sort: '-at',
    limit,
    pagination: true,
    req: noTransaction(),
  })
  const rows = docs as unknown as ReadingHistoryDoc[]
  const byType = new Map<ContentSlug, Map<string, { title?: string; number?: number }>>()
  for (const slug of CONTENT_SLUGS) {
    const ids = rows.filter((r) => r.contentType === slug).map((r) => r.contentId)
    if (!ids.length) continue
    const found = await payload.find({
      collection: slug,
      where: { id: { in: ids } },
      limit: ids.length,
      depth: 0,
      draft: false,
      overrideAccess: true,
      select: { title: true, ...(slug === 'issues' ? { number: true } : {}) } as never,
    })
    byType.set(slug, new Map((found.docs as unknown as { id: string | number; title?: string; number?: number }[]).map((d) => [String(d.id), d])))
  }
  const out: HistoryEntry[] = []
  for (const r of rows) {
    const slug = r.contentType as ContentSlug
    const doc = byType.get(slug)?.get(r.contentId)
    // A content since deleted is left out (there is nothing to show or open).
    if (!doc) continue
    out.push({ contentType: slug, title: doc.title ?? '', path: contentPath(slug, slug === 'issues' ? doc : r.contentId), at: String(r.at) })
  }
  return out
}

/** Delete a subscriber's history (consent withdrawn, or erasure; pass the transaction's req there). */
export async function deleteHistory(payload: Payload, subscriberId: string | number, req: unknown = noTransaction()): Promise<void> {
  await payload.db.deleteMany({ collection: 'reading-history', where: { subscriber: { equals: String(subscriberId) } }, req: req as never })
}
