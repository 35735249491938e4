import type { Payload } from 'payload'

import type { Id } from '../model/ids'

export type ExplainerRow = { id: Id; title: string; status: 'published' | 'draft' }
export type DocumentRow = { id: Id; title: string; documentNumber: string | null }
export type LinksReport = { explainersWithoutDocument: ExplainerRow[]; documentsWithoutExplainer: DocumentRow[] }

/**
 * Explainers not linked to the document they explain, and documents no
 * published explainer links to: what an inspection of 政策解读 asks for
 * both ways (a withdrawn explainer counts as none).
 */
export async function policyLinksReport(payload: Payload): Promise<LinksReport> {
  const [policies, documents] = await Promise.all([
    payload.find({
      collection: 'policies',
      where: { withdrawnAt: { exists: false } },
      pagination: false,
      depth: 0,
      sort: '-updatedAt',
      overrideAccess: true,
      select: { title: true, document: true, _status: true },
    }),
    payload.find({
      collection: 'policy-documents',
      pagination: false,
      depth: 0,
      sort: '-issuedDate',
      overrideAccess: true,
      select: { title: true, documentNumber: true },
    }),
  ])
  const explained = new Set<string>()
  const explainersWithoutDocument: ExplainerRow[] = []
  for (const p of policies.docs as unknown as { id: Id; title: string; document?: Id | null; _status?: string }[]) {
    const status = p._status === 'published' ? 'published' : 'draft'
    if (p.document != null) {
      if (status === 'published') explained.add(String(p.document))
    } else explainersWithoutDocument.push({ id: p.id, title: p.title, status })
  }
  const documentsWithoutExplainer = (documents.docs as unknown as { id: Id; title: string; documentNumber?: string | null }[])
    .filter((d) => !explained.has(String(d.id)))
    .map((d) => ({ id: d.id, title: d.title, documentNumber: d.documentNumber ?? null }))
  return { explainersWithoutDocument, documentsWithoutExplainer }
}
