import type { Payload } from 'payload'

import { ChannelError } from '../../channels/types'
import { explainWechatError } from '../../i18n/wechat'
import type { ContentSlug } from '../../model/content'
import type { DeliveryDoc } from '../../model/deliveries'
import { t } from '../../i18n/messages'
import { wechatSettings } from '../../server/env'
import { claimSlot, deleteClaims, newestClaims, type ClaimRow } from '../../store/claims'
import { noTransaction } from '../../store/noTransaction'
import { formatDateTime, streetDay } from '../../templates/format'
import { channelConfigured } from '../config'
import { updateDelivery } from '../rows'
import { assertWechatChecks } from './checks'
import { buildArticles, loadContent } from './media'
import { wechatClient } from './settings'
import { DELIVERIES, explain, MINUTE, readDelivery, stateOf, type WechatMassSend } from './state'

// ---------------------------------------------------------------------------
// Mass send (群发): an editor's explicit action

const MASS_SCOPE = 'wechat-mass:'
const massOwner = (id: string | number) => `delivery:${id}`

/** clientmsgid: from the delivery (its id and creation time, so a reset database never reuses one), plus the attempt after a lapse. */
export function clientMsgIdOf(d: Pick<DeliveryDoc, 'id' | 'createdAt'>, attempt = 1): string {
  const created = d.createdAt ? new Date(d.createdAt).getTime().toString(36) : '0'
  return `sn-${d.id}-${created}${attempt > 1 ? `-${attempt}` : ''}`
}

export type Reply = { status: number; body: Record<string, unknown> }
const reply = (status: number, body: Record<string, unknown>): Reply => ({ status, body })

export type QuotaView = { day: string; massSentToday: boolean; lastMassSend?: { deliveryId: string; title: string; at: string; status?: string } }

/** Today's mass-send quota of the street's account, and the last mass send. */
export async function wechatQuota(payload: Payload): Promise<QuotaView> {
  const day = streetDay()
  const today = (await newestClaims(payload, [MASS_SCOPE + day])).get(MASS_SCOPE + day)
  const { docs } = await payload.db.find({ collection: 'claims', where: { scope: { like: MASS_SCOPE } }, sort: '-createdAt', limit: 1, pagination: false, req: noTransaction() })
  const last = (docs[0] as unknown as (ClaimRow & { createdAt?: string }) | undefined) ?? undefined
  const view: QuotaView = { day, massSentToday: !!today }
  if (last) {
    const deliveryId = String(last.owner).replace(/^delivery:/, '')
    const d = await payload.db.findOne<DeliveryDoc>({ collection: DELIVERIES, where: { id: { equals: deliveryId } }, req: noTransaction() })
    const ms = d ? stateOf(d).massSend : undefined
    view.lastMassSend = { deliveryId, title: d?.title ?? '', at: ms?.requestedAt ?? String(last.createdAt ?? ''), ...(ms ? { status: ms.status } : {}) }
  }
  return view
}

/** The grids a delivery's content targets (0: the whole street). */
export const gridsOf = (audience: string): number => (audience.startsWith('grids:') ? audience.slice(6).split(',').filter(Boolean).length : 0)

/**
 * Mass send a published WeChat delivery to all followers. Refused, before any
 * WeChat call, when the street's account already mass sent today: the day is
 * claimed in the claims ledger (one insert under a unique index), so of two
 * clicks or processes only one passes. A mass send reaches the whole account
 * (WeChat followers carry no grid): for content meant for some grids only, the
 * editor must say so (`wholeAccount`), or it is refused before anything else.
 */
export async function massSend(payload: Payload, id: string, by: string, lang: 'zh' | 'en' = 'zh', opts: { wholeAccount?: boolean } = {}): Promise<Reply> {
  const d = await readDelivery(payload, id)
  if (!d) return reply(404, { message: t('wechat.mass.notFound', lang), errors: [{ field: 'id', message: t('wechat.mass.notFound', lang) }] })
  if (d.channel !== 'wechat') return reply(409, { message: t('wechat.mass.notWechat', lang) })
  if (!channelConfigured('wechat')) return reply(409, { message: t('delivery.reason.notConfigured.wechat', lang) })
  const st = stateOf(d)
  if (st.stage !== 'published' || d.status !== 'done') return reply(409, { message: t('wechat.mass.notPublished', lang) })
  if (st.deleted) return reply(409, { message: t('wechat.mass.contentGone', lang) })
  const grids = gridsOf(d.audience)
  if (grids && opts.wholeAccount !== true && !st.massSend?.msgId) {
    const message = t('previews.mass.gridsConfirm', lang, { count: grids })
    return reply(400, { message, needsWholeAccount: true, errors: [{ field: 'confirmWholeAccount', message }] })
  }
  let ms = st.massSend
  if (ms?.msgId && ms.status !== 'failed') return reply(200, { ok: true, message: t('wechat.mass.alreadySent', lang, { msgId: ms.msgId }), massSend: ms })
  if (ms?.code === '45028') return reply(409, { message: t('wechat.mass.failed', lang, { detail: explainWechatError(45028, '', lang) }), massSend: ms })
  const doc = await loadContent(payload, d)
  if (!doc || doc._status !== 'published') return reply(409, { message: t('wechat.mass.contentGone', lang) })

  // The content may have changed since it was published: its WeChat text is checked again before it notifies anyone,
  // before the day is claimed or anything recorded, so the editor fixes it and sends again.
  try {
    await assertWechatChecks(payload, d.contentType as ContentSlug, doc)
  } catch (err) {
    if (!(err instanceof ChannelError)) throw err
    return reply(409, { ok: false, kind: err.kind, code: err.code, message: t('wechat.mass.failed', lang, { detail: err.message }) })
  }

  const day = streetDay()
  const scope = MASS_SCOPE + day
  const claim = await claimSlot(payload, { scope, slot: 1, owner: massOwner(d.id) })
  if (!claim) {
    const holder = (await newestClaims(payload, [scope])).get(scope)
    if (holder && holder.owner !== massOwner(d.id)) {
      const other = await readDelivery(payload, String(holder.owner).replace(/^delivery:/, ''))
      const at = (other && stateOf(other).massSend?.requestedAt) || (holder as ClaimRow & { createdAt?: string }).createdAt
      return reply(409, { message: t('wechat.mass.usedToday', lang, { day, title: other?.title ?? '', time: formatDateTime(at) }), massSentToday: true })
    }
    // Ours already: a second click while the first is being submitted, or a retry after a failure or a crash.
    const fresh = stateOf((await readDelivery(payload, d.id)) ?? d).massSend
    const recent = (at: unknown) => Date.now() - new Date(String(at ?? 0)).getTime() < 2 * MINUTE
    // No record yet: the other request claimed the day a moment ago (or died right after; then go on after a while).
    const inFlight = fresh ? fresh.status === 'sending' && !fresh.msgId && recent(fresh.requestedAt) : recent((holder as { createdAt?: string } | undefined)?.createdAt)
    if (inFlight) return reply(409, { message: t('wechat.mass.inProgress', lang) })
    if (fresh?.msgId && fresh.status !== 'failed') return reply(200, { ok: true, message: t('wechat.mass.alreadySent', lang, { msgId: fresh.msgId }), massSend: fresh })
    ms = fresh
  }
  // A lapsed send (it has a msg_id) needs a new clientmsgid: the old one would answer with the lapsed send.
  const attempt = (ms?.attempt ?? 1) + (ms?.msgId ? 1 : 0)
  const requestedAt = new Date()
  const next: WechatMassSend = {
    status: 'sending',
    clientMsgId: clientMsgIdOf(d, attempt),
    requestedAt: requestedAt.toISOString(),
    confirmBy: new Date(requestedAt.getTime() + wechatSettings().confirmWindowMs).toISOString(),
    by,
    attempt,
    audience: 'all',
    ...(grids ? { contentGrids: grids } : {}),
    ...(ms?.draftMediaId && !ms.msgId ? { draftMediaId: ms.draftMediaId } : {}),
  }
  st.massSend = next
  const persist = () => updateDelivery(payload, d.id, { wechat: st })
  await persist()
  const log = payload.logger.child({ component: 'wechat', delivery: d.id })
  try {
    if (!next.draftMediaId) {
      // freepublish took the published draft out of the draft box: a fresh draft, with the images uploaded before.
      const { articles } = await buildArticles(payload, d, doc, st, persist)
      next.draftMediaId = await wechatClient().addDraft(articles)
      await persist()
    }
    const sent = await wechatClient().massSendToAll(next.draftMediaId, { clientMsgId: next.clientMsgId })
    next.msgId = sent.msgId
    if (sent.msgDataId) next.msgDataId = sent.msgDataId
    await updateDelivery(payload, d.id, { wechat: st, nextAttemptAt: new Date(Date.now() + wechatSettings().pollFirstMs).toISOString() })
    log.info({ msgId: sent.msgId, repeated: sent.repeated, clientMsgId: next.clientMsgId }, 'WeChat mass send submitted')
    const message = `${t(sent.repeated ? 'wechat.mass.alreadySent' : 'wechat.mass.submitted', lang, { msgId: sent.msgId })}${t('wechat.mass.confirmWindow', lang, { time: formatDateTime(next.confirmBy) })}`
    return reply(200, { ok: true, message, massSend: next })
  } catch (err) {
    if (!(err instanceof ChannelError)) throw err
    const detail = explain(err, lang)
    next.status = 'failed'
    next.error = detail
    next.code = String(err.code)
    await persist()
    log.warn({ kind: err.kind, code: err.code, message: err.message }, 'WeChat mass send failed')
    // A setting or content problem sent nothing: the day stays free. A quota (45028) or an unknown outcome keeps it taken.
    if (err.kind === 'config') await deleteClaims(payload, scope)
    return reply(err.kind === 'quota' ? 409 : 502, { ok: false, kind: err.kind, code: err.code, message: t('wechat.mass.failed', lang, { detail }), massSend: next })
  }
}
