import type { PayloadRequest } from 'payload'

import { type Id, isEditor } from '../access/roles'
import { CONTENT_SLUGS, type ContentSlug } from '../model/content'

/**
 * The one question "what awaits my review?" behind the 待审核 queue of the
 * admin home (src/components/HomeView.tsx). Today's rule: an editor reviews
 * every content whose review status is pending; nobody else reviews. A review
 * chain of several steps changes this function only.
 */
export type AwaitingItem = { type: ContentSlug; id: Id; title: string; updatedAt: string | null }

export async function awaitingMyReview(req: PayloadRequest, limit = 10): Promise<{ total: number; items: AwaitingItem[] }> {
  if (!isEditor(req.user)) return { total: 0, items: [] }
  let total = 0
  const items: AwaitingItem[] = []
  for (const type of CONTENT_SLUGS) {
    // Content under review is a draft: the latest draft holds its review state.
    const { docs, totalDocs } = await req.payload.find({
      collection: type,
      where: { 'review.status': { equals: 'pending' } },
      draft: true,
      sort: '-updatedAt',
      limit,
      depth: 0,
      overrideAccess: false,
      req,
      select: { title: true, updatedAt: true },
    })
    total += totalDocs
    for (const d of docs as unknown as { id: Id; title?: string; updatedAt?: string }[]) {
      items.push({ type, id: d.id, title: d.title ?? '', updatedAt: d.updatedAt ?? null })
    }
  }
  items.sort((a, b) => String(b.updatedAt ?? '').localeCompare(String(a.updatedAt ?? '')))
  return { total, items: items.slice(0, limit) }
}
