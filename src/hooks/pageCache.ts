import type { CollectionAfterChangeHook, CollectionAfterDeleteHook } from 'payload'

import { invalidateSiteCache } from '../site/cache'
import { publicationChange } from './contentLifecycle'

/**
 * After a content save: drop the cached pages made from it (its own page and
 * its collection's lists) when the public site changes, that is when the
 * content is published (first publication, correction, re-save) or withdrawn.
 * A draft saved over published content, or over a content never published,
 * leaves what residents see as it is, so the cache too.
 */
export const invalidatePagesOnSave: CollectionAfterChangeHook = async (args) => {
  const { doc, collection } = args
  const status = (doc as { _status?: string })._status
  if (status !== 'draft' || (await publicationChange(args)) === 'withdrawn') invalidateSiteCache({ collection: collection.slug, id: doc.id })
  return doc
}

/** After a content is deleted: its page and its collection's lists. */
export const invalidatePagesOnDelete: CollectionAfterDeleteHook = ({ collection, id, doc }) => {
  invalidateSiteCache({ collection: collection.slug, id })
  return doc
}
