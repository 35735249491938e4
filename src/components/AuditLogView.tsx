import type { Payload, PayloadRequest } from 'payload'

import { isAdmin } from '../access'
import { AUDIT_ACTIONS } from '../hooks/audit'
import { actionLabel, AUDIT_TARGETS, auditActors, type AuditEntry, auditPage, readAuditFilters, targetLabel } from '../hooks/auditLog'
import { type Lang, t } from '../i18n/messages'
import { env } from '../server/env'
import { formatDateTime } from '../templates/format'

/**
 * The audit log's list in the admin (操作日志, admins only): a GET form
 * filters by action, user, date range (street days) and target type; the
 * table shows 50 entries a page, newest first; the CSV link exports what the
 * filter selects (/api/audit-log/export.csv). Rendered by Payload as the
 * collection's list view (AuditLog.ts), inside its admin template.
 */
const CSS = `
.al { padding: 0 var(--gutter-h, 2rem) 3rem; max-width: 1200px; }
.al h1 { margin: 1.5rem 0 0.5rem; }
.al-intro { color: var(--theme-elevation-700); max-width: 60rem; }
.al-form { display: flex; gap: 0.75rem; align-items: end; flex-wrap: wrap; margin: 1rem 0; }
.al-form label { display: flex; flex-direction: column; gap: 0.25rem; font-size: 0.85rem; color: var(--theme-elevation-700); }
.al-form select, .al-form input { padding: 0.35rem; font: inherit; background: var(--theme-input-bg); color: var(--theme-text); border: 1px solid var(--theme-elevation-150); border-radius: 4px; }
.al-form button { padding: 0.45rem 1rem; font: inherit; border-radius: 4px; border: 0; background: var(--theme-elevation-800); color: var(--theme-elevation-0); cursor: pointer; }
.al-actions { display: flex; gap: 1rem; margin: 0.5rem 0 1rem; align-items: center; }
.al-actions a { text-decoration: underline; }
.al-error { color: var(--theme-error-500); font-weight: 600; }
.al-table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
.al-table th, .al-table td { border: 1px solid var(--theme-elevation-150); padding: 0.35rem 0.5rem; text-align: left; vertical-align: top; }
.al-table th { background: var(--theme-elevation-50); }
.al-table td.al-time { white-space: nowrap; font-variant-numeric: tabular-nums; }
.al-pager { display: flex; gap: 1rem; margin: 1rem 0; align-items: center; }
`

type Props = {
  payload: Payload
  user?: PayloadRequest['user']
  searchParams?: Record<string, string | string[] | undefined>
  i18n?: { language?: string }
}

function paramsOf(searchParams: Props['searchParams']): URLSearchParams {
  const out = new URLSearchParams()
  for (const [k, v] of Object.entries(searchParams ?? {})) {
    const first = Array.isArray(v) ? v[0] : v
    if (typeof first === 'string' && first !== '') out.set(k, first)
  }
  return out
}

const LIST_PATH = '/admin/collections/audit-log'

export async function AuditLogView({ payload, user, searchParams, i18n }: Props) {
  const lang: Lang = i18n?.language === 'en' ? 'en' : 'zh'
  if (!isAdmin(user)) {
    return (
      <div className="al">
        <p className="al-error">{t('auditView.error.forbidden', lang)}</p>
      </div>
    )
  }
  const params = paramsOf(searchParams)
  const { filters, problems } = readAuditFilters(params, lang)
  const page = Math.max(1, Math.min(10_000, Number.parseInt(params.get('page') ?? '1', 10) || 1))
  const [list, actors] = await Promise.all([problems.length ? null : auditPage(payload, filters, page), auditActors(payload)])
  const query = new URLSearchParams()
  for (const [k, v] of Object.entries(filters)) if (v) query.set(k, v)
  const pageLink = (p: number) => {
    const q = new URLSearchParams(query)
    q.set('page', String(p))
    return `${LIST_PATH}?${q}`
  }
  const csv = `/api/audit-log/export.csv${query.size ? `?${query}` : ''}`
  const problemOf = (field: string) => problems.find((p) => p.field === field)?.message
  return (
    <div className="al" id="audit-log-view">
      <style>{CSS}</style>
      <h1>{t('col.audit-log.plural', lang)}</h1>
      <p className="al-intro">{t('auditView.intro', lang, { days: env.auditRetentionDays })}</p>
      <form method="get" action={LIST_PATH} className="al-form" id="audit-filter">
        <label>
          {t('auditView.filter.action', lang)}
          <select name="action" defaultValue={filters.action ?? ''}>
            <option value="">{t('auditView.all', lang)}</option>
            {AUDIT_ACTIONS.map((a) => (
              <option key={a} value={a}>
                {actionLabel(a, lang)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('auditView.filter.actor', lang)}
          <select name="actor" defaultValue={filters.actor ?? ''}>
            <option value="">{t('auditView.all', lang)}</option>
            <option value="system">{t('auditView.system', lang)}</option>
            {actors.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('auditView.filter.from', lang)}
          <input type="date" name="from" defaultValue={filters.from ?? params.get('from') ?? ''} />
        </label>
        <label>
          {t('auditView.filter.to', lang)}
          <input type="date" name="to" defaultValue={filters.to ?? params.get('to') ?? ''} />
        </label>
        <label>
          {t('auditView.filter.collection', lang)}
          <select name="collection" defaultValue={filters.collection ?? ''}>
            <option value="">{t('auditView.all', lang)}</option>
            {Object.keys(AUDIT_TARGETS).map((c) => (
              <option key={c} value={c}>
                {targetLabel(c, lang)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">{t('auditView.submit', lang)}</button>
      </form>
      {problems.length ? (
        <ul className="al-error" role="alert" id="audit-filter-errors">
          {problems.map((p) => (
            <li key={p.field} data-field={p.field}>
              {t(`auditView.filter.${p.field}`, lang)}：{problemOf(p.field)}
            </li>
          ))}
        </ul>
      ) : null}
      {list ? (
        <>
          <p className="al-actions">
            <span id="audit-count">{t('auditView.count', lang, { n: list.total })}</span>
            <a href={csv} id="audit-csv" download>
              {t('auditView.csv', lang)}
            </a>
          </p>
          {list.entries.length ? <Entries entries={list.entries} lang={lang} /> : <p>{t('auditView.empty', lang)}</p>}
          {list.pages > 1 ? (
            <nav className="al-pager" aria-label={t('auditView.page', lang, { page: list.page, pages: list.pages })}>
              {list.page > 1 ? <a href={pageLink(list.page - 1)}>{t('auditView.prev', lang)}</a> : null}
              <span>{t('auditView.page', lang, { page: list.page, pages: list.pages })}</span>
              {list.page < list.pages ? <a href={pageLink(list.page + 1)}>{t('auditView.next', lang)}</a> : null}
            </nav>
          ) : null}
        </>
      ) : null}
    </div>
  )
}

function Entries({ entries, lang }: { entries: AuditEntry[]; lang: Lang }) {
  return (
    <table className="al-table" id="audit-table">
      <thead>
        <tr>
          <th scope="col">{t('audit.at', lang)}</th>
          <th scope="col">{t('audit.action', lang)}</th>
          <th scope="col">{t('audit.actor', lang)}</th>
          <th scope="col">{t('auditView.col.collection', lang)}</th>
          <th scope="col">{t('auditView.col.title', lang)}</th>
          <th scope="col">{t('audit.detail', lang)}</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((e) => (
          <tr key={String(e.id)} data-action={e.action}>
            <td className="al-time">
              <a href={`${LIST_PATH}/${e.id}`}>{formatDateTime(e.createdAt)}</a>
            </td>
            <td>{actionLabel(e.action, lang)}</td>
            <td>{e.actorName ?? ''}</td>
            <td>{targetLabel(e.targetCollection, lang)}</td>
            <td>
              {e.targetTitle ?? ''}
              {e.targetId ? <span style={{ color: 'var(--theme-elevation-500)' }}> #{e.targetId}</span> : null}
            </td>
            <td>{e.detail ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
