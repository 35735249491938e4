import type { PayloadRequest, Where } from 'payload'

import type { ContentSlug } from '../model/content'
import { isEditor, isGridScoped } from './roles'

/** The collection's own update (or create) access for this document: a yes, or a filter it must match. */
export async function mayWrite(req: PayloadRequest, slug: ContentSlug, id: string | number | null, data: Record<string, unknown>): Promise<boolean> {
  const access = req.payload.collections[slug].config.access
  const fn = id != null ? access.update : access.create
  const verdict = (await fn({ req, id: id ?? undefined, data })) as boolean | Where
  if (typeof verdict === 'boolean') return verdict
  if (id == null) return Boolean(verdict)
  const { totalDocs } = await req.payload.count({ collection: slug, where: { and: [{ id: { equals: id } }, verdict] }, overrideAccess: true, req })
  return totalDocs > 0
}

/**
 * May this user publish this content (and so see who it goes to, and ask for
 * its notices)? Editors and admins; grid-scoped staff for content they may
 * write, once it is approved or where the site lets them publish directly
 * (the publication gate's rule, hooks/contentLifecycle.ts).
 */
export async function mayPublish(
  req: PayloadRequest,
  slug: ContentSlug,
  doc: { id: string | number; review?: { status?: string | null } | null } & Record<string, unknown>,
  allowDirect: boolean,
): Promise<boolean> {
  if (isEditor(req.user as never)) return true
  if (!isGridScoped(req.user as never)) return false
  if (!allowDirect && doc.review?.status !== 'approved') return false
  // Not saved yet (`new`): whether they may create one.
  return mayWrite(req, slug, doc.id === 'new' ? null : doc.id, doc)
}
