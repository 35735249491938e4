import type { Payload } from 'payload'

import type { Id } from '../model/ids'
import type { PolicyDoc, PolicyDocumentDoc } from '../templates/site/types'

/** A policy document for its public page, or null. */
export async function findPolicyDocument(payload: Payload, id: Id): Promise<PolicyDocumentDoc | null> {
  const doc = await payload.findByID({ collection: 'policy-documents', id, depth: 0, overrideAccess: true, disableErrors: true })
  return (doc as unknown as PolicyDocumentDoc | null) ?? null
}

/** The published explainers of a document, newest first. */
export async function explainersOf(payload: Payload, id: Id): Promise<PolicyDoc[]> {
  const { docs } = await payload.find({
    collection: 'policies',
    where: { and: [{ _status: { equals: 'published' } }, { document: { equals: id } }] },
    sort: '-publishedAt',
    limit: 100,
    depth: 0,
    overrideAccess: true,
    select: { title: true, publishedAt: true, updatedAt: true, issuingBody: true },
  })
  return docs as unknown as PolicyDoc[]
}
