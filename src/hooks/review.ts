import { type PayloadRequest, ValidationError } from 'payload'

import { idOf, isEditor, type StaffUser } from '../access/roles'
import { langOf, type MessageKey, t } from '../i18n/messages'
import { actionFromStatus, type ReviewAction, type ReviewData, type ReviewHistoryAction, type ReviewState } from '../model/review'
import { contentFingerprint } from './fingerprint'
import { chainFor, nameOf, refusalOf, type ReviewDoc, reviewOf, stepName } from './reviewRules'

/**
 * The review part of every content save, whichever way it comes: the review
 * actions endpoint (which names the action on the request's context), or a
 * plain REST, GraphQL or Local API update of `review.status` (read as the
 * action it stands for). Who may act, the step, the history and the
 * approved fingerprint are only ever set here, never taken from the request.
 */

/** Set by the review actions endpoint (src/collections/contentReview.ts) on the update it makes. */
export const REVIEW_ACTION_KEY = 'reviewAction'
export type RequestedAction = { action: ReviewAction; comment?: string | null; mayUpdate: boolean }

/**
 * What this save did to the review, for the hooks after it (audit entries, notices), on req.context
 * keyed by the document (none for a create): Payload saves a bulk update's documents side by side on one req.
 */
export const reviewDoneKey = (slug: string, id: unknown) => `reviewDone:${slug}:${id === undefined || id === null ? 'new' : String(id)}`
export type ReviewDone = { action: ReviewHistoryAction; fromStep: number; comment: string | null }

type User = (StaffUser & { name?: string | null; email?: string | null }) | null

type Args = { data: Record<string, unknown>; before: ReviewDoc; merged: ReviewDoc; req: PayloadRequest; slug: string; context: Record<string, unknown> }

const refusal = (req: PayloadRequest, slug: string, path: string, key: MessageKey, labelKey: MessageKey, vars?: Record<string, string>) => {
  const lang = langOf(req)
  return new ValidationError({ collection: slug, errors: [{ path, message: t(key, lang, vars), label: t(labelKey, lang) }], req }, req.t)
}

/** The new review for this save; throws a ValidationError naming `review.status` (or `review.comment`) when refused. */
export async function nextReview({ data, before, merged, req, slug, context }: Args): Promise<ReviewData> {
  const user = req.user as User
  const prev = reviewOf(before)
  const asked = (data.review ?? undefined) as ReviewData | undefined
  // Local API calls inside a save give req a copy of the context: read and clear both.
  const requested = (context[REVIEW_ACTION_KEY] ?? req.context[REVIEW_ACTION_KEY]) as RequestedAction | undefined
  delete context[REVIEW_ACTION_KEY]
  delete req.context[REVIEW_ACTION_KEY]
  const doneKey = reviewDoneKey(slug, before.id)
  delete req.context[doneKey]
  const fromStatus = actionFromStatus(prev.status, asked?.status as ReviewState | undefined)
  if (!requested && fromStatus === 'invalid') throw refusal(req, slug, 'review.status', 'review.error.state', 'field.reviewStatus')
  const action: ReviewAction | null = requested?.action ?? (fromStatus === 'invalid' ? null : fromStatus)
  const comment = (requested ? requested.comment : asked && 'comment' in asked ? asked.comment : null)?.trim() || null

  const chain = await chainFor(req, slug)
  const review: ReviewData = {
    status: prev.status,
    step: prev.step,
    comment: prev.comment ?? null,
    submittedBy: prev.submittedBy ?? null,
    reviewedBy: idOf(prev.reviewedBy as never) ?? null,
    approvedHash: prev.approvedHash ?? null,
    history: [...(prev.history ?? [])].map(({ step, stepName, action, user, userName, at, comment }) => ({ step, stepName, action, user, userName, at, comment })),
  }
  const record = (what: ReviewHistoryAction, step: number, note: string | null) => {
    review.history!.push({ step, stepName: stepName(chain, step), action: what, user: user ? String(user.id) : null, userName: nameOf(user), at: new Date().toISOString(), comment: note })
    req.context[doneKey] = { action: what, fromStep: step, comment: note } satisfies ReviewDone
  }

  if (action) {
    const why = await refusalOf(req, slug, before, action, user, requested ? requested.mayUpdate : true)
    if (why) throw refusal(req, slug, 'review.status', why, 'field.reviewStatus', { step: stepName(chain, prev.step) })
    if (action === 'return' && !comment) throw refusal(req, slug, 'review.comment', 'error.returnNeedsComment', 'field.reviewComment')
    const at = prev.step
    review.comment = comment
    if (action === 'submit') Object.assign(review, { status: 'pending', step: 0, submittedBy: user ? String(user.id) : null, approvedHash: null })
    if (action === 'withdraw') Object.assign(review, { status: 'none', step: 0, approvedHash: null })
    if (action === 'return') Object.assign(review, { status: 'returned', step: 0, approvedHash: null, reviewedBy: user?.id ?? null })
    if (action === 'approve') {
      const last = at + 1 >= chain.steps.length
      Object.assign(review, { status: last ? 'approved' : 'pending', step: last ? at : at + 1, approvedHash: contentFingerprint(merged), reviewedBy: user?.id ?? null })
    }
    record(action, action === 'submit' ? 0 : at, comment)
    return review
  }

  // No action: a change of the content after an approval (at any step) sends it back to step 1.
  const approvedSteps = prev.status === 'approved' ? chain.steps.length : prev.status === 'pending' ? prev.step : 0
  if (approvedSteps > 0 && prev.approvedHash !== contentFingerprint(merged)) {
    // An editor's own edit keeps approvals only editors gave: they could approve it again themselves.
    const editorsOnly = chain.steps.slice(0, approvedSteps).every((s) => (s.by ?? 'role') === 'role' && (s.role ?? 'editor') === 'editor')
    if (isEditor(user) && editorsOnly) review.approvedHash = contentFingerprint(merged)
    else {
      Object.assign(review, { status: prev.status === 'approved' ? 'none' : 'pending', step: 0, approvedHash: null })
      record('reset', prev.status === 'approved' ? Math.max(chain.steps.length - 1, 0) : prev.step, null)
    }
  }
  return review
}
