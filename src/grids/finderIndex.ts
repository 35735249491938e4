import { buildingLabelKey, buildingNumber, estateNames, fold, gridCodeKey, parseAddress } from './normalise'
import type { Building, DirectoryBuilding, DirectoryGrid, Entity, Estate, Occurrence, Road } from './finderTypes'

/**
 * The finder's index, built once from the directory: every name a query may
 * hold (estates full and shortened, roads, grids, communities) to what it names.
 */
export type FinderIndex = {
  names: Map<string, Entity[]>
  grids: Map<string, DirectoryGrid>
  estates: Map<string, Estate>
  roads: Map<string, Road>
  /** Grids by their folded code. */
  codes: Map<string, DirectoryGrid>
  /** The longest name, in characters (at least 2). */
  longest: number
}

export function buildIndex(buildings: readonly DirectoryBuilding[], gridsWithout: readonly DirectoryGrid[] = []): FinderIndex {
  const names = new Map<string, Entity[]>()
  const add = (name: string, entity: Entity) => {
    if ([...name].length < 2) return
    const list = names.get(name) ?? []
    list.push(entity)
    names.set(name, list)
  }

  const grids = new Map<string, DirectoryGrid>()
  const estates = new Map<string, Estate>()
  const roads = new Map<string, Road>()
  const indexed: Building[] = buildings.map((b, order) => {
    const address = b.address ? parseAddress(b.address) : null
    return {
      ...b,
      order,
      number: buildingNumber(b.label, b.estate),
      labelKey: buildingLabelKey(b.label, b.estate),
      road: address?.road ?? null,
      roadNumber: address?.number ?? null,
    }
  })
  for (const g of gridsWithout) if (!grids.has(g.code)) grids.set(g.code, { code: g.code, name: g.name, community: g.community })
  for (const b of indexed) {
    if (!grids.has(b.grid)) grids.set(b.grid, { code: b.grid, name: b.gridName, community: b.community })
    const key = fold(b.estate)
    if (key) {
      const estate = estates.get(key) ?? { key, name: b.estate, buildings: [] }
      estate.buildings.push(b)
      estates.set(key, estate)
    }
    if (b.road) {
      const road = roads.get(b.road) ?? { key: b.road, name: b.road, buildings: [] }
      road.buildings.push(b)
      roads.set(b.road, road)
    }
  }
  // A road's name as stored: the shortest start of the address that folds to the road's key.
  for (const road of roads.values()) {
    const stored = (road.buildings[0].address ?? '').normalize('NFKC').trim()
    for (let i = 1; i <= stored.length; i++) {
      if (fold(stored.slice(0, i)) === road.key) {
        road.name = stored.slice(0, i).trim()
        break
      }
    }
  }

  for (const estate of estates.values()) {
    const [full, ...shorter] = estateNames(estate.name)
    add(full, { kind: 'estate', estate, short: false })
    for (const s of shorter) add(s, { kind: 'estate', estate, short: true })
  }
  for (const road of roads.values()) add(road.key, { kind: 'road', road })
  const communities = new Map<string, DirectoryGrid[]>()
  for (const g of grids.values()) {
    const n = fold(g.name)
    add(n, { kind: 'grid', grid: g })
    if (n.includes('第')) add(n.replace('第', ''), { kind: 'grid', grid: g })
    communities.set(g.community, [...(communities.get(g.community) ?? []), g])
  }
  for (const [community, list] of communities) {
    const n = fold(community)
    add(n, { kind: 'community', community, grids: list })
    if (n.endsWith('社区') && n.length >= 4) add(n.slice(0, -2), { kind: 'community', community, grids: list })
  }
  const codes = new Map([...grids.values()].map((g) => [gridCodeKey(g.code), g]))
  const longest = Math.max(2, ...[...names.keys()].map((n) => n.length))

  return { names, grids, estates, roads, codes, longest }
}

/** Names in the query, longest first, not overlapping. */
export function occurrences({ names, longest }: FinderIndex, q: string): Occurrence[] {
  const found: Occurrence[] = []
  for (let start = 0; start < q.length; start++) {
    for (let len = Math.min(longest, q.length - start); len >= 2; len--) {
      const entities = names.get(q.slice(start, start + len))
      if (entities) found.push({ start, end: start + len, entities })
    }
  }
  found.sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start)
  const chosen: Occurrence[] = []
  for (const o of found) if (!chosen.some((c) => o.start < c.end && c.start < o.end)) chosen.push(o)
  return chosen.sort((a, b) => a.start - b.start)
}

/** Estates whose full name differs from some part of the query by one character or one swap of neighbours. */
export function similarEstates({ estates }: FinderIndex, q: string): Estate[] {
  const out: Estate[] = []
  for (const estate of estates.values()) {
    const name = estate.key
    if (name.length < 3) continue
    for (let i = 0; i + name.length <= q.length; i++) {
      if (nearlyEqual(q.slice(i, i + name.length), name)) {
        out.push(estate)
        break
      }
    }
  }
  return out
}

/** Equal but for one character, or one swap of two neighbours. */
function nearlyEqual(a: string, b: string): boolean {
  if (a.length !== b.length || a === b) return false
  const diff: number[] = []
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) diff.push(i)
  if (diff.length === 1) return true
  return diff.length === 2 && diff[1] === diff[0] + 1 && a[diff[0]] === b[diff[1]] && a[diff[1]] === b[diff[0]]
}
