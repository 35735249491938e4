import { type Lang, t } from '../i18n/messages'
import type { ContentReport, DashboardRow, Figure } from '../readership/dashboard'
import { countText } from '../readership/home'

/**
 * The readership dashboard's top: the headline figures of one content
 * (submitted, readers, read rate, reach, the grids with the best and the
 * lowest reach), then the definitions folded under 指标说明. Figures are the
 * dashboard's own (the total row and grid rows), never recomputed.
 */
export const HEADLINE_CSS = `
.rs-headline { margin: 1rem 0; }
.rs-headline h2 { margin: 0 0 0.5rem; font-size: 1.1rem; }
.rs-headline dl { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 10rem), 1fr)); gap: 0.75rem; margin: 0; }
.rs-headline dl > div { border: 1px solid var(--theme-elevation-150); border-radius: 6px; padding: 0.6rem 0.75rem; background: var(--theme-elevation-50); min-width: 0; }
.rs-headline dt { font-size: 0.85rem; color: var(--theme-elevation-600); }
.rs-headline dd { margin: 0.15rem 0 0; font-size: 1.4rem; font-weight: 700; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
.rs-headline dd.rs-grid-name { font-size: 1rem; }
.rs-defs { margin: 0.5rem 0 1.25rem; max-width: 60rem; }
.rs-defs summary { cursor: pointer; font-weight: 600; }
.rs-defs ul { margin: 0.5rem 0; padding-left: 1.25rem; color: var(--theme-elevation-700); }
.rs-defs li { margin: 0.25rem 0; }
.rs-picker .rs-date { display: inline-flex; gap: 0.5rem; align-items: center; }
.rs-picker .rs-date .date-time-picker { min-width: 9.5rem; }
/* A phone: each table row becomes a card, each figure a line with its column's name. */
@media (max-width: 700px) {
  .rs-picker select { min-width: 0; width: 100%; }
  .rs-table-wrap { overflow-x: visible; }
  .rs-table, .rs-table tbody, .rs-table tr, .rs-table th, .rs-table td, .rs-table caption { display: block; width: auto; }
  .rs-table thead { display: none; }
  .rs-table tr { border: 1px solid var(--theme-elevation-150); border-radius: 6px; margin: 0 0 0.75rem; padding: 0.5rem 0.75rem; }
  .rs-table th, .rs-table td { border: 0; padding: 0.15rem 0; }
  .rs-table tbody th { font-size: 1rem; font-weight: 700; white-space: normal; }
  .rs-table td.n { display: flex; justify-content: space-between; gap: 1rem; text-align: right; }
  .rs-table td[data-label]::before { content: attr(data-label); color: var(--theme-elevation-600); text-align: left; font-style: normal; margin-right: 0.75rem; }
  .rs-table td:empty { display: none; }
}
`

/** The grids with the best and the lowest shown reach (none when fewer than two grids have one). */
export function bestAndWorst(rows: DashboardRow[]): { best: DashboardRow; worst: DashboardRow } | null {
  const shown = rows.filter((r) => r.kind === 'grid' && r.reach.state === 'shown' && r.reach.value !== null)
  if (shown.length < 2) return null
  const sorted = [...shown].sort((a, b) => (b.reach.value ?? 0) - (a.reach.value ?? 0))
  return { best: sorted[0], worst: sorted[sorted.length - 1] }
}

const shownOr = (f: Figure, lang: Lang) => (f.state === 'na' ? t('readership.hidden', lang) : f.display)

export function Headline({ report, lang, latest }: { report: Omit<ContentReport, 'wechat'>; lang: Lang; latest: boolean }) {
  const { total } = report
  const ends = bestAndWorst(report.rows)
  const gridName = (r: DashboardRow) => t('readership.headline.grid', lang, { grid: `${r.grid!.code} ${r.grid!.name}`, reach: r.reach.display })
  const title = t(latest ? 'readership.headline.latest' : 'readership.headline.of', lang, { title: report.content.title })
  return (
    <section className="rs-headline" id="readership-headline" aria-labelledby="rs-headline-title">
      <h2 id="rs-headline-title">
        {t('readership.headline.title', lang)}
        {t('home.line.separator', lang)}
        {title}
      </h2>
      <dl>
        <div data-figure="submitted">
          <dt>{t('readership.col.submitted', lang)}</dt>
          <dd>{countText(total.submitted) || shownOr(total.submitted, lang)}</dd>
        </div>
        <div data-figure="readers">
          <dt>{t('readership.col.readers', lang)}</dt>
          <dd>{countText(total.readers)}</dd>
        </div>
        <div data-figure="readRate">
          <dt>{t('readership.col.readRate', lang)}</dt>
          <dd>{shownOr(total.readRate, lang)}</dd>
        </div>
        <div data-figure="reach">
          <dt>{t('readership.col.reach', lang)}</dt>
          <dd>{shownOr(total.reach, lang)}</dd>
        </div>
        {ends ? (
          <>
            <div data-figure="best">
              <dt>{t('readership.headline.best', lang)}</dt>
              <dd className="rs-grid-name">{gridName(ends.best)}</dd>
            </div>
            <div data-figure="worst">
              <dt>{t('readership.headline.worst', lang)}</dt>
              <dd className="rs-grid-name">{gridName(ends.worst)}</dd>
            </div>
          </>
        ) : null}
      </dl>
    </section>
  )
}

/** 指标说明: what each figure means, in words, folded until asked for. */
export function Definitions({ lang, k }: { lang: Lang; k: number }) {
  return (
    <details className="rs-defs" id="readership-definitions">
      <summary>{t('readership.definitions', lang)}</summary>
      <ul>
        <li>{t('readership.def.submitted', lang)}</li>
        <li>{t('readership.def.readers', lang)}</li>
        <li>{t('readership.def.messageReaders', lang)}</li>
        <li>{t('readership.def.readRate', lang)}</li>
        <li>{t('readership.def.reach', lang)}</li>
        <li>{t('relayLeaders.def.relay', lang)}</li>
        <li id="readership-coverage-definition">{t('readership.coverage.legend', lang, { k })}</li>
      </ul>
      <ul className="rs-legend" id="readership-legend">
        <li>{t('readership.legend.small', lang, { k })}</li>
        <li>{t('readership.legend.hidden', lang)}</li>
        <li>{t('readership.legend.opens', lang)}</li>
      </ul>
    </details>
  )
}
