import type { CollectionAfterChangeHook } from 'payload'

import { reconcileCheckRecords } from '../content/checkRecords'
import { checkContent } from '../content/checks'

/**
 * After every save of a content: its pre-publish check findings into the
 * checks' history (src/content/checkRecords.ts), so the inspection report
 * can say what was found and when it was fixed. A failure here is logged and
 * never fails the editor's save.
 */
export const recordCheckFindings: CollectionAfterChangeHook = async ({ doc, req, collection }) => {
  const d = doc as { id?: string | number; title?: string | null }
  if (d.id == null || req.context?.checkRecords === false) return doc
  try {
    const findings = await checkContent(req.payload, collection.slug, doc, req)
    await reconcileCheckRecords(req.payload, { collection: collection.slug, id: d.id, title: d.title ?? null, findings, part: 'save', docText: JSON.stringify(doc), req })
  } catch (err) {
    req.payload.logger.warn({ err, component: 'checks', collection: collection.slug, id: d.id }, 'check findings not recorded for the inspection report')
  }
  return doc
}
