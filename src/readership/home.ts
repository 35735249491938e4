import type { PayloadRequest } from 'payload'

import { type Id, isAdmin, isEditor, isGridScoped, scopedGridIds } from '../access'
import { type AwaitingItem, awaitingMyReview } from '../hooks/reviewQueue'
import { channelConfigured } from '../delivery/config'
import { reasonFor } from '../i18n/deliveryReason'
import { type Lang, type MessageKey, t } from '../i18n/messages'
import { CONTENT_SLUGS, type ContentSlug } from '../model/content'
import { DELIVERY_CHANNELS, type DeliveryChannel, type DeliveryDoc, type DeliveryStatus, EDITOR_TRANSITIONS } from '../model/deliveries'
import { env } from '../server/env'
import { streetDay } from '../templates/format'
import { type ContentRef, dashboardData, type DashboardRow, type Figure, type GridInfo, viewerGrids } from './dashboard'
import { activeSubscribersPerGrid } from './store'

export { reasonFor }

/**
 * What the admin home (src/components/HomeView.tsx) shows each role, as data:
 * an editor's review queue, deliveries to watch, latest results and channels;
 * a grid leader's grids, announcements and results in their grids. Figures
 * come from the readership dashboard (dashboardData, the same scope and
 * small-group rule), never from formulas of their own.
 */

const RESULTS_SHOWN = 6
const DELIVERIES_SHOWN = 20
/** Deliveries that want an editor's eye: still moving, stopped, or finished with failures. */
export const WATCHED: DeliveryStatus[] = ['running', 'queued', 'paused', 'failed', 'partial']

export type ContentResult = { content: ContentRef; submitted: Figure; readers: Figure; readRate: Figure; reach: Figure; line: string }
export type DeliveryItem = {
  id: Id
  title: string
  contentType: ContentSlug
  contentId: string
  channel: DeliveryChannel
  /** A notice's or a fallback's kind, number and round (the list names it as the deliveries panel does). */
  kind: DeliveryDoc['kind']
  notice: number | null
  round: number | null
  status: DeliveryStatus
  reason: string | null
  progress: string
  actions: DeliveryStatus[]
}
export type ChannelState = { channel: DeliveryChannel; configured: boolean; note: string }
export type EditorHome = { awaiting: { total: number; items: AwaitingItem[] }; deliveries: DeliveryItem[]; results: ContentResult[]; channels: ChannelState[] }
export type GridCard = GridInfo & { subscribers: string }
export type Submission = { id: Id; title: string; state: string; stateKey: string; updatedAt: string | null }
export type LeaderHome = {
  grids: GridCard[]
  submissions: Submission[]
  results: ContentResult[]
  month: { readers: string; contents: number; small: boolean }
}

const numberText = (n: number) => new Intl.NumberFormat('en-US').format(n)
/** A count as the home shows it: thousands separated when shown, the dashboard's own "<k" or "—" otherwise. */
export const countText = (f: Figure) => (f.state === 'shown' && f.value !== null ? numberText(f.value) : f.display)

/**
 * One content's results in one plain line, in the glossary's words:
 * "已提交 1,234 人 · 阅读 312 人（阅读率 25.3%）· 触达率 2.2%". A part that does
 * not apply (no recipients: no submitted, no read rate) is left out.
 */
export function plainLine(total: Pick<DashboardRow, 'submitted' | 'readers' | 'readRate' | 'reach'>, lang: Lang): string {
  const parts: string[] = []
  const has = (f: Figure) => f.state !== 'na'
  const noRecipients = total.submitted.state === 'shown' && total.submitted.value === 0
  if (has(total.submitted) && !noRecipients) parts.push(t('home.line.submitted', lang, { n: countText(total.submitted) }))
  if (has(total.readRate) && !noRecipients) parts.push(t('home.line.readersRate', lang, { n: countText(total.readers), rate: total.readRate.display }))
  else parts.push(t('home.line.readers', lang, { n: countText(total.readers) }))
  if (has(total.reach)) parts.push(t('home.line.reach', lang, { rate: total.reach.display }))
  // After a full-width bracket the separator's own space would be a second gap: "（阅读率 25.3%）· 触达率".
  return parts.join(t('home.line.separator', lang)).replace(/） · /g, '）· ')
}

const resultOf = (content: ContentRef, total: DashboardRow, lang: Lang): ContentResult => ({
  content,
  submitted: total.submitted,
  readers: total.readers,
  readRate: total.readRate,
  reach: total.reach,
  line: plainLine(total, lang),
})

/** The latest contents the viewer may see, each with its dashboard total (over the viewer's grids). */
export async function latestResults(req: PayloadRequest, lang: Lang, limit = RESULTS_SHOWN): Promise<ContentResult[]> {
  const data = await dashboardData(req.payload, req, { lang })
  return data.contents.slice(0, limit).map(({ content, total }) => resultOf(content, total, lang))
}

export function channelStates(admin: boolean, lang: Lang): ChannelState[] {
  return DELIVERY_CHANNELS.map((channel) => {
    const configured = channelConfigured(channel)
    const note = configured
      ? t('home.channel.ok', lang, { channel: t(`channel.${channel}` as MessageKey, lang) })
      : t(`home.${admin ? 'setup.channel.missing' : 'channel.notConfigured'}.${channel}` as MessageKey, lang)
    return { channel, configured, note }
  })
}

async function watchedDeliveries(req: PayloadRequest, lang: Lang): Promise<DeliveryItem[]> {
  const { docs } = await req.payload.find({
    collection: 'deliveries',
    where: { status: { in: WATCHED } },
    sort: '-updatedAt',
    limit: DELIVERIES_SHOWN,
    depth: 0,
    overrideAccess: false,
    req,
  })
  const admin = isAdmin(req.user)
  return (docs as unknown as (DeliveryDoc & { progress?: string })[]).map((d) => ({
    id: d.id,
    title: d.title ?? '',
    contentType: d.contentType,
    contentId: d.contentId,
    channel: d.channel,
    kind: d.kind ?? null,
    notice: d.notice ?? null,
    round: d.round ?? null,
    status: d.status,
    reason: reasonFor(d.reason, d.channel, admin, lang),
    progress: d.channel === 'wechat' ? '' : (d.progress ?? ''),
    actions: EDITOR_TRANSITIONS[d.status] ?? [],
  }))
}

/** An editor's (and an admin's) home; null for anyone else. */
export async function editorHome(req: PayloadRequest, lang: Lang): Promise<EditorHome | null> {
  if (!isEditor(req.user)) return null
  const [awaiting, deliveries, results] = await Promise.all([awaitingMyReview(req), watchedDeliveries(req, lang), latestResults(req, lang)])
  return { awaiting, deliveries, results, channels: channelStates(isAdmin(req.user), lang) }
}

/** The state of an announcement in the words of the glossary, with the editor's comment when it was sent back. */
function stateOf(d: { _status?: string | null; withdrawnAt?: string | null; review?: { status?: string | null; comment?: string | null } | null }, lang: Lang) {
  const review = d.review?.status ?? 'none'
  if (d._status === 'published') return { stateKey: 'published', state: t('home.state.published', lang) }
  if (d.withdrawnAt) return { stateKey: 'withdrawn', state: t('home.state.withdrawn', lang) }
  if (review === 'returned') {
    const comment = d.review?.comment?.trim()
    return { stateKey: 'returned', state: comment ? t('home.state.returnedWith', lang, { comment }) : t('home.state.returned', lang) }
  }
  if (review === 'pending' || review === 'approved') return { stateKey: review, state: t(`home.state.${review}`, lang) }
  return { stateKey: 'draft', state: t('home.state.draft', lang) }
}

/** A figure under the small-group rule on its own (no sums beside it to subtract from): 1 to k−1 show as "<k". */
const alone = (n: number, k: number) => (n > 0 && n < k ? `<${k}` : numberText(n))

/** The first day of this month in the street's time zone (YYYY-MM-DD). */
export const monthStart = (now = new Date()) => `${streetDay(now).slice(0, 7)}-01`

/** A grid leader's (and community staff's) home; null for anyone else. */
export async function leaderHome(req: PayloadRequest, lang: Lang, now = new Date()): Promise<LeaderHome | null> {
  if (!isGridScoped(req.user)) return null
  const k = env.minGroupSize
  const view = await viewerGrids(req.payload, req)
  const grids = view?.grids ?? []
  const [perGrid, mine, results, month] = await Promise.all([
    activeSubscribersPerGrid(req.payload),
    scopedGridIds(req),
    latestResults(req, lang),
    dashboardData(req.payload, req, { lang, from: monthStart(now) }),
  ])
  // Their grids' announcements, through the same access as the list (scoped to their grids).
  const { docs } = mine.length
    ? await req.payload.find({
        collection: 'announcements',
        draft: true,
        sort: '-updatedAt',
        limit: 8,
        depth: 0,
        overrideAccess: false,
        req,
        select: { title: true, _status: true, withdrawnAt: true, review: true, updatedAt: true },
      })
    : { docs: [] }
  let readers = 0
  let small = false
  for (const c of month.contents) {
    if (c.total.readers.state === 'shown') readers += c.total.readers.value ?? 0
    else small = true
  }
  return {
    grids: grids.map((g) => ({ ...g, subscribers: alone(perGrid.get(String(g.id)) ?? 0, k) })),
    submissions: (docs as unknown as { id: Id; title?: string; updatedAt?: string }[]).map((d) => ({
      id: d.id,
      title: d.title ?? '',
      updatedAt: d.updatedAt ?? null,
      ...stateOf(d as never, lang),
    })),
    results,
    month: { readers: numberText(readers), contents: month.contents.length, small },
  }
}

/** The content types this user may write, in the admin's order. */
export const writableTypes = (req: PayloadRequest): ContentSlug[] =>
  isEditor(req.user) ? [...CONTENT_SLUGS] : isGridScoped(req.user) ? ['announcements'] : []
