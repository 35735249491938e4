import { buildIndex, occurrences, similarEstates } from './finderIndex'
import { ADMIN_WORD, FILLER, GRID_NUMBER, PLACE_PREFIX, readBuilding, readRoadNumber, SPEAKER, UNIT_TAIL } from './finderRead'
import {
  type Building,
  DEFAULT_LIMIT,
  type DirectoryBuilding,
  type DirectoryGrid,
  type Entity,
  type Estate,
  type Finder,
  type FinderAnswer,
  type FinderMatch,
  type MatchLevel,
  type MatchReason,
  MAX_QUERY_LENGTH,
  type NoMatchReason,
  type Occurrence,
  type Road,
} from './finderTypes'
import { fold, gridCodeKey, gridNumber } from './normalise'

/**
 * The grid finder: what a resident types ("碧湖小区 3栋", "碧湖 三号楼",
 * "碧湖路12号", "徐碧第一网格", "XB-01") to the grid they live in.
 *
 * The directory is indexed once (createFinder, src/grids/finderIndex.ts); a query is then folded
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

export type { DirectoryBuilding, DirectoryGrid, Finder, FinderAnswer, FinderMatch, MatchLevel, MatchReason, NoMatchReason } from './finderTypes'
export { MAX_QUERY_LENGTH } from './finderTypes'
export { describeMatch, describeNoMatch } from './finderWords'

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

export function createFinder(buildings: readonly DirectoryBuilding[], gridsWithout: readonly DirectoryGrid[] = []): Finder {
  const index = buildIndex(buildings, gridsWithout)
  const { names, grids, codes } = index
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

    const occ = occurrences(index, q)
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
      const similar = similarEstates(index, q)
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
