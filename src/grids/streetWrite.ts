import type { Payload } from 'payload'

import { csvLine } from '../lib/csv'
import type { Id } from '../model/ids'
import type { Building } from './buildings'
import { STREET_COLUMNS } from './streetCsv'
import { loadStreet, type StreetPlan } from './streetPlan'

/**
 * The street file's two ends: an import plan written (communities, then the
 * grids that give buildings away, then every grid created or changed), and
 * the street exported as the same CSV the import reads. Admins only: the
 * callers (src/collections/GridsTools.ts) check.
 */
export async function writeStreetPlan(payload: Payload, plan: StreetPlan): Promise<void> {
  const { communities } = await loadStreet(payload)
  const communityId = new Map<string, Id>(communities.map((c) => [c.code, c.id]))
  for (const c of plan.communities) {
    if (c.id != null) await payload.update({ collection: 'communities', id: c.id, data: { name: c.name }, overrideAccess: true })
    else communityId.set(c.code, (await payload.create({ collection: 'communities', data: { code: c.code, name: c.name }, overrideAccess: true })).id)
  }
  for (const r of plan.releases) await payload.update({ collection: 'grids', id: r.id, data: { buildings: r.buildings } as never, overrideAccess: true })
  for (const g of plan.grids) {
    const data = { code: g.code, name: g.name, households: g.households, community: communityId.get(g.community)!, buildings: g.buildings }
    if (g.id != null) await payload.update({ collection: 'grids', id: g.id, data: data as never, overrideAccess: true })
    else await payload.create({ collection: 'grids', data: data as never, overrideAccess: true })
  }
}

/** The street as CSV lines, header first: one line per building, per grid without buildings, per community without grids. */
export async function streetExportLines(payload: Payload): Promise<string[]> {
  const { communities, grids } = await loadStreet(payload)
  const lines = [csvLine([...STREET_COLUMNS])]
  for (const c of communities) {
    const mine = grids.filter((g) => String(typeof g.community === 'object' ? g.community.id : g.community) === String(c.id))
    if (!mine.length) lines.push(csvLine([c.code, c.name, ...Array(STREET_COLUMNS.length - 2).fill('')]))
    for (const g of mine) {
      const grid = [c.code, c.name, g.code, g.name, g.households]
      const buildings: (Building | null)[] = g.buildings?.length ? g.buildings : [null]
      for (const b of buildings)
        lines.push(csvLine([...grid, ...(b ? [b.estate, b.code, b.name, b.address, b.households, b.head, b.headPhone] : Array(7).fill(''))]))
    }
  }
  return lines
}
