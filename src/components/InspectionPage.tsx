import type { Payload, PayloadRequest } from 'payload'

import { isAdmin } from '../access'
import { columnLabel, freshnessList } from '../content/freshness'
import { inspectionReport } from '../content/inspection'
import { reportTables } from '../content/inspectionCsv'
import { readPeriod } from '../hooks/inspection'
import { type Lang, t } from '../i18n/messages'
import { formatDate } from '../templates/format'
import { FreshnessWarning } from './FreshnessWarning'

/**
 * The inspection report's page (检查报告, admins only): a period form, the
 * report's sections as tables, the CSV download (/api/inspection/report.csv,
 * audited) and the freshness watch as it stands now. The endpoints check the
 * caller again. Shown at /admin/inspection by InspectionView.tsx.
 */
const CSS = `
.ins { max-width: 1200px; }
.ins-form { display: flex; gap: 0.75rem; align-items: end; flex-wrap: wrap; margin: 1rem 0; }
.ins-form label { display: flex; flex-direction: column; gap: 0.25rem; font-size: 0.85rem; }
.ins-form input { padding: 0.35rem; font: inherit; background: var(--theme-input-bg); color: var(--theme-text); border: 1px solid var(--theme-elevation-150); border-radius: 4px; }
.ins-form button, .ins-csv { padding: 0.45rem 1rem; font: inherit; border-radius: 4px; border: 0; background: var(--theme-elevation-800); color: var(--theme-elevation-0); cursor: pointer; text-decoration: none; }
.ins-error { color: var(--theme-error-500); font-weight: 600; }
.ins table { border-collapse: collapse; width: 100%; font-size: 0.9rem; margin: 0.5rem 0 1.5rem; }
.ins th, .ins td { border: 1px solid var(--theme-elevation-150); padding: 0.35rem 0.5rem; text-align: left; vertical-align: top; }
.ins th { background: var(--theme-elevation-50); }
`

type PageProps = { payload: Payload; user?: PayloadRequest['user'] | null; params: URLSearchParams; lang: Lang; api?: string; now?: Date }

/** The page's content (also rendered by the tests without the admin's template). */
export async function InspectionPage({ payload, user, params, lang, api = '/api', now = new Date() }: PageProps) {
  if (!isAdmin(user as never)) {
    return (
      <div className="ins">
        <h1>{t('inspect.title', lang)}</h1>
        <p className="ins-error" role="alert" id="inspection-forbidden">
          {t('inspect.adminsOnly', lang)}
        </p>
      </div>
    )
  }
  const { period, problems } = readPeriod(params, lang, now)
  const query = new URLSearchParams(period ? { from: period.fromDay, to: period.toDay } : {}).toString()
  const report = period ? await inspectionReport(payload, { from: period.from, to: period.to, now }) : null
  const freshness = await freshnessList(payload, { now })
  return (
    <div className="ins" id="inspection-report">
      <style>{CSS}</style>
      <h1>{t('inspect.title', lang)}</h1>
      <p>{t('inspect.intro', lang)}</p>
      <form className="ins-form" method="get">
        <label>
          {t('inspect.filter.from', lang)}
          <input type="date" name="from" defaultValue={period?.fromDay ?? params.get('from') ?? ''} />
        </label>
        <label>
          {t('inspect.filter.to', lang)}
          <input type="date" name="to" defaultValue={period?.toDay ?? params.get('to') ?? ''} />
        </label>
        <button type="submit">{t('inspect.filter.submit', lang)}</button>
        {period ? (
          <a className="ins-csv" id="inspection-csv" href={`${api}/inspection/report.csv?${query}`} download>
            {t('inspect.csv', lang)}
          </a>
        ) : null}
      </form>
      {problems.map((p) => (
        <p key={p.field} className="ins-error" role="alert">
          {p.message}
        </p>
      ))}
      {period && report ? (
        <>
          <p id="inspection-period">{t('inspect.period', lang, { from: period.fromDay, to: period.toDay })}</p>
          <p id="inspection-summary">{t('inspect.summary', lang, report.totals)}</p>
          {reportTables(report, lang).map((table) => (
            <section key={table.title} data-section={table.title}>
              <h2>{t(table.title, lang)}</h2>
              {table.rows.length ? (
                <table>
                  <thead>
                    <tr>
                      {table.heads.map((h) => (
                        <th key={h}>{t(h, lang)}</th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {table.rows.map((row, i) => (
                      <tr key={i}>
                        {row.map((cell, j) => (
                          <td key={j}>{cell}</td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              ) : (
                <p>{t('inspect.none', lang)}</p>
              )}
            </section>
          ))}
        </>
      ) : null}
      <h2>{t('inspect.freshnessNow', lang)}</h2>
      <FreshnessWarning freshness={freshness} lang={lang} />
      {freshness.columns.every((c) => c.level === 'ok' || c.level === 'none') ? <p>{t('freshness.allFresh', lang, { warn: freshness.warnDays })}</p> : null}
      <ul id="inspection-freshness">
        {freshness.columns.map((c) => (
          <li key={c.key} data-column={c.key}>
            {c.last
              ? t('freshness.item', lang, { column: columnLabel(c, lang), days: c.days ?? 0, date: formatDate(c.last.at), title: c.last.title })
              : t('freshness.neverItem', lang, { column: columnLabel(c, lang) })}
          </li>
        ))}
      </ul>
    </div>
  )
}
