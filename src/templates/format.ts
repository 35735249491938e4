/** Dates as residents read them, in the street's time zone (TZ, default Asia/Shanghai). */

import { type Lang, t } from '../i18n/messages'
import { env } from '../server/env'

/** The street's time zone: it governs schedules, "today" for WeChat's daily quota, and daily rollups. */
export const streetZone = () => env.timeZone

const formatters = new Map<string, Intl.DateTimeFormat>()
function formatter(kind: 'date' | 'calendar' | 'dateTime' | 'time' | 'day' | 'hour'): Intl.DateTimeFormat {
  // A calendar date (a day written in text, no instant) is spelt in UTC, where its midnight falls on that day.
  const zone = kind === 'calendar' ? 'UTC' : streetZone()
  const key = `${kind}:${zone}`
  let f = formatters.get(key)
  if (!f) {
    if (kind === 'day' || kind === 'hour') {
      const opts: Intl.DateTimeFormatOptions = kind === 'day' ? { year: 'numeric', month: '2-digit', day: '2-digit' } : { hour: '2-digit', hourCycle: 'h23' }
      f = new Intl.DateTimeFormat('en-CA', { timeZone: streetZone(), ...opts })
      formatters.set(key, f)
      return f
    }
    const opts: Intl.DateTimeFormatOptions =
      kind === 'date' || kind === 'calendar'
        ? { year: 'numeric', month: 'long', day: 'numeric' }
        : kind === 'time'
          ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }
          : { year: 'numeric', month: 'long', day: 'numeric', weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }
    f = new Intl.DateTimeFormat('zh-CN', { timeZone: zone, ...opts })
    formatters.set(key, f)
  }
  return f
}

const parse = (value: unknown): Date | null => {
  if (typeof value !== 'string' && !(value instanceof Date)) return null
  const d = new Date(value)
  return Number.isNaN(d.getTime()) ? null : d
}

/** 2026年12月3日 */
export function formatDate(value: unknown): string {
  const d = parse(value)
  return d ? formatter('date').format(d) : ''
}

/**
 * A day written in numbers in a text (2026-12-06, 2026/12/6, 2026.12.06) as
 * residents read it, and a screen reader or the read-aloud speaks it: 2026年12月6日.
 * Only real days of 1900–2099, standing alone: not inside a longer number, a
 * version (1.2026.12.06), a path (/2026/12/06/) or a URL (the caller leaves
 * those out), and not a date-time's date followed by T.
 */
const TEXT_DATE = /(?<![\w./\-])((?:19|20)\d\d)([-/.])(\d{1,2})\2(\d{1,2})(?![\w/]|[-.]\d)/g

export function chineseDatesIn(text: string): string {
  return text.replace(TEXT_DATE, (whole, y: string, _sep: string, m: string, d: string) => {
    const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)))
    const real = date.getUTCFullYear() === Number(y) && date.getUTCMonth() === Number(m) - 1 && date.getUTCDate() === Number(d)
    return real ? formatter('calendar').format(date) : whole
  })
}

/** 2026年12月3日周四 08:00 */
export function formatDateTime(value: unknown): string {
  const d = parse(value)
  return d ? formatter('dateTime').format(d) : ''
}

/** 08:00 */
export function formatTime(value: unknown): string {
  const d = parse(value)
  return d ? formatter('time').format(d) : ''
}

/**
 * The street's calendar day (YYYY-MM-DD) of an instant, now by default: for
 * <time datetime>, rollup days and WeChat's daily quota alike. '' for no date.
 */
export function streetDay(value: unknown = new Date()): string {
  const d = parse(value)
  return d ? formatter('day').format(d) : ''
}

/** The hour (0–23) of an instant on the street's clock. */
export function streetHour(value: Date): number {
  return Number(formatter('hour').format(value))
}

/** Cut plain text to about `max` characters for descriptions. */
export function clip(text: string, max = 120): string {
  const t = text.replace(/\s+/g, ' ').trim()
  return t.length > max ? `${t.slice(0, max - 1)}…` : t
}

/** 第 N 期, or 未编号 for a draft issue (a preview, a test send): numbers are taken at first publication. */
export function issueNumberLabel(number: unknown, lang: Lang = 'zh'): string {
  return typeof number === 'number' ? t('site.issueNumber', lang, { number }) : t('issue.unnumbered', lang)
}
