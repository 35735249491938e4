import type { Payload, PayloadRequest, Where } from 'payload'

import { type Id, readRollupScope, sameId, scopedGridIds } from '../access'
import { CONTENT_SLUGS, type ContentSlug } from '../model/content'
import type { WechatArticleStatDoc } from '../collections/Readership'
import type { Lang } from '../i18n/messages'
import { env } from '../server/env'
import { streetDay } from '../templates/format'
import { buildReport, figureOf, na } from './dashboardReport'
import { SuppressionTable } from './dashboardSuppression'
import { checkOptions, type ContentRef, type ContentReport, type DashboardData, DashboardError, type DashboardOptions, DEFAULT_TREND_ISSUES, type GridInfo, type Viewer, type WechatFigures } from './dashboardTypes'
import { lastRollupAt, ROLLUP_EVERY_MS } from './rollup'
import { activeSubscribersPerGrid, type RollupTotal, rollupTotals } from './store'

/**
 * The figures behind the readership dashboard: one function for the admin
 * view, the REST endpoint (JSON and CSV) and the Local API, so a viewer sees
 * the same numbers everywhere.
 *
 * - Scope: editors see every grid and the unattributed reads; grid leaders and
 *   community staff only their grids (readRollupScope in src/access).
 * - Per content and grid: active subscribers, submitted, unique readers,
 *   message readers (those who read through an email or push message, a
 *   resident by both counted once), read rate (message readers ÷ submitted:
 *   share-link and site readers were never recipients, so they are left out
 *   of it), reach (all readers ÷ households), readers by channel, and email
 *   opens apart ("opened, approximate": never in a rate).
 * - A content's figures cover all its days: the dashboard offers no date
 *   slices of one content, so two answers never differ by one day's small
 *   group. `from`/`to` choose which contents are listed (by publication date).
 * - The small-group rule and what keeps it from being undone by subtraction:
 *   src/readership/dashboardSuppression.ts. Every view of a content (its own
 *   table, its line in the overview, its column in the trend and heatmap) is
 *   cut from the one suppressed table of that content, so no two views of it
 *   differ in what they hide.
 */

export {
  checkOptions,
  type ContentRef,
  type ContentReport,
  type DashboardData,
  DashboardError,
  type DashboardOptions,
  type DashboardRow,
  DEFAULT_TREND_ISSUES,
  type Figure,
  type GridInfo,
  type Heatmap,
  MAX_TREND_ISSUES,
  READ_CHANNELS_SHOWN,
  type ShownChannel,
  type TrendPoint,
  type Viewer,
  type WechatFigures,
} from './dashboardTypes'
export { buildReport } from './dashboardReport'

const PICKER_PER_TYPE = 8

/** A Payload request for a viewer given as a request or (Local API) as a staff user. */
export function requestOf(payload: Payload, viewer: Viewer): PayloadRequest {
  if (viewer && 'payload' in (viewer as object)) return viewer as PayloadRequest
  return { payload, user: viewer ?? null, context: {} } as unknown as PayloadRequest
}

// ---------------------------------------------------------------- data

type ContentDoc = { id: Id; title?: string; number?: number | null; publishedAt?: string | null; withdrawnAt?: string | null; summary?: string | null; grids?: (Id | { id: Id })[] | null; _status?: string }

const refOf = (type: ContentSlug, d: ContentDoc): ContentRef => ({
  type,
  id: d.id,
  title: d.title ?? '',
  number: typeof d.number === 'number' ? d.number : null,
  publishedAt: d.publishedAt ?? null,
  summary: d.summary ?? '',
  grids: type === 'announcements' ? (d.grids ?? []).map((g) => (typeof g === 'object' ? g.id : g)) : null,
})

const selectOf = (type: ContentSlug) =>
  ({ title: true, publishedAt: true, withdrawnAt: true, summary: true, _status: true, ...(type === 'issues' ? { number: true } : {}), ...(type === 'announcements' ? { grids: true } : {}) }) as Record<string, true>

/** The grids a viewer sees, with households and community names; null when the viewer is not staff. */
export async function viewerGrids(payload: Payload, req: PayloadRequest): Promise<{ all: boolean; grids: GridInfo[] } | null> {
  const scope = await readRollupScope(req)
  if (scope === false) return null
  const all = scope === true
  const mine = all ? [] : (await scopedGridIds(req)).map(String)
  const [grids, communities] = await Promise.all([
    payload.find({ collection: 'grids', sort: 'code', limit: 0, pagination: false, depth: 0, overrideAccess: true, select: { code: true, name: true, community: true, households: true } }),
    payload.find({ collection: 'communities', limit: 0, pagination: false, depth: 0, overrideAccess: true, select: { name: true } }),
  ])
  const names = new Map((communities.docs as unknown as { id: Id; name: string }[]).map((c) => [String(c.id), c.name]))
  const list = (grids.docs as unknown as { id: Id; code: string; name: string; community: Id; households?: number | null }[])
    .filter((g) => all || mine.includes(String(g.id)))
    .map((g) => ({ id: g.id, code: g.code, name: g.name, community: names.get(String(g.community)) ?? '', households: g.households ?? 0 }))
  return { all, grids: list }
}

/** Active subscribers of the grids in view (id as text); a grid nobody subscribed in has 0. */
async function subscriberCounts(payload: Payload, grids: GridInfo[]): Promise<Map<string, number>> {
  const perGrid = grids.length ? await activeSubscribersPerGrid(payload) : new Map<string, number>()
  return new Map(grids.map((g) => [String(g.id), perGrid.get(String(g.id)) ?? 0]))
}

/** Announcements a scoped viewer may see: those for at least one of their grids. */
const visibleTo = (content: ContentRef, grids: GridInfo[], all: boolean) =>
  all || content.type !== 'announcements' || (content.grids ?? []).some((g) => grids.some((v) => sameId(v.id, g)))

/** The grids a content's table has rows for: an announcement's own grids, otherwise every grid in view. */
export const gridsFor = (content: ContentRef, grids: GridInfo[]) =>
  content.type === 'announcements' ? grids.filter((g) => (content.grids ?? []).some((id) => sameId(id, g.id))) : grids

function inRange(publishedAt: string | null, from?: string, to?: string) {
  if (!from && !to) return true
  const day = streetDay(publishedAt)
  if (!day) return false
  return (!from || day >= from) && (!to || day <= to)
}

/** A coarse publishedAt window around from/to (time zones are within a day); the exact cut is inRange. */
function publishedWhere(from?: string, to?: string): Where[] {
  const w: Where[] = [{ _status: { equals: 'published' } }]
  const shift = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString()
  if (from) w.push({ publishedAt: { greater_than_equal: shift(from, -1) } })
  if (to) w.push({ publishedAt: { less_than: shift(to, 2) } })
  return w
}

async function latest(payload: Payload, type: ContentSlug, limit: number, opts: DashboardOptions, extra: Where[] = []): Promise<ContentRef[]> {
  const { docs } = await payload.find({
    collection: type,
    where: { and: [...publishedWhere(opts.from, opts.to), ...extra] },
    sort: type === 'issues' ? '-number' : '-publishedAt',
    limit: limit * 2,
    depth: 0,
    overrideAccess: true,
    select: selectOf(type),
  })
  return (docs as unknown as ContentDoc[])
    .map((d) => refOf(type, d))
    .filter((c) => inRange(c.publishedAt, opts.from, opts.to))
    .slice(0, limit)
}

async function rollupsOf(payload: Payload, contents: ContentRef[], grids: string[] | null) {
  const out = new Map<string, RollupTotal[]>()
  for (const r of await rollupTotals(payload, contents, grids)) {
    const key = `${r.contentType}:${r.contentId}`
    const list = out.get(key)
    if (list) list.push(r)
    else out.set(key, [r])
  }
  return out
}

async function wechatOf(payload: Payload, content: ContentRef, k: number, lang: Lang): Promise<WechatFigures | null> {
  const { docs } = await payload.find({
    collection: 'wechat-article-stats',
    where: { and: [{ contentType: { equals: content.type } }, { contentId: { equals: String(content.id) } }] },
    limit: 0,
    pagination: false,
    depth: 0,
    overrideAccess: true,
    select: { statDate: true, readUsers: true, reads: true, shareUsers: true, shares: true },
  })
  const rows = docs as unknown as WechatArticleStatDoc[]
  if (!rows.length) return null
  // Daily figures per article, summed: WeChat gives no count of unique readers across days.
  const sum = (f: 'readUsers' | 'reads' | 'shareUsers' | 'shares') => rows.reduce((s, r) => s + (r[f] ?? 0), 0)
  const table = new SuppressionTable(k)
  const cells = { readUsers: table.cell(sum('readUsers')), reads: table.cell(sum('reads')), shareUsers: table.cell(sum('shareUsers')), shares: table.cell(sum('shares')) }
  table.run()
  return {
    readUsers: figureOf(table, cells.readUsers, lang),
    reads: figureOf(table, cells.reads, lang),
    shareUsers: figureOf(table, cells.shareUsers, lang),
    shares: figureOf(table, cells.shares, lang),
    days: new Set(rows.map((r) => r.statDate)).size,
  }
}

/** One content by type and id, as the viewer may see it; DashboardError 404 otherwise. */
export async function findContent(payload: Payload, viewer: Viewer, type: string, id: Id): Promise<ContentRef> {
  if (!(CONTENT_SLUGS as readonly string[]).includes(type)) throw new DashboardError(400, 'readership.error.content', 'content')
  const req = requestOf(payload, viewer)
  const view = await viewerGrids(payload, req)
  if (!view) throw new DashboardError(403, 'readership.error.forbidden')
  const doc = (await payload
    .findByID({ collection: type as ContentSlug, id, depth: 0, overrideAccess: true, disableErrors: true, select: selectOf(type as ContentSlug) })
    .catch(() => null)) as ContentDoc | null
  // Drafts have no readers yet (a withdrawn content had, and keeps its figures); an announcement outside the viewer's grids is not theirs to see.
  const content = doc && (doc._status === 'published' || doc.withdrawnAt) ? refOf(type as ContentSlug, doc) : null
  if (!content || !visibleTo(content, view.grids, view.all)) throw new DashboardError(404, 'readership.error.notFound', 'content')
  return content
}

/**
 * The dashboard for a viewer (a Payload request, or a staff user for the
 * Local API): the picker's contents with their totals, one content's table
 * when asked, the trend of reach over the latest issues and the grid × issue
 * heatmap. Throws DashboardError for bad options, non-staff viewers and
 * contents the viewer may not see.
 */
export async function dashboardData(payload: Payload, viewer: Viewer, opts: DashboardOptions = {}): Promise<DashboardData> {
  checkOptions(opts)
  const lang = opts.lang ?? 'zh'
  const k = env.minGroupSize
  const req = requestOf(payload, viewer)
  const view = await viewerGrids(payload, req)
  if (!view) throw new DashboardError(403, 'readership.error.forbidden')

  const selected = opts.contentType ? await findContent(payload, req, opts.contentType, opts.contentId!) : null
  const mineWhere: Where[] = view.all ? [] : [{ grids: { in: view.grids.map((g) => g.id) } }]
  const picker: ContentRef[] = []
  for (const type of CONTENT_SLUGS) {
    if (type === 'announcements' && !view.all && !view.grids.length) continue
    picker.push(...(await latest(payload, type, PICKER_PER_TYPE, opts, type === 'announcements' ? mineWhere : [])))
  }
  picker.sort((a, b) => String(b.publishedAt ?? '').localeCompare(String(a.publishedAt ?? '')))
  const trendIssues = (await latest(payload, 'issues', opts.issues ?? DEFAULT_TREND_ISSUES, opts)).reverse()

  const wanted = new Map<string, ContentRef>()
  for (const c of [...picker, ...trendIssues, ...(selected ? [selected] : [])]) wanted.set(`${c.type}:${c.id}`, c)
  // A grid-scoped viewer reads their grids' rows only (none when they have no grid).
  const [rollups, subscribers, lastAt] = await Promise.all([
    rollupsOf(payload, [...wanted.values()], view.all ? null : view.grids.map((g) => String(g.id))),
    subscriberCounts(payload, view.grids),
    lastRollupAt(payload),
  ])
  const reports = new Map<string, Omit<ContentReport, 'wechat'>>()
  for (const [key, c] of wanted) {
    reports.set(key, buildReport(c, rollups.get(key) ?? [], gridsFor(c, view.grids), subscribers, { unattributed: view.all, k, lang }))
  }
  const reportOf = (c: ContentRef) => reports.get(`${c.type}:${c.id}`)!

  return {
    minGroupSize: k,
    scope: view,
    contents: picker.map((c) => ({ content: c, total: reportOf(c).total })),
    content: selected ? { ...reportOf(selected), wechat: await wechatOf(payload, selected, k, lang) } : null,
    trend: trendIssues.map((issue) => ({ issue, reach: reportOf(issue).total.reach, readers: reportOf(issue).total.readers })),
    heatmap: {
      grids: view.grids,
      issues: trendIssues,
      cells: view.grids.map((g) => trendIssues.map((issue) => reportOf(issue).rows.find((r) => r.grid && sameId(r.grid.id, g.id))?.reach ?? na())),
    },
    rollup: { lastAt: lastAt?.toISOString() ?? null, everyMinutes: Math.round(ROLLUP_EVERY_MS / 60_000) },
  }
}
