import type { CollectionBeforeValidateHook } from 'payload'

import type { Id } from '../model/ids'

type DocumentRecord = { issuingBody?: string; documentNumber?: string | null; officialUrl?: string | null }

const idOf = (v: unknown): Id | null =>
  v == null || v === '' ? null : typeof v === 'object' ? ((v as { id?: Id }).id ?? null) : (v as Id)

/**
 * An explainer linked to its policy document cites it as the document says:
 * issuing body, number and official address are copied from the record
 * on each save (the email, WeChat and page templates read them from the
 * explainer), so an editor types them once, in the document.
 */
export const citeDocument: CollectionBeforeValidateHook = async ({ data, originalDoc, req }) => {
  if (!data) return data
  const linked = idOf('document' in data ? data.document : originalDoc?.document)
  if (linked == null) return data
  const doc = (await req.payload
    .findByID({ collection: 'policy-documents', id: linked, depth: 0, overrideAccess: true, disableErrors: true, req })
    .catch(() => null)) as DocumentRecord | null
  // An unknown id is refused by relationsExist with the field named.
  if (!doc) return data
  return {
    ...data,
    issuingBody: doc.issuingBody,
    documentNumber: doc.documentNumber ?? null,
    sourceUrl: doc.officialUrl ?? null,
  }
}
