import type { PayloadRequest, Where } from 'payload'

import { chainAppliesTo } from '../hooks/reviewRules'
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
 * its notices)? The publication gate's rule (hooks/contentLifecycle.ts), so
 * that the publish dialog and the server agree for every content type and
 * chain setting: editors, admins and grid-scoped staff, with the content's
 * review chain complete (approved) where the chain applies to them
 * (chainAppliesTo: the site's chain for the type, editors only when it says
 * so, grid staff's announcements not when the site lets them publish
 * directly, read from the site settings by chainAppliesTo itself); grid-scoped
 * staff only for content they may write.
 */
export async function mayPublish(
  req: PayloadRequest,
  slug: ContentSlug,
  doc: { id: string | number; review?: { status?: string | null } | null } & Record<string, unknown>,
): Promise<boolean> {
  const user = req.user as never
  if (!isEditor(user) && !isGridScoped(user)) return false
  if (doc.review?.status !== 'approved' && (await chainAppliesTo(req, slug, user))) return false
  if (isEditor(user)) return true
  // Not saved yet (`new`): whether they may create one.
  return mayWrite(req, slug, doc.id === 'new' ? null : doc.id, doc)
}
