import { type Lang, type MessageKey, t } from '../i18n/messages'
import { type CellState, SuppressionTable } from './dashboardSuppression'

/**
 * Coverage (覆盖率): the households of a grid (or of one building) that a
 * content reached by any of the ways we count, ÷ households. We never see it
 * whole: readers are people whose homes we do not know, a head tells us the
 * building's group got the notice but not who is in the group, door counts
 * are numbers without names. So coverage is a range, and each end of it is
 * the best bound possible under this model (docs/glossary.md, "Coverage
 * (覆盖率): how it is bounded", says it in words for staff).
 *
 * Figures, per content and grid: H households of the grid; H_b of each
 * building b (Σ H_b ≤ H, the rest live in no listed building); R unique
 * readers attributed to the grid by any channel; per building: relayed
 * (已转发到楼栋群), posted (已张贴), N_b households told at the door by the
 * head (已入户告知 N 户, N_b ≤ H_b); the grid leader's D households told at
 * the door and P by phone (each ≤ H).
 *
 * A household of the grid is reached when (1) one of its members is among
 * the R readers, (2) it lives in b, b's head relayed and it is in b's group,
 * (3) it is among the N_b, the D or the P, or (4) it is the head's own
 * household, where the head lives in b and confirmed anything for this
 * content (relay, poster, doors: the head has the notice).
 *
 * Assumptions: a reader is a member of at most one household of the grid,
 * or of none (any number of readers may live outside); readers of other
 * grids and of the WeChat account (no grid) do not count here; a building's
 * group counts for households of that building only, its membership unknown;
 * N_b are distinct households of b, possibly the head's own; D and P are
 * distinct households each, anywhere in the grid, possibly overlapping each
 * other and everything else. Posters are not counted: who read one is
 * unknowable, and counting them would make every upper bound 100%.
 *
 * Lower bound (maximum overlap). Readers may all live outside: they prove
 * no household. A relay proves the head's own household (the group may hold
 * no one else). In b the doors and the head's household may coincide:
 * a_b = max(N_b, head_b), head_b = 1 when the head lives there and confirmed
 * anything. Buildings share no household; the leader's D and P may be
 * exactly those:
 *   lower(grid) = max(Σ a_b, D, P)
 * In one building, the leader's households lie elsewhere as far as there is
 * room (H − H_b households outside b):
 *   lower(b) = max(a_b, D − (H − H_b), P − (H − H_b))
 * Reached exactly by the street where every reader lives outside, every
 * group holds only its head, each head counted their own household among
 * the doors, and the leader's households are among those (or, for one
 * building, outside it).
 *
 * Upper bound (no overlap, capped). A relayed building's group may hold all
 * of it: c_b = H_b; otherwise c_b = min(H_b, N_b + head_b). Each reader is
 * at most one household, the leader's at most D + P, anywhere in the grid:
 *   upper(grid) = min(H, Σ c_b + R + D + P)
 *   upper(b) = min(H_b, c_b + R + D + P)
 * Reached exactly by the street where each reader is the only reader of an
 * otherwise unreached household, every relayed group holds its building,
 * no head counted their own household among the doors, and the leader's
 * households are all different and otherwise unreached (for one building:
 * all of them in it).
 *
 * The grid's bounds are not the sums of its buildings': each building's
 * upper bound assumes all readers and the leader's households are there.
 * test/readership/coverage.test.ts checks lower ≤ truth ≤ upper on random
 * streets from a stated model, and builds both extreme streets for every
 * one of them.
 *
 * Shown (coverageView): the per-building readers follow the small-group
 * rule (SuppressionTable, the dashboard's: "<k", complementary hiding).
 * The lower bound uses no reader figure; the upper bound uses R only as
 * shown (its value, k − 1 for "<k", no limit where hidden), so no bound
 * tells more about readers than the figures beside it.
 */

export type BuildingReach = {
  /** The building's key (its stable code), carried into the answer. */
  key: string
  households: number
  /** The head confirmed 已转发到楼栋群. */
  relayed: boolean
  /** The head confirmed 已张贴. Not counted as reach; it shows the head has the notice. */
  posted: boolean
  /** 已入户告知 N 户: households of this building the head told at the door (0 if none). */
  doorHouseholds: number
  /** Unique readers through this building's share link (shown under the small-group rule; in R already). */
  readers: number
  /**
   * The head lives in this building (default true: a building head is one of
   * its residents). False where one head serves several buildings and lives
   * in another: their household then counts only there.
   */
  headLivesHere?: boolean
}

export type GridReach = {
  households: number
  buildings: BuildingReach[]
  /** R: unique readers attributed to the grid by any channel, building links included. */
  readers: number
  /** Unique readers through any of the grid's building links (one by two links counts once); default: the buildings' sum, at most R. */
  buildingLinkReaders?: number
  /** The grid leader's own offline reach for this content: households told at the door, and by phone. */
  leader: { doorHouseholds: number; phoneHouseholds: number }
}

export type Bounds = { households: number; lower: number; upper: number }
export type GridCoverage = Bounds & { buildings: (Bounds & { key: string })[] }

/** Figures that cannot be (more households told than live there, …): a bug or bad data upstream, never shown as a bound. */
export class CoverageInputError extends RangeError {
  constructor(
    readonly field: string,
    readonly key: MessageKey,
    readonly vars: Record<string, string | number> = {},
  ) {
    super(`${field}: ${t(key, 'en', vars)}`)
  }
}

const isCount = (n: unknown, max = Number.MAX_SAFE_INTEGER): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= max

function count(value: unknown, field: string, max = Number.MAX_SAFE_INTEGER): number {
  if (!isCount(value, max)) throw new CoverageInputError(field, 'readership.coverage.error.range', { max })
  return value
}

const headKnows = (b: BuildingReach) => b.headLivesHere !== false && (b.relayed || b.posted || b.doorHouseholds > 0)

/** Check the figures; the error names the field. */
export function checkReach(reach: GridReach): void {
  const H = count(reach.households, 'households')
  let sum = 0
  let maxBuildingReaders = 0
  let sumBuildingReaders = 0
  const R = count(reach.readers, 'readers')
  reach.buildings.forEach((b, i) => {
    const at = `buildings[${i}]`
    const Hb = count(b.households, `${at}.households`, H)
    count(b.doorHouseholds, `${at}.doorHouseholds`, Hb)
    const r = count(b.readers, `${at}.readers`, R)
    if (headKnows(b) && Hb === 0) throw new CoverageInputError(`${at}.households`, 'readership.coverage.error.headWithoutHouseholds')
    sum += Hb
    maxBuildingReaders = Math.max(maxBuildingReaders, r)
    sumBuildingReaders += r
  })
  if (sum > H) throw new CoverageInputError('buildings', 'readership.coverage.error.buildingHouseholds', { sum, households: H })
  if (reach.buildingLinkReaders !== undefined) {
    const v = count(reach.buildingLinkReaders, 'buildingLinkReaders', Math.min(R, sumBuildingReaders))
    if (v < maxBuildingReaders) throw new CoverageInputError('buildingLinkReaders', 'readership.coverage.error.buildingLinkReaders', { min: maxBuildingReaders })
  }
  count(reach.leader?.doorHouseholds, 'leader.doorHouseholds', H)
  count(reach.leader?.phoneHouseholds, 'leader.phoneHouseholds', H)
}

/**
 * The bounds, with the readers counted as at most `readersAtMost` (R itself
 * for the exact bounds; what the shown figure allows for the shown ones;
 * Infinity where the figure is hidden).
 */
function boundsWith(reach: GridReach, readersAtMost: number): GridCoverage {
  const H = reach.households
  const D = reach.leader.doorHouseholds
  const P = reach.leader.phoneHouseholds
  const floating = readersAtMost + D + P
  let fixedLower = 0
  let fixedUpper = 0
  const buildings = reach.buildings.map((b) => {
    const Hb = b.households
    const head = headKnows(b) ? 1 : 0
    const known = Math.max(b.doorHouseholds, head)
    const own = b.relayed ? Hb : Math.min(Hb, b.doorHouseholds + head)
    fixedLower += known
    fixedUpper += own
    const outside = H - Hb
    return { key: b.key, households: Hb, lower: Math.max(known, D - outside, P - outside, 0), upper: Math.min(Hb, own + floating) }
  })
  return { households: H, lower: Math.max(fixedLower, D, P), upper: Math.min(H, fixedUpper + floating), buildings }
}

/** Lower and upper bounds of the households reached, for the grid and each building (see the model above). */
export function coverageBounds(reach: GridReach): GridCoverage {
  checkReach(reach)
  return boundsWith(reach, reach.readers)
}

// ---------------------------------------------------------------- shown

/** The dashboard's figure shape: a hidden value never leaves the server. */
export type CoverageFigure = { value: number | null; display: string; state: CellState | 'na' }

/** A coverage range: households (lower, upper) and rates (lower rounded down, upper up, to 0.1%, so the range shown holds the truth). */
export type CoverageRange = { lower: number; upper: number; lowerRate: number | null; upperRate: number | null; display: string }

export type CoverageRow = {
  key: string
  households: number
  readers: CoverageFigure
  relayed: boolean
  posted: boolean
  doorHouseholds: number
  coverage: CoverageRange
}

export type CoverageView = {
  households: number
  readers: CoverageFigure
  buildingLinkReaders: CoverageFigure
  /** How R entered the upper bounds: as it is, as k − 1 (shown as "<k"), or not at all (hidden). */
  readersCounted: 'exact' | 'at-most' | 'withheld'
  buildingsRelayed: number
  headDoorHouseholds: number
  leaderDoorHouseholds: number
  leaderPhoneHouseholds: number
  coverage: CoverageRange
  buildings: CoverageRow[]
}

/** The cells coverage shows from a suppression table. */
export type CoverageCells = { gridReaders: number; buildingLinkReaders: number; buildings: number[] }

/**
 * Register the reader figures coverage shows in a suppression table: each
 * building's readers as parts of the grid's building-link readers. Pass the
 * dashboard's own table and its cell of the grid's readers (and, where the
 * dashboard shows it, of the building-link readers) so that every view of a
 * content hides the same figures; then run the table, then coverageView.
 */
export function registerCoverage(table: SuppressionTable, reach: GridReach, existing: { gridReaders?: number; buildingLinkReaders?: number } = {}): CoverageCells {
  checkReach(reach)
  const linkReaders = reach.buildingLinkReaders ?? Math.min(reach.readers, reach.buildings.reduce((s, b) => s + b.readers, 0))
  for (const [name, cell, value] of [['readers', existing.gridReaders, reach.readers], ['buildingLinkReaders', existing.buildingLinkReaders, linkReaders]] as const) {
    if (cell !== undefined && table.value(cell) !== value) throw new CoverageInputError(name, 'readership.coverage.error.cell', { value: table.value(cell) })
  }
  const gridReaders = existing.gridReaders ?? table.cell(reach.readers)
  const buildingLinkReaders = existing.buildingLinkReaders ?? table.cell(linkReaders)
  const buildings = reach.buildings.map((b) => table.cell(b.readers))
  table.sum(buildingLinkReaders, buildings)
  return { gridReaders, buildingLinkReaders, buildings }
}

function figureOf(table: SuppressionTable, cell: number, lang: Lang): CoverageFigure {
  const state = table.state(cell)
  if (state === 'shown') return { value: table.value(cell), display: String(table.value(cell)), state }
  if (state === 'small') return { value: null, display: `<${table.k}`, state }
  return { value: null, display: t('readership.hidden', lang), state }
}

const percent = (tenths: number) => `${(tenths / 10).toFixed(1)}%`

function rangeOf(b: Bounds, lang: Lang): CoverageRange {
  if (b.households <= 0) return { lower: b.lower, upper: b.upper, lowerRate: null, upperRate: null, display: '' }
  // Whole tenths of a percent, floored and ceiled on exact integers (no 0.1 + 0.2 drift).
  const lowerTenths = Math.floor((b.lower * 1000) / b.households)
  const upperTenths = Math.ceil((b.upper * 1000) / b.households)
  const display = lowerTenths === upperTenths ? percent(lowerTenths) : t('readership.coverage.range', lang, { lower: percent(lowerTenths), upper: percent(upperTenths) })
  return { lower: b.lower, upper: b.upper, lowerRate: lowerTenths / 1000, upperRate: upperTenths / 1000, display }
}

/** What may be shown, after the table has run: readers under the small-group rule, and bounds that use no hidden reader figure. */
export function coverageView(table: SuppressionTable, cells: CoverageCells, reach: GridReach, lang: Lang = 'zh'): CoverageView {
  const readers = figureOf(table, cells.gridReaders, lang)
  // The most R can be, as far as anyone reading the figures knows.
  const readersAtMost = readers.state === 'shown' ? reach.readers : readers.state === 'small' ? table.k - 1 : Number.POSITIVE_INFINITY
  const bounds = boundsWith(reach, readersAtMost)
  return {
    households: reach.households,
    readers,
    buildingLinkReaders: figureOf(table, cells.buildingLinkReaders, lang),
    readersCounted: readers.state === 'shown' ? 'exact' : readers.state === 'small' ? 'at-most' : 'withheld',
    buildingsRelayed: reach.buildings.filter((b) => b.relayed).length,
    headDoorHouseholds: reach.buildings.reduce((s, b) => s + b.doorHouseholds, 0),
    leaderDoorHouseholds: reach.leader.doorHouseholds,
    leaderPhoneHouseholds: reach.leader.phoneHouseholds,
    coverage: rangeOf(bounds, lang),
    buildings: reach.buildings.map((b, i) => ({
      key: b.key,
      households: b.households,
      readers: figureOf(table, cells.buildings[i], lang),
      relayed: b.relayed,
      posted: b.posted,
      doorHouseholds: b.doorHouseholds,
      coverage: rangeOf(bounds.buildings[i], lang),
    })),
  }
}

/** One grid's coverage on its own table (k = MIN_GROUP_SIZE). The dashboard registers into its own table instead. */
export function coverageReport(reach: GridReach, opts: { k: number; lang?: Lang }): CoverageView {
  const table = new SuppressionTable(opts.k)
  const cells = registerCoverage(table, reach)
  table.run()
  return coverageView(table, cells, reach, opts.lang)
}
