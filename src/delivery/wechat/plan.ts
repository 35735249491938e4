import type { Payload, PayloadHandler } from 'payload'

import { isEditor } from '../../access/roles'
import { langOf, t } from '../../i18n/messages'
import type { DeliveryDoc } from '../../model/deliveries'
import { noTransaction } from '../../store/noTransaction'
import { gridsOf, wechatQuota } from './massSend'
import { DELIVERIES, stateOf } from './state'

/**
 * The mass-send planner (群发计划, issue 14): a subscription account gets one
 * mass send a day, so the editors keep a queue of WeChat deliveries that are
 * published and waiting for their mass send; the queue's order gives each one
 * a day: today (unless today's mass send is used already), then each next
 * day, one a day. The queue is stored in the `wechat-mass-plan` global; a
 * delivery leaves it by being mass sent (or withdrawn). Sending stays the
 * editor's explicit action on the content (its deliveries panel).
 */

export const PLAN_SLUG = 'wechat-mass-plan'
export const PLAN_MAX = 30

export type PlanEntry = { delivery: string; addedBy?: string; addedAt?: string }
export type PlanItem = { delivery: string; title: string; contentType: string; contentId: string; day: string; grids: number; publishedAt: string | null }
export type PlanView = {
  today: string
  /** Today's mass send, when it is used already. */
  sentToday: { delivery: string; title: string; at: string } | null
  items: PlanItem[]
  /** Published WeChat deliveries not mass sent and not in the queue. */
  candidates: Omit<PlanItem, 'day'>[]
}

/** The calendar day n days after `day` (YYYY-MM-DD). */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10)
}

/** Each queued item's day: one a day, from today, or from tomorrow when today's mass send is used. */
export function planDays(count: number, today: string, todayUsed: boolean): string[] {
  const first = todayUsed ? 1 : 0
  return Array.from({ length: count }, (_, i) => addDays(today, first + i))
}

/** A delivery that can still be mass sent: WeChat, published, not withdrawn, no mass send that went out. */
export function waitingForMassSend(d: DeliveryDoc): boolean {
  if (d.channel !== 'wechat' || d.status !== 'done') return false
  const st = stateOf(d)
  if (st.stage !== 'published' || st.deleted) return false
  const ms = st.massSend
  return !ms || ms.status === 'failed'
}

async function readQueue(payload: Payload): Promise<PlanEntry[]> {
  const g = (await payload.findGlobal({ slug: PLAN_SLUG as never, depth: 0, overrideAccess: true })) as { queue?: unknown }
  return Array.isArray(g.queue) ? (g.queue as PlanEntry[]).filter((e) => e && typeof e.delivery === 'string') : []
}

const itemOf = (d: DeliveryDoc): Omit<PlanItem, 'day'> => ({
  delivery: String(d.id),
  title: d.title ?? '',
  contentType: d.contentType,
  contentId: String(d.contentId),
  grids: gridsOf(d.audience),
  publishedAt: d.finishedAt ?? null,
})

/** Published WeChat deliveries of the last months (enough for a queue of PLAN_MAX). */
async function recentWechat(payload: Payload): Promise<DeliveryDoc[]> {
  const { docs } = await payload.db.find<DeliveryDoc>({
    collection: DELIVERIES,
    where: { and: [{ channel: { equals: 'wechat' } }, { status: { equals: 'done' } }] },
    sort: '-createdAt',
    limit: 200,
    pagination: false,
    req: noTransaction(),
  })
  return docs
}

export async function readPlan(payload: Payload): Promise<PlanView> {
  const quota = await wechatQuota(payload)
  const recent = await recentWechat(payload)
  const byId = new Map(recent.map((d) => [String(d.id), d]))
  const queue = await readQueue(payload)
  // Queued deliveries older than the recent list are read one by one.
  for (const e of queue) {
    if (byId.has(e.delivery)) continue
    const d = await payload.db.findOne<DeliveryDoc>({ collection: DELIVERIES, where: { id: { equals: e.delivery } }, req: noTransaction() }).catch(() => null)
    if (d) byId.set(String(d.id), d)
  }
  // Sent, withdrawn or gone: out of the queue (the stored list is tidied on the next save).
  const waiting = queue.map((e) => byId.get(e.delivery)).filter((d): d is DeliveryDoc => !!d && waitingForMassSend(d))
  const todayUsed = quota.massSentToday
  const days = planDays(waiting.length, quota.day, todayUsed)
  const queued = new Set(waiting.map((d) => String(d.id)))
  const last = quota.lastMassSend
  return {
    today: quota.day,
    sentToday: todayUsed && last ? { delivery: last.deliveryId, title: last.title, at: last.at } : null,
    items: waiting.map((d, i) => ({ ...itemOf(d), day: days[i] })),
    candidates: recent.filter((d) => waitingForMassSend(d) && !queued.has(String(d.id))).map(itemOf),
  }
}

export type SaveResult = { ok: true; plan: PlanView } | { ok: false; status: number; message: string; field?: string }

/** The editor's queue, in order: each a WeChat delivery waiting for its mass send, each once. */
export async function savePlan(payload: Payload, ids: unknown, by: string, lang: 'zh' | 'en' = 'zh'): Promise<SaveResult> {
  if (!Array.isArray(ids) || ids.some((x) => typeof x !== 'string' && typeof x !== 'number')) return { ok: false, status: 400, message: t('previews.plan.invalid', lang), field: 'queue' }
  const list = ids.map(String)
  if (new Set(list).size !== list.length) return { ok: false, status: 400, message: t('previews.plan.duplicate', lang), field: 'queue' }
  if (list.length > PLAN_MAX) return { ok: false, status: 400, message: t('previews.plan.tooMany', lang, { max: PLAN_MAX }), field: 'queue' }
  const before = new Map((await readQueue(payload)).map((e) => [e.delivery, e]))
  const now = new Date().toISOString()
  const queue: PlanEntry[] = []
  for (const id of list) {
    const d = await payload.db.findOne<DeliveryDoc>({ collection: DELIVERIES, where: { id: { equals: id } }, req: noTransaction() }).catch(() => null)
    if (!d || !waitingForMassSend(d)) return { ok: false, status: 400, message: t('previews.plan.notWaiting', lang, { title: d?.title ?? id }), field: 'queue' }
    queue.push(before.get(id) ?? { delivery: id, addedBy: by, addedAt: now })
  }
  await payload.updateGlobal({ slug: PLAN_SLUG as never, data: { queue } as never, overrideAccess: true })
  payload.logger.info({ component: 'wechat', queue: list, by }, 'mass-send plan saved')
  return { ok: true, plan: await readPlan(payload) }
}

/** GET /api/globals/wechat-mass-plan/plan: editors. */
export const wechatPlanEndpoint: PayloadHandler = async (req) => {
  const lang = langOf(req)
  if (!isEditor(req.user)) return Response.json({ message: t('previews.plan.forbidden', lang) }, { status: 403 })
  return Response.json(await readPlan(req.payload))
}

/** POST /api/globals/wechat-mass-plan/plan { queue: [deliveryId…] }: editors. */
export const wechatPlanSaveEndpoint: PayloadHandler = async (req) => {
  const lang = langOf(req)
  if (!isEditor(req.user)) return Response.json({ message: t('previews.plan.forbidden', lang) }, { status: 403 })
  let body: Record<string, unknown> = {}
  try {
    const parsed = req.json ? await req.json() : null
    if (parsed && typeof parsed === 'object') body = parsed as Record<string, unknown>
  } catch {
    body = {}
  }
  const user = req.user as { id?: unknown; email?: string } | null
  const r = await savePlan(req.payload, body.queue, String(user?.email ?? user?.id ?? ''), lang)
  if (!r.ok) return Response.json({ message: r.message, errors: [{ field: r.field ?? 'queue', message: r.message }] }, { status: r.status })
  return Response.json(r.plan)
}
