import type { CollectionAfterChangeHook, PayloadRequest } from 'payload'

import { audit } from '../hooks/audit'
import { t } from '../i18n/messages'
import type { Id } from '../model/ids'

/** At most this many explainers are refreshed by one change of a document (the rest when they are next saved). */
export const REFRESH_AT_MOST = 200

type DocumentRecord = { id: Id; title?: string | null; issuingBody?: string | null; documentNumber?: string | null; officialUrl?: string | null }

/** The citation an explainer copies from its document (cite.ts). */
const citationOf = (doc: DocumentRecord) => ({ issuingBody: doc.issuingBody ?? '', documentNumber: doc.documentNumber ?? null, sourceUrl: doc.officialUrl ?? null })

/**
 * A changed policy document refreshes the citation copied into the explainers
 * that cite it (issuing body, number, official address; cite.ts copies them
 * on each save of an explainer), in the published row and in the latest
 * version (the draft the admin edits), written as they are: no review step,
 * publication or notice follows, as none would for the same copy made on save.
 * Title and date are read from the document itself by the pages, whose
 * caches the collection drops. The refresh is audited (citation-refresh): who
 * changed which document, and which explainers followed.
 */
export const refreshCitations: CollectionAfterChangeHook = async ({ doc, previousDoc, operation, req }) => {
  if (operation !== 'update') return doc
  const next = citationOf(doc as DocumentRecord)
  const before = citationOf((previousDoc ?? {}) as DocumentRecord)
  if (next.issuingBody === before.issuingBody && next.documentNumber === before.documentNumber && next.sourceUrl === before.sourceUrl) return doc
  const { docs, totalDocs } = await req.payload.find({
    collection: 'policies',
    where: { document: { equals: doc.id } },
    limit: REFRESH_AT_MOST,
    depth: 0,
    select: { title: true },
    overrideAccess: true,
    req,
  })
  for (const explainer of docs) {
    await req.payload.db.updateOne({ collection: 'policies', id: explainer.id, data: next, req })
    const { docs: versions } = await req.payload.db.findVersions({
      collection: 'policies',
      where: { and: [{ parent: { equals: explainer.id } }, { latest: { equals: true } }] },
      limit: 1,
      pagination: false,
      req,
    })
    const latest = versions[0] as { id: Id; version: Record<string, unknown> } | undefined
    if (latest) await req.payload.db.updateVersion({ collection: 'policies', id: latest.id, versionData: { ...latest, version: { ...latest.version, ...next } } as never, req })
  }
  if (docs.length) await auditRefresh(req, doc as DocumentRecord, docs as { id: Id; title?: string | null }[], totalDocs - docs.length)
  req.payload.logger.info(
    { component: 'policy-documents', document: doc.id, explainers: docs.map((d) => d.id), left: totalDocs - docs.length },
    'citations refreshed from the changed policy document',
  )
  return doc
}

/** The audit entry: the actor is the request's user, the target the document, the detail the explainers refreshed (and how many are left). */
async function auditRefresh(req: PayloadRequest, doc: DocumentRecord, explainers: { id: Id; title?: string | null }[], left: number) {
  const lang = 'zh'
  const names = explainers.map((e) => t('documents.audit.explainer', lang, { title: e.title ?? '', id: String(e.id) })).join(t('error.stillReferenced.titleSeparator', lang))
  const parts = [t('documents.audit.refreshed', lang, { count: explainers.length, names })]
  if (left > 0) parts.push(t('documents.audit.left', lang, { count: left }))
  await audit(req, 'citation-refresh', { collection: 'policy-documents', id: doc.id, title: doc.title ?? null }, parts.join(t('format.listSeparator', lang)))
}
