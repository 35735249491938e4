import type { PayloadRequest, Where } from 'payload'

import { type Id, idOf, sameId } from '../access/roles'
import { langOf, type MessageKey, t } from '../i18n/messages'
import type { ContentSlug } from '../model/content'
import type { ReviewChain, ReviewData } from '../model/review'
import { publicUrl } from '../server/env'
import { reviewAwaitingMail, reviewDecidedMail } from '../templates/email/review'
import { audit } from './audit'
import type { ReviewDone } from './review'
import { chainFor, nameOf, type ReviewDoc, stepName } from './reviewRules'
import { sendStaffNotice } from './staffNotices'

/**
 * After a review action: its audit entry (step, comment), and its notices by
 * staff mail (the staff mail settings, queued: never holds the save): the
 * next step's reviewers on a submission or an approval that leaves a step,
 * the submitter on every approval and return, who also gets an in-admin
 * notice (站内通知, src/collections/StaffNotices.ts).
 */

type Target = { collection: string; id?: Id | null; title?: string | null }
type Staff = { id: Id; email?: string | null; name?: string | null; role?: string | null; community?: unknown }

const AUDITED = { submit: 'submit', approve: 'approve', return: 'return', withdraw: 'review-withdraw', reset: 'review-reset' } as const

/** "审核中：复审（第 2/3 步）", "已通过", for people. */
export function reviewStateText(chain: ReviewChain, review: ReviewData | null | undefined, lang: string): string {
  const status = review?.status ?? 'none'
  if (status !== 'pending') return t(`review.${status}` as MessageKey, lang)
  const step = Number(review?.step ?? 0)
  return t('review.state.pending', lang, { step: stepName(chain, step), n: step + 1, of: Math.max(chain.steps.length, step + 1) })
}

/** The staff a step names, who would see the content in their 待审核 (the submitter left out). */
export async function reviewersOfStep(req: PayloadRequest, chain: ReviewChain, stepIndex: number, doc: ReviewDoc): Promise<Staff[]> {
  const step = chain.steps[stepIndex]
  if (!step) return []
  let where: Where
  if (step.by === 'users') {
    const ids = (step.users ?? []).map((u) => idOf(u as Id)).filter((u) => u != null)
    if (!ids.length) return []
    where = { id: { in: ids } }
  } else if ((step.role ?? 'editor') === 'community-staff') {
    const grids = (doc.grids ?? []).map((g) => idOf(g as Id)).filter((g) => g != null)
    if (!grids.length) return []
    const { docs } = await req.payload.find({ collection: 'grids', where: { id: { in: grids } }, depth: 0, limit: 0, pagination: false, overrideAccess: true, req })
    const communities = [...new Set(docs.map((g) => String(idOf(g.community as never))))]
    // Community staff review only when every grid is in their community.
    if (communities.length !== 1) return []
    where = { and: [{ role: { equals: 'community-staff' } }, { community: { equals: idOf(docs[0].community as never) } }] }
  } else where = { role: { equals: step.role ?? 'editor' } }
  const { docs } = await req.payload.find({ collection: 'users', where, depth: 0, limit: 200, overrideAccess: true, req })
  const submitter = doc.review?.submittedBy
  return (docs as unknown as Staff[]).filter((u) => !sameId(u.id, submitter))
}

async function mail(req: PayloadRequest, to: Staff[], build: (who: Staff) => { subject: string; html: string; text: string }) {
  for (const who of to) {
    if (!who.email) continue
    const m = build(who)
    await req.payload.sendEmail({ to: who.email, subject: m.subject, html: m.html, text: m.text }).catch((err: unknown) => req.payload.logger.warn({ err, component: 'review' }, 'review notice not queued'))
  }
}

export async function auditReview(req: PayloadRequest, target: Target, doc: ReviewDoc & { title?: string | null }, done: ReviewDone) {
  const lang = 'zh'
  const chain = await chainFor(req, target.collection)
  const detail = [t('review.audit.step', lang, { n: done.fromStep + 1, step: stepName(chain, done.fromStep) }), done.comment].filter(Boolean).join(t('format.listSeparator', lang))
  await audit(req, AUDITED[done.action], target, detail)
  try {
    await notify(req, target, doc, done, chain)
  } catch (err) {
    req.payload.logger.warn({ err, component: 'review', target }, 'review notices failed')
  }
}

async function notify(req: PayloadRequest, target: Target, doc: ReviewDoc & { title?: string | null }, done: ReviewDone, chain: ReviewChain) {
  const lang = langOf(req) === 'en' ? 'en' : 'zh'
  const review = doc.review ?? {}
  const base = {
    lang,
    street: '',
    link: `${publicUrl()}/admin/collections/${target.collection}/${target.id}`,
    title: target.title || t('field.title', lang),
    type: t(`col.${target.collection}.singular` as MessageKey, lang),
    by: nameOf(req.user as never),
    comment: done.comment,
  } as const
  const greet = (who: Staff) => who.name || who.email || ''
  const nextStep = review.status === 'pending' && (done.action === 'submit' || done.action === 'approve')
  if (nextStep) {
    const step = stepName(chain, Number(review.step ?? 0))
    await mail(req, await reviewersOfStep(req, chain, Number(review.step ?? 0), doc), (who) => reviewAwaitingMail({ ...base, name: greet(who), step }))
  }
  if ((done.action === 'approve' || done.action === 'return') && review.submittedBy) {
    const submitter = (await req.payload.findByID({ collection: 'users', id: review.submittedBy, depth: 0, overrideAccess: true, disableErrors: true, req })) as Staff | null
    if (submitter && !sameId(submitter.id, (req.user as Staff | null)?.id)) {
      const step = stepName(chain, done.fromStep)
      const reviewer = req.user as Staff | null
      // The in-admin notice first (站内通知, src/hooks/staffNotices.ts), then the mail.
      await sendStaffNotice(req, {
        recipient: submitter.id,
        kind: done.action === 'approve' ? 'approved' : 'returned',
        contentType: target.collection as ContentSlug,
        contentId: target.id as Id,
        title: target.title || '',
        step,
        complete: review.status === 'approved',
        reviewer: reviewer?.id ?? null,
        reviewerName: nameOf(reviewer as never),
        comment: done.comment,
      })
      await mail(req, [submitter], (who) => reviewDecidedMail({ ...base, name: greet(who), step, decision: done.action as 'approve' | 'return', complete: review.status === 'approved' }))
    }
  }
}
