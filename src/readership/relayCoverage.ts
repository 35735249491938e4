import type { Payload, PayloadRequest } from 'payload'

import type { Id } from '../access'
import type { Lang } from '../i18n/messages'
import { env } from '../server/env'
import { CoverageInputError, type CoverageView, coverageView, type GridReach, registerCoverage } from './coverage'
import { dashboardData, type DashboardRow, type GridInfo } from './dashboard'
import { SuppressionTable } from './dashboardSuppression'
import { type BuildingLine, buildingList, type OfflineFigures } from './relayLeaders'
import { rollupTotals } from './store'

/**
 * Reach, honestly counted (issue 18): per grid of one content, readers
 * (people who opened it online, the dashboard's figure under the
 * small-group rule) kept apart from relay and offline figures (buildings
 * relayed of the grid's buildings, households told at the door by heads and
 * by the leader, by phone, posters), readers through building share links,
 * and coverage (覆盖率) as the lower–upper range of coverage.ts. Reach
 * (触达率) stays the dashboard's: readers ÷ households.
 *
 * Each grid's figures are cut from one suppression table: the grid's
 * readers as the dashboard shows them (withheld here where the dashboard
 * withholds them), the building-link readers and each building's readers
 * as its parts (complementary hiding), so no bound tells more than the
 * figures beside it.
 */

export type RelayGridReport = {
  grid: GridInfo
  buildingsTotal: number
  buildingsRelayed: number
  offline: OfflineFigures
  /** The dashboard's reach for the grid (readers ÷ households), unchanged. */
  reach: DashboardRow['reach'] | null
  /** Null when the figures cannot be bounded (bad building data): `problem` says why. */
  coverage: CoverageView | null
  problem: string | null
  buildings: BuildingLine[]
}

export type RelayReport = { content: { type: string; id: Id; title: string }; minGroupSize: number; grids: RelayGridReport[] }

/**
 * Readers through each building's share link, per grid (grid id → building
 * code → unique readers): the rollup's building rows (src/readership/rollup.ts,
 * channel 'building'), made from the read events that carry a building (the
 * heads' share links, src/relay/), one reader once per building, opens apart,
 * summed over the days. The rollup keeps them past READ_RETENTION_DAYS, when
 * the raw events are gone; like the grid figures, they are as of the last
 * rollup (every ROLLUP_EVERY_MS).
 */
export async function buildingLinkReaders(payload: Payload, content: { type: string; id: Id }, grids: Id[]): Promise<Map<string, Map<string, number>>> {
  const readers = new Map<string, Map<string, number>>()
  if (!grids.length) return readers
  const { docs } = await payload.db.find({
    collection: 'read-rollups',
    where: {
      and: [
        { contentType: { equals: content.type } },
        { contentId: { equals: String(content.id) } },
        { grid: { in: grids.map(String) } },
        { channel: { equals: 'building' } },
      ],
    },
    limit: 0,
    pagination: false,
    select: { grid: true, building: true, readers: true },
  })
  for (const r of docs as unknown as { grid?: string | null; building?: string | null; readers?: number | null }[]) {
    if (!r.grid || !r.building) continue
    const perBuilding = readers.get(r.grid) ?? new Map<string, number>()
    perBuilding.set(r.building, (perBuilding.get(r.building) ?? 0) + (Number(r.readers) || 0))
    readers.set(r.grid, perBuilding)
  }
  return readers
}

/** Unique readers of a content per grid (the rollups' 'all' rows: any channel, one reader once). */
async function gridReaders(payload: Payload, content: { type: string; id: Id }, grids: Id[]): Promise<Map<string, number>> {
  const out = new Map<string, number>()
  for (const r of await rollupTotals(payload, [content], grids.map(String))) {
    if (r.channel === 'all') out.set(String(r.grid), (out.get(String(r.grid)) ?? 0) + r.readers)
  }
  return out
}

/**
 * One grid's coverage as shown, on its own suppression table: the grid's
 * readers (withheld where the dashboard withholds them: `dashboardState`),
 * the building-link readers and each building's readers as its parts.
 * A CoverageInputError (figures that cannot be) is returned, not thrown.
 */
export function gridCoverage(reach: GridReach, dashboardState: string | null, k: number, lang: Lang): CoverageView | CoverageInputError {
  try {
    const table = new SuppressionTable(k)
    const gridCell = table.cell(reach.readers)
    // The dashboard's table for this content may withhold the grid's readers (complementary hiding across grids): so do we.
    if (dashboardState === 'hidden') table.withhold(gridCell)
    const cells = registerCoverage(table, reach, { gridReaders: gridCell })
    table.run()
    return coverageView(table, cells, reach, lang)
  } catch (err) {
    if (err instanceof CoverageInputError) return err
    throw err
  }
}

export async function relayReport(req: PayloadRequest, type: string, id: Id, opts: { grid?: string | null; lang?: Lang; now?: Date } = {}): Promise<RelayReport> {
  const lang = opts.lang ?? 'zh'
  const k = env.minGroupSize
  const list = await buildingList(req, type, id, opts)
  const ids = list.grids.map((g) => g.grid.id)
  const [readers, links, dashboard] = await Promise.all([
    gridReaders(req.payload, list.content, ids),
    buildingLinkReaders(req.payload, list.content, ids),
    dashboardData(req.payload, req, { lang, contentType: list.content.type, contentId: String(list.content.id) }),
  ])
  const rows = dashboard.content?.rows ?? []
  const grids = list.grids.map(({ grid, buildings, offline }): RelayGridReport => {
    const row = rows.find((r) => r.grid && String(r.grid.id) === String(grid.id)) ?? null
    const perBuilding = links.get(String(grid.id)) ?? new Map<string, number>()
    const reach: GridReach = {
      households: grid.households,
      readers: readers.get(String(grid.id)) ?? 0,
      buildings: buildings.map((b) => ({
        key: b.code,
        households: b.households ?? 0,
        relayed: Boolean(b.relayedAt),
        posted: Boolean(b.postedAt),
        doorHouseholds: b.doorHouseholds,
        readers: perBuilding.get(b.code) ?? 0,
      })),
      leader: { doorHouseholds: offline.doorHouseholds, phoneHouseholds: offline.phoneHouseholds },
    }
    const base = { grid, buildingsTotal: buildings.length, buildingsRelayed: buildings.filter((b) => b.relayedAt).length, offline, reach: row?.reach ?? null, buildings }
    const shown = gridCoverage(reach, row?.readers.state ?? null, k, lang)
    if (shown instanceof CoverageInputError) {
      req.payload.logger.warn({ component: 'relay-report', grid: grid.id, field: shown.field }, 'coverage not bounded: the grid’s building figures do not add up')
      return { ...base, coverage: null, problem: shown.message }
    }
    return { ...base, coverage: shown, problem: null }
  })
  return { content: { type: list.content.type, id: list.content.id, title: list.content.title }, minGroupSize: k, grids }
}
