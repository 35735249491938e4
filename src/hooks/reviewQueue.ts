import type { PayloadRequest, Where } from 'payload'

import { type Id, isAdmin, isGridScoped, scopedGridIds, type StaffUser } from '../access/roles'
import { CONTENT_SLUGS, type ContentSlug } from '../model/content'
import { chainFor } from './reviewRules'

/**
 * 待审核: the content awaiting this user's review, per content type. A
 * pending content is awaiting a user when the chain's current step names
 * them (by role or by name; community staff for their community's grids;
 * admins for every step), and they did not submit it. Read from the latest
 * versions (a review on a correction sits on a draft over the published one).
 */

type User = StaffUser | null | undefined

/** The filter of content of this type awaiting this user, or null when no step names them. */
export async function awaitingWhere(req: PayloadRequest, slug: ContentSlug, user: User): Promise<Where | null> {
  if (!user?.role) return null
  const chain = await chainFor(req, slug)
  const steps: number[] = []
  let scoped = false
  chain.steps.forEach((step, i) => {
    if (isAdmin(user)) steps.push(i)
    else if (step.by === 'users') {
      if ((step.users ?? []).some((u) => String((u as { id?: Id })?.id ?? u) === String(user.id))) steps.push(i)
    } else {
      const role = step.role ?? 'editor'
      if (role === user.role || (role === 'editor' && user.role === 'editor')) {
        steps.push(i)
        if (role === 'community-staff') scoped = true
      }
    }
  })
  if (!steps.length) return null
  // Content submitted before chains had no step (step 1) and no submitter.
  const stepWhere: Where = steps.includes(0) ? { or: [{ 'review.step': { in: steps } }, { 'review.step': { exists: false } }] } : { 'review.step': { in: steps } }
  const and: Where[] = [
    { 'review.status': { equals: 'pending' } },
    stepWhere,
    { or: [{ 'review.submittedBy': { not_equals: String(user.id) } }, { 'review.submittedBy': { exists: false } }] },
  ]
  if (scoped && isGridScoped(user)) {
    if (slug !== 'announcements') return null
    and.push({ grids: { in: await scopedGridIds(req) } })
  }
  return { and }
}

export type AwaitingReview = { slug: ContentSlug; count: number; docs: { id: Id; title?: string | null; updatedAt?: string | null }[]; where: Where }

/**
 * Everything awaiting this user's review, per content type (types with none
 * left out), each with up to `limit` titles, newest first. For the 待审核
 * count in the navigation and the role homes.
 */
export async function awaitingReview(req: PayloadRequest, { limit = 0 }: { limit?: number } = {}): Promise<AwaitingReview[]> {
  const user = req.user as User
  const out: AwaitingReview[] = []
  for (const slug of CONTENT_SLUGS) {
    const where = await awaitingWhere(req, slug, user)
    if (!where) continue
    const found = await req.payload.find({
      collection: slug,
      where,
      draft: true,
      depth: 0,
      limit: Math.max(limit, 1),
      sort: '-updatedAt',
      select: { title: true, updatedAt: true },
      overrideAccess: true,
      req,
    })
    if (found.totalDocs) out.push({ slug, count: found.totalDocs, docs: limit ? found.docs.map((d) => ({ id: d.id, title: (d as { title?: string }).title, updatedAt: (d as { updatedAt?: string }).updatedAt })) : [], where })
  }
  return out
}

/** The home's card shows this many; the shared result carries as many titles per type. */
export const AWAITING_HOME_LIMIT = 10
/** The key on req.context of the request's one 待审核 result (a promise), see awaitingOnce. */
export const AWAITING_MEMO = 'awaitingReview'

/**
 * The request's 待审核, computed once (with the home's titles) and kept on
 * req.context: the navigation's count and the home's card read the same
 * result, so an admin page asks the database once per content type.
 */
export function awaitingOnce(req: PayloadRequest): Promise<AwaitingReview[]> {
  const context = req.context as Record<string, unknown>
  // The holder goes on req.context before the queries start: each Local API call made with this req
  // replaces req.context by a copy of it (createLocalReq), and the copies keep the same holder.
  const memo = (context[AWAITING_MEMO] ??= {}) as { result?: Promise<AwaitingReview[]> }
  memo.result ??= awaitingReview(req, { limit: AWAITING_HOME_LIMIT })
  return memo.result
}

/** How many contents await this user's review, all types together. */
export async function awaitingReviewCount(req: PayloadRequest): Promise<number> {
  return (await awaitingOnce(req)).reduce((n, a) => n + a.count, 0)
}

/** One content awaiting review, for the 待审核 card of the admin home (src/components/HomeBody.tsx). */
export type AwaitingItem = { type: ContentSlug; id: Id; title: string; updatedAt: string | null }

/** The newest `limit` contents awaiting this user's review, all types together, and how many there are. */
export async function awaitingMyReview(req: PayloadRequest, limit = AWAITING_HOME_LIMIT): Promise<{ total: number; items: AwaitingItem[] }> {
  const queue = limit <= AWAITING_HOME_LIMIT ? await awaitingOnce(req) : await awaitingReview(req, { limit })
  const items = queue.flatMap((q) => q.docs.map((d) => ({ type: q.slug, id: d.id, title: d.title ?? '', updatedAt: d.updatedAt ?? null })))
  items.sort((a, b) => String(b.updatedAt ?? '').localeCompare(String(a.updatedAt ?? '')))
  return { total: queue.reduce((n, q) => n + q.count, 0), items: items.slice(0, limit) }
}
