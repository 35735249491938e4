import type { AdminViewServerProps } from 'payload'

import { isEditor, type StaffUser } from '../access'
import { smsSpend } from '../readership/smsSpend'
import { t } from '../i18n/messages'
import { langFrom, ReadershipTemplate } from './ReadershipView'

const yuan = (n: number | null) => (n === null ? '—' : `¥${n.toFixed(2)}`)

/**
 * /admin/sms-month (本月短信), admins and editors: the street month's text
 * messages, segments and cost by content type, the monthly budget and what is
 * left of it. The same figures as GET /api/sms-messages/month. One narrow
 * table in a scrolling wrapper, so it reads on a 390 px phone.
 */
export async function SmsMonthView(props: AdminViewServerProps) {
  const req = props.initPageResult.req
  const lang = langFrom(req)
  if (!isEditor(req.user as StaffUser | null)) {
    return (
      <ReadershipTemplate {...props}>
        <h1>{t('sms.month.title', lang)}</h1>
        <p className="rs-error" role="alert" id="sms-month-forbidden">
          {t('sms.month.forbidden', lang)}
        </p>
      </ReadershipTemplate>
    )
  }
  const spend = await smsSpend(req.payload, new Date(), lang)
  const admin = req.payload.config.routes.admin
  return (
    <ReadershipTemplate {...props}>
      <h1>{t('sms.month.title', lang)}</h1>
      <p className="rs-intro">{t('sms.month.intro', lang, { month: spend.month })}</p>
      <dl id="sms-month-budget" className="rs-intro">
        <dt>{t('sms.month.budget', lang)}</dt>
        <dd>{spend.budget === null ? t('sms.month.noBudget', lang) : yuan(spend.budget)}</dd>
        <dt>{t('sms.month.spent', lang)}</dt>
        <dd>{yuan(spend.cost)}</dd>
        <dt>{t('sms.month.left', lang)}</dt>
        <dd>{spend.left === null ? '—' : yuan(spend.left)}</dd>
      </dl>
      {spend.pricePerSegment === null ? <p className="rs-error">{t('sms.month.noPrice', lang)}</p> : null}
      <div className="rs-table-wrap">
        <table className="rs-table" id="sms-month-table">
          <caption>{t('sms.month.byType', lang)}</caption>
          <thead>
            <tr>
              <th scope="col">{t('sms.month.type', lang)}</th>
              <th scope="col">{t('sms.month.messages', lang)}</th>
              <th scope="col">{t('sms.month.segments', lang)}</th>
              <th scope="col">{t('sms.month.cost', lang)}</th>
            </tr>
          </thead>
          <tbody>
            {spend.byType.map((r) => (
              <tr key={r.contentType}>
                <th scope="row">{r.label}</th>
                <td className="n">{r.messages}</td>
                <td className="n">{r.segments}</td>
                <td className="n">{yuan(r.cost)}</td>
              </tr>
            ))}
            <tr className="rs-total">
              <th scope="row">{t('sms.month.total', lang)}</th>
              <td className="n">{spend.messages}</td>
              <td className="n">{spend.segments}</td>
              <td className="n">{yuan(spend.cost)}</td>
            </tr>
          </tbody>
        </table>
      </div>
      <p>
        <a href={`${admin}/globals/site-settings`}>{t('sms.month.settingsLink', lang)}</a>
      </p>
    </ReadershipTemplate>
  )
}
