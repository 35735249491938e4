import { describe, expect, it } from 'vitest'

import { coverageBounds, CoverageInputError, type CoverageView, type GridReach } from '../../src/readership/coverage'
import { gridCoverage } from '../../src/readership/relayCoverage'

/**
 * One grid's coverage as the dashboard and the leaders' list show it
 * (relayCoverage.gridCoverage): building-level readers under the
 * small-group rule with complementary hiding, the grid's readers withheld
 * where the dashboard withholds them, and bounds that use no hidden figure.
 */
const reach = (readers: number[], R = 10): GridReach => ({
  households: 400,
  readers: R,
  buildings: readers.map((r, i) => ({ key: `B${i + 1}`, households: 100, relayed: i === 0, posted: false, doorHouseholds: i === 1 ? 12 : 0, readers: r })),
  leader: { doorHouseholds: 30, phoneHouseholds: 20 },
})
const shown = (r: GridReach, state: string | null = 'shown') => gridCoverage(r, state, 3, 'zh') as CoverageView

describe('building-level readers', () => {
  it('a building with 1 or 2 readers shows <3, and a second building is withheld so the first cannot be subtracted out', () => {
    const v = shown(reach([1, 6, 0]))
    expect(v.buildingLinkReaders.display).toBe('7')
    expect(v.buildings.map((b) => b.readers.display)).toEqual(['<3', '—', '0'])
    expect(JSON.stringify(v)).not.toMatch(/"value":1\b/)
    // The grid's readers are shown, so the bounds are the exact ones.
    const exact = coverageBounds(reach([1, 6, 0]))
    expect([v.coverage.lower, v.coverage.upper]).toEqual([exact.lower, exact.upper])
  })

  it('buildings all at or above the minimum are shown as they are', () => {
    expect(shown(reach([3, 4, 0])).buildings.map((b) => b.readers.display)).toEqual(['3', '4', '0'])
  })

  it('where the dashboard withholds the grid’s readers, so does coverage, and the upper bound does not use them', () => {
    const v = shown(reach([0, 0, 0], 10), 'hidden')
    expect(v.readers.display).toBe('—')
    expect(v.readersCounted).toBe('withheld')
    const exact = coverageBounds(reach([0, 0, 0], 10))
    expect(v.coverage.lower).toBe(exact.lower)
    // Without R the grid's upper bound can only be its households.
    expect(v.coverage.upper).toBe(400)
    expect(exact.upper).toBeLessThan(400)
  })

  it('figures that cannot be are reported, not bounded', () => {
    const bad = reach([0, 0, 0])
    bad.buildings[1].doorHouseholds = 101
    expect(gridCoverage(bad, 'shown', 3, 'zh')).toBeInstanceOf(CoverageInputError)
  })
})
