/** The shapes of the grid finder (src/grids/finder.ts): the directory it indexes, its answers, and its index. */

export type DirectoryBuilding = {
  /** The grid's code (XB-01). */
  grid: string
  gridName: string
  community: string
  /** The estate (小区) the building belongs to; '' where none. */
  estate: string
  /** The building as stored: 3栋, 3号楼, A座, 三幢, 碧湖小区3号楼. */
  label: string
  /** Road and number where the building carries one (碧湖路12号). */
  address?: string | null
}

/** A grid, for grids that have no building in the directory (still found by name or code). */
export type DirectoryGrid = { code: string; name: string; community: string }

export type MatchLevel = 'building' | 'estate' | 'road' | 'grid' | 'community'

/**
 * Why it matched: the estate and a building (building), a road and number
 * (address), the estate's full or shortened name (estate, estate-short), a
 * road alone (road), the grid's name, code or number in its community
 * (grid-name, grid-code, grid-number), the community (community).
 */
export type MatchReason = 'building' | 'address' | 'estate' | 'estate-short' | 'road' | 'grid-name' | 'grid-code' | 'grid-number' | 'community'

export type FinderMatch = {
  level: MatchLevel
  reason: MatchReason
  grid: DirectoryGrid
  /** Building and estate levels: the estate's name as stored. */
  estate?: string
  /** Building level: the building's label as stored. */
  building?: string
  /** Building level by address, and road level: the address or road as stored. */
  address?: string
  /** Estate and road levels: the labels of the estate's (road's) buildings in this grid, in order. */
  buildings?: string[]
}

/**
 * Why nothing matched:
 * - empty: nothing but spaces and punctuation;
 * - too-long: longer than MAX_QUERY_LENGTH (not read at all);
 * - no-such-building: the estate is known, that building is not (suggestions: the estate's grids);
 * - no-such-number: the road is known, that number is not (suggestions: the road's grids);
 * - need-place: a building without an estate ("3栋"): which estate?
 * - unclear: names were recognised but some text was not (suggestions: what was recognised);
 * - unknown: no name recognised (suggestions: estates whose name differs by one character).
 */
export type NoMatchReason = 'empty' | 'too-long' | 'no-such-building' | 'no-such-number' | 'need-place' | 'unclear' | 'unknown'

export type FinderAnswer =
  | { found: true; matches: FinderMatch[]; /** More than one grid: the resident must choose. */ ambiguous: boolean }
  | {
      found: false
      why: NoMatchReason
      suggestions: FinderMatch[]
      /** no-such-building: the estate(s) as stored and the building as typed, canonical (3, A). */
      estate?: string
      road?: string
      building?: string
    }

/** Longer queries are not read: a resident's estate and building fit in far fewer characters. */
export const MAX_QUERY_LENGTH = 60
export const DEFAULT_LIMIT = 20

export type Building = DirectoryBuilding & { order: number; number: string | null; labelKey: string; road: string | null; roadNumber: string | null }
export type Estate = { key: string; name: string; buildings: Building[] }
export type Road = { key: string; name: string; buildings: Building[] }

export type Entity =
  | { kind: 'estate'; estate: Estate; short: boolean }
  | { kind: 'road'; road: Road }
  | { kind: 'grid'; grid: DirectoryGrid }
  | { kind: 'community'; community: string; grids: DirectoryGrid[] }

export type Occurrence = { start: number; end: number; entities: Entity[] }

export type Finder = {
  find(query: string, opts?: { limit?: number }): FinderAnswer
  /** How many names the index holds (for the benchmark and tests). */
  readonly names: number
}
