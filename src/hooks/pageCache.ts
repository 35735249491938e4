import type { CollectionAfterChangeHook, CollectionAfterDeleteHook } from 'payload'

import { orderTag } from '../content/neighbours'
import { invalidateSiteCache } from '../site/cache'
import { publicationChange } from './contentLifecycle'

type Ordered = { _status?: string; publishedAt?: unknown; grids?: unknown[] | null; number?: unknown }

const idsOf = (refs: unknown[] | null | undefined) =>
  (refs ?? [])
    .map((r) => (r && typeof r === 'object' && 'id' in r ? (r as { id: unknown }).id : r))
    .map(String)
    .sort()
    .join(',')
const when = (v: unknown) => (v ? new Date(v as string).getTime() : null)

/** Did a save of published content move it among its type's neighbours (another time, other grids, another number)? */
function reordered(doc: Ordered, previous: Ordered | undefined): boolean {
  if (!previous) return true
  return when(doc.publishedAt) !== when(previous.publishedAt) || idsOf(doc.grids) !== idsOf(previous.grids) || doc.number !== previous.number
}

/**
 * After a content save: drop the cached pages made from it (its own page and
 * its collection's lists) when the public site changes, that is when the
 * content is published (first publication, correction, re-save) or withdrawn.
 * A draft saved over published content, or over a content never published,
 * leaves what residents see as it is, so the cache too. A publication, a
 * withdrawal or a move in the order also drops the pages of its type that show
 * their previous and next (src/content/neighbours.ts).
 */
export const invalidatePagesOnSave: CollectionAfterChangeHook = async (args) => {
  const { doc, previousDoc, collection } = args
  const status = (doc as Ordered)._status
  const change = await publicationChange(args)
  if (status !== 'draft' || change === 'withdrawn') {
    const moved = Boolean(change) || reordered(doc as Ordered, previousDoc as Ordered | undefined)
    invalidateSiteCache({ collection: collection.slug, id: doc.id, also: moved ? [orderTag(collection.slug)] : [] })
  }
  return doc
}

/** After a content is deleted: its page and its collection's lists, and its type's order. */
export const invalidatePagesOnDelete: CollectionAfterDeleteHook = ({ collection, id, doc }) => {
  invalidateSiteCache({ collection: collection.slug, id, also: [orderTag(collection.slug)] })
  return doc
}
