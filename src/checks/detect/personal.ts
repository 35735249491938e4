import { COMPOUND_SURNAMES, LABELS, NOT_GIVEN, NOT_NAMES, STOP_WORDS, SURNAMES } from '../lists/personal'
import type { TextUnit } from '../extract'
import { finding, touchesSource } from '../findings'
import { maskCardNumber, maskIdNumber, maskMobile, maskName } from '../mask'
import type { CheckSettings, Finding } from '../types'

/**
 * Personal information (严重 unless masked): mainland ID numbers with a valid
 * GB 11643 check digit (and the old 15-digit form after 身份证), mobile
 * numbers, bank card numbers passing Luhn, and a full name next to any of
 * them. A masked number (138****1234) does not match; numbers the street
 * publishes on purpose (the hotline, contact fields, staff work phones,
 * numbers an editor marked public) are passed in settings and not reported.
 */

const SEP = '[ \\u00a0\\u3000-]'
const NOT_BEFORE = '(?<![0-9A-Za-z])'
const ID18 = new RegExp(`${NOT_BEFORE}\\d{6}${SEP}?\\d{8}${SEP}?\\d{3}[0-9Xx](?![0-9A-Za-z])`, 'g')
const ID15 = new RegExp(`${NOT_BEFORE}\\d{15}(?![0-9A-Za-z])`, 'g')
const CARD = new RegExp(`${NOT_BEFORE}\\d{4}(?:${SEP}?\\d{4}){3}(?:${SEP}?\\d{1,3})?(?![0-9])`, 'g')
const MOBILE = new RegExp(
  `${NOT_BEFORE}(?:(?:\\+|00)86${SEP}?|86${SEP}|\\(\\+?86\\)${SEP}?)?1[3-9]\\d(?:${SEP}?\\d{4}){2}(?![0-9])`,
  'g',
)
/** The old 15-digit ID is 15 digits like many others: only right after these words. */
const ID15_CUE = /(身份证|证件号|身份号码)[^0-9\n]{0,8}$/
/** Long numbers that are not cards: credit codes, order, tracking and document numbers. */
const NOT_CARD_CUE = /(信用代码|订单|单号|流水号|编号|证书号|文号|批号|条码)[^0-9\n]{0,8}$/

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const ID_CHECK = '10X98765432'

/** GB 11643-1999: the 18th character from the first 17 digits (ISO 7064 MOD 11-2). */
export function idCheckDigit(first17: string): string {
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i]
  return ID_CHECK[sum % 11]
}

function validDate(y: number, m: number, d: number, now: Date): boolean {
  if (y < 1900 || m < 1 || m > 12 || d < 1) return false
  const date = new Date(Date.UTC(y, m - 1, d))
  return date.getUTCMonth() === m - 1 && date.getUTCDate() === d && date.getTime() <= now.getTime()
}

/** A mainland ID number: 18 characters, a real birth date, the right check digit. */
export function isValidIdNumber(value: string, now = new Date()): boolean {
  const v = value.replace(/[ \u00a0\u3000-]/g, '').toUpperCase()
  if (v.length === 15) return /^\d{15}$/.test(v) && validDate(1900 + Number(v.slice(6, 8)), Number(v.slice(8, 10)), Number(v.slice(10, 12)), now)
  if (!/^\d{17}[\dX]$/.test(v)) return false
  if (!validDate(Number(v.slice(6, 10)), Number(v.slice(10, 12)), Number(v.slice(12, 14)), now)) return false
  return idCheckDigit(v) === v[17]
}

export function luhnValid(digits: string): boolean {
  let sum = 0
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i])
    if (i % 2 === 1) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
  }
  return digits.length > 0 && sum % 10 === 0
}

/** 11 digits of a mainland mobile (country prefix dropped), or the digits as they are. */
export function normalizePhone(value: string): string {
  const digits = value.replace(/[^0-9]/g, '')
  const m = /^(?:0086|86)?(1[3-9]\d{9})$/.exec(digits)
  return m ? m[1] : digits
}

// Full-width digits, X and hyphens count as their ASCII forms; every replacement keeps the length.
const FULL_WIDTH = /[０-９Ｘｘ－]/g
function halfWidth(text: string): string {
  return text.replace(FULL_WIDTH, (c) => (c === '－' ? '-' : c === 'Ｘ' || c === 'ｘ' ? 'X' : String.fromCharCode(c.charCodeAt(0) - 0xfee0)))
}

const SURNAME = new Set(SURNAMES)
const isHan = (c: string | undefined) => c !== undefined && /\p{Script=Han}/u.test(c)
const LABELS_LONGEST = [...LABELS].sort((a, b) => b.length - a.length)
const SEP_CHARS = new Set(' \u00a0\u3000\t：:，,、；;（）()[]【】<>《》“”"\'-—|/·.。')

/** A full Chinese name: a common surname and a one- or two-character given name. */
export function isFullName(s: string): boolean {
  if (STOP_WORDS.has(s) || NOT_NAMES.some((w) => s.endsWith(w))) return false
  const compound = COMPOUND_SURNAMES.find((c) => s.startsWith(c))
  const given = compound ? s.slice(compound.length) : s.slice(1)
  if (!compound && !SURNAME.has(s[0])) return false
  if (given.length < 1 || given.length > 2) return false
  return [...given].every((c) => isHan(c) && !NOT_GIVEN.has(c))
}

const labelEndingAt = (text: string, end: number) => LABELS_LONGEST.find((l) => text.startsWith(l, end - l.length))
const labelStartingAt = (text: string, start: number) => LABELS_LONGEST.find((l) => text.startsWith(l, start))

/**
 * A name in the run of Han characters [from, to): the run itself, or its end
 * (before: 联系人王小明) or start (after: 王小明家属) where a label joins it.
 */
function nameIn(text: string, from: number, to: number, side: 'before' | 'after'): [number, number] | null {
  for (const len of [3, 2, 4]) {
    if (to - from < len) continue
    const [s, e] = side === 'before' ? [to - len, to] : [from, from + len]
    if (!isFullName(text.slice(s, e))) continue
    const rest = side === 'before' ? text.slice(from, s) : text.slice(e, to)
    if (!rest || (side === 'before' ? labelEndingAt(text, s) : labelStartingAt(text, e))) return [s, e]
  }
  return null
}

/** The name just before a number (skipping labels like 电话 and punctuation), or just after it; same line only. */
export function nameNextTo(text: string, start: number, end: number): [number, number] | null {
  const lineStart = text.lastIndexOf('\n', start - 1) + 1
  let lineEnd = text.indexOf('\n', end)
  if (lineEnd === -1) lineEnd = text.length
  // Before: up to two runs of Han characters back (a table row: 张三 男 350…).
  let i = start
  for (let run = 0; run < 2 && i > lineStart; run++) {
    // Skip punctuation and labels (电话, 身份证号…) until a run of Han characters ends at i.
    for (let moved = true; moved; ) {
      moved = false
      while (i > lineStart && SEP_CHARS.has(text[i - 1])) {
        i--
        moved = true
      }
      const label = labelEndingAt(text, i)
      if (label && i - label.length >= lineStart) {
        i -= label.length
        moved = true
      }
    }
    let j = i
    while (j > lineStart && isHan(text[j - 1]) && i - j < 12) j--
    if (j === i) break
    const name = nameIn(text, j, i, 'before')
    if (name) return name
    i = j
  }
  // After: 13812345678(王小明)
  let k = end
  while (k < lineEnd && SEP_CHARS.has(text[k])) k++
  let l = k
  while (l < lineEnd && isHan(text[l]) && l - k < 12) l++
  return l > k ? nameIn(text, k, l, 'after') : null
}

type Hit = { start: number; end: number; kind: 'id-number' | 'bank-card' | 'mobile' }

export function detectPersonalInfo(unit: TextUnit, settings: CheckSettings = {}, now = new Date()): Finding[] {
  const text = halfWidth(unit.text)
  if (!/\d/.test(text)) return []
  const hits: Hit[] = []
  const taken = (s: number, e: number) => hits.some((h) => h.start < e && s < h.end)
  const add = (s: number, e: number, kind: Hit['kind']) => !taken(s, e) && hits.push({ start: s, end: e, kind })

  for (const m of text.matchAll(ID18)) if (isValidIdNumber(m[0], now)) add(m.index!, m.index! + m[0].length, 'id-number')
  for (const m of text.matchAll(ID15)) {
    if (ID15_CUE.test(text.slice(Math.max(0, m.index! - 16), m.index!)) && isValidIdNumber(m[0], now)) add(m.index!, m.index! + m[0].length, 'id-number')
  }
  for (const m of text.matchAll(CARD)) {
    const s = m.index!
    const e = s + m[0].length
    const digits = m[0].replace(/[^0-9]/g, '')
    if (digits.length < 16 || digits.length > 19 || !luhnValid(digits)) continue
    if (NOT_CARD_CUE.test(text.slice(Math.max(0, s - 16), s)) || touchesSource(unit, s, e, ['url'])) continue
    add(s, e, 'bank-card')
  }
  const exempt = new Set([settings.hotline, ...(settings.publicNumbers ?? [])].filter((v): v is string => Boolean(v)).map(normalizePhone))
  for (const m of text.matchAll(MOBILE)) {
    const phone = normalizePhone(m[0])
    // Eight zeros after the prefix (13800000000) is the placeholder of forms and help texts, nobody's number.
    if (exempt.has(phone) || /^1[3-9]\d0{8}$/.test(phone)) continue
    add(m.index!, m.index! + m[0].length, 'mobile')
  }
  if (!hits.length) return []

  const out: Finding[] = []
  const names = new Set<string>()
  for (const h of hits.sort((a, b) => a.start - b.start)) {
    const raw = text.slice(h.start, h.end)
    const mask = h.kind === 'mobile' ? maskMobile(raw) : h.kind === 'id-number' ? maskIdNumber(raw) : maskCardNumber(raw)
    const message = h.kind === 'mobile' ? 'check.msg.mobile' : h.kind === 'id-number' ? 'check.msg.idNumber' : 'check.msg.bankCard'
    out.push(finding(unit, h.start, h.end, { kind: h.kind, severity: 'serious', message, fix: { kind: 'mask', text: mask } }))
    const name = nameNextTo(text, h.start, h.end)
    if (name && !names.has(`${name[0]}`)) {
      names.add(`${name[0]}`)
      out.push(
        finding(unit, name[0], name[1], {
          kind: 'personal-name',
          severity: 'serious',
          message: 'check.msg.personalName',
          fix: { kind: 'mask', text: maskName(unit.text.slice(name[0], name[1])) },
        }),
      )
    }
  }
  return out
}
