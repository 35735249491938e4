import { DefaultTemplate } from '@payloadcms/next/templates'
import { Gutter } from '@payloadcms/ui'
import type { AdminViewServerProps } from 'payload'

import { CONTENT_SLUGS } from '../model/content'
import { type Lang, type MessageKey, t } from '../i18n/messages'
import { type ContentRef, type DashboardData, dashboardData, DashboardError } from '../readership/dashboard'
import { optionsFromQuery } from '../readership/dashboardEndpoint'
import { HeatmapChart, ReachBars, TrendChart } from './ReadershipCharts'
import { contentKey, contentName, langFrom } from './ReadershipNames'
import { ReadershipDateField } from './ReadershipDateField'
import { ContentTable, OverviewTable } from './ReadershipTables'
import { Definitions, Headline, HEADLINE_CSS } from './ReadershipHeadline'
import { RollupNote } from './ReadershipRollupNote'
import { READERSHIP_CSS } from './ReadershipStyles'
import { relayReport } from '../readership/relayCoverage'
import { RELAY_CSS, RelayFigures } from './RelayFigures'

/**
 * /admin/readership (阅读统计): the readership dashboard inside the admin, a
 * server component reading dashboardData() with the logged-in user, so a
 * grid leader sees their grids only. A plain GET form picks the content; the
 * charts are SVG drawn here; the CSV link is the REST export.
 */
export { READERSHIP_CSS } from './ReadershipStyles'

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
  // Relay, offline and coverage figures of the chosen content, apart from its readers (issue 18).
  const relay = data?.content ? await relayReport(req, data.content.content.type, data.content.content.id, { lang }).catch(() => null) : null
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
              {relay ? (
                <>
                  <style>{RELAY_CSS}</style>
                  <RelayFigures report={relay} lang={lang} />
                  <p className="rs-actions">
                    <a href={`${admin}/relay?content=${encodeURIComponent(current)}`} id="readership-relay">
                      {t('relayLeaders.view.title', lang)}
                    </a>
                    <a href={`/api/offline-reach/report.csv?content=${encodeURIComponent(current)}`} id="readership-relay-csv" download>
                      {t('relayLeaders.view.csv', lang)}
                    </a>
                  </p>
                </>
              ) : null}
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
