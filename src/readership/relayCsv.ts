import { type Lang, type MessageKey, t } from '../i18n/messages'
import { csvLine } from '../lib/csv'
import type { RelayReport } from './relayCoverage'

/**
 * The relay and coverage figures of one content as CSV: one line per grid,
 * then one per building of it. Readers are the shown figures ("<3", "—"
 * where the small-group rule hides them), coverage its lower and upper
 * households and the range as the dashboard shows it.
 */
export function relayCsv(report: RelayReport, lang: Lang = 'zh'): { text: string; rows: number } {
  const h = (key: MessageKey) => t(key, lang)
  const lines = [
    csvLine([
      h('readership.col.content'),
      h('readership.col.grid'),
      h('readership.col.gridName'),
      h('relayLeaders.col.building'),
      h('relayLeaders.col.buildingName'),
      h('readership.col.households'),
      h('relayLeaders.col.head'),
      h('relayLeaders.col.status'),
      h('relayLeaders.col.buildingsRelayed'),
      h('relayLeaders.col.headDoors'),
      h('relayLeaders.col.leaderDoors'),
      h('relayLeaders.col.leaderPhone'),
      h('relayLeaders.col.posters'),
      h('readership.col.readers'),
      h('relayLeaders.col.linkReaders'),
      h('readership.col.reach'),
      h('relayLeaders.col.coverageLower'),
      h('relayLeaders.col.coverageUpper'),
      h('readership.col.coverage'),
    ]),
  ]
  for (const g of report.grids) {
    const v = g.coverage
    lines.push(
      csvLine([
        report.content.title,
        g.grid.code,
        g.grid.name,
        '',
        '',
        g.grid.households,
        '',
        '',
        t('relayLeaders.ofTotal', lang, { n: g.buildingsRelayed, total: g.buildingsTotal }),
        g.buildings.reduce((s, b) => s + b.doorHouseholds, 0),
        g.offline.doorHouseholds,
        g.offline.phoneHouseholds,
        g.offline.posters,
        v?.readers.display ?? '',
        v ? v.buildingLinkReaders.display : '',
        g.reach?.display ?? '',
        v?.coverage.lower ?? '',
        v?.coverage.upper ?? '',
        v?.coverage.display ?? g.problem ?? '',
      ]),
    )
    g.buildings.forEach((b, i) => {
      const row = v?.buildings[i]
      lines.push(
        csvLine([
          report.content.title,
          g.grid.code,
          g.grid.name,
          b.code,
          b.name,
          b.households ?? '',
          b.head ?? '',
          h(`relayLeaders.status.${b.status}` as MessageKey),
          b.relayedAt ? h('relayLeaders.yes') : '',
          b.doorHouseholds,
          '',
          '',
          b.postedAt ? h('relayLeaders.yes') : '',
          '',
          row ? row.readers.display : '',
          '',
          row?.coverage.lower ?? '',
          row?.coverage.upper ?? '',
          row?.coverage.display ?? '',
        ]),
      )
    })
  }
  return { text: lines.join(''), rows: lines.length - 1 }
}
