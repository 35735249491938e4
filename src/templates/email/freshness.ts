import { t } from '../../i18n/messages'
import { render, type StaffMail, type StaffMailContext } from './staff'

/** A column as the freshness mail lists it, already in words. */
export type LapseItem = { column: string; days: number; last: string; title: string }

/**
 * The freshness alert (issue 16): these columns have published nothing for
 * `alertDays` days or more, to an admin or editor. Pure.
 */
export function staffFreshnessMail(ctx: StaffMailContext & { alertDays: number; items: LapseItem[] }): StaffMail {
  const lang = ctx.lang ?? 'zh'
  const items = ctx.items.map((i) => t('mail.freshness.item', lang, { column: i.column, days: i.days, last: i.last, title: i.title }))
  return render(
    lang,
    t('mail.freshness.subject', lang, { n: ctx.items.length, days: ctx.alertDays }),
    ctx,
    [t('mail.freshness.intro', lang, { days: ctx.alertDays }), ...items],
    t('mail.freshness.button', lang),
    [t('mail.freshness.next', lang)],
  )
}
