import { parse } from 'csv-parse/sync'

import { type MessageKey, t } from '../i18n/messages'
import { decode, type Encoding, MAX_IMPORT_BYTES, MAX_IMPORT_ROWS, type RowProblem } from '../subscribers/csv'
import { type Building, checkBuildingCode, checkHeadPhone, LIMITS } from './buildings'
import { fold } from './normalise'

/**
 * The street's structure as one CSV, read and checked (src/grids/streetPlan.ts
 * compares it with the database, src/grids/streetWrite.ts writes it and
 * exports it). One row per building, with its community and grid; a grid
 * without buildings, or a community without grids, is a row with the rest
 * empty. UTF-8 (with or without a byte-order mark) or GBK, as the
 * subscriber import reads them (src/subscribers/csv.ts). Every problem names
 * its line, its column as the file heads it, and what is wrong, in Chinese.
 */
export const STREET_COLUMNS = [
  'community_code',
  'community_name',
  'grid_code',
  'grid_name',
  'grid_households',
  'estate',
  'building_code',
  'building_name',
  'address',
  'building_households',
  'head',
  'head_phone',
] as const
export type StreetColumn = (typeof STREET_COLUMNS)[number]

/** Each column by its English name (what export writes) and the usual Chinese headings. */
const ALIASES: Record<StreetColumn, string[]> = {
  community_code: ['社区编码', '社区代码'],
  community_name: ['社区名称', '社区'],
  grid_code: ['网格编码', '网格编号', '网格代码'],
  grid_name: ['网格名称', '网格'],
  grid_households: ['网格户数'],
  estate: ['小区', '小区名称'],
  building_code: ['楼栋编码', '楼栋编号'],
  building_name: ['楼栋名称', '楼栋', '楼号'],
  address: ['门牌地址', '地址', '门牌'],
  building_households: ['楼栋户数'],
  head: ['楼栋长', '楼栋长姓名'],
  head_phone: ['楼栋长电话', '楼栋长手机', '联系电话'],
}
const REQUIRED: StreetColumn[] = ['community_code', 'grid_code', 'building_name']
const BUILDING_COLUMNS: StreetColumn[] = ['estate', 'building_code', 'building_name', 'address', 'building_households', 'head', 'head_phone']

export type FileBuilding = { line: number; code: string | null; estate: string; name: string; set: Partial<Building> }
export type FileGrid = {
  code: string
  line: number
  community: string
  communityLine: number
  name: string | null
  nameLine: number
  households: number | null
  householdsLine: number
  buildings: FileBuilding[]
}
export type FileCommunity = { code: string; line: number; name: string | null; nameLine: number }
export type StreetFile = {
  encoding: 'utf-8' | 'gbk' | null
  total: number
  problems: RowProblem[]
  communities: Map<string, FileCommunity>
  grids: Map<string, FileGrid>
  /** The building columns the file has: an empty cell in one of them clears the value, a column it lacks leaves it. */
  columns: Set<StreetColumn>
  /** The column headings as the file writes them. */
  heading: (c: StreetColumn) => string
}

const msg = (key: MessageKey, vars?: Record<string, string | number>) => t(key, 'zh', vars)
export const columnName = (c: StreetColumn) => msg(`street.col.${c}` as MessageKey)
/** A value a spreadsheet would run: = + - @ first, unless it is a plain number or phone (digits, spaces, hyphens). */
const FORMULA = /^[=+\-@]/
const NUMBERISH = /^[+-]?[\d\s-]+$/
/** What csvCell (src/lib/csv.ts) wrote for such a value: an apostrophe in front, taken off again here. */
const ESCAPED = /^'[=+\-@\t\r]/
const INTEGER = /^\d{1,7}$/

/** Read and check the file's rows. Nothing is looked up in the database here. */
export function readStreetFile(bytes: Buffer, encoding: Encoding): StreetFile {
  const out: StreetFile = { encoding: null, total: 0, problems: [], communities: new Map(), grids: new Map(), columns: new Set(), heading: columnName }
  const file = (reason: string) => (out.problems.push({ line: 1, field: t('import.file'), reason }), out)
  if (!bytes.length) return file(msg('import.error.empty'))
  if (bytes.length > MAX_IMPORT_BYTES) return file(msg('import.error.tooLarge', { mb: MAX_IMPORT_BYTES / 1024 / 1024 }))
  const decoded = decode(bytes, encoding)
  if ('problem' in decoded) return file(decoded.problem)
  out.encoding = decoded.encoding

  let records: { record: string[]; info: { lines: number } }[]
  try {
    records = parse(decoded.text, { info: true, relax_column_count: true, skip_empty_lines: true, trim: true }) as never
  } catch (err) {
    out.problems.push({ line: (err as { lines?: number }).lines ?? 1, field: t('import.file'), reason: msg('import.error.csv', { detail: (err as Error).message.slice(0, 200) }) })
    return out
  }
  if (!records.length) return file(msg('import.error.empty'))
  if (records.length - 1 > MAX_IMPORT_ROWS) return file(msg('import.error.tooManyRows', { max: MAX_IMPORT_ROWS }))

  const header = records[0].record
  const headerLine = records[0].info.lines
  const columnOf = new Map<StreetColumn, number>()
  header.forEach((name, i) => {
    const n = name.replace(/^\ufeff/, '').trim()
    const key = STREET_COLUMNS.find((c) => c === n.toLowerCase() || ALIASES[c].includes(n))
    if (!key) out.problems.push({ line: headerLine, field: name || `#${i + 1}`, reason: msg('import.error.unknownColumn', { name, known: STREET_COLUMNS.join(', ') }) })
    else if (columnOf.has(key)) out.problems.push({ line: headerLine, field: name, reason: msg('import.error.duplicateColumn', { name }) })
    else columnOf.set(key, i)
  })
  for (const c of REQUIRED) if (!columnOf.has(c)) out.problems.push({ line: headerLine, field: c, reason: msg('import.error.missingColumn', { name: [c, ...ALIASES[c]].join(' / ') }) })
  if (out.problems.length) return out
  out.columns = new Set(columnOf.keys())
  out.heading = (c) => (columnOf.has(c) ? header[columnOf.get(c)!] : columnName(c))

  const buildingCodes = new Map<string, number>()
  const buildingNames = new Map<string, number>()
  for (const { record, info } of records.slice(1)) {
    // A line of empty cells (what a spreadsheet leaves below a table) is no line.
    if (record.every((cell) => !cell)) continue
    const line = info.lines
    out.total++
    const problems: RowProblem[] = []
    const bad = (c: StreetColumn, key: MessageKey, vars: Record<string, string | number> = {}) =>
      problems.push({ line, field: out.heading(c), reason: msg(key, { field: columnName(c), ...vars }) })
    if (record.length !== header.length) problems.push({ line, field: t('import.row'), reason: msg('import.error.columnCount', { got: record.length, want: header.length }) })

    const value = (c: StreetColumn, max: number): string => {
      let s = columnOf.has(c) ? (record[columnOf.get(c)!] ?? '').trim() : ''
      if (ESCAPED.test(s)) s = s.slice(1)
      else if (FORMULA.test(s) && !NUMBERISH.test(s)) return (bad(c, 'street.error.formula', { value: s.slice(0, 30), char: s[0] }), '')
      if (s.length > max) return (bad(c, 'street.error.tooLong', { max }), '')
      return s
    }
    const integer = (c: StreetColumn, max: number): number | null => {
      const s = value(c, 20).replace(/\s/g, '')
      if (!s) return null
      if (!INTEGER.test(s)) return (bad(c, 'street.error.notNumber', { value: s.slice(0, 20) }), null)
      const n = Number(s)
      if (n < 1 || n > max) return (bad(c, 'street.error.range', { min: 1, max }), null)
      return n
    }

    const communityCode = value('community_code', 20)
    const communityName = value('community_name', 60)
    const gridCode = value('grid_code', 20)
    const gridName = value('grid_name', 60)
    const gridHouseholds = integer('grid_households', 100000)
    const estate = value('estate', LIMITS.estate)
    const buildingCode = value('building_code', 200)
    const buildingName = value('building_name', LIMITS.name)
    const address = value('address', LIMITS.address)
    const buildingHouseholds = integer('building_households', LIMITS.households)
    const head = value('head', LIMITS.head)
    const headPhone = value('head_phone', 200)
    const raw = (c: StreetColumn) => (columnOf.has(c) ? (record[columnOf.get(c)!] ?? '').trim() : '')

    const hasBuilding = BUILDING_COLUMNS.some((c) => raw(c) !== '')
    const hasGrid = hasBuilding || ['grid_code', 'grid_name', 'grid_households'].some((c) => raw(c as StreetColumn) !== '')
    if (!raw('community_code')) bad('community_code', 'street.error.missing')
    if (hasGrid && !raw('grid_code')) bad('grid_code', 'street.error.gridCodeMissing')
    if (hasBuilding && !raw('building_name')) bad('building_name', 'street.error.buildingNameMissing')
    if (buildingCode && checkBuildingCode(buildingCode)) bad('building_code', 'street.error.code', { value: buildingCode.slice(0, 40), max: LIMITS.code })
    if (headPhone && checkHeadPhone(headPhone)) bad('head_phone', 'error.headPhone')
    if (buildingCode && buildingCodes.has(buildingCode)) bad('building_code', 'street.error.duplicateCode', { code: buildingCode, line: buildingCodes.get(buildingCode)! })
    // Names compared as people write them (src/grids/normalise.ts): 3栋 and 三栋, full and half width alike.
    const nameKey = [gridCode, fold(estate), fold(buildingName)].join('\u0000')
    if (hasBuilding && !buildingCode && buildingName && buildingNames.has(nameKey)) bad('building_name', 'street.error.duplicateBuilding', { line: buildingNames.get(nameKey)! })

    // What the row says must agree with what earlier rows said of the same community and grid.
    const community = communityCode ? out.communities.get(communityCode) : undefined
    if (community && communityName && community.name !== null && community.name !== communityName)
      bad('community_name', 'street.error.differs', { line: community.nameLine, other: community.name })
    const grid = gridCode ? out.grids.get(gridCode) : undefined
    if (grid && communityCode && grid.community !== communityCode) bad('community_code', 'street.error.differs', { line: grid.communityLine, other: grid.community })
    if (grid && gridName && grid.name !== null && grid.name !== gridName) bad('grid_name', 'street.error.differs', { line: grid.nameLine, other: grid.name })
    if (grid && gridHouseholds !== null && grid.households !== null && grid.households !== gridHouseholds)
      bad('grid_households', 'street.error.differs', { line: grid.householdsLine, other: grid.households })

    if (problems.length) {
      out.problems.push(...problems)
      continue
    }
    const c = community ?? { code: communityCode, line, name: null, nameLine: line }
    if (communityName && c.name === null) Object.assign(c, { name: communityName, nameLine: line })
    out.communities.set(communityCode, c)
    if (!gridCode) continue
    const g = grid ?? { code: gridCode, line, community: communityCode, communityLine: line, name: null, nameLine: line, households: null, householdsLine: line, buildings: [] }
    if (gridName && g.name === null) Object.assign(g, { name: gridName, nameLine: line })
    if (gridHouseholds !== null && g.households === null) Object.assign(g, { households: gridHouseholds, householdsLine: line })
    out.grids.set(gridCode, g)
    if (!hasBuilding) continue
    if (buildingCode) buildingCodes.set(buildingCode, line)
    else buildingNames.set(nameKey, line)
    const set: Partial<Building> = {}
    const has = (col: StreetColumn) => columnOf.has(col)
    if (has('estate')) set.estate = estate || null
    if (has('address')) set.address = address || null
    if (has('building_households')) set.households = buildingHouseholds
    if (has('head')) set.head = head || null
    if (has('head_phone')) set.headPhone = headPhone || null
    set.name = buildingName
    g.buildings.push({ line, code: buildingCode || null, estate, name: buildingName, set })
  }
  out.problems.sort((a, b) => a.line - b.line)
  return out
}
