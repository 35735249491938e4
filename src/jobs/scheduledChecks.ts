import type { Payload } from 'payload'

import { describeFinding, seriousFirst } from '../checks/describe'
import { uncovered } from '../checks/settings'
import { checkContent } from '../content/checks'
import { type MessageKey, t } from '../i18n/messages'
import { CONTENT_SLUGS } from '../model/content'
import { publicUrl } from '../server/env'
import { staffScheduledRefusedMail } from '../templates/email/staff'

/**
 * A scheduled publication (Payload's `schedulePublish` job) that the
 * pre-publish checks refused tells the staff member who scheduled it why, by
 * staff mail: the content stays a draft and nobody is watching the admin when
 * the time comes. Run by the job runner once a job has run (runner.ts); a job
 * that failed for another reason (no approval, say) is left to the log.
 */

type Ref = { relationTo?: string; value?: string | number | { id: string | number } }
type Job = {
  id: string | number
  taskSlug?: string | null
  hasError?: boolean | null
  input?: { type?: string; doc?: Ref; user?: Ref } | null
}
type Content = { id: string | number; title?: string | null; _status?: string; checksOverride?: { reason?: string | null; covers?: string | null } | null }
type Staff = { id: string | number; email?: string | null; name?: string | null }

const MAX_ITEMS = 20
const idOfRef = (ref?: Ref) => (ref?.value != null && typeof ref.value === 'object' ? ref.value.id : ref?.value)

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
