/**
 * Telephone numbers in Chinese text, so a page can make them `tel:` links
 * (the MIIT elder-friendly rules: a number is one tap away). Careful rather
 * than eager: a number must stand alone (no digit, letter or path character
 * against it) and must not be followed by a unit (元, 户, 人…: then it is an
 * amount or a count), and a short service number (12345, 110, 95598) only
 * and a local number without its area code (8955018) only count right after a word that says it is a number
 * to call (拨打, 热线…).
 *
 * Mobile:    13800138000, 138 0013 8000, 138-0013-8000, +86 138 0013 8000
 * Landline:  0571-88881234, 0571-8888 1234, 0571 8888 1234, (0571)88881234, （010）8888-1234, 057188881234
 * Business:  400-123-4567, 800 820 8820
 * Service:   拨打12345, 12345热线, 报警电话110, 服务热线 8955018
 */

export type PhoneMatch = { start: number; end: number; text: string; tel: string }

const SEP = '[ -]?'
const LOCAL = `[1-9]\\d{2,3}${SEP}\\d{4}`
const AREA = '0[1-9]\\d{1,2}'
const FORMS = [
  `(?:\\+86${SEP})?1[3-9]\\d${SEP}\\d{4}${SEP}\\d{4}`, // mobile
  `\\+86${SEP}[1-9]\\d{1,2}${SEP}${LOCAL}`, // landline dialled from abroad
  `(?:\\(${AREA}\\)|\\uff08${AREA}\\uff09) ?${LOCAL}`, // (0571)8888 1234
  `${AREA}${SEP}${LOCAL}`, // 0571-8888 1234
  `[48]00${SEP}\\d{3}${SEP}\\d{4}`, // 400 / 800 numbers
]
/** Characters after a number that make it an amount, a count or a part of something else. */
const UNITS = '元角分万亿人户名位家个次年月日号期件条份辆吨千百米度岁天%'
const BEFORE = '(?<![\\w.@/=&#%+\\-])'
const AFTER = `(?![\\w@]|[./\\-]\\d|\\s?[${UNITS}])`

const NUMBER = new RegExp(`${BEFORE}(?:${FORMS.join('|')})${AFTER}`, 'g')
const SHORT = new RegExp(`${BEFORE}(?:11[09]|12[02]|12\\d{3}|9[56]\\d{3}|[2-9]\\d{2,3}${SEP}\\d{4})${AFTER}`, 'g')
/** Words that make a short or local number a number to call: right before it (then spaces or a colon) or right after it. */
const CALL_BEFORE = ['拨打', '致电', '电话', '热线', '号码', '手机', '联系', '咨询', '举报', '投诉', '求助', '报警', '急救', '火警']
const CALL_AFTER = ['热线', '政务', '便民', '服务', '电话']

const telOf = (text: string) => `tel:${text.replace(/[^\d+]/g, '')}`

/** The telephone numbers in a plain text, in order, without overlaps. */
export function findPhones(text: string): PhoneMatch[] {
  const found: PhoneMatch[] = []
  for (const m of text.matchAll(NUMBER)) found.push({ start: m.index, end: m.index + m[0].length, text: m[0], tel: telOf(m[0]) })
  for (const m of text.matchAll(SHORT)) {
    const start = m.index
    const end = start + m[0].length
    if (found.some((f) => start < f.end && end > f.start)) continue
    const before = text.slice(Math.max(0, start - 8), start).replace(/[\s:\uff1a]+$/, '')
    const after = text.slice(end, end + 4).trimStart()
    if (CALL_BEFORE.some((w) => before.endsWith(w)) || CALL_AFTER.some((w) => after.startsWith(w))) {
      found.push({ start, end, text: m[0], tel: telOf(m[0]) })
    }
  }
  return found.sort((a, b) => a.start - b.start)
}
