/**
 * How residents and staff write places, folded to one form: the grid
 * finder's index and queries, and (later) the building import's stable codes,
 * go through these functions, so what is typed and what is stored compare
 * equal whenever they mean the same building.
 *
 * Pure: no imports, no state. Safe on any string (HTML, control characters,
 * lone surrogates, very long input: callers cap the length, these functions
 * are linear in it).
 */

/** Chinese digits, the everyday and the financial (大写) forms. */
const CN_DIGITS: Record<string, number> = {
  零: 0, 〇: 0, 一: 1, 壹: 1, 二: 2, 贰: 2, 两: 2, 三: 3, 叁: 3, 四: 4, 肆: 4,
  五: 5, 伍: 5, 六: 6, 陆: 6, 七: 7, 柒: 7, 八: 8, 捌: 8, 九: 9, 玖: 9,
}
const CN_TENS = new Set(['十', '拾'])
const CN_RUN = /[零〇一壹二贰两三叁四肆五伍六陆七柒八捌九玖十拾]+/g

/**
 * A Chinese numeral as a number: 三 → 3, 十 → 10, 十二 → 12, 二十 → 20,
 * 二十三 → 23, 九十九 → 99, and digit by digit where there is no 十
 * (五〇一 → 501, as room numbers are read). null when the text is not one
 * numeral (十十, 一十二十, empty). Tens forms go up to 99: a building
 * numbered 一百零一 is written 101.
 */
export function chineseNumber(text: string): number | null {
  if (!text) return null
  const tens = [...text].filter((c) => CN_TENS.has(c)).length
  if (tens === 0) {
    let n = 0
    for (const c of text) {
      const d = CN_DIGITS[c]
      if (d === undefined) return null
      n = n * 10 + d
    }
    return text.length > 15 ? null : n
  }
  if (tens > 1) return null
  const [before, after] = text.split(/[十拾]/)
  if (before.length > 1 || after.length > 1) return null
  const a = before ? CN_DIGITS[before] : 1
  const b = after ? CN_DIGITS[after] : 0
  if (a === undefined || b === undefined || a === 0) return null
  return a * 10 + b
}

const DASHES = /[\u2010-\u2015\u2212\uFE58\uFE63]/g

/**
 * The one folded form of a place text: full-width to half-width (NFKC), lower
 * case, Chinese numerals as digits (第三栋 → 第3栋, 十二 → 12), whitespace
 * dropped except between two digits (where it separates like a dash:
 * "3 2 501" → "3-2-501"), punctuation and symbols dropped except # and -.
 * The same function folds the directory and the query, so a name that holds
 * a numeral (九龙花园 → 9龙花园) still compares equal.
 */
export function fold(text: string): string {
  let s = text.normalize('NFKC').toLowerCase().replace(DASHES, '-')
  // Format characters (zero-width spaces, BOM, direction marks) and controls are invisible: drop them.
  s = s.replace(/[\p{Cf}\p{Cc}]/gu, (c) => (/\s/.test(c) ? ' ' : ''))
  s = s.replace(/(?<=\d)\s+(?=\d)/g, '-').replace(/\s+/g, '')
  s = s.replace(/[^\p{L}\p{N}#-]/gu, '')
  return s.replace(CN_RUN, (run) => {
    const n = chineseNumber(run)
    return n === null ? run : String(n)
  })
}

/**
 * Endings an estate's everyday name drops: 碧湖小区 is "碧湖", 东霞苑 is
 * "东霞", 徐碧新村 is "徐碧". Longest first. Folded already.
 */
export const ESTATE_SUFFIXES = ['住宅小区', '住宅区', '小区', '花园', '公寓', '新村', '家园', '嘉园', '山庄', '新城', '宿舍', '住宅', '大院', '苑', '园', '村'] as const

/**
 * The names an estate is known by, folded: its full name, then the shorter
 * names left by dropping its endings one by one (碧湖花园小区 → 碧湖花园 →
 * 碧湖), never shorter than two characters (翠园 stays 翠园: 翠 alone would
 * match anything).
 */
export function estateNames(name: string): string[] {
  const full = fold(name)
  if (!full) return []
  const names = [full]
  for (let current = full; ; ) {
    const suffix = ESTATE_SUFFIXES.find((s) => current.endsWith(s) && current.length - s.length >= 2)
    if (!suffix) break
    current = current.slice(0, -suffix.length)
    names.push(current)
  }
  return names
}

/** An estate's key: its full folded name (two spellings of one estate get one key). */
export const estateKey = (name: string): string => fold(name)

/**
 * Building designators as written after the estate: 3栋, 3幢, 3号楼, 3号,
 * 3座, 3#, 3#楼, 3- (as in 3-2-501), 第3栋, 3 alone, A座, A栋, A1栋, 3A栋,
 * 3-1栋 (a numbered part, only when a building word follows). Applied to
 * folded text (digits, lower case), anchored at the start. Groups: 1 the
 * designator, 2 the building word.
 */
export const BUILDING_TOKEN =
  /^第?(\d{1,4}-\d{1,3}(?=号楼|栋|幢|座)|\d{1,4}[a-z](?=号楼|栋|幢|座|#|$)|\d{1,4}|[a-z]\d{0,3}(?![a-z]))(号楼|栋楼|幢楼|座楼|#楼|栋|幢|座|号|楼|#|-)?/

/** The same designator at the end of a stored label (碧湖小区3号楼, 三幢, A座). */
const LABEL_TAIL =
  /(?:^|[^\da-z-])第?(\d{1,4}-\d{1,3}|\d{1,4}[a-z]|\d{1,4}|[a-z]\d{0,3})(号楼|栋楼|幢楼|座楼|#楼|栋|幢|座|号|楼|#)?$/

/** A designator in its canonical form: digits without leading zeros, letters upper case (03 → 3, a1 → A1, 3a → 3A). */
export function canonicalDesignator(raw: string): string {
  return raw.toUpperCase().replace(/\d+/g, (d) => String(Number(d)))
}

/**
 * The number (or letter) of a building from its label as stored: "3栋",
 * "3号楼", "三幢", "第十二栋", "A座", "３＃", "碧湖小区3号楼" all give their
 * designator ("3", "3", "3", "12", "A", "3", "3"). The estate's name, when
 * given and written at the start of the label, is dropped first, so an estate
 * whose name ends in a numeral (e.g. 东一村 1栋) is read right. null for a
 * label with no designator (综合楼): such a building is known by its label.
 */
export function buildingNumber(label: string, estate?: string): string | null {
  let s = fold(label)
  const prefix = estate ? fold(estate) : ''
  if (prefix && s.startsWith(prefix) && s.length > prefix.length) s = s.slice(prefix.length)
  const m = LABEL_TAIL.exec(s)
  if (!m) return null
  // A bare letter or number is a designator only when it is the whole label (A, 12) or a building word follows.
  if (!m[2] && m[0].length !== s.length) return null
  return canonicalDesignator(m[1])
}

/**
 * A building's label without its estate name, folded: how a building with no
 * designator (综合楼) is matched.
 */
export function buildingLabelKey(label: string, estate?: string): string {
  const s = fold(label)
  const prefix = estate ? fold(estate) : ''
  return prefix && s.startsWith(prefix) && s.length > prefix.length ? s.slice(prefix.length) : s
}

/**
 * A stable code for a building, for the import and for links: the estate's
 * key and the building's designator (or its label key), "碧湖小区/3". Two
 * spellings of one building (3栋, 3号楼, 三幢) get one code.
 */
export function buildingCode(estate: string, label: string): string {
  return `${estateKey(estate)}/${buildingNumber(label, estate) ?? buildingLabelKey(label, estate)}`
}

/** Endings of a road's name, longest first. */
const ROAD = /^(.+?(?:大道|大街|路|街|巷|弄|道))(\d{1,5})(?:-(\d{1,4}))?(?:号院|号楼|号|弄)?/

/**
 * A street address (碧湖路12号, 碧湖路 12 号, 碧湖路十二号, 碧湖路12-1号)
 * as its folded road and its number. null when it is not "road + number".
 */
export function parseAddress(address: string): { road: string; number: string } | null {
  const m = ROAD.exec(fold(address))
  return m ? { road: m[1], number: String(Number(m[2])) } : null
}

/** A grid code folded: letters and numbers only, numbers without leading zeros (XB-01, xb01, XB 1 → xb1). */
export function gridCodeKey(code: string): string {
  return code
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .replace(/\d+/g, (d) => String(Number(d)))
}

/** The number of a grid from its name (徐碧第1网格 → 1, 甲一网格 → 1), or null. */
export function gridNumber(name: string): number | null {
  const m = /(\d{1,3})网格$/.exec(fold(name))
  return m ? Number(m[1]) : null
}
