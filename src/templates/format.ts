/** Dates as residents read them, in the street's time zone (TZ, default Asia/Shanghai). */

const zone = () => process.env.TZ || 'Asia/Shanghai'

const formatters = new Map<string, Intl.DateTimeFormat>()
function formatter(kind: 'date' | 'dateTime' | 'time'): Intl.DateTimeFormat {
  const key = `${kind}:${zone()}`
  let f = formatters.get(key)
  if (!f) {
    const opts: Intl.DateTimeFormatOptions =
      kind === 'date'
        ? { year: 'numeric', month: 'long', day: 'numeric' }
        : kind === 'time'
          ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }
          : { year: 'numeric', month: 'long', day: 'numeric', weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }
    f = new Intl.DateTimeFormat('zh-CN', { timeZone: zone(), ...opts })
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

/** ISO date (YYYY-MM-DD) in the street's zone, for <time datetime>. */
export function isoDate(value: unknown): string {
  const d = parse(value)
  if (!d) return ''
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone(), year: 'numeric', month: '2-digit', day: '2-digit' }).format(d)
}

/** Cut plain text to about `max` characters for descriptions. */
export function clip(text: string, max = 120): string {
  const t = text.replace(/\s+/g, ' ').trim()
  return t.length > max ? `${t.slice(0, max - 1)}…` : t
}
