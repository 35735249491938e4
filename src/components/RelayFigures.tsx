import { type Lang, t } from '../i18n/messages'
import type { RelayReport } from '../readership/relayCoverage'

/**
 * Readers kept apart from relay and offline figures (issue 18), per grid
 * and building of one content: buildings relayed of the grid's buildings,
 * households told at the door (heads, the leader) and by phone, posters,
 * readers (the dashboard's figure), readers through building share links
 * ("—" until they are counted), reach as the dashboard has it, and
 * coverage as a lower–upper range. Used by the readership dashboard and the
 * leaders' building list. Plain HTML: no script.
 */
export function RelayFigures({ report, lang }: { report: RelayReport; lang: Lang }) {
  if (!report.grids.length) return null
  return (
    <section className="relay-figures" id="relay-figures" aria-labelledby="relay-figures-title">
      <h2 id="relay-figures-title">{t('relayLeaders.view.figures', lang)}</h2>
      <div className="relay-scroll">
        <table className="rs-table">
          <thead>
            <tr>
              <th scope="col">{t('readership.col.gridName', lang)}</th>
              <th scope="col">{t('readership.col.households', lang)}</th>
              <th scope="col">{t('readership.col.readers', lang)}</th>
              <th scope="col">{t('relayLeaders.col.linkReaders', lang)}</th>
              <th scope="col">{t('readership.col.reach', lang)}</th>
              <th scope="col">{t('relayLeaders.col.buildingsRelayed', lang)}</th>
              <th scope="col">{t('relayLeaders.col.headDoors', lang)}</th>
              <th scope="col">{t('relayLeaders.col.leaderDoors', lang)}</th>
              <th scope="col">{t('relayLeaders.col.leaderPhone', lang)}</th>
              <th scope="col">{t('relayLeaders.col.posters', lang)}</th>
              <th scope="col">{t('readership.col.coverage', lang)}</th>
            </tr>
          </thead>
          <tbody>
            {report.grids.map((g) => (
              <GridRows key={String(g.grid.id)} g={g} lang={lang} />
            ))}
          </tbody>
        </table>
      </div>
    </section>
  )
}

function GridRows({ g, lang }: { g: RelayReport['grids'][number]; lang: Lang }) {
  const v = g.coverage
  return (
    <>
      <tr className="relay-grid-row" data-grid={g.grid.code}>
        <th scope="row">{g.grid.name}</th>
        <td>{g.grid.households}</td>
        <td>{v?.readers.display ?? ''}</td>
        <td>{v ? v.buildingLinkReaders.display : ''}</td>
        <td>{g.reach?.display ?? ''}</td>
        <td>{t('relayLeaders.ofTotal', lang, { n: g.buildingsRelayed, total: g.buildingsTotal })}</td>
        <td>{g.buildings.reduce((s, b) => s + b.doorHouseholds, 0)}</td>
        <td>{g.offline.doorHouseholds}</td>
        <td>{g.offline.phoneHouseholds}</td>
        <td>{g.offline.posters}</td>
        <td className="relay-coverage">{v ? v.coverage.display : t('relayLeaders.view.coverageProblem', lang)}</td>
      </tr>
      {g.buildings.map((b, i) => (
        <tr key={b.code} className="relay-building-row" data-building={b.code}>
          <th scope="row">· {b.name || b.code}</th>
          <td>{b.households ?? ''}</td>
          <td />
          <td>{v ? v.buildings[i].readers.display : ''}</td>
          <td />
          <td>{t(`relayLeaders.status.${b.status}`, lang)}</td>
          <td>{b.doorHouseholds}</td>
          <td />
          <td />
          <td>{b.postedAt ? t('relayLeaders.yes', lang) : ''}</td>
          <td className="relay-coverage">{v?.buildings[i].coverage.display ?? ''}</td>
        </tr>
      ))}
    </>
  )
}

export const RELAY_CSS = `
.relay-scroll { overflow-x: auto; max-width: 100%; }
.relay-list { list-style: none; padding: 0; margin: 0.5rem 0; display: grid; gap: 0.5rem; }
.relay-list li { border: 1px solid var(--theme-elevation-150); border-radius: 6px; padding: 0.6rem 0.75rem; display: flex; flex-wrap: wrap; gap: 0.25rem 0.75rem; align-items: baseline; }
.relay-list li.relay-late { border-color: #c0392b; background: rgba(192, 57, 43, 0.06); }
.relay-list .relay-name { font-weight: 600; min-width: 5rem; }
.relay-list .relay-status { flex: 1 1 8rem; }
.relay-list a.relay-call { display: inline-block; padding: 0.35rem 0.9rem; border-radius: 4px; background: var(--theme-success-500, #2e7d32); color: #fff; text-decoration: none; font-size: 1rem; }
.relay-badge { color: #c0392b; font-weight: 600; }
.relay-form { display: grid; grid-template-columns: repeat(auto-fit, minmax(7rem, 1fr)); gap: 0.5rem; align-items: end; max-width: 36rem; }
.relay-form label { display: grid; gap: 0.2rem; font-size: 0.9rem; }
.relay-form input { font-size: 1rem; padding: 0.35rem; width: 100%; box-sizing: border-box; }
.relay-form button { font-size: 1rem; padding: 0.45rem 1rem; }
`
