import { createLocalReq, type Payload } from 'payload'

import { describeFinding, seriousFirst } from '../checks/describe'
import { uncovered } from '../checks/settings'
import { checkContent } from '../content/checks'
import { type MessageKey, t } from '../i18n/messages'
import { reviewStateText } from '../hooks/reviewNotices'
import { chainAppliesTo, chainFor } from '../hooks/reviewRules'
import { CONTENT_SLUGS } from '../model/content'
import type { ReviewData } from '../model/review'
import { publicUrl } from '../server/env'
import { scheduledUnreviewedMail } from '../templates/email/review'
import { staffScheduledRefusedMail } from '../templates/email/staff'

/**
 * A scheduled publication (Payload's `schedulePublish` job) that the
 * pre-publish checks refused tells the staff member who scheduled it why, by
 * staff mail: the content stays a draft and nobody is watching the admin when
 * the time comes. The same for one refused because its review chain is not
 * complete (the publication is the scheduler's, so the chain that applies to
 * them). Run by the job runner once a job has run (runner.ts); a job that
 * failed for another reason is left to the log.
 */

type Ref = { relationTo?: string; value?: string | number | { id: string | number } }
type Job = {
  id: string | number
  taskSlug?: string | null
  hasError?: boolean | null
  input?: { type?: string; doc?: Ref; user?: Ref } | null
}
type Content = { id: string | number; title?: string | null; _status?: string; review?: ReviewData | null; grids?: unknown[] | null; checksOverride?: { reason?: string | null; covers?: string | null } | null }
type Staff = { id: string | number; email?: string | null; name?: string | null }

const MAX_ITEMS = 20
const idOfRef = (ref?: Ref) => (ref?.value != null && typeof ref.value === 'object' ? ref.value.id : ref?.value)

/** Mails the scheduling user when the content's review chain applies to them and is not complete; true if it did. */
async function reportUnreviewed(payload: Payload, collection: string, doc: Content, userId: string | number): Promise<boolean> {
  if (doc.review?.status === 'approved') return false
  const user = (await payload.findByID({ collection: 'users', id: userId, depth: 0, overrideAccess: true }).catch(() => null)) as (Staff & { role?: string }) | null
  if (!user) return false
  const req = await createLocalReq({ user: { ...user, collection: 'users' } as never }, payload)
  if (!(await chainAppliesTo(req, collection, user as never))) return false
  if (!user.email) return true
  const lang = 'zh'
  const mail = scheduledUnreviewedMail({
    lang,
    name: user.name || user.email,
    street: '',
    link: `${publicUrl()}/admin/collections/${collection}/${doc.id}`,
    title: doc.title || t('field.title', lang),
    type: t(`col.${collection}.singular` as MessageKey, lang),
    state: reviewStateText(await chainFor(req, collection), doc.review, lang),
  })
  await payload.sendEmail({ to: user.email, subject: mail.subject, html: mail.html, text: mail.text })
  payload.logger.info({ component: 'review', collection, id: doc.id, user: user.id }, 'scheduled publication refused: review not complete; its scheduler was mailed')
  return true
}

/** Mails the scheduling user when this job was a scheduled publication refused for serious findings; true if it did. */
export async function reportScheduledRefusal(payload: Payload, jobId: string | number): Promise<boolean> {
  const job = await payload.db.findOne<Job>({ collection: 'payload-jobs', where: { id: { equals: jobId } } })
  if (!job || job.taskSlug !== 'schedulePublish' || !job.hasError) return false
  const input = job.input ?? {}
  if (input.type === 'unpublish') return false
  const collection = input.doc?.relationTo
  const id = idOfRef(input.doc)
  const userId = idOfRef(input.user)
  if (!collection || !(CONTENT_SLUGS as readonly string[]).includes(collection) || id == null || userId == null) return false

  // The content as the publication would have taken it: the latest draft.
  const doc = (await payload
    .findByID({ collection: collection as never, id, draft: true, depth: 0, overrideAccess: true })
    .catch(() => null)) as unknown as Content | null
  if (!doc || doc._status === 'published') return false
  if (await reportUnreviewed(payload, collection, doc, userId)) return true
  const findings = await checkContent(payload, collection, doc)
  const blocking = doc.checksOverride?.reason ? uncovered(findings, doc.checksOverride.covers) : findings.filter((f) => f.severity === 'serious')
  if (!blocking.length) return false

  const user = (await payload.findByID({ collection: 'users', id: userId, depth: 0, overrideAccess: true }).catch(() => null)) as Staff | null
  if (!user?.email) return false
  const lang = 'zh'
  const title = doc.title || t('field.title', lang)
  const mail = staffScheduledRefusedMail({
    lang,
    name: user.name || user.email,
    street: '',
    link: `${publicUrl()}/admin/collections/${collection}/${id}`,
    title,
    type: t(`col.${collection}.singular` as MessageKey, lang),
    items: seriousFirst(blocking.map((f) => describeFinding(f, lang)))
      .slice(0, MAX_ITEMS)
      .map((v) => ({ where: v.where, what: v.what, context: v.context, fix: v.fix })),
  })
  await payload.sendEmail({ to: user.email, subject: mail.subject, html: mail.html, text: mail.text })
  payload.logger.info({ component: 'checks', collection, id, user: user.id, findings: blocking.length }, 'scheduled publication refused by the checks; its scheduler was mailed')
  return true
}
