import type { Payload } from 'payload'

import { type Lang, t } from '../i18n/messages'

import { allGrids, latestPublished, STREET_COLUMNS, wechatPublications, type GridRef, type Publication } from './publications'

/**
 * The freshness watch (issue 16): for each column and for the WeChat account,
 * how many days since the last publication. Two weeks without an update fails
 * a government new-media inspection, so editors see a warning at
 * `freshnessWarnDays` (site settings, 10 by default) and the admin and editors
 * are mailed at `freshnessAlertDays` (14) by jobs/freshness.ts.
 *
 * Days are whole 24-hour periods since the publication. A column that has
 * never published anything has no lapse to count (level `none`): it is listed,
 * not mailed about.
 */
export type FreshnessLevel = 'ok' | 'warn' | 'alert' | 'none'

export type FreshnessColumn = {
  /** `issues`, `events`, `policies`, `announcements:<grid id>`, `wechat`. */
  key: string
  kind: 'issues' | 'events' | 'policies' | 'announcements' | 'wechat'
  grid?: GridRef
  last: Publication | null
  days: number | null
  level: FreshnessLevel
  /** The WeChat account's two kinds of article, counted apart (its `last` is the newer). */
  wechat?: { publishOnly: Publication | null; massSent: Publication | null }
}

export type Freshness = { now: string; warnDays: number; alertDays: number; columns: FreshnessColumn[] }

const DAY_MS = 86_400_000

/** Two weeks without an update fails an inspection: warn at 10 days, alert at 14 (site settings may change both). */
export const FRESHNESS_DEFAULTS = { warnDays: 10, alertDays: 14 } as const

export type Thresholds = { warnDays: number; alertDays: number }

/** The thresholds as the admin set them (defaults where unset; the warning never after the alert). */
export async function freshnessThresholds(payload: Payload): Promise<Thresholds> {
  const s = (await payload.findGlobal({ slug: 'site-settings', depth: 0, overrideAccess: true })) as { freshnessWarnDays?: number | null; freshnessAlertDays?: number | null }
  const ok = (v: unknown, fallback: number) => (typeof v === 'number' && Number.isFinite(v) && v >= 1 ? Math.floor(v) : fallback)
  const alertDays = ok(s?.freshnessAlertDays, FRESHNESS_DEFAULTS.alertDays)
  return { warnDays: Math.min(ok(s?.freshnessWarnDays, FRESHNESS_DEFAULTS.warnDays), alertDays), alertDays }
}

export function levelOf(days: number | null, t: Thresholds): FreshnessLevel {
  if (days == null) return 'none'
  if (days >= t.alertDays) return 'alert'
  if (days >= t.warnDays) return 'warn'
  return 'ok'
}

const daysSince = (at: string | undefined, now: Date) => (at ? Math.max(0, Math.floor((now.getTime() - new Date(at).getTime()) / DAY_MS)) : null)

/**
 * The freshness list, street columns first, then the WeChat account, then
 * each grid's announcements by grid code. `now` is injectable (tests, a
 * report "as of" a day).
 */
export async function freshnessList(payload: Payload, { now = new Date() }: { now?: Date } = {}): Promise<Freshness> {
  const thresholds = await freshnessThresholds(payload)
  const column = (key: string, kind: FreshnessColumn['kind'], last: Publication | null, extra: Partial<FreshnessColumn> = {}): FreshnessColumn => {
    const days = daysSince(last?.at, now)
    return { key, kind, last, days, level: levelOf(days, thresholds), ...extra }
  }
  const columns: FreshnessColumn[] = []
  for (const slug of STREET_COLUMNS) columns.push(column(slug, slug, await latestPublished(payload, slug, now)))

  const asOf = now.toISOString()
  const articles = (await wechatPublications(payload)).filter((p) => p.at <= asOf)
  const publishOnly = articles.find((p) => !p.mass) ?? null
  const massSent = articles.find((p) => p.mass) ?? null
  const newer = [publishOnly, massSent].filter((p): p is NonNullable<typeof p> => p != null).sort((a, b) => b.at.localeCompare(a.at))[0] ?? null
  const strip = (p: typeof publishOnly): Publication | null => (p ? { at: p.at, collection: p.collection, id: p.id, title: p.title } : null)
  columns.push(column('wechat', 'wechat', strip(newer), { wechat: { publishOnly: strip(publishOnly), massSent: strip(massSent) } }))

  for (const grid of await allGrids(payload)) {
    columns.push(column(`announcements:${grid.id}`, 'announcements', await latestPublished(payload, 'announcements', now, grid.id), { grid }))
  }
  return { now: asOf, ...thresholds, columns }
}

/** The columns that need attention (warned or alerted), most overdue first. */
export const overdue = (f: Freshness) =>
  f.columns.filter((c) => c.level === 'warn' || c.level === 'alert').sort((a, b) => (b.days ?? 0) - (a.days ?? 0))

/** A column's name in the admin's words: 期刊, 网格公告 · A-01 某网格, 微信公众号. */
export function columnLabel(c: { kind: FreshnessColumn['kind'] | 'wechat-publish' | 'wechat-mass'; grid?: GridRef | null }, lang: Lang = 'zh'): string {
  if (c.kind === 'announcements') return t('inspect.column.grid', lang, { code: c.grid?.code ?? '', name: c.grid?.name ?? '' })
  if (c.kind === 'wechat') return t('channel.wechat', lang)
  if (c.kind === 'wechat-publish') return t('inspect.column.wechatPublish', lang)
  if (c.kind === 'wechat-mass') return t('inspect.column.wechatMass', lang)
  return t(`col.${c.kind}.plural`, lang)
}
