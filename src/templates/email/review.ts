import { type Lang, t } from '../../i18n/messages'
import { renderStaffMail, type StaffMail, type StaffMailContext } from './staff'

/**
 * Review (审核) notices to staff: content awaiting the reader's step, an
 * approval or a return for its submitter, and a scheduled publication
 * refused because its review is not complete. Pure functions.
 */
type Ctx = StaffMailContext & { title: string; type: string; step: string; by: string; comment?: string | null }

const commentLine = (lang: Lang, comment?: string | null) => (comment ? [t('review.mail.comment', lang, { comment })] : [])

export function reviewAwaitingMail(ctx: Ctx): StaffMail {
  const lang = ctx.lang ?? 'zh'
  return renderStaffMail(
    lang,
    t('review.mail.awaiting.subject', lang, { title: ctx.title, step: ctx.step }),
    ctx,
    [t('review.mail.awaiting.intro', lang, { type: ctx.type, title: ctx.title, step: ctx.step, by: ctx.by }), ...commentLine(lang, ctx.comment)],
    t('review.mail.button', lang),
    [],
  )
}

export function reviewDecidedMail(ctx: Ctx & { decision: 'approve' | 'return'; complete: boolean }): StaffMail {
  const lang = ctx.lang ?? 'zh'
  const key = ctx.decision === 'return' ? 'returned' : ctx.complete ? 'approved' : 'stepApproved'
  return renderStaffMail(
    lang,
    t(`review.mail.${key}.subject`, lang, { title: ctx.title, step: ctx.step }),
    ctx,
    [t(`review.mail.${key}.intro`, lang, { type: ctx.type, title: ctx.title, step: ctx.step, by: ctx.by }), ...commentLine(lang, ctx.comment)],
    t('review.mail.button', lang),
    [],
  )
}

export function scheduledUnreviewedMail(ctx: StaffMailContext & { title: string; type: string; state: string }): StaffMail {
  const lang = ctx.lang ?? 'zh'
  return renderStaffMail(
    lang,
    t('mail.staff.refused.subject', lang, { title: ctx.title }),
    ctx,
    [t('review.mail.scheduled.intro', lang, { type: ctx.type, title: ctx.title, state: ctx.state })],
    t('mail.staff.refused.button', lang),
    [t('review.mail.scheduled.next', lang)],
  )
}
