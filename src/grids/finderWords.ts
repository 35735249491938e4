import { type Lang, t } from '../i18n/messages'
import { type FinderAnswer, type FinderMatch, MAX_QUERY_LENGTH } from './finderTypes'
import { fold } from './normalise'

/** The finder's answers in words a resident reads (src/grids/finder.ts). */

/** Estate and building as one name, without saying the estate twice (碧湖小区 7栋, 碧湖小区3号楼). */
function placeOf(m: FinderMatch): string {
  const estate = m.estate ?? ''
  const building = m.building ?? ''
  if (!estate || fold(building).startsWith(fold(estate))) return building
  return building ? `${estate} ${building}` : estate
}

/** A building's label without its estate's name in front (碧湖小区3号楼 → 3号楼 in a list under 碧湖小区). */
function withoutEstate(label: string, estate: string | undefined): string {
  return estate && label.startsWith(estate) && label.length > estate.length ? label.slice(estate.length).trim() : label
}

/** The match as one line a resident reads: where, and which grid (碧湖小区 3栋 → XB-01 · 徐碧第1网格（徐碧社区）). */
export function describeMatch(m: FinderMatch, lang: Lang = 'zh'): string {
  const grid = t('subscribe.gridLabel', lang, { code: m.grid.code, name: m.grid.name, community: m.grid.community })
  const vars = {
    estate: m.estate ?? '',
    building: m.building ?? '',
    place: placeOf(m),
    address: m.address ?? '',
    buildings: (m.buildings ?? []).map((b) => withoutEstate(b, m.estate)).join(t('finder.listSeparator', lang)),
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
