import type { Payload, Where } from 'payload'

import { messages, t, type MessageKey } from '../i18n/messages'
import { smsSettings } from '../server/smsEnv'

/**
 * What the street's text messages cost this month (issue 17), from the
 * sms-messages rows the SMS driver writes (one per message, segments as
 * billed), and the monthly budget cap (site settings, 短信月度预算).
 *
 * The month is the street's: calendar months in China time (UTC+8, no
 * daylight saving), as the provider bills.
 *
 * Cheap at 100,000 messages a month: only `contentType` and `segments` are
 * read, and the rows older than a few minutes are read once per process and
 * month. Each process keeps a running total of the settled part of the month
 * (rows sent before now − SETTLE_MS) and on each call reads only the rows
 * sent since it last settled, plus the live part (the last few minutes). A
 * row is written right after the provider accepted its message, so it is in
 * the database seconds after its sentAt and never lands in a part already
 * settled; rows written by other processes are counted all the same, as the
 * totals come from the database, not from what this process sent.
 */
const CHINA_OFFSET_MS = 8 * 3600_000
/** Rows sent longer ago than this are settled: counted once into the running total. */
export const SETTLE_MS = 5 * 60_000

export type StreetMonth = { key: string; start: Date; end: Date }

/** The street's month `now` falls in: "2026-12", from its first instant to the next month's. */
export function streetMonth(now: Date): StreetMonth {
  const local = new Date(now.getTime() + CHINA_OFFSET_MS)
  const y = local.getUTCFullYear()
  const m = local.getUTCMonth()
  return {
    key: `${y}-${String(m + 1).padStart(2, '0')}`,
    start: new Date(Date.UTC(y, m, 1) - CHINA_OFFSET_MS),
    end: new Date(Date.UTC(y, m + 1, 1) - CHINA_OFFSET_MS),
  }
}

type Tally = Map<string, { messages: number; segments: number }>
type Running = { month: string; settledUntil: number; settled: Tally }
const running = new WeakMap<Payload, Running>()

function add(into: Tally, rows: { contentType?: string | null; segments?: number | null }[]) {
  for (const r of rows) {
    const type = r.contentType || '-'
    const entry = into.get(type) ?? { messages: 0, segments: 0 }
    entry.messages++
    entry.segments += Number(r.segments) || 0
    into.set(type, entry)
  }
}

async function scan(payload: Payload, from: number, to: number | null): Promise<{ contentType?: string | null; segments?: number | null }[]> {
  const and: Where[] = [{ sentAt: { greater_than_equal: new Date(from).toISOString() } }]
  if (to !== null) and.push({ sentAt: { less_than: new Date(to).toISOString() } })
  const { docs } = await payload.db.find({ collection: 'sms-messages', where: { and }, limit: 0, pagination: false, select: { contentType: true, segments: true } })
  return docs as never
}

/** Messages and segments of the street month `now` falls in, by content type. */
export async function monthTally(payload: Payload, now = new Date()): Promise<Tally> {
  const month = streetMonth(now)
  const settleTo = Math.min(month.end.getTime(), Math.max(month.start.getTime(), now.getTime() - SETTLE_MS))
  let r = running.get(payload)
  if (!r || r.month !== month.key || r.settledUntil > settleTo) {
    r = { month: month.key, settledUntil: month.start.getTime(), settled: new Map() }
    running.set(payload, r)
  }
  if (settleTo > r.settledUntil) {
    add(r.settled, await scan(payload, r.settledUntil, settleTo))
    r.settledUntil = settleTo
  }
  const tally: Tally = new Map([...r.settled].map(([k, v]) => [k, { ...v }]))
  add(tally, await scan(payload, r.settledUntil, month.end.getTime()))
  return tally
}

export type SmsSpendRow = { contentType: string; label: string; messages: number; segments: number; cost: number | null }
export type SmsSpend = {
  month: string
  messages: number
  segments: number
  /** Yuan; null when SMS_PRICE_PER_SEGMENT is not set (SMS not configured). */
  cost: number | null
  pricePerSegment: number | null
  byType: SmsSpendRow[]
  /** The monthly cap in yuan; null: no cap. */
  budget: number | null
  /** What is left of the cap in yuan (never below 0); null without a cap or a price. */
  left: number | null
}

const yuan = (n: number) => Math.round(n * 10_000) / 10_000

function priceOrNull(): number | null {
  try {
    return smsSettings()?.pricePerSegment ?? null
  } catch {
    return null // a setting set but unusable: the SMS client refuses to start and says why
  }
}

/** The monthly cap from site settings (yuan), or null for none. */
export async function smsMonthlyBudget(payload: Payload): Promise<number | null> {
  const s = (await payload.findGlobal({ slug: 'site-settings', depth: 0, overrideAccess: true })) as { smsBudget?: { monthlyYuan?: number | null } | null }
  const v = s.smsBudget?.monthlyYuan
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : null
}

const typeLabel = (type: string, lang: string) => {
  const key = `col.${type}.plural`
  return key in messages ? t(key as MessageKey, lang) : type
}

/** The street month's SMS: messages, segments and cost in total and by content type (most segments first), and the budget. */
export async function smsSpend(payload: Payload, now = new Date(), lang = 'zh'): Promise<SmsSpend> {
  const [tally, budget] = await Promise.all([monthTally(payload, now), smsMonthlyBudget(payload)])
  const price = priceOrNull()
  const byType = [...tally]
    .map(([contentType, v]) => ({ contentType, label: typeLabel(contentType, lang), ...v, cost: price === null ? null : yuan(v.segments * price) }))
    .sort((a, b) => b.segments - a.segments || a.contentType.localeCompare(b.contentType))
  const segments = byType.reduce((n, r) => n + r.segments, 0)
  const cost = price === null ? null : yuan(segments * price)
  return {
    month: streetMonth(now).key,
    messages: byType.reduce((n, r) => n + r.messages, 0),
    segments,
    cost,
    pricePerSegment: price,
    byType,
    budget,
    left: budget === null || cost === null ? null : yuan(Math.max(0, budget - cost)),
  }
}

const money = (n: number) => n.toFixed(2)

/** The plain reason for `segments` more at `price` passing `budget` with `spentSegments` spent; null while within (reaching it exactly is allowed). */
function stopReason(budget: number | null, price: number | null, spentSegments: number, segments: number): string | null {
  if (budget === null || price === null) return null
  const spent = spentSegments * price
  const next = Math.max(0, segments) * price
  // A thousandth of a fen of slack, so that float sums landing exactly on the cap pass.
  if (spent + next <= budget + 1e-5) return null
  return t('sms.budget.stop', 'zh', { budget: money(budget), spent: money(spent), segments, cost: money(next) })
}

const monthSegments = async (payload: Payload, now: Date) => {
  let segments = 0
  for (const v of (await monthTally(payload, now)).values()) segments += v.segments
  return segments
}

/**
 * Null when `segmentsAboutToSend` more segments keep the month within the
 * cap (or there is no cap, or no price to count with); else the plain
 * reason an SMS delivery pauses with.
 */
export async function smsBudgetStop(payload: Payload, segmentsAboutToSend: number, now = new Date()): Promise<string | null> {
  const budget = await smsMonthlyBudget(payload)
  const price = priceOrNull()
  if (budget === null || price === null) return null
  return stopReason(budget, price, await monthSegments(payload, now), segmentsAboutToSend)
}

/** The budget as one batch of an SMS delivery counts against it (smsBatchBudget). */
export type SmsBatchBudget = {
  /** Null, with the segments counted as spent, when they keep the month within the cap; else the reason to pause with (nothing counted). */
  take(segments: number): string | null
  /** Give back segments taken for messages the provider did not accept. */
  giveBack(segments: number): void
}

/**
 * The cap and the month's tally read once for a batch (two reads, not two
 * per provider call); the batch's calls then take their segments from it in
 * memory, in the order they are made: calls in flight at once cannot all
 * pass on the same reading. Another process's sends during the batch are
 * seen at the next batch (the crash bound of a batch, at most).
 */
export async function smsBatchBudget(payload: Payload, now = new Date()): Promise<SmsBatchBudget> {
  const budget = await smsMonthlyBudget(payload)
  const price = priceOrNull()
  let spent = budget === null || price === null ? 0 : await monthSegments(payload, now)
  return {
    take(segments) {
      const stop = stopReason(budget, price, spent, segments)
      if (!stop) spent += Math.max(0, segments)
      return stop
    },
    giveBack(segments) {
      spent = Math.max(0, spent - Math.max(0, segments))
    },
  }
}
