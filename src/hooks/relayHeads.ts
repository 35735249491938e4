import type { CollectionAfterChangeHook } from 'payload'

import type { Id } from '../access'
import { queueRelayTell, tellsHeads } from '../jobs/relayTellTask'
import { publicationChange } from './contentLifecycle'
import { DEMO_CONTENT } from './deliveries'

/**
 * On publication, the building heads of the notice's grids are to be told:
 * the hook only queues the job (jobs/relayTellTask.ts) in the publish's own
 * transaction; the messages go out from the scheduler's runner
 * (jobs/relayTell.ts), never from here. Demo content tells nobody.
 */
export const tellHeadsOnPublish: CollectionAfterChangeHook = async (args) => {
  const { doc, req, collection, context } = args
  if (context[DEMO_CONTENT] || (await publicationChange(args)) !== 'published') return doc
  const d = doc as { id: Id; urgent?: boolean | null; grids?: (Id | { id: Id })[] | null }
  if (!tellsHeads(collection.slug, d)) return doc
  await queueRelayTell(req, { contentType: collection.slug, contentId: String(d.id) })
  return doc
}
