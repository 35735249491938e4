import type { Payload } from 'payload'

import { SMS_QUIET_DEFAULTS } from '../../model/smsQuiet'
import { streetHour } from '../../templates/format'

/**
 * SMS quiet hours (issue 17): non-urgent text messages are not sent between
 * the start and end hour on the street's clock (site settings, default 21:00
 * to 08:00); a delivery that meets them waits until they end. Urgent content
 * is never held.
 */

export type QuietHours = { start: number; end: number }

/** Is this street hour within the quiet hours? Equal start and end: no quiet hours. */
export function isQuietHour(hour: number, q: QuietHours): boolean {
  if (q.start === q.end) return false
  return q.start > q.end ? hour >= q.start || hour < q.end : hour >= q.start && hour < q.end
}

/** When the quiet hours that hold `now` end (the first whole minute out of them), or null when `now` is not in them. */
export function quietUntil(now: Date, q: QuietHours): Date | null {
  if (!isQuietHour(streetHour(now), q)) return null
  let t = Math.ceil(now.getTime() / 60_000) * 60_000
  for (let i = 0; i < 24 * 60; i++, t += 60_000) if (!isQuietHour(streetHour(new Date(t)), q)) return new Date(t)
  return null
}

const hourOr = (v: unknown, fallback: number) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 23 ? v : fallback)

/** The quiet hours from the site settings (src/globals/siteSettings/smsQuiet.ts). */
export async function quietHours(payload: Payload): Promise<QuietHours> {
  const s = (await payload.findGlobal({ slug: 'site-settings', depth: 0, overrideAccess: true })) as { smsQuietHours?: { start?: number | null; end?: number | null } }
  return { start: hourOr(s.smsQuietHours?.start, SMS_QUIET_DEFAULTS.start), end: hourOr(s.smsQuietHours?.end, SMS_QUIET_DEFAULTS.end) }
}
