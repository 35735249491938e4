import { columnLabel, type Freshness, overdue } from '../content/freshness'
import { type Lang, t } from '../i18n/messages'
import { formatDate } from '../templates/format'

/**
 * The freshness warning for editors and admins (issue 16): the columns
 * without a publication for the warning threshold or longer, most overdue
 * first, on the editors' home (HomeBody.tsx) and the inspection report, from
 * freshnessList(). Nothing is shown when all is fresh.
 */
const CSS = `
.fw { margin: 0 0 1.5rem; padding: 0.75rem 1rem; border-radius: 6px; border: 1px solid var(--theme-warning-500, #c77700); background: var(--theme-warning-50, #fff8e6); }
.fw.fw-alert { border-color: var(--theme-error-500, #b3261e); background: var(--theme-error-50, #fdecea); }
.fw h2 { margin: 0 0 0.25rem; font-size: 1.05rem; }
.fw p { margin: 0 0 0.5rem; }
.fw ul { margin: 0; padding-left: 1.2rem; }
.fw li { margin: 0.15rem 0; }
.fw .fw-level { font-weight: 700; }
`
const SHOWN = 8

export function FreshnessWarning({ freshness, lang, admin = '/admin' }: { freshness: Freshness; lang: Lang; admin?: string }) {
  const list = overdue(freshness)
  if (!list.length) return null
  const alert = list.some((c) => c.level === 'alert')
  return (
    <section className={`fw${alert ? ' fw-alert' : ''}`} id="freshness-warning" role={alert ? 'alert' : 'status'}>
      <style>{CSS}</style>
      <h2>{t('freshness.title', lang)}</h2>
      <p>{t('freshness.intro', lang, { warn: freshness.warnDays, alert: freshness.alertDays })}</p>
      <ul>
        {list.slice(0, SHOWN).map((c) => (
          <li key={c.key} data-column={c.key} data-level={c.level}>
            <span className="fw-level">{t(`freshness.level.${c.level}`, lang)}</span>{' '}
            {t('freshness.item', lang, { column: columnLabel(c, lang), days: c.days ?? 0, date: c.last ? formatDate(c.last.at) : '', title: c.last?.title ?? '' })}
          </li>
        ))}
      </ul>
      {list.length > SHOWN ? (
        <p>
          <a href={`${admin}/inspection`}>{t('freshness.more', lang, { n: list.length - SHOWN })}</a>
        </p>
      ) : null}
    </section>
  )
}
