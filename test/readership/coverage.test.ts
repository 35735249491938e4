import { describe, expect, it } from 'vitest'

import {
  type BuildingReach,
  checkReach,
  coverageBounds,
  CoverageInputError,
  coverageReport,
  coverageView,
  type GridReach,
  registerCoverage,
} from '../../src/readership/coverage'
import { SuppressionTable } from '../../src/readership/dashboardSuppression'
import { messages, t } from '../../src/i18n/messages'
import { fewestWorld, figuresOf, generateWorld, mostWorld, rng, truthOf } from './coverageModel'

/**
 * Coverage bounds against the truth, on 1,000 grids drawn from the
 * generative model in test/readership/coverageModel.ts (stated there: who
 * lives where, who reads, which heads relay to whom, who is told at the door
 * or by phone), from a fixed seed.
 */
const GRIDS = 1000
const SEED = 20261127
const random = rng(SEED)
const SAMPLE = Array.from({ length: GRIDS }, () => {
  const world = generateWorld(random)
  return { world, figures: figuresOf(world), truth: truthOf(world) }
})

/**
 * The test a pair of bounds must pass: lower ≤ truth ≤ upper for every
 * grid, and each bound equal to the truth in at least EXACT_SHARE of the
 * grids. In this model a grid is fully reached in under 4% of the grids and
 * not reached at all in under 4%, so bounds of 0 and 100% fail it.
 */
const EXACT_SHARE = 0.08
type Pair = { lower: number; upper: number }
function judge(bound: (f: GridReach) => Pair) {
  let violations = 0
  let lowerExact = 0
  let upperExact = 0
  for (const { figures, truth } of SAMPLE) {
    const b = bound(figures)
    if (!(b.lower <= truth.grid && truth.grid <= b.upper)) violations++
    if (b.lower === truth.grid) lowerExact++
    if (b.upper === truth.grid) upperExact++
  }
  const share = { lower: lowerExact / GRIDS, upper: upperExact / GRIDS }
  return { violations, share, passes: violations === 0 && share.lower >= EXACT_SHARE && share.upper >= EXACT_SHARE }
}

const headKnows = (b: BuildingReach) => b.headLivesHere !== false && (b.relayed || b.posted || b.doorHouseholds > 0)

describe('coverage bounds on 1,000 random grids', () => {
  it('hold: lower ≤ truth ≤ upper for every grid and every building', () => {
    let buildings = 0
    for (const { figures, truth } of SAMPLE) {
      const b = coverageBounds(figures)
      expect(b.lower).toBeLessThanOrEqual(truth.grid)
      expect(truth.grid).toBeLessThanOrEqual(b.upper)
      b.buildings.forEach((bb, i) => {
        expect(bb.lower).toBeLessThanOrEqual(truth.buildings[i])
        expect(truth.buildings[i]).toBeLessThanOrEqual(bb.upper)
        buildings++
      })
    }
    expect(buildings).toBeGreaterThan(2500)
  })

  it('are each reached exactly in at least 8% of the grids', () => {
    const result = judge(coverageBounds)
    expect(result.violations).toBe(0)
    expect(result.share.lower).toBeGreaterThanOrEqual(EXACT_SHARE)
    expect(result.share.upper).toBeGreaterThanOrEqual(EXACT_SHARE)
    expect(result.passes).toBe(true)
  })

  it('trivial bounds (0 and every household) fail that test, alone or paired with a good bound', () => {
    const trivial = judge((f) => ({ lower: 0, upper: f.households }))
    expect(trivial.violations).toBe(0)
    expect(trivial.share.lower).toBeLessThan(EXACT_SHARE)
    expect(trivial.share.upper).toBeLessThan(EXACT_SHARE)
    expect(trivial.passes).toBe(false)
    expect(judge((f) => ({ lower: 0, upper: coverageBounds(f).upper })).passes).toBe(false)
    expect(judge((f) => ({ lower: coverageBounds(f).lower, upper: f.households })).passes).toBe(false)
  })

  it('bounds that assume more than the model allows fail it: readers at home, heads not among their doors, relay as the head alone', () => {
    const readersAtHome = judge((f) => {
      const b = coverageBounds(f)
      return { lower: Math.max(b.lower, Math.min(f.households, Math.ceil(f.readers / 3))), upper: b.upper }
    })
    expect(readersAtHome.violations).toBeGreaterThan(0)
    const headApart = judge((f) => {
      const b = coverageBounds(f)
      const sum = f.buildings.reduce((s, x) => s + Math.min(x.households, x.doorHouseholds + (headKnows(x) ? 1 : 0)), 0)
      return { lower: Math.max(b.lower, sum), upper: b.upper }
    })
    expect(headApart.violations).toBeGreaterThan(0)
    const relayIsHead = judge((f) => {
      const own = f.buildings.reduce((s, x) => s + Math.min(x.households, x.doorHouseholds + (headKnows(x) ? 1 : 0)), 0)
      return { lower: coverageBounds(f).lower, upper: Math.min(f.households, own + f.readers + f.leader.doorHouseholds + f.leader.phoneHouseholds) }
    })
    expect(relayIsHead.violations).toBeGreaterThan(0)
  })

  it('are the best possible: for every grid, streets with the same figures reach exactly the lower and exactly the upper bound (grid and each building)', () => {
    for (const { figures } of SAMPLE) {
      const b = coverageBounds(figures)
      const fewest = fewestWorld(figures)
      const most = mostWorld(figures)
      expect(figuresOf(fewest)).toEqual(figures)
      expect(figuresOf(most)).toEqual(figures)
      expect(truthOf(fewest).grid).toBe(b.lower)
      expect(truthOf(most).grid).toBe(b.upper)
      b.buildings.forEach((bb, i) => {
        const low = fewestWorld(figures, i)
        const high = mostWorld(figures, i)
        expect(figuresOf(low)).toEqual(figures)
        expect(figuresOf(high)).toEqual(figures)
        expect(truthOf(low).buildings[i]).toBe(bb.lower)
        expect(truthOf(high).buildings[i]).toBe(bb.upper)
      })
    }
  })

  it('per building, each bound is the truth in some buildings that are neither unreached nor fully reached', () => {
    let interior = 0
    let lower = 0
    let upper = 0
    for (const { figures, truth } of SAMPLE) {
      coverageBounds(figures).buildings.forEach((bb, i) => {
        const v = truth.buildings[i]
        if (v === 0 || v === bb.households) return
        interior++
        if (bb.lower === v) lower++
        if (bb.upper === v) upper++
      })
    }
    expect(interior).toBeGreaterThan(1000)
    expect(lower / interior).toBeGreaterThanOrEqual(0.01)
    expect(upper / interior).toBeGreaterThanOrEqual(0.01)
  })
})

const building = (over: Partial<BuildingReach> = {}): BuildingReach => ({ key: 'b', households: 20, relayed: false, posted: false, doorHouseholds: 0, readers: 0, ...over })
const grid = (over: Partial<GridReach> = {}): GridReach => ({ households: 100, buildings: [], readers: 0, leader: { doorHouseholds: 0, phoneHouseholds: 0 }, ...over })

describe('coverage bounds, worked by hand', () => {
  it.each<[string, GridReach, { lower: number; upper: number; buildings?: [number, number][] }]>([
    ['nothing done', grid({ buildings: [building()] }), { lower: 0, upper: 0, buildings: [[0, 0]] }],
    ['readers only: they may all live elsewhere, or each in a household', grid({ readers: 5, buildings: [building()] }), { lower: 0, upper: 5, buildings: [[0, 5]] }],
    ['a relay: the head’s own household for sure, the whole building at most', grid({ buildings: [building({ relayed: true })] }), { lower: 1, upper: 20, buildings: [[1, 20]] }],
    ['a relay by a head living elsewhere proves nothing', grid({ buildings: [building({ relayed: true, headLivesHere: false })] }), { lower: 0, upper: 20, buildings: [[0, 20]] }],
    ['12 households at the door: the head may be one of them, or not', grid({ buildings: [building({ doorHouseholds: 12 })] }), { lower: 12, upper: 13, buildings: [[12, 13]] }],
    ['every household at the door', grid({ buildings: [building({ doorHouseholds: 20 })] }), { lower: 20, upper: 20, buildings: [[20, 20]] }],
    ['a poster: the head has the notice, the poster counts nothing', grid({ buildings: [building({ posted: true })] }), { lower: 1, upper: 1, buildings: [[1, 1]] }],
    [
      'two buildings do not share households; readers and the leader may be anywhere',
      grid({ readers: 7, leader: { doorHouseholds: 4, phoneHouseholds: 2 }, buildings: [building({ doorHouseholds: 5 }), building({ key: 'c', households: 30, relayed: true })] }),
      { lower: 6, upper: 13 + 6 + 30, buildings: [[5, 19], [1, 30]] },
    ],
    [
      'the leader told 40 households and only 30 live outside this building: at least 10 are in it',
      grid({ leader: { doorHouseholds: 40, phoneHouseholds: 0 }, buildings: [building({ households: 70 })] }),
      { lower: 40, upper: 40, buildings: [[10, 40]] },
    ],
    [
      'capped at the grid’s households',
      grid({ households: 30, readers: 50, buildings: [building({ relayed: true })] }),
      { lower: 1, upper: 30, buildings: [[1, 20]] },
    ],
  ])('%s', (_name, reach, expected) => {
    const b = coverageBounds(reach)
    expect({ lower: b.lower, upper: b.upper }).toEqual({ lower: expected.lower, upper: expected.upper })
    if (expected.buildings) expect(b.buildings.map((x) => [x.lower, x.upper])).toEqual(expected.buildings)
  })
})

describe('coverage as shown: the small-group rule', () => {
  const K = 3

  it('shows building readers under the dashboard’s rule: 0 shown, 1–2 as <3, and a part that subtraction would give away hidden', () => {
    const view = coverageReport(
      grid({
        readers: 40,
        buildings: [building({ key: 'a', readers: 0 }), building({ key: 'b', readers: 1 }), building({ key: 'c', readers: 9 }), building({ key: 'd', readers: 12 })],
      }),
      { k: K },
    )
    expect(view.buildings.map((b) => b.readers.display)).toEqual(['0', '<3', '—', '12'])
    expect(view.buildings.map((b) => b.readers.state)).toEqual(['shown', 'small', 'hidden', 'shown'])
    // No hidden value leaves: only the display text.
    expect(view.buildings.filter((b) => b.readers.state !== 'shown').every((b) => b.readers.value === null)).toBe(true)
    expect(view.buildingLinkReaders.display).toBe('22')
  })

  it('uses the grid’s readers in the upper bound only as shown: 1 and 2 readers (both “<3”) give the same view', () => {
    const base = { buildings: [building({ key: 'a', doorHouseholds: 3 }), building({ key: 'b', households: 50 })], leader: { doorHouseholds: 1, phoneHouseholds: 0 } }
    const one = coverageReport(grid({ ...base, readers: 1 }), { k: K })
    const two = coverageReport(grid({ ...base, readers: 2 }), { k: K })
    expect(one).toEqual(two)
    expect(one.readers.display).toBe('<3')
    expect(one.readersCounted).toBe('at-most')
    // Counted as k − 1 = 2: still a bound for either.
    expect(one.coverage.upper).toBe(Math.min(100, 4 + 2 + 1))
    expect(one.buildings[1].coverage.upper).toBe(2 + 1)
    const exact = coverageReport(grid({ ...base, readers: 7 }), { k: K })
    expect(exact.readersCounted).toBe('exact')
    expect(exact.coverage.upper).toBe(4 + 7 + 1)
  })

  it('shares the dashboard’s table: a grid readers figure hidden there leaves the upper bound at the households', () => {
    const table = new SuppressionTable(K)
    const readers = table.cell(4)
    const other = table.cell(1)
    const total = table.cell(5)
    table.sum(total, [readers, other])
    const reach = grid({ readers: 4, buildings: [building({ doorHouseholds: 3 })] })
    const cells = registerCoverage(table, reach, { gridReaders: readers })
    table.run()
    const view = coverageView(table, cells, reach)
    expect(view.readers).toEqual({ value: null, display: '—', state: 'hidden' })
    expect(view.readersCounted).toBe('withheld')
    expect(view.coverage.upper).toBe(100)
    expect(view.coverage.lower).toBe(3)
    expect(() => registerCoverage(new SuppressionTable(K), reach, { gridReaders: new SuppressionTable(K).cell(9) })).toThrow(CoverageInputError)
  })

  it('rounds the lower rate down and the upper up, so the range shown holds the truth', () => {
    const view = coverageReport(grid({ households: 3, readers: 1, buildings: [building({ households: 3, doorHouseholds: 2 })] }), { k: 1 })
    expect(view.coverage).toMatchObject({ lower: 2, upper: 3, lowerRate: 0.666, upperRate: 1 })
    expect(view.coverage.display).toBe('66.6%–100.0%')
    const third = coverageReport(grid({ households: 3, buildings: [building({ households: 3, doorHouseholds: 1 })] }), { k: 3 })
    expect(third.coverage.display).toBe('33.3%–66.7%')
    const empty = coverageReport(grid({ households: 0 }), { k: 3 })
    expect(empty.coverage).toMatchObject({ lowerRate: null, upperRate: null, display: '' })
  })
})

describe('figures that cannot be', () => {
  it.each<[string, GridReach, string]>([
    ['more doors than households', grid({ buildings: [building({ doorHouseholds: 21 })] }), 'buildings[0].doorHouseholds'],
    ['buildings above the grid', grid({ households: 30, buildings: [building(), building()] }), 'buildings'],
    ['a head’s confirmation in a building without households', grid({ buildings: [building({ households: 0, relayed: true })] }), 'buildings[0].households'],
    ['a fraction', grid({ readers: 1.5 }), 'readers'],
    ['a negative count', grid({ leader: { doorHouseholds: -1, phoneHouseholds: 0 } }), 'leader.doorHouseholds'],
    ['the leader above the grid', grid({ leader: { doorHouseholds: 0, phoneHouseholds: 101 } }), 'leader.phoneHouseholds'],
    ['a building’s readers above the grid’s', grid({ readers: 2, buildings: [building({ readers: 3 })] }), 'buildings[0].readers'],
    ['building-link readers below one building’s', grid({ readers: 9, buildingLinkReaders: 2, buildings: [building({ readers: 3 })] }), 'buildingLinkReaders'],
  ])('%s', (_name, reach, field) => {
    let error: unknown
    try {
      checkReach(reach)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(CoverageInputError)
    const e = error as CoverageInputError
    expect(e.field).toBe(field)
    // The message exists in Chinese for a page that shows it.
    expect(t(e.key, 'zh', e.vars)).toMatch(/[\u4e00-\u9fff]/)
    expect(() => coverageBounds(reach)).toThrow(CoverageInputError)
  })
})

describe('words', () => {
  it('readership.coverage.* texts have both languages, full-width Chinese punctuation, and the legend names the small-group size', () => {
    const entries = Object.entries(messages).filter(([k]) => k.startsWith('readership.coverage.') || k === 'readership.col.coverage')
    expect(entries.length).toBeGreaterThan(5)
    for (const [key, { zh, en }] of entries) {
      expect(zh && en, key).toBeTruthy()
      expect(zh, key).not.toMatch(/[,:;?!()]/)
    }
    expect(t('readership.coverage.legend', 'zh', { k: 3 })).toContain('“<3”')
  })
})
