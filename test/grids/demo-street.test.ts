import { describe, expect, it } from 'vitest'

import { seedDemo } from '../../src/seed/demo'
import { DEMO_BUILDINGS, demoStreet } from '../../src/seed/street'
import { demoDocuments } from '../support/demoRecording'
import { testPayload } from '../support/payload'

/**
 * The demo street has the seed issue's 277 building heads: every building an
 * estate, a label, an address on a road, its households and a head with a
 * plausible Chinese name, a grid's buildings together under the grid's
 * households; the same street on every run.
 */
type Building = { code: string; estate: string; name: string; address: string; households: number; head: string }

describe('the demo street', () => {
  it('has 277 buildings in 34 grids of 5 communities, as the seed saves them', async () => {
    const { created } = await demoDocuments()
    const grids = created.filter((c) => c.collection === 'grids').map((c) => c.data as { code: string; households: number; buildings: Building[] })
    expect(created.filter((c) => c.collection === 'communities')).toHaveLength(5)
    expect(grids).toHaveLength(34)
    expect(DEMO_BUILDINGS).toBe(277)
    expect(grids.reduce((s, g) => s + g.buildings.length, 0)).toBe(277)
    for (const g of grids) {
      expect(g.households, g.code).toBeGreaterThanOrEqual(300)
      expect(g.households, g.code).toBeLessThanOrEqual(500)
      expect(g.buildings.length, g.code).toBeGreaterThanOrEqual(5)
      expect(g.buildings.reduce((s, b) => s + b.households, 0), g.code).toBeLessThanOrEqual(g.households)
      for (const b of g.buildings) {
        expect(b.name.startsWith(b.estate), b.name).toBe(true)
        expect(b.name).toMatch(/\d+号楼$/)
        expect(b.address).toMatch(/^\p{Script=Han}+(路|街|巷)\d+号$/u)
        expect(Number.isInteger(b.households) && b.households >= 6).toBe(true)
        // A surname and a one- or two-character given name.
        expect(b.head).toMatch(/^\p{Script=Han}{2,3}$/u)
      }
    }
    // Names vary as a street's do: many different heads, addresses unique.
    const all = grids.flatMap((g) => g.buildings)
    expect(new Set(all.map((b) => b.head)).size).toBeGreaterThan(150)
    expect(new Set(all.map((b) => b.address)).size).toBe(277)
    expect(new Set(all.map((b) => b.name)).size).toBe(277)
    expect(new Set(all.map((b) => b.code)).size).toBe(277)
    expect(grids[0].buildings[2].code).toBe('XB-01-03')
    // The demo announcement's buildings (碧湖小区 1–6 号楼) are in the first grid.
    expect(grids[0].buildings.slice(0, 6).map((b) => b.name)).toEqual([1, 2, 3, 4, 5, 6].map((n) => `碧湖小区${n}号楼`))
  })

  it('is the same street on every run', () => {
    expect(demoStreet()).toEqual(demoStreet())
    expect(JSON.stringify(demoStreet())).not.toBe(JSON.stringify(demoStreet(1)))
  })

  it('loads into the database as it is, each building with a code of its own', async () => {
    const payload = await testPayload()
    try {
      await seedDemo(payload)
      const { docs } = await payload.find({ collection: 'grids', limit: 0, pagination: false, depth: 0, overrideAccess: true })
      const buildings = docs.flatMap((g) => (g as unknown as { buildings: Building[] }).buildings)
      expect(docs).toHaveLength(34)
      expect(buildings).toHaveLength(DEMO_BUILDINGS)
      expect(new Set(buildings.map((b) => b.code)).size).toBe(DEMO_BUILDINGS)
      for (const b of buildings) expect(b.code).toMatch(/^(XB|DX|QL|XT|CG)-0\d-\d{2}$/)
      expect(buildings.every((b) => b.head && b.address && b.households)).toBe(true)
    } finally {
      await payload.destroy()
    }
  })
})
