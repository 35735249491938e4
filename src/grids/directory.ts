/**
 * The grid directory residents choose from (communities and their grids) and the
 * building search ("which grid is my building in?"), which is the grid finder
 * (src/grids/finder.ts) over this directory. Cached through the page cache
 * (src/site/cache.ts), invalidated when grids or communities change.
 */
import type { Payload } from 'payload'

import { cached } from '../site/cache'
import type { Id } from '../model/ids'
import { createFinder, describeMatch, describeNoMatch, type DirectoryBuilding, type DirectoryGrid, type Finder, type FinderMatch, type NoMatchReason } from './finder'

/** A building row: the estate, the label, and its road and number where the row carries one (`address`, optional). */
export type DirectoryRow = { estate: string; name: string; address?: string | null }

export type GridEntry = {
  id: Id
  code: string
  name: string
  community: { id: Id; name: string; code: string }
  buildings: DirectoryRow[]
}
export type CommunityGroup = { community: GridEntry['community']; grids: GridEntry[] }

type Directory = { groups: CommunityGroup[]; finder: Finder }

/** The directory and its finder, made together (one production, one invalidation). */
const directory = (payload: Payload): Promise<Directory> =>
  cached(
    'subscribe:grids',
    async () => {
      const groups = await loadGridDirectory(payload)
      return { groups, finder: finderOf(groups) }
    },
    { tags: ['grids'] },
  )

/** Every grid with its community and buildings, kept in the site cache (grids change rarely; their saves drop every entry). */
export const gridDirectory = async (payload: Payload): Promise<CommunityGroup[]> => (await directory(payload)).groups

/** A stored building row as the directory keeps it; `address` is read when the row has one (a text), whatever else the row holds. */
function directoryRow(b: { estate?: string | null; name: string } & Record<string, unknown>): DirectoryRow {
  const row: DirectoryRow = { estate: b.estate ?? '', name: b.name }
  if (typeof b.address === 'string' && b.address.trim()) row.address = b.address.trim()
  return row
}

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
  type Stored = Omit<GridEntry, 'community' | 'buildings'> & { community: Id; buildings?: ({ estate?: string | null; name: string } & Record<string, unknown>)[] | null }
  for (const g of grids.docs as unknown as Stored[]) {
    const c = comm.get(String(g.community))
    if (!c) continue
    const entry: GridEntry = {
      id: g.id,
      code: g.code,
      name: g.name,
      community: { id: c.id, name: c.name, code: c.code },
      buildings: (g.buildings ?? []).map(directoryRow),
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

/** The grid finder over a directory: every building row (with its address when it has one), and the grids without buildings. */
export function finderOf(groups: readonly CommunityGroup[]): Finder {
  const buildings: DirectoryBuilding[] = []
  const without: DirectoryGrid[] = []
  for (const { community, grids } of groups) {
    for (const g of grids) {
      if (!g.buildings.length) without.push({ code: g.code, name: g.name, community: community.name })
      for (const b of g.buildings) {
        buildings.push({ grid: g.code, gridName: g.name, community: community.name, estate: b.estate, label: b.name, address: b.address ?? null })
      }
    }
  }
  return createFinder(buildings, without)
}

export const MAX_SEARCH_LENGTH = 40

/** One line of the answer: the grid, where (estate and building, when the match names them), and the line a resident reads. */
export type BuildingMatch = { code: string; gridName: string; community: string; estate: string; building: string; label: string }

/**
 * What the search answers: the matches (found), or why nothing matched
 * (`message`) with the near places to choose from instead (`matches`).
 */
export type BuildingSearch = { found: boolean; why: NoMatchReason | null; message: string | null; matches: BuildingMatch[] }

const toMatch = (m: FinderMatch): BuildingMatch => ({
  code: m.grid.code,
  gridName: m.grid.name,
  community: m.grid.community,
  estate: m.estate ?? '',
  building: m.building ?? '',
  label: describeMatch(m),
})

/**
 * Which grid a place is in, as residents type it: "碧湖小区 3栋", "碧湖 三号楼",
 * "碧湖小区３幢", "碧湖路12号", an estate alone, a grid's name or code. The
 * one matcher is the grid finder (src/grids/finder.ts); nothing is guessed.
 */
export async function searchBuildings(payload: Payload, query: string, limit = 20): Promise<BuildingSearch> {
  const { finder } = await directory(payload)
  const answer = finder.find(query.slice(0, MAX_SEARCH_LENGTH), { limit })
  if (answer.found) return { found: true, why: null, message: null, matches: answer.matches.map(toMatch) }
  return { found: false, why: answer.why, message: describeNoMatch(answer), matches: answer.suggestions.map(toMatch) }
}

// ---------------------------------------------------------------- validation
