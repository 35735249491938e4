import type { PayloadRequest } from 'payload'

import { type Id, idOf, isAdmin, isEditor, isGridScoped, sameId, scopedGridIds, type StaffUser } from '../access/roles'
import { chainOf, type ReviewAction, type ReviewChain, type ReviewChainSetting, type ReviewData, type ReviewState, type ReviewStep } from '../model/review'
import { settingsFor } from './settings'

/**
 * Who may do what in a content's review chain (审核流程): one set of rules for
 * the review actions endpoint, the review hook on plain REST and GraphQL
 * updates, the admin's review panel and the 待审核 count.
 */

type Settings = { reviewChains?: Record<string, ReviewChainSetting> | null; allowGridLeaderDirectPublish?: boolean | null }
export type ReviewDoc = { id?: Id; grids?: unknown[] | null; review?: ReviewData | null; [key: string]: unknown }
type User = (StaffUser & { name?: string | null; email?: string | null }) | null | undefined

/** The chain configured for this content type (site settings), or today's default. */
export async function chainFor(req: PayloadRequest, slug: string): Promise<ReviewChain> {
  const settings = (await settingsFor(req)) as Settings
  return chainOf(slug, settings.reviewChains?.[slug])
}

/**
 * Whether content of this type published by this user must have its chain
 * complete: a chain with steps, for everyone but editors (unless the chain
 * says editors too), and not for grid staff's announcements when the site
 * lets them publish directly.
 */
export async function chainAppliesTo(req: PayloadRequest, slug: string, user: User): Promise<boolean> {
  // No user: the system's own Local API calls (seed, imports, migrations), trusted as before chains.
  // A scheduled publication runs as the one who scheduled it, so the chain still applies to it.
  if (!user) return false
  const chain = await chainFor(req, slug)
  if (!chain.steps.length) return false
  if (isEditor(user) && !chain.editorsToo) return false
  if (slug === 'announcements' && isGridScoped(user) && (await settingsFor(req)).allowGridLeaderDirectPublish) return false
  return true
}

/** The review as stored, with every part filled in. */
export function reviewOf(doc: ReviewDoc | null | undefined): ReviewData & { status: ReviewState; step: number } {
  const r: ReviewData = doc?.review ?? {}
  return { ...r, status: r.status ?? 'none', step: Number(r.step ?? 0) || 0, history: r.history ?? [] }
}

/** A staff member as the audit log names them. */
export const nameOf = (user: User): string => (user ? user.name || user.email || String(user.id) : 'system')

/** Is this user one of the reviewers this step names (admins stand in for any step)? */
export async function namedByStep(req: PayloadRequest, step: ReviewStep | undefined, user: User, doc: ReviewDoc): Promise<boolean> {
  if (!step || !user?.role) return false
  if (isAdmin(user)) return true
  if (step.by === 'users') return (step.users ?? []).some((u) => sameId(idOf(u as Id), user.id))
  const role = step.role ?? 'editor'
  if (role === 'editor') return isEditor(user)
  if (role !== user.role) return false
  if (role !== 'community-staff') return true
  // Community staff review only content for their community's grids.
  const mine = await scopedGridIds(req)
  const grids = (doc.grids ?? []).map((g) => idOf(g as Id))
  return grids.length > 0 && grids.every((g) => mine.some((m) => sameId(m, g)))
}

/**
 * Why this user may not take this action now (a catalogue key), or null when
 * they may. `mayUpdate` says whether the user may change the content itself
 * (needed to submit).
 */
export async function refusalOf(
  req: PayloadRequest,
  slug: string,
  doc: ReviewDoc,
  action: ReviewAction,
  user: User,
  mayUpdate: boolean,
): Promise<'review.error.state' | 'review.error.noChain' | 'review.error.notYourStep' | 'review.error.ownSubmission' | 'review.error.notSubmitter' | null> {
  const review = reviewOf(doc)
  const chain = await chainFor(req, slug)
  if (action === 'submit') {
    if (review.status !== 'none' && review.status !== 'returned') return 'review.error.state'
    if (!chain.steps.length) return 'review.error.noChain'
    return mayUpdate ? null : 'review.error.notSubmitter'
  }
  if (review.status !== 'pending') return 'review.error.state'
  if (action === 'withdraw') return sameId(review.submittedBy, user?.id) ? null : 'review.error.notSubmitter'
  if (!(await namedByStep(req, chain.steps[review.step], user, doc))) return 'review.error.notYourStep'
  if (action === 'approve' && sameId(review.submittedBy, user?.id)) return 'review.error.ownSubmission'
  return null
}

/** The actions this user may take on this content now (the buttons the review panel shows). */
export async function actionsFor(req: PayloadRequest, slug: string, doc: ReviewDoc, user: User, mayUpdate: boolean): Promise<ReviewAction[]> {
  const out: ReviewAction[] = []
  for (const action of ['submit', 'approve', 'return', 'withdraw'] as const) {
    if (!(await refusalOf(req, slug, doc, action, user, mayUpdate))) out.push(action)
  }
  return out
}

/** The step's name as the chain calls it (初审, 复审, 终审), or its number. */
export const stepName = (chain: ReviewChain, step: number): string => chain.steps[step]?.name || String(step + 1)
