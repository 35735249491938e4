import { DefaultTemplate } from '@payloadcms/next/templates'
import { Gutter } from '@payloadcms/ui'
import type { AdminViewServerProps } from 'payload'

import { CONTENT_SLUGS } from '../model/content'
import { type Lang, type MessageKey, t } from '../i18n/messages'
import { type ContentRef, type DashboardData, dashboardData, DashboardError, type DashboardRow, type Figure, READ_CHANNELS_SHOWN } from '../readership/dashboard'
import { optionsFromQuery } from '../readership/dashboardEndpoint'
import { HeatmapChart, ReachBars, TrendChart } from './ReadershipCharts'
import { contentKey, contentName, langFrom } from './ReadershipNames'
import { ReadershipDateField } from './ReadershipDateField'
import { Definitions, Headline, HEADLINE_CSS } from './ReadershipHeadline'
import { RollupNote } from './ReadershipRollupNote'

/**
 * /admin/readership (阅读统计): the readership dashboard inside the admin, a
 * server component reading dashboardData() with the logged-in user, so a
 * grid leader sees their grids only. A plain GET form picks the content; the
 * charts are SVG drawn here; the CSV link is the REST export.
 */
export const READERSHIP_CSS = `
.rs { padding-bottom: 3rem; max-width: 1200px; }
.rs h1 { margin: 1.5rem 0 0.5rem; }
.rs h2 { margin: 2rem 0 0.75rem; font-size: 1.25rem; }
.rs-intro, .rs-scope, .rs-legend { color: var(--theme-elevation-700); max-width: 60rem; }
.rs-picker { display: flex; gap: 0.75rem; align-items: center; flex-wrap: wrap; margin: 1rem 0; }
.rs-picker select { min-width: 22rem; max-width: 100%; padding: 0.4rem; font: inherit; background: var(--theme-input-bg); color: var(--theme-text); border: 1px solid var(--theme-elevation-150); border-radius: 4px; }
.rs-picker button, .rs-button { padding: 0.45rem 1rem; font: inherit; border-radius: 4px; border: 0; background: var(--theme-elevation-800); color: var(--theme-elevation-0); cursor: pointer; text-decoration: none; display: inline-block; }
.rs-actions { display: flex; gap: 1rem; margin: 0.5rem 0 1rem; flex-wrap: wrap; }
.rs-actions a { text-decoration: underline; }
.rs-table-wrap { overflow-x: auto; }
.rs-table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; font-size: 0.9rem; }
.rs-table caption { text-align: left; font-weight: 600; padding: 0.25rem 0 0.5rem; }
.rs-table th, .rs-table td { border: 1px solid var(--theme-elevation-150); padding: 0.35rem 0.5rem; }
.rs-table th { background: var(--theme-elevation-50); font-weight: 600; text-align: center; }
.rs-table td.n { text-align: right; white-space: nowrap; }
.rs-table tbody th { text-align: left; font-weight: 500; background: none; white-space: nowrap; }
.rs-table tr.rs-total td, .rs-table tr.rs-total th { font-weight: 700; background: var(--theme-elevation-50); }
.rs-table .rs-small, .rs-table .rs-hidden { color: var(--theme-elevation-500); }
.rs-table .rs-opens { color: var(--theme-elevation-600); font-style: italic; }
.rs-grid2 { display: grid; grid-template-columns: minmax(0, 2fr) minmax(16rem, 1fr); gap: 2rem; align-items: start; }
@media (max-width: 1000px) { .rs-grid2 { grid-template-columns: 1fr; } }
.rs-box { border: 1px solid var(--theme-elevation-150); border-radius: 6px; padding: 1rem; background: var(--theme-elevation-50); }
.rs-box h2 { margin-top: 0; }
.rs-box dl { display: grid; grid-template-columns: 1fr auto; gap: 0.35rem 1rem; margin: 0.5rem 0; }
.rs-box dd { margin: 0; text-align: right; font-variant-numeric: tabular-nums; font-weight: 600; }
.rs-note { font-size: 0.85rem; color: var(--theme-elevation-600); }
.rs-error { color: var(--theme-error-500); font-weight: 600; }
.rs-chart { display: block; margin: 0.5rem 0 1rem; font-size: 12px; }
.rs-chart text { fill: var(--theme-text); }
.rs-chart .rs-chart-axis { fill: var(--theme-elevation-600); }
.rs-bar { fill: #2a6fb0; }
.rs-bar-none, .rs-heat-none { fill: var(--theme-elevation-150); }
.rs-line { fill: none; stroke: #2a6fb0; stroke-width: 2.5; }
.rs-point { fill: #2a6fb0; }
.rs-grid-line { stroke: var(--theme-elevation-100); }
.rs-heat-text { font-size: 11px; }
.rs-kits { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 1.25rem; }
.rs-kit { border: 1px solid var(--theme-elevation-150); border-radius: 6px; padding: 1rem; }
.rs-kit h3 { margin: 0 0 0.5rem; font-size: 1.05rem; }
.rs-kit .rs-qr svg { width: 180px; height: 180px; display: block; margin: 0.5rem 0; background: #fff; }
.rs-kit input, .rs-kit textarea { width: 100%; font: inherit; font-size: 0.85rem; padding: 0.35rem; background: var(--theme-input-bg); color: var(--theme-text); border: 1px solid var(--theme-elevation-150); border-radius: 4px; }
.rs-kit textarea { min-height: 7rem; resize: vertical; }
.rs-kit label { display: block; font-size: 0.85rem; margin: 0.5rem 0 0.25rem; color: var(--theme-elevation-700); }
`

export { contentKey, contentName, langFrom } from './ReadershipNames'

export function searchParamsOf(searchParams: AdminViewServerProps['searchParams']): URLSearchParams {
  const out = new URLSearchParams()
  for (const [k, v] of Object.entries(searchParams ?? {})) {
    const first = Array.isArray(v) ? v[0] : v
    if (typeof first === 'string' && first !== '') out.set(k, first)
  }
  return out
}

/** The picker's list, with the chosen content in it even when it is older than the latest. */
export const withSelected = (list: ContentRef[], selected: ContentRef | null | undefined) =>
  selected && !list.some((c) => contentKey(c) === contentKey(selected)) ? [selected, ...list] : list

/** The content picker: a GET form, so the choice is in the address and works without script. */
export function ContentPicker({
  contents,
  current,
  action,
  lang,
  overview,
  range,
}: {
  contents: ContentRef[]
  current: string
  action: string
  lang: Lang
  overview: boolean
  /** Publication dates of the contents listed and trended (the overview). */
  range?: { from: string; to: string }
}) {
  return (
    <form method="get" action={action} className="rs-picker">
      <label htmlFor="rs-content">{t('readership.picker.label', lang)}</label>
      <select id="rs-content" name="content" defaultValue={current}>
        {overview ? <option value="">{t('readership.picker.overview', lang)}</option> : <option value="">—</option>}
        {CONTENT_SLUGS.map((type) => {
          const list = contents.filter((c) => c.type === type)
          if (!list.length) return null
          return (
            <optgroup key={type} label={t(`col.${type}.plural` as MessageKey, lang)}>
              {list.map((c) => (
                <option key={contentKey(c)} value={contentKey(c)}>
                  {contentName(c, lang)}
                </option>
              ))}
            </optgroup>
          )
        })}
      </select>
      {range ? (
        <>
          <ReadershipDateField id="rs-from" name="from" label={t('readership.picker.from', lang)} defaultValue={range.from} placeholder={t('readership.picker.datePlaceholder', lang)} />
          <ReadershipDateField id="rs-to" name="to" label={t('readership.picker.to', lang)} defaultValue={range.to} placeholder={t('readership.picker.datePlaceholder', lang)} />
        </>
      ) : null}
      <button type="submit">{t('readership.picker.submit', lang)}</button>
    </form>
  )
}

function Cell({ f, className, lang, k, label }: { f: Figure; className?: string; lang: Lang; k: number; label: string }) {
  const cls = [className, f.state === 'small' ? 'rs-small' : f.state === 'hidden' ? 'rs-hidden' : ''].filter(Boolean).join(' ')
  const title = f.state === 'small' ? t('readership.legend.small', lang, { k }) : f.state === 'hidden' ? t('readership.legend.hidden', lang) : undefined
  return (
    <td className={`n ${cls}`} title={title} data-state={f.state} data-label={label}>
      {f.display}
    </td>
  )
}

function Figures({ r, lang, k }: { r: DashboardRow; lang: Lang; k: number }) {
  // data-label names each figure on a phone, where the table's rows become cards (ReadershipHeadline.tsx).
  const col = (key: string) => t(`readership.col.${key}` as MessageKey, lang)
  return (
    <>
      <td className="n" data-label={col('households')}>{r.households ?? ''}</td>
      <Cell f={r.subscribers} lang={lang} k={k} label={col('subscribers')} />
      <Cell f={r.submitted} lang={lang} k={k} label={col('submitted')} />
      <Cell f={r.readers} lang={lang} k={k} label={col('readers')} />
      <Cell f={r.messageReaders} lang={lang} k={k} label={col('messageReaders')} />
      <Cell f={r.readRate} lang={lang} k={k} label={col('readRate')} />
      <Cell f={r.reach} lang={lang} k={k} label={col('reach')} />
      {READ_CHANNELS_SHOWN.map((c) => (
        <Cell key={c} f={r.channels[c]} lang={lang} k={k} label={t('readership.card.channel', lang, { channel: t(`readership.channel.${c}` as MessageKey, lang) })} />
      ))}
      <Cell f={r.opens} className="rs-opens" lang={lang} k={k} label={col('opens')} />
    </>
  )
}

function FigureHeads({ lang, first }: { lang: Lang; first: React.ReactNode }) {
  return (
    <thead>
      <tr>
        {first}
        <th scope="col" rowSpan={2}>{t('readership.col.households', lang)}</th>
        <th scope="col" rowSpan={2}>{t('readership.col.subscribers', lang)}</th>
        <th scope="col" rowSpan={2}>{t('readership.col.submitted', lang)}</th>
        <th scope="col" rowSpan={2}>{t('readership.col.readers', lang)}</th>
        <th scope="col" rowSpan={2}>{t('readership.col.messageReaders', lang)}</th>
        <th scope="col" rowSpan={2}>{t('readership.col.readRate', lang)}</th>
        <th scope="col" rowSpan={2}>{t('readership.col.reach', lang)}</th>
        <th scope="colgroup" colSpan={READ_CHANNELS_SHOWN.length}>{t('readership.col.byChannel', lang)}</th>
        <th scope="col" rowSpan={2}>{t('readership.col.opens', lang)}</th>
      </tr>
      <tr>
        {READ_CHANNELS_SHOWN.map((c) => (
          <th scope="col" key={c}>{t(`readership.channel.${c}` as MessageKey, lang)}</th>
        ))}
      </tr>
    </thead>
  )
}

function ContentTable({ data, lang }: { data: DashboardData; lang: Lang }) {
  const report = data.content!
  const k = data.minGroupSize
  const nameOf = (r: DashboardRow) => (r.kind === 'grid' ? `${r.grid!.code} ${r.grid!.name}` : t(r.kind === 'total' ? 'readership.row.total' : 'readership.row.unattributed', lang))
  return (
    <div className="rs-table-wrap">
      <table className="rs-table" id="readership-table">
        <caption>{t('readership.table.caption', lang, { title: report.content.title })}</caption>
        <FigureHeads
          lang={lang}
          first={
            <>
              <th scope="col" rowSpan={2}>{t('readership.col.gridName', lang)}</th>
              <th scope="col" rowSpan={2}>{t('readership.col.community', lang)}</th>
            </>
          }
        />
        <tbody>
          {[...report.rows, report.total].map((r) => (
            <tr key={r.grid ? String(r.grid.id) : r.kind} data-grid={r.grid?.code ?? r.kind} className={r.kind === 'total' ? 'rs-total' : undefined}>
              <th scope="row">{nameOf(r)}</th>
              <td data-label={t('readership.col.community', lang)}>{r.grid?.community ?? ''}</td>
              <Figures r={r} lang={lang} k={k} />
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

function OverviewTable({ data, lang }: { data: DashboardData; lang: Lang }) {
  if (!data.contents.length) return <p>{t('readership.empty', lang)}</p>
  return (
    <div className="rs-table-wrap">
      <table className="rs-table" id="readership-overview">
        <caption>{t('readership.overview.title', lang)}</caption>
        <FigureHeads
          lang={lang}
          first={
            <>
              <th scope="col" rowSpan={2}>{t('readership.col.content', lang)}</th>
              <th scope="col" rowSpan={2}>{t('readership.col.type', lang)}</th>
            </>
          }
        />
        <tbody>
          {data.contents.map(({ content, total }) => (
            <tr key={contentKey(content)} data-content={contentKey(content)}>
              <th scope="row">
                <a href={`?content=${encodeURIComponent(contentKey(content))}`}>{contentName(content, lang)}</a>
              </th>
              <td data-label={t('readership.col.type', lang)}>{t(`col.${content.type}.singular` as MessageKey, lang)}</td>
              <Figures r={total} lang={lang} k={data.minGroupSize} />
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

function WechatBox({ data, lang }: { data: DashboardData; lang: Lang }) {
  const w = data.content!.wechat
  return (
    <section className="rs-box" id="readership-wechat" aria-labelledby="rs-wechat-title">
      <h2 id="rs-wechat-title">{t('readership.wechat.title', lang)}</h2>
      {w ? (
        <dl>
          {(['readUsers', 'reads', 'shareUsers', 'shares'] as const).map((f) => (
            <div key={f} style={{ display: 'contents' }}>
              <dt>{t(`readership.wechat.${f}` as MessageKey, lang)}</dt>
              <dd>{w[f].display}</dd>
            </div>
          ))}
          <dt>{t('readership.wechat.days', lang)}</dt>
          <dd>{w.days}</dd>
        </dl>
      ) : (
        <p>{t('readership.wechat.none', lang)}</p>
      )}
      <p className="rs-note">{t('readership.wechat.note', lang)}</p>
    </section>
  )
}

export function ReadershipTemplate(props: AdminViewServerProps & { children: React.ReactNode }) {
  const { initPageResult, params, searchParams, children } = props
  return (
    <DefaultTemplate
      i18n={initPageResult.req.i18n}
      locale={initPageResult.locale}
      params={params}
      payload={initPageResult.req.payload}
      permissions={initPageResult.permissions}
      req={initPageResult.req}
      searchParams={searchParams}
      user={initPageResult.req.user ?? undefined}
      visibleEntities={initPageResult.visibleEntities}
    >
      <Gutter>
        <div className="rs">
          <style>{READERSHIP_CSS}</style>
          {children}
        </div>
      </Gutter>
    </DefaultTemplate>
  )
}

export async function ReadershipView(props: AdminViewServerProps) {
  const { initPageResult, searchParams } = props
  const req = initPageResult.req
  const lang = langFrom(req)
  const admin = req.payload.config.routes.admin
  const query = searchParamsOf(searchParams)
  let data: DashboardData | null = null
  let error: string | null = null
  try {
    data = await dashboardData(req.payload, req, optionsFromQuery(query, lang))
  } catch (err) {
    if (!(err instanceof DashboardError)) throw err
    error = t(err.key, lang)
    // A bad or foreign content: show the overview with the message above it.
    if (err.status !== 403) data = await dashboardData(req.payload, req, { lang }).catch(() => null)
  }
  const current = data?.content ? contentKey(data.content.content) : ''
  const range = { from: query.get('from') ?? '', to: query.get('to') ?? '' }
  const csvQuery = new URLSearchParams()
  if (current) csvQuery.set('content', current)
  if (range.from && !error) csvQuery.set('from', range.from)
  if (range.to && !error) csvQuery.set('to', range.to)
  const csv = `/api/read-rollups/dashboard.csv${csvQuery.size ? `?${csvQuery}` : ''}`
  const k = data?.minGroupSize ?? 3
  // The headline: the chosen content, or on the overview the latest one (its own report, for its grids' best and worst).
  const latest = data && !data.content && data.contents[0] ? data.contents[0].content : null
  const headline = data?.content ?? (latest ? (await dashboardData(req.payload, req, { contentType: latest.type, contentId: latest.id, lang }).catch(() => null))?.content : null)
  return (
    <ReadershipTemplate {...props}>
      <style>{HEADLINE_CSS}</style>
      <h1>{t('readership.title', lang)}</h1>
      {error ? (
        <p className="rs-error" role="alert">
          {error}
        </p>
      ) : null}
      {data ? (
        <>
          <p className="rs-scope">
            {data.scope.all ? t('readership.scope.all', lang) : data.scope.grids.length ? t('readership.scope.mine', lang, { grids: data.scope.grids.map((g) => g.name).join('、') }) : t('readership.noGrids', lang)}
          </p>
          <RollupNote rollup={data.rollup} lang={lang} />
          <ContentPicker contents={withSelected(data.contents.map((c) => c.content), data.content?.content)} current={current} action={`${admin}/readership`} lang={lang} overview range={range} />
          {headline ? <Headline report={headline} lang={lang} latest={!data.content} /> : null}
          <Definitions lang={lang} k={k} />
          <p className="rs-actions">
            <a href={csv} id="readership-csv" download>
              {t('readership.csv', lang)}
            </a>
            <a href={`${admin}/readership/share${current ? `?content=${encodeURIComponent(current)}` : ''}`} id="readership-share">
              {t('readership.shareKits', lang)}
            </a>
          </p>
          {data.content ? (
            <>
              <ContentTable data={data} lang={lang} />
              <div className="rs-grid2">
                <section aria-labelledby="rs-reach-title">
                  <h2 id="rs-reach-title">{t('readership.chart.reach.title', lang)}</h2>
                  <ReachBars rows={data.content.rows} title={data.content.content.title} lang={lang} id="readership-reach" />
                </section>
                <WechatBox data={data} lang={lang} />
              </div>
            </>
          ) : (
            <OverviewTable data={data} lang={lang} />
          )}
          <section aria-labelledby="rs-trend-title">
            <h2 id="rs-trend-title">{t('readership.chart.trend.title', lang, { n: data.trend.length })}</h2>
            {data.trend.length ? <TrendChart points={data.trend} lang={lang} id="readership-trend" /> : <p>{t('readership.chart.none', lang)}</p>}
          </section>
          {data.trend.length && data.heatmap.grids.length ? (
            <section aria-labelledby="rs-heat-title">
              <h2 id="rs-heat-title">{t('readership.heatmap.title', lang)}</h2>
              <p className="rs-note">{t('readership.heatmap.desc', lang, { k })}</p>
              <HeatmapChart heatmap={data.heatmap} lang={lang} id="readership-heatmap" k={k} />
            </section>
          ) : null}
        </>
      ) : null}
    </ReadershipTemplate>
  )
}
