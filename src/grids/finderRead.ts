import { BUILDING_TOKEN, canonicalDesignator, ESTATE_SUFFIXES } from './normalise'

/** The grammar around the names in a query (src/grids/finder.ts): places before them, buildings, numbers and rooms after them. */

/**
 * A place written before the names, ignored: 福州市鼓楼区, 徐碧街道, 我住在.
 * One bounded quantifier and plain endings: linear on any input (a nested
 * quantifier here would backtrack exponentially on "区区区…x").
 */
export const PLACE_PREFIX = /^\p{Script=Han}{1,20}(?:省|市|区|县|镇|乡|街道)$/u
export const ADMIN_WORD = /^(?:省|市|区|县|镇|乡|街道)$/
export const SPEAKER = /^(?:我住在|我在|住在|我住|在)|的$/g
/**
 * Unit, floor and room after a building or number (2单元501, -2-501, 3楼,
 * 501室), ignored. A single character class, so matching is linear (an
 * alternation of digit runs and words inside * backtracks exponentially on
 * a long run of digits followed by one wrong character).
 */
export const UNIT_TAIL = /^[-#\da-z单元室层楼号房户门梯座栋]*$/
export const FILLER = /^的?/
export const GRID_NUMBER = /^第?(\d{1,3})网格$/

/**
 * A building designator at the start of `text` (after 的, and after an
 * estate ending for a shortened name: 碧湖 + 花园3栋), with the unit/room
 * tail. `designator` is null when the text is only an estate ending (or the
 * start of one, as typed so far); `ending` is that ending as typed. null
 * when the text is not that.
 */
export function readBuilding(text: string, afterShortName: boolean): { designator: string | null; ending: string } | null {
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
export function readRoadNumber(text: string): { number: string; designator: string | null } | null {
  const m = /^(\d{1,5})(?:-\d{1,4})?(号院|号楼|号|弄)?/.exec(text)
  if (!m) return null
  const rest = text.slice(m[0].length)
  const building = m[2] && rest ? readBuilding(rest, false) : null
  if (building?.designator) return { number: String(Number(m[1])), designator: building.designator }
  return UNIT_TAIL.test(rest) ? { number: String(Number(m[1])), designator: null } : null
}

