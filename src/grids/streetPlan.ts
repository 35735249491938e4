import type { Payload } from 'payload'

import { type MessageKey, t } from '../i18n/messages'
import type { Id } from '../model/ids'
import type { Encoding, RowProblem } from '../subscribers/csv'
import { type Building, householdsSum } from './buildings'
import { fold } from './normalise'
import { readStreetFile, type StreetColumn } from './streetCsv'

/**
 * A checked street file against the database: what an import would create
 * and update, matched on codes (a building without a code on its grid,
 * estate and name). Nothing is written here (src/grids/streetWrite.ts does).
 * An import adds and updates; it never deletes.
 */
export type CommunityWrite = { id?: Id; code: string; name: string }
export type GridWrite = { id?: Id; code: string; name: string; households: number; community: string; buildings: Building[] }
export type StreetCounts = { c1: number; c2: number; g1: number; g2: number; b1: number; b2: number }
export type StreetPlan = {
  encoding: 'utf-8' | 'gbk' | null
  total: number
  problems: RowProblem[]
  communities: CommunityWrite[]
  /** Grids that give buildings away to another grid, saved without them first (a code is in one grid at a time). */
  releases: { id: Id; buildings: Building[] }[]
  grids: GridWrite[]
  counts: StreetCounts
}

type StoredGrid = { id: Id; code: string; name: string; households: number; community: Id | { id: Id }; buildings?: Building[] | null }
type StoredCommunity = { id: Id; code: string; name: string }

const msg = (key: MessageKey, vars?: Record<string, string | number>) => t(key, 'zh', vars)
const DETAILS = ['estate', 'name', 'address', 'households', 'head', 'headPhone'] as const
const same = (a: unknown, b: unknown) => (a ?? null) === (b ?? null)

/** Every community and grid of the street, buildings and heads' phones included (admins only: the caller checks). */
export async function loadStreet(payload: Payload): Promise<{ communities: StoredCommunity[]; grids: StoredGrid[] }> {
  const [communities, grids] = await Promise.all([
    payload.find({ collection: 'communities', sort: 'code', limit: 0, pagination: false, depth: 0, overrideAccess: true }),
    payload.find({ collection: 'grids', sort: 'code', limit: 0, pagination: false, depth: 0, overrideAccess: true }),
  ])
  return { communities: communities.docs as unknown as StoredCommunity[], grids: grids.docs as unknown as StoredGrid[] }
}

export async function planStreetImport(payload: Payload, bytes: Buffer, encoding: Encoding): Promise<StreetPlan> {
  const file = readStreetFile(bytes, encoding)
  const counts: StreetCounts = { c1: 0, c2: 0, g1: 0, g2: 0, b1: 0, b2: 0 }
  const plan: StreetPlan = { encoding: file.encoding, total: file.total, problems: file.problems, communities: [], releases: [], grids: [], counts }
  if (plan.problems.length) return plan
  const bad = (line: number, c: StreetColumn, key: MessageKey, vars: Record<string, string | number>) => plan.problems.push({ line, field: file.heading(c), reason: msg(key, vars) })
  const name = (c: StreetColumn) => msg(`street.col.${c}` as MessageKey)

  const stored = await loadStreet(payload)
  const communityByCode = new Map(stored.communities.map((c) => [c.code, c]))
  const gridByCode = new Map(stored.grids.map((g) => [g.code, g]))
  /** Where each stored building code is: its grid's code. */
  const codeHome = new Map<string, string>()
  for (const g of stored.grids) for (const b of g.buildings ?? []) if (b.code) codeHome.set(b.code, g.code)

  for (const c of file.communities.values()) {
    const known = communityByCode.get(c.code)
    if (!known && c.name === null) bad(c.line, 'community_name', 'street.error.newNeeds', { code: c.code, field: name('community_name') })
    else if (!known) (plan.communities.push({ code: c.code, name: c.name! }), counts.c1++)
    else if (c.name !== null && c.name !== known.name) (plan.communities.push({ id: known.id, code: c.code, name: c.name }), counts.c2++)
  }

  // Buildings the file puts in another grid than the one holding them now.
  const movedOut = new Map<string, Set<string>>()
  for (const g of file.grids.values())
    for (const b of g.buildings) {
      const home = b.code ? codeHome.get(b.code) : undefined
      if (home && home !== g.code) movedOut.set(home, (movedOut.get(home) ?? new Set()).add(b.code!))
    }
  const storedRow = (code: string) => gridByCode.get(codeHome.get(code)!)?.buildings?.find((b) => b.code === code)
  for (const [home, codes] of movedOut) {
    const g = gridByCode.get(home)!
    plan.releases.push({ id: g.id, buildings: (g.buildings ?? []).filter((b) => !codes.has(b.code ?? '')) })
  }

  for (const g of file.grids.values()) {
    const known = gridByCode.get(g.code)
    if (!known && g.name === null) bad(g.line, 'grid_name', 'street.error.newNeeds', { code: g.code, field: name('grid_name') })
    if (!known && g.households === null) bad(g.line, 'grid_households', 'street.error.newNeeds', { code: g.code, field: name('grid_households') })
    if (!known && (g.name === null || g.households === null)) continue
    const gone = movedOut.get(g.code) ?? new Set<string>()
    const rows: Building[] = (known?.buildings ?? []).filter((b) => !gone.has(b.code ?? '')).map((b) => ({ ...b }))
    const claimed = new Set<Building>()
    let changed = false
    for (const b of g.buildings) {
      let target: Building | undefined
      let moved: Building | undefined
      if (b.code && codeHome.get(b.code) === g.code) target = rows.find((r) => r.code === b.code)
      else if (b.code && codeHome.has(b.code)) moved = storedRow(b.code)
      else if (!b.code) target = rows.find((r) => !claimed.has(r) && fold(r.estate ?? '') === fold(b.estate) && fold(r.name) === fold(b.name))
      if (target) {
        claimed.add(target)
        if (DETAILS.some((k) => k in b.set && !same(target![k], b.set[k]))) {
          Object.assign(target, b.set)
          counts.b2++
          changed = true
        }
        continue
      }
      // A building moved here keeps its code and what the file does not say; a new row gets a row id of its own.
      const row: Building = moved ? { ...moved, ...b.set } : { code: b.code, name: b.name, ...b.set }
      delete row.id
      rows.push(row)
      claimed.add(row)
      changed = true
      if (moved) counts.b2++
      else counts.b1++
    }
    const households = g.households ?? known!.households
    const sum = householdsSum(rows)
    if (sum > households) bad(g.householdsLine, 'grid_households', 'street.error.sum', { code: g.code, sum, households })
    const community = known && typeof known.community === 'object' ? known.community.id : known?.community
    const communityChanged = known ? String(communityByCode.get(g.community)?.id ?? '') !== String(community) : true
    if (known && !changed && !gone.size && !communityChanged && same(known.name, g.name ?? known.name) && same(known.households, households)) continue
    plan.grids.push({ id: known?.id, code: g.code, name: g.name ?? known!.name, households, community: g.community, buildings: rows })
    if (known) counts.g2++
    else counts.g1++
  }
  plan.problems.sort((a, b) => a.line - b.line)
  return plan
}
