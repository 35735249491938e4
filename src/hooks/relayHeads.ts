import type { CollectionAfterChangeHook } from 'payload'

import type { Id } from '../access'
import { tellHeads } from '../relay/tell'
import { publicationChange } from './contentLifecycle'
import { DEMO_CONTENT } from './deliveries'

/** On publication, building heads of the notice's grids are told (src/relay/tell.ts); demo content tells nobody. */
export const tellHeadsOnPublish: CollectionAfterChangeHook = async (args) => {
  const { doc, req, collection, context } = args
  if (context[DEMO_CONTENT] || (await publicationChange(args)) !== 'published') return doc
  const d = doc as { id: Id; title?: string; urgent?: boolean | null; grids?: (Id | { id: Id })[] | null }
  const grids = (d.grids ?? []).map((g) => (typeof g === 'object' ? g.id : g))
  try {
    await tellHeads(req.payload, { type: collection.slug, id: d.id, title: d.title ?? '', urgent: Boolean(d.urgent), grids })
  } catch (err) {
    req.payload.logger.error({ component: 'relay', err }, 'telling building heads failed')
  }
  return doc
}
