import type { Payload, PayloadRequest, Where } from 'payload'

import { type Id, readRollupScope, sameId, scopedGridIds, type StaffUser } from '../access'
import { CONTENT_SLUGS, type ContentSlug } from '../model/content'
import type { ReadRollupDoc, WechatArticleStatDoc } from '../collections/Readership'
import { type Lang, type MessageKey, t } from '../i18n/messages'
import { env } from '../server/env'
import { streetDay } from '../templates/format'
import { SuppressionTable } from './dashboardSuppression'
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
export const READ_CHANNELS_SHOWN = ['email', 'webpush', 'share', 'site'] as const
export type ShownChannel = (typeof READ_CHANNELS_SHOWN)[number]

export const DEFAULT_TREND_ISSUES = 8
export const MAX_TREND_ISSUES = 24
const PICKER_PER_TYPE = 8

export type Figure = {
  /** null when not shown: a hidden value never leaves the server. */
  value: number | null
  display: string
  state: 'shown' | 'small' | 'hidden' | 'na'
}

export type GridInfo = { id: Id; code: string; name: string; community: string; households: number }

export type DashboardRow = {
  kind: 'grid' | 'unattributed' | 'total'
  grid: GridInfo | null
  households: number | null
  subscribers: Figure
  submitted: Figure
  readers: Figure
  /** Readers through email or push (residents who were sent the content): the read rate's numerator. */
  messageReaders: Figure
  readRate: Figure
  reach: Figure
  channels: Record<ShownChannel, Figure>
  /** Email opens (people), approximate: never part of reads or rates. */
  opens: Figure
}

export type ContentRef = { type: ContentSlug; id: Id; title: string; number: number | null; publishedAt: string | null; summary: string; grids: Id[] | null }

export type WechatFigures = { readUsers: Figure; reads: Figure; shareUsers: Figure; shares: Figure; days: number }

export type ContentReport = { content: ContentRef; rows: DashboardRow[]; total: DashboardRow; wechat: WechatFigures | null }

export type TrendPoint = { issue: ContentRef; reach: Figure; readers: Figure }

export type Heatmap = { grids: GridInfo[]; issues: ContentRef[]; cells: Figure[][] }

export type DashboardData = {
  minGroupSize: number
  scope: { all: boolean; grids: GridInfo[] }
  /** The contents to choose from (latest of each type, published), newest first, each with its total row. */
  contents: { content: ContentRef; total: DashboardRow }[]
  content: ContentReport | null
  trend: TrendPoint[]
  heatmap: Heatmap
  /** How fresh the figures are: when the rollup last finished (null: not yet) and how often it runs. */
  rollup: { lastAt: string | null; everyMinutes: number }
}

export type DashboardOptions = {
  contentType?: string
  contentId?: Id
  /** Publication dates (YYYY-MM-DD, street time) of the contents listed and trended. */
  from?: string
  to?: string
  /** How many of the latest issues the trend and heatmap show. */
  issues?: number
  lang?: Lang
}

/** A refusal the endpoint turns into its status and Chinese message, naming the field. */
export class DashboardError extends Error {
  constructor(
    readonly status: 400 | 403 | 404,
    readonly key: MessageKey,
    readonly field?: string,
  ) {
    super(key)
  }
}

/** A Payload request, or (Local API) a staff user as Payload returns it. */
export type Viewer = PayloadRequest | (Omit<StaffUser, 'role'> & { role?: string | null }) | null | undefined

/** A Payload request for a viewer given as a request or (Local API) as a staff user. */
export function requestOf(payload: Payload, viewer: Viewer): PayloadRequest {
  if (viewer && 'payload' in (viewer as object)) return viewer as PayloadRequest
  return { payload, user: viewer ?? null, context: {} } as unknown as PayloadRequest
}

const DATE = /^\d{4}-\d{2}-\d{2}$/

/** Check the options; the errors name the field. */
export function checkOptions(opts: DashboardOptions): void {
  for (const field of ['from', 'to'] as const) {
    const v = opts[field]
    if (v !== undefined && (!DATE.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`)) || new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) !== v)) {
      throw new DashboardError(400, 'readership.error.date', field)
    }
  }
  if (opts.from && opts.to && opts.from > opts.to) throw new DashboardError(400, 'readership.error.range', 'from')
  if (opts.contentType !== undefined && !(CONTENT_SLUGS as readonly string[]).includes(opts.contentType)) throw new DashboardError(400, 'readership.error.content', 'content')
  if ((opts.contentType === undefined) !== (opts.contentId === undefined || opts.contentId === '')) throw new DashboardError(400, 'readership.error.content', 'content')
  if (opts.issues !== undefined && (!Number.isInteger(opts.issues) || opts.issues < 1 || opts.issues > MAX_TREND_ISSUES)) {
    throw new DashboardError(400, 'readership.error.issues', 'issues')
  }
}

// ---------------------------------------------------------------- figures

const percent = (ratio: number) => `${(Math.round(ratio * 1000) / 10).toFixed(1)}%`
const na = (): Figure => ({ value: null, display: '', state: 'na' })

function figureOf(table: SuppressionTable, cell: number, lang: Lang): Figure {
  const state = table.state(cell)
  if (state === 'shown') return { value: table.value(cell), display: String(table.value(cell)), state }
  if (state === 'small') return { value: null, display: `<${table.k}`, state }
  return { value: null, display: t('readership.hidden', lang), state }
}

/** A rate is shown only when every count it comes from is. */
function rateOf(numerator: Figure, denominator: Figure | number | null, lang: Lang): Figure {
  if (denominator === null) return na()
  const d = typeof denominator === 'number' ? denominator : denominator.value
  if (numerator.value === null || d === null) return { value: null, display: t('readership.hidden', lang), state: 'hidden' }
  if (d <= 0) return na()
  const ratio = numerator.value / d
  return { value: ratio, display: percent(ratio), state: 'shown' }
}

type Sums = { submitted: number; readers: number; openReaders: number }
const zero = (): Sums => ({ submitted: 0, readers: 0, openReaders: 0 })

/** Rollup rows of one content summed over days: grid → channel → sums. */
function sumRows(rows: Pick<ReadRollupDoc, 'grid' | 'channel' | 'submitted' | 'readers' | 'openReaders'>[]) {
  const byGrid = new Map<string, Map<string, Sums>>()
  for (const r of rows) {
    const grid = r.grid ?? ''
    const channels = byGrid.get(grid) ?? new Map<string, Sums>()
    const s = channels.get(r.channel) ?? zero()
    s.submitted += r.submitted ?? 0
    s.readers += r.readers ?? 0
    s.openReaders += r.openReaders ?? 0
    channels.set(r.channel, s)
    byGrid.set(grid, channels)
  }
  return byGrid
}

/**
 * One content's table: a row per grid (and the unattributed reads for
 * editors), the total, all cut from one suppression table.
 *
 * Submitted and readers come from the 'all' rows (recipients and readers
 * across channels, a resident reading by two channels is one reader), message
 * readers from the 'messages' rows (email and push together, likewise);
 * readers by channel and opens from the channel rows.
 */
export function buildReport(
  content: ContentRef,
  rollups: Pick<ReadRollupDoc, 'grid' | 'channel' | 'submitted' | 'readers' | 'openReaders'>[],
  grids: GridInfo[],
  subscribers: Map<string, number>,
  opts: { unattributed: boolean; k: number; lang: Lang },
): Omit<ContentReport, 'wechat'> {
  const { k, lang } = opts
  const sums = sumRows(rollups)
  const table = new SuppressionTable(k)
  // A cell is null where the figure does not apply. Unattributed reads come
  // from share links and the site: no subscriber (so no subscribers,
  // submitted, opens) and no message (email, push) carries an empty grid.
  // Those zeros are structural, not small groups, and are left out.
  type Cells = {
    subscribers: number | null
    submitted: number | null
    readers: number
    messageReaders: number | null
    channels: Record<ShownChannel, number | null>
    opens: number | null
  }
  const cellsOf = (grid: string, subs: number | null): Cells => {
    const channels = sums.get(grid) ?? new Map<string, Sums>()
    const all = channels.get('all') ?? zero()
    const attributed = grid !== ''
    const fromMessages = (c: ShownChannel) => c === 'email' || c === 'webpush'
    return {
      subscribers: subs === null ? null : table.cell(subs),
      submitted: attributed ? table.cell(all.submitted) : null,
      readers: table.cell(all.readers),
      messageReaders: attributed ? table.cell(channels.get('messages')?.readers ?? 0) : null,
      channels: Object.fromEntries(
        READ_CHANNELS_SHOWN.map((c) => [c, attributed || !fromMessages(c) ? table.cell(channels.get(c)?.readers ?? 0) : null]),
      ) as Record<ShownChannel, number | null>,
      opens: attributed ? table.cell(channels.get('email')?.openReaders ?? 0) : null,
    }
  }
  const parts: { kind: 'grid' | 'unattributed'; grid: GridInfo | null; cells: Cells }[] = grids.map((g) => ({
    kind: 'grid',
    grid: g,
    cells: cellsOf(String(g.id), subscribers.get(String(g.id)) ?? 0),
  }))
  if (opts.unattributed && sums.has('')) parts.push({ kind: 'unattributed', grid: null, cells: cellsOf('', null) })

  // The total row is the sum of the rows shown, measure by measure.
  const add = (pick: (c: Cells) => number | null) => parts.reduce((s, p) => s + (pick(p.cells) === null ? 0 : table.value(pick(p.cells)!)), 0)
  const total: Cells = {
    subscribers: table.cell(add((c) => c.subscribers)),
    submitted: table.cell(add((c) => c.submitted)),
    readers: table.cell(add((c) => c.readers)),
    messageReaders: table.cell(add((c) => c.messageReaders)),
    channels: Object.fromEntries(READ_CHANNELS_SHOWN.map((ch) => [ch, table.cell(add((c) => c.channels[ch]))])) as Record<ShownChannel, number>,
    opens: table.cell(add((c) => c.opens)),
  }
  // Every sum the reader could subtract from: each column over the rows; each row's readers over its
  // channels, its message readers over email and push, and its readers over message readers, share and site
  // (all nearly exact: a resident reading by two channels is one reader).
  const column = (pick: (c: Cells) => number | null) =>
    table.sum(pick(total)!, parts.map((p) => pick(p.cells)).filter((c): c is number => c !== null))
  const present = (cells: (number | null)[]) => cells.filter((c): c is number => c !== null)
  column((c) => c.subscribers)
  column((c) => c.submitted)
  column((c) => c.readers)
  column((c) => c.messageReaders)
  for (const ch of READ_CHANNELS_SHOWN) column((c) => c.channels[ch])
  column((c) => c.opens)
  for (const cells of [total, ...parts.map((p) => p.cells)]) {
    table.sum(cells.readers, present(READ_CHANNELS_SHOWN.map((ch) => cells.channels[ch])))
    if (cells.messageReaders === null) continue
    table.sum(cells.messageReaders, present([cells.channels.email, cells.channels.webpush]))
    table.sum(cells.readers, present([cells.messageReaders, cells.channels.share, cells.channels.site]))
  }
  table.run()

  const rowOf = (kind: DashboardRow['kind'], grid: GridInfo | null, households: number | null, c: Cells): DashboardRow => {
    const fig = (cell: number | null) => (cell === null ? na() : figureOf(table, cell, lang))
    const readers = fig(c.readers)
    const messageReaders = fig(c.messageReaders)
    const submitted = fig(c.submitted)
    return {
      kind,
      grid,
      households,
      subscribers: fig(c.subscribers),
      submitted,
      readers,
      messageReaders,
      readRate: c.submitted === null ? na() : rateOf(messageReaders, submitted, lang),
      reach: rateOf(readers, households, lang),
      channels: Object.fromEntries(READ_CHANNELS_SHOWN.map((ch) => [ch, fig(c.channels[ch])])) as Record<ShownChannel, Figure>,
      opens: fig(c.opens),
    }
  }
  const households = grids.reduce((s, g) => s + g.households, 0)
  return {
    content,
    rows: parts.map((p) => rowOf(p.kind, p.grid, p.grid ? p.grid.households : null, p.cells)),
    total: rowOf('total', null, households, total),
  }
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
