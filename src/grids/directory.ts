/**
 * The grid directory residents choose from (communities and their grids) and the
 * building search ("which grid is my building in?"). Cached through the page cache
 * (src/site/cache.ts), invalidated when grids or communities change.
 */
import type { Payload } from 'payload'

import { cached } from '../site/cache'
import type { Id } from '../model/ids'


export type GridEntry = {
  id: Id
  code: string
  name: string
  community: { id: Id; name: string; code: string }
  buildings: { estate: string; name: string }[]
}
export type CommunityGroup = { community: GridEntry['community']; grids: GridEntry[] }

/** Every grid with its community and buildings, kept in the site cache (grids change rarely; their saves drop every entry). */
export const gridDirectory = (payload: Payload): Promise<CommunityGroup[]> => cached('subscribe:grids', () => loadGridDirectory(payload), { tags: ['grids'] })

async function loadGridDirectory(payload: Payload): Promise<CommunityGroup[]> {
  const [communities, grids] = await Promise.all([
    payload.find({ collection: 'communities', sort: 'code', limit: 0, pagination: false, depth: 0, overrideAccess: true }),
    payload.find({
      collection: 'grids',
      sort: 'code',
      limit: 0,
      pagination: false,
      depth: 0,
      overrideAccess: true,
      select: { code: true, name: true, community: true, buildings: true },
    }),
  ])
  const byCommunity = new Map<string, GridEntry[]>()
  const comm = new Map((communities.docs as unknown as GridEntry['community'][]).map((c) => [String(c.id), c]))
  for (const g of grids.docs as unknown as (Omit<GridEntry, 'community' | 'buildings'> & { community: Id; buildings?: { estate?: string | null; name: string }[] })[]) {
    const c = comm.get(String(g.community))
    if (!c) continue
    const entry: GridEntry = {
      id: g.id,
      code: g.code,
      name: g.name,
      community: { id: c.id, name: c.name, code: c.code },
      buildings: (g.buildings ?? []).map((b) => ({ estate: b.estate ?? '', name: b.name })),
    }
    byCommunity.set(String(c.id), [...(byCommunity.get(String(c.id)) ?? []), entry])
  }
  return [...comm.values()].map((community) => ({ community, grids: byCommunity.get(String(community.id)) ?? [] })).filter((g) => g.grids.length)
}

export async function gridByCode(payload: Payload, code: string): Promise<GridEntry | null> {
  for (const group of await gridDirectory(payload)) for (const g of group.grids) if (g.code === code) return g
  return null
}

export async function gridById(payload: Payload, id: Id): Promise<GridEntry | null> {
  for (const group of await gridDirectory(payload)) for (const g of group.grids) if (String(g.id) === String(id)) return g
  return null
}

const normalise = (s: string) => s.normalize('NFKC').toLowerCase().replace(/\s+/g, '')
export const MAX_SEARCH_LENGTH = 40

export type BuildingMatch = { code: string; gridName: string; community: string; estate: string; building: string }

/**
 * Grids whose estate (小区), building, name or code contains every word typed,
 * best matches first. Words are split at spaces and where digits start, so
 * "碧湖3栋" finds 碧湖小区 3栋.
 */
export async function searchBuildings(payload: Payload, query: string, limit = 20): Promise<BuildingMatch[]> {
  const words = query
    .normalize('NFKC')
    .toLowerCase()
    .slice(0, MAX_SEARCH_LENGTH)
    .split(/\s+/)
    .flatMap((w) => w.split(/(?<=\D)(?=\d)/))
    .filter(Boolean)
  if (!words.length) return []
  const all = (hay: string) => words.every((w) => hay.includes(w))
  const found: (BuildingMatch & { rank: number })[] = []
  for (const { grids } of await gridDirectory(payload)) {
    for (const g of grids) {
      let matchedBuilding = false
      for (const b of g.buildings) {
        const place = normalise(`${b.estate}${b.name}`)
        if (all(place) || all(normalise(`${place}${g.name}`))) {
          matchedBuilding = true
          found.push({ code: g.code, gridName: g.name, community: g.community.name, estate: b.estate, building: b.name, rank: place.startsWith(words[0]) ? 0 : 1 })
        }
      }
      if (!matchedBuilding && (all(normalise(`${g.name}${g.community.name}`)) || normalise(g.code) === words.join(''))) {
        found.push({ code: g.code, gridName: g.name, community: g.community.name, estate: '', building: '', rank: 2 })
      }
    }
  }
  return found
    .sort((a, b) => a.rank - b.rank || a.code.localeCompare(b.code))
    .slice(0, limit)
    .map(({ rank: _rank, ...m }) => m)
}

// ---------------------------------------------------------------- validation
