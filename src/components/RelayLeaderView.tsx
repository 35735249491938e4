import type { AdminViewServerProps } from 'payload'

import { type Lang, t } from '../i18n/messages'
import { dashboardData, DashboardError } from '../readership/dashboard'
import { relayReport, type RelayReport } from '../readership/relayCoverage'
import type { BuildingLine, GridBuildings } from '../readership/relayLeaders'
import { buildingList, type BuildingList } from '../readership/relayLeaders'
import { contentKey, langFrom } from './ReadershipNames'
import { ContentPicker, ReadershipTemplate, searchParamsOf, withSelected } from './ReadershipView'
import { RELAY_CSS, RelayFigures } from './RelayFigures'

/**
 * /admin/relay?content=type:id (楼栋转达): a grid leader's building list for
 * one content, made for a phone at 390 px: each building's state (已入户告知
 * N / 户数, 已转发到楼栋群, 已张贴, 尚未确认), overdue ones first and marked,
 * with the head's name and a tel: button; the leader's offline reach as a
 * plain form (POST /api/offline-reach/log, no script needed); the relay and
 * coverage figures and their CSV. Editors see every grid; grid leaders and
 * community staff their grids (community staff without the heads' phones).
 */
const telOf = (phone: string) => `tel:${phone.replace(/[^\d+]/g, '')}`
const order: Record<BuildingLine['status'], number> = { none: 0, posted: 1, relayed: 2, doors: 3 }

function statusText(b: BuildingLine, lang: Lang): string {
  const parts: string[] = []
  if (b.doorHouseholds > 0) parts.push(t('relayLeaders.view.doors', lang, { n: b.doorHouseholds, total: b.households ?? '—' }))
  if (b.relayedAt) parts.push(t('relayLeaders.status.relayed', lang))
  if (b.postedAt) parts.push(t('relayLeaders.status.posted', lang))
  return parts.length ? parts.join('，') : t('relayLeaders.status.none', lang)
}

function GridSection({ g, content, lang, saved }: { g: GridBuildings; content: string; lang: Lang; saved: boolean }) {
  const buildings = [...g.buildings].sort((a, b) => Number(b.late) - Number(a.late) || order[a.status] - order[b.status] || a.code.localeCompare(b.code))
  const none = g.buildings.filter((b) => b.status === 'none').length
  const relayed = g.buildings.filter((b) => b.relayedAt).length
  return (
    <section className="relay-grid" id={`relay-grid-${g.grid.code}`} aria-labelledby={`relay-grid-${g.grid.code}-title`}>
      <h2 id={`relay-grid-${g.grid.code}-title`}>{g.grid.name}</h2>
      {g.buildings.length ? (
        <>
          <p>{t('relayLeaders.view.summary', lang, { relayed, total: g.buildings.length, none })}</p>
          <ul className="relay-list">
            {buildings.map((b) => (
              <li key={b.code} className={b.late ? 'relay-late' : undefined} data-building={b.code} data-status={b.status}>
                <span className="relay-name">{b.name || b.code}</span>
                <span className="relay-status">
                  {statusText(b, lang)}
                  {b.late ? <span className="relay-badge">（{t('relayLeaders.view.late', lang)}）</span> : null}
                </span>
                {b.head ? <span>{b.head}</span> : null}
                {b.headPhone ? (
                  <a className="relay-call" href={telOf(b.headPhone)}>
                    {t('relayLeaders.view.call', lang)} {b.headPhone}
                  </a>
                ) : null}
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p>{t('relayLeaders.view.noBuildings', lang)}</p>
      )}
      {g.canLog ? (
        <form method="post" action="/api/offline-reach/log" className="relay-form" id={`relay-offline-${g.grid.code}`}>
          <input type="hidden" name="content" value={content} />
          <input type="hidden" name="grid" value={String(g.grid.id)} />
          <strong style={{ gridColumn: '1 / -1' }}>{t('relayLeaders.view.offline', lang)}</strong>
          {(['doorHouseholds', 'phoneHouseholds', 'posters'] as const).map((f) => (
            <label key={f}>
              {t(f === 'doorHouseholds' ? 'relayLeaders.col.leaderDoors' : f === 'phoneHouseholds' ? 'relayLeaders.col.leaderPhone' : 'relayLeaders.col.posters', lang)}
              <input type="number" name={f} min={0} max={f === 'posters' ? undefined : g.grid.households} inputMode="numeric" defaultValue={g.offline[f]} />
            </label>
          ))}
          <button type="submit">{t('relayLeaders.view.save', lang)}</button>
          {saved ? <p role="status">{t('relayLeaders.view.saved', lang)}</p> : null}
        </form>
      ) : null}
    </section>
  )
}

export async function RelayLeaderView(props: AdminViewServerProps) {
  const req = props.initPageResult.req
  const lang = langFrom(req)
  const admin = req.payload.config.routes.admin
  const query = searchParamsOf(props.searchParams)
  const wanted = query.get('content') ?? ''
  const m = /^([a-z]+):([A-Za-z0-9_-]{1,64})$/.exec(wanted)
  let list: BuildingList | null = null
  let report: RelayReport | null = null
  let error = query.get('error')
  if (m) {
    try {
      list = await buildingList(req, m[1], m[2])
      report = await relayReport(req, m[1], m[2], { lang })
    } catch (err) {
      if (!(err instanceof DashboardError)) throw err
      error = t(err.key, lang)
    }
  }
  const picker = await dashboardData(req.payload, req, { lang }).catch(() => null)
  const current = list ? contentKey(list.content) : ''
  return (
    <ReadershipTemplate {...props}>
      <style>{RELAY_CSS}</style>
      <h1>{t('relayLeaders.view.title', lang)}</h1>
      {error ? (
        <p className="rs-error" role="alert">
          {t('relayLeaders.view.error', lang, { message: error })}
        </p>
      ) : null}
      {picker ? <ContentPicker contents={withSelected(picker.contents.map((c) => c.content), list?.content)} current={current} action={`${admin}/relay`} lang={lang} overview={false} /> : null}
      {list ? (
        <>
          <h2>{list.content.title}</h2>
          <p className="rs-note">{t('relayLeaders.view.due', lang, { minutes: list.confirmMinutes })}</p>
          {list.grids.length ? list.grids.map((g) => <GridSection key={String(g.grid.id)} g={g} content={current} lang={lang} saved={query.get('saved') === String(g.grid.id)} />) : <p>{t('relayLeaders.view.none', lang)}</p>}
          {report ? <RelayFigures report={report} lang={lang} /> : null}
          <p className="rs-actions">
            <a href={`/api/offline-reach/report.csv?content=${encodeURIComponent(current)}`} id="relay-csv" download>
              {t('relayLeaders.view.csv', lang)}
            </a>
          </p>
        </>
      ) : !error ? (
        <p>{t('relayLeaders.view.pick', lang)}</p>
      ) : null}
    </ReadershipTemplate>
  )
}
