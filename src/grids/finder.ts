import { type Lang, t } from '../i18n/messages'
import {
  BUILDING_TOKEN,
  buildingLabelKey,
  buildingNumber,
  canonicalDesignator,
  ESTATE_SUFFIXES,
  estateNames,
  fold,
  gridCodeKey,
  gridNumber,
  parseAddress,
} from './normalise'

/**
 * The grid finder: what a resident types ("碧湖小区 3栋", "碧湖 三号楼",
 * "碧湖路12号", "徐碧第一网格", "XB-01") to the grid they live in.
 *
 * The directory is indexed once (createFinder); a query is then folded
 * (src/grids/normalise.ts) and read against the index:
 * 1. The names it holds (estates by their full or shortened names, roads of
 *    the buildings' addresses, grid names, communities) are found anywhere in
 *    it, longest first, never overlapping.
 * 2. The rest must be explained: a building after an estate (3栋, 3号楼, 三幢,
 *    第三栋, 3座, 3#, 3-, A座, 3 alone), a number after a road (12号), a
 *    unit or room after those (2单元501, -2-501: ignored), a place before
 *    them (福州市鼓楼区…), a grid number after a community (第1网格).
 * 3. The answer is the most precise level reached: building (or address),
 *    estate, road, grid, community; every match carries its grid. An estate
 *    split across grids gives every grid.
 *
 * Nothing is guessed: a query with text left unexplained, a building the
 * estate does not have, or an unknown name gets no match, and a "not found"
 * answer says why, with near suggestions (the estate's grids; the estate
 * whose name differs by one character) for the resident to choose from.
 * Typos therefore never land on a wrong grid silently.
 *
 * The answer holds only directory data, never the query: pages escape it
 * anyway, but nothing typed is echoed by this module.
 */

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
const DEFAULT_LIMIT = 20

type Building = DirectoryBuilding & { order: number; number: string | null; labelKey: string; road: string | null; roadNumber: string | null }
type Estate = { key: string; name: string; buildings: Building[] }
type Road = { key: string; name: string; buildings: Building[] }

type Entity =
  | { kind: 'estate'; estate: Estate; short: boolean }
  | { kind: 'road'; road: Road }
  | { kind: 'grid'; grid: DirectoryGrid }
  | { kind: 'community'; community: string; grids: DirectoryGrid[] }

type Occurrence = { start: number; end: number; entities: Entity[] }

export type Finder = {
  find(query: string, opts?: { limit?: number }): FinderAnswer
  /** How many names the index holds (for the benchmark and tests). */
  readonly names: number
}

const LEVEL_RANK: Record<MatchReason, number> = {
  building: 0,
  address: 1,
  estate: 2,
  'estate-short': 3,
  road: 4,
  'grid-name': 5,
  'grid-code': 5,
  'grid-number': 6,
  community: 7,
}

/**
 * A place written before the names, ignored: 福州市鼓楼区, 徐碧街道, 我住在.
 * One bounded quantifier and plain endings: linear on any input (a nested
 * quantifier here would backtrack exponentially on "区区区…x").
 */
const PLACE_PREFIX = /^\p{Script=Han}{1,20}(?:省|市|区|县|镇|乡|街道)$/u
const ADMIN_WORD = /^(?:省|市|区|县|镇|乡|街道)$/
const SPEAKER = /^(?:我住在|我在|住在|我住|在)|的$/g
/**
 * Unit, floor and room after a building or number (2单元501, -2-501, 3楼,
 * 501室), ignored. A single character class, so matching is linear (an
 * alternation of digit runs and words inside * backtracks exponentially on
 * a long run of digits followed by one wrong character).
 */
const UNIT_TAIL = /^[-#\da-z单元室层楼号房户门梯座栋]*$/
const FILLER = /^的?/
const GRID_NUMBER = /^第?(\d{1,3})网格$/

export function createFinder(buildings: readonly DirectoryBuilding[], gridsWithout: readonly DirectoryGrid[] = []): Finder {
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
  const gridList = [...grids.values()]

  const sortBuildings = (list: Building[]) => [...list].sort((a, b) => a.order - b.order)
  const gridOf = (b: Building) => grids.get(b.grid)!

  function buildingMatch(b: Building, reason: 'building' | 'address'): FinderMatch {
    const m: FinderMatch = { level: 'building', reason, grid: gridOf(b), estate: b.estate, building: b.label }
    if (b.address) m.address = b.address
    return m
  }

  /** One match per grid the buildings are in, listing each grid's buildings. */
  function perGrid(list: Building[], make: (grid: DirectoryGrid, inGrid: Building[]) => FinderMatch): FinderMatch[] {
    const byGrid = new Map<string, Building[]>()
    for (const b of sortBuildings(list)) byGrid.set(b.grid, [...(byGrid.get(b.grid) ?? []), b])
    return [...byGrid.entries()].map(([code, inGrid]) => make(grids.get(code)!, inGrid))
  }

  const estateLevel = (estate: Estate, short: boolean): FinderMatch[] =>
    perGrid(estate.buildings, (grid, inGrid) => ({
      level: 'estate',
      reason: short ? 'estate-short' : 'estate',
      grid,
      estate: estate.name,
      buildings: inGrid.map((b) => b.label),
    }))

  const roadLevel = (road: Road): FinderMatch[] =>
    perGrid(road.buildings, (grid, inGrid) => ({ level: 'road', reason: 'road', grid, address: road.name, buildings: inGrid.map((b) => b.label) }))

  /** Names in the query, longest first, not overlapping. */
  function occurrences(q: string): Occurrence[] {
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

  /**
   * A building designator at the start of `text` (after 的, and after an
   * estate ending for a shortened name: 碧湖 + 花园3栋), with the unit/room
   * tail. `designator` is null when the text is only an estate ending (or the
   * start of one, as typed so far); `ending` is that ending as typed. null
   * when the text is not that.
   */
  function readBuilding(text: string, afterShortName: boolean): { designator: string | null; ending: string } | null {
    let s = text.replace(FILLER, '')
    let ending = ''
    if (afterShortName) {
      const suffix = ESTATE_SUFFIXES.find((x) => s.startsWith(x))
      if (suffix) ending = suffix
      else if (s && ESTATE_SUFFIXES.some((x) => x.startsWith(s))) ending = s
      s = s.slice(ending.length).replace(FILLER, '')
    }
    if (!s) return { designator: null, ending }
    const m = BUILDING_TOKEN.exec(s)
    if (!m) return null
    return UNIT_TAIL.test(s.slice(m[0].length)) ? { designator: canonicalDesignator(m[1]), ending } : null
  }

  /** A number after a road (12号, 12, 12-1号, 12号3栋), with an optional building and the unit/room tail. */
  function readRoadNumber(text: string): { number: string; designator: string | null } | null {
    const m = /^(\d{1,5})(?:-\d{1,4})?(号院|号楼|号|弄)?/.exec(text)
    if (!m) return null
    const rest = text.slice(m[0].length)
    const building = m[2] && rest ? readBuilding(rest, false) : null
    if (building?.designator) return { number: String(Number(m[1])), designator: building.designator }
    return UNIT_TAIL.test(rest) ? { number: String(Number(m[1])), designator: null } : null
  }

  /** Estates whose full name differs from some part of the query by one character or one swap of neighbours. */
  function similarEstates(q: string): Estate[] {
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

  function finish(matches: FinderMatch[], limit: number): FinderMatch[] {
    const rankOf = (m: FinderMatch) => LEVEL_RANK[m.reason]
    const sorted = [...matches].sort((a, b) => rankOf(a) - rankOf(b) || a.grid.code.localeCompare(b.grid.code))
    // A grid already given at a more precise level is not repeated at a broader one.
    const out: FinderMatch[] = []
    const seen = new Set<string>()
    const levelOfGrid = new Map<string, MatchLevel>()
    for (const m of sorted) {
      const id = `${m.level}|${m.grid.code}|${m.estate ?? ''}|${m.building ?? ''}|${m.address ?? ''}`
      if (seen.has(id)) continue
      const earlier = levelOfGrid.get(m.grid.code)
      if (earlier && earlier !== m.level && (m.level === 'grid' || m.level === 'community')) continue
      seen.add(id)
      if (!earlier) levelOfGrid.set(m.grid.code, m.level)
      out.push(m)
    }
    return out.slice(0, limit)
  }

  const found = (matches: FinderMatch[], limit: number): FinderAnswer => {
    const list = finish(matches, limit)
    return { found: true, matches: list, ambiguous: new Set(list.map((m) => m.grid.code)).size > 1 }
  }
  const none = (why: NoMatchReason, suggestions: FinderMatch[], limit: number, extra: Partial<Record<'estate' | 'road' | 'building', string>> = {}): FinderAnswer => ({
    found: false,
    why,
    suggestions: finish(suggestions, limit),
    ...extra,
  })

  function find(query: string, opts: { limit?: number } = {}): FinderAnswer {
    const limit = Math.max(1, Math.min(opts.limit ?? DEFAULT_LIMIT, 200))
    if (typeof query !== 'string') return none('empty', [], limit)
    if (query.length > MAX_QUERY_LENGTH) return none('too-long', [], limit)
    const q = fold(query)
    if (!q) return none('empty', [], limit)
    // NFKC can lengthen a character (㍿ → 株式会社): the folded form is capped too.
    if (q.length > MAX_QUERY_LENGTH * 2) return none('too-long', [], limit)

    const code = codes.get(gridCodeKey(q))
    if (code && /^[a-z]{1,6}-?\d{1,3}$/.test(q)) return found([{ level: 'grid', reason: 'grid-code', grid: code }], limit)

    const occ = occurrences(q)
    // Names that are only part of a place written first (徐碧 + 街道 in 徐碧街道碧湖小区3栋) are that place, not a search.
    while (occ.length > 1 && ADMIN_WORD.test(q.slice(occ[0].end, occ[1].start))) occ.shift()
    // The text between and around the names, each piece with the name before it.
    const pieces: { after: Occurrence | null; text: string }[] = []
    let at = 0
    let prev: Occurrence | null = null
    for (const o of occ) {
      pieces.push({ after: prev, text: q.slice(at, o.start) })
      at = o.end
      prev = o
    }
    pieces.push({ after: prev, text: q.slice(at) })

    let unexplained = false
    const matches: FinderMatch[] = []
    const missing: { estate?: Estate; road?: Road; designator: string }[] = []
    const fallback: FinderMatch[] = []

    // Communities and grids named in the query narrow what the estates and roads give.
    const communityFilter = new Set<string>()
    const gridFilter = new Set<string>()
    for (const o of occ) {
      if (o.entities.some((e) => e.kind === 'estate' || e.kind === 'road')) continue
      for (const e of o.entities) {
        if (e.kind === 'community') communityFilter.add(e.community)
        if (e.kind === 'grid') gridFilter.add(e.grid.code)
      }
    }
    const inScope = (b: Building) => (!communityFilter.size || communityFilter.has(b.community)) && (!gridFilter.size || gridFilter.has(b.grid))

    for (const piece of pieces) {
      const o = piece.after
      if (!o) {
        // Before the first name: a place prefix, or (with no name at all) nothing to read.
        const before = piece.text.replace(SPEAKER, '')
        if (before && !(occ.length && PLACE_PREFIX.test(before))) unexplained = true
        continue
      }
      const estatesHere = o.entities.filter((e): e is Extract<Entity, { kind: 'estate' }> => e.kind === 'estate')
      const roadsHere = o.entities.filter((e): e is Extract<Entity, { kind: 'road' }> => e.kind === 'road')
      const gridsHere = o.entities.filter((e): e is Extract<Entity, { kind: 'grid' }> => e.kind === 'grid')
      const communitiesHere = o.entities.filter((e): e is Extract<Entity, { kind: 'community' }> => e.kind === 'community')
      let explained = false

      if (estatesHere.length) {
        const building = readBuilding(piece.text, estatesHere.some((e) => e.short))
        if (building) {
          explained = true
          // 碧湖 + 小(区): the estates whose full name goes on that way (碧湖小区, not 碧湖花园), where there are any.
          const typed = q.slice(o.start, o.end) + building.ending
          const continuing = building.ending ? estatesHere.filter((e) => e.estate.key.startsWith(typed)) : []
          for (const { estate, short } of continuing.length ? continuing : estatesHere) {
            const scoped = estate.buildings.filter(inScope)
            // A community or grid named with the estate that does not hold it: say so rather than choose.
            if (!scoped.length) unexplained = true
            const list = scoped.length ? scoped : estate.buildings
            if (building.designator === null) {
              matches.push(...estateLevel({ ...estate, buildings: list }, short))
              continue
            }
            const hits = list.filter((b) => b.number === building.designator)
            if (hits.length) matches.push(...sortBuildings(hits).map((b) => buildingMatch(b, 'building')))
            else missing.push({ estate: { ...estate, buildings: list }, designator: building.designator })
          }
        } else {
          // A building with no designator, known by its label (综合楼).
          const text = piece.text.replace(FILLER, '')
          for (const { estate } of estatesHere) {
            const hits = estate.buildings.filter((b) => b.number === null && b.labelKey && text.startsWith(b.labelKey) && UNIT_TAIL.test(text.slice(b.labelKey.length)))
            if (hits.length) {
              explained = true
              matches.push(...sortBuildings(hits).map((b) => buildingMatch(b, 'building')))
            }
          }
          if (!explained) for (const { estate, short } of estatesHere) fallback.push(...estateLevel(estate, short))
        }
      }
      if (roadsHere.length) {
        const number = piece.text ? readRoadNumber(piece.text) : null
        if (!piece.text) {
          explained = true
          for (const { road } of roadsHere) matches.push(...roadLevel(road))
        } else if (number) {
          explained = true
          for (const { road } of roadsHere) {
            let hits = road.buildings.filter((b) => b.roadNumber === number.number)
            const scoped = hits.filter(inScope)
            if (hits.length && !scoped.length) unexplained = true
            else hits = scoped
            if (number.designator && hits.some((b) => b.number === number.designator)) hits = hits.filter((b) => b.number === number.designator)
            if (hits.length) matches.push(...sortBuildings(hits).map((b) => buildingMatch(b, 'address')))
            else missing.push({ road, designator: number.number })
          }
        } else {
          for (const { road } of roadsHere) fallback.push(...roadLevel(road))
        }
      }
      if (gridsHere.length || communitiesHere.length) {
        const numbered = GRID_NUMBER.exec(piece.text)
        // Names of grids and communities stand alone: after them only a grid number (徐碧社区第1网格), or the next name.
        if (!piece.text || numbered) {
          explained = true
          // With an estate or road named elsewhere in the query, a grid or community only narrows its buildings.
          const placeElsewhere = occ.some((x) => x !== o && x.entities.some((e) => e.kind === 'estate' || e.kind === 'road'))
          if (numbered) {
            for (const c of communitiesHere) {
              for (const g of c.grids) if (gridNumber(g.name) === Number(numbered[1])) matches.push({ level: 'grid', reason: 'grid-number', grid: g })
            }
          } else if (!placeElsewhere) {
            for (const { grid } of gridsHere) matches.push({ level: 'grid', reason: 'grid-name', grid })
            // A name shared by an estate and a community (徐碧: 徐碧新村, 徐碧社区) gives both, the estate first.
            for (const c of communitiesHere) for (const grid of c.grids) matches.push({ level: 'community', reason: 'community', grid })
          }
        } else {
          for (const { grid } of gridsHere) fallback.push({ level: 'grid', reason: 'grid-name', grid })
          for (const c of communitiesHere) for (const grid of c.grids) fallback.push({ level: 'community', reason: 'community', grid })
        }
      }
      if (!explained) unexplained = true
    }

    if (!occ.length) {
      // No name: a grid number alone (第1网格: every community's), a building alone, or nothing known.
      const numbered = GRID_NUMBER.exec(q)
      if (numbered) {
        const list = gridList.filter((g) => gridNumber(g.name) === Number(numbered[1]))
        if (list.length) return found(list.map((grid) => ({ level: 'grid', reason: 'grid-number', grid })), limit)
      }
      if (readBuilding(q, false)?.designator) return none('need-place', [], limit)
      const similar = similarEstates(q)
      return none('unknown', similar.flatMap((e) => estateLevel(e, false)), limit)
    }
    if (unexplained) {
      const suggestions = [...matches, ...fallback]
      for (const m of missing) suggestions.push(...(m.estate ? estateLevel(m.estate, false) : roadLevel(m.road!)))
      return none('unclear', suggestions, limit)
    }
    if (matches.length) return found(matches, limit)
    if (missing.length) {
      const first = missing[0]
      if (first.estate) {
        return none('no-such-building', missing.flatMap((m) => (m.estate ? estateLevel(m.estate, false) : [])), limit, {
          estate: [...new Set(missing.filter((m) => m.estate).map((m) => m.estate!.name))].join('、'),
          building: first.designator,
        })
      }
      return none('no-such-number', missing.flatMap((m) => (m.road ? roadLevel(m.road) : [])), limit, { road: first.road!.name, building: first.designator })
    }
    return none('unclear', fallback, limit)
  }

  return { find, names: names.size }
}

/** Equal but for one character, or one swap of two neighbours. */
function nearlyEqual(a: string, b: string): boolean {
  if (a.length !== b.length || a === b) return false
  const diff: number[] = []
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) diff.push(i)
  if (diff.length === 1) return true
  return diff.length === 2 && diff[1] === diff[0] + 1 && a[diff[0]] === b[diff[1]] && a[diff[1]] === b[diff[0]]
}

// ---------------------------------------------------------------- words

/** Estate and building as one name, without saying the estate twice (碧湖小区 7栋, 碧湖小区3号楼). */
function placeOf(m: FinderMatch): string {
  const estate = m.estate ?? ''
  const building = m.building ?? ''
  if (!estate || fold(building).startsWith(fold(estate))) return building
  return building ? `${estate} ${building}` : estate
}

/** The match as one line a resident reads: where, and which grid (碧湖小区 3栋 → XB-01 · 徐碧第1网格（徐碧社区）). */
export function describeMatch(m: FinderMatch, lang: Lang = 'zh'): string {
  const grid = t('subscribe.gridLabel', lang, { code: m.grid.code, name: m.grid.name, community: m.grid.community })
  const vars = {
    estate: m.estate ?? '',
    building: m.building ?? '',
    place: placeOf(m),
    address: m.address ?? '',
    buildings: (m.buildings ?? []).join(t('finder.listSeparator', lang)),
    grid,
    community: m.grid.community,
  }
  switch (m.reason) {
    case 'building':
      return t('finder.match.building', lang, vars)
    case 'address':
      return t('finder.match.address', lang, vars)
    case 'estate':
    case 'estate-short':
      return t('finder.match.estate', lang, vars)
    case 'road':
      return t('finder.match.road', lang, vars)
    case 'grid-name':
    case 'grid-code':
    case 'grid-number':
      return t('finder.match.grid', lang, vars)
    case 'community':
      return t('finder.match.community', lang, vars)
  }
}

/** What a "not found" answer tells the resident (the suggestions follow it). */
export function describeNoMatch(answer: Extract<FinderAnswer, { found: false }>, lang: Lang = 'zh'): string {
  const vars = { estate: answer.estate ?? '', road: answer.road ?? '', building: answer.building ?? '' }
  switch (answer.why) {
    case 'empty':
      return t('finder.none.empty', lang)
    case 'too-long':
      return t('finder.none.tooLong', lang, { max: MAX_QUERY_LENGTH })
    case 'no-such-building':
      return t('finder.none.noSuchBuilding', lang, vars)
    case 'no-such-number':
      return t('finder.none.noSuchNumber', lang, vars)
    case 'need-place':
      return t('finder.none.needPlace', lang)
    case 'unclear':
      return t(answer.suggestions.length ? 'finder.none.unclear' : 'finder.none.unknown', lang)
    case 'unknown':
      return t(answer.suggestions.length ? 'finder.none.similar' : 'finder.none.unknown', lang)
  }
}
