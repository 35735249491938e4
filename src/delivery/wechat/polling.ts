import type { Payload } from 'payload'

import { ChannelError } from '../../channels/types'
import type { DeliveryDoc } from '../../model/deliveries'
import { t } from '../../i18n/messages'
import { wechatSettings } from '../../server/env'
import { claimNext, processOwner, withLease } from '../../store/leases'
import { noTransaction } from '../../store/noTransaction'
import { formatDateTime } from '../../templates/format'
import { deliverySettings } from '../config'
import { updateDelivery } from '../rows'
import { wechatClient } from './settings'
import { failStage, pollPublish } from './stages'
import { DELIVERIES, MINUTE, stateOf, type WechatState } from './state'

// ---------------------------------------------------------------------------
// The poll job's work (src/jobs/wechat.ts)

/** One due poll of one delivery, under its lease: publish status while publishing, mass-send status after a mass send. */
export async function pollWechatDelivery(payload: Payload, id: string | number, owner = processOwner): Promise<boolean> {
  const { leaseMs } = deliverySettings()
  const claimed = await claimNext<DeliveryDoc>(payload, {
    collection: DELIVERIES,
    where: { and: [{ id: { equals: id } }, { channel: { equals: 'wechat' } }, { status: { in: ['running', 'done'] } }] },
    owner,
    leaseMs,
  })
  if (!claimed) return false
  await withLease(
    payload,
    claimed.lease,
    leaseMs,
    async () => {
      const d = claimed.item
      const st = stateOf(d)
      try {
        if (d.status === 'running' && st.stage === 'publishing' && st.publishId) return await pollPublish(payload, d, st)
        if (d.status === 'done' && st.massSend?.msgId && st.massSend.status === 'sending') return await pollMassSend(payload, d, st)
      } catch (err) {
        if (!(err instanceof ChannelError)) throw err
        // A poll that failed is simply tried again later; only a setting problem stops it.
        if (d.status === 'running' && err.kind !== 'retryable') return failStage(payload, d, st, err)
        payload.logger.warn({ component: 'wechat', delivery: d.id, code: err.code, message: err.message }, 'WeChat poll failed; trying again later')
        const later = new Date(Date.now() + wechatSettings().pollMaxMs).toISOString()
        if (d.status === 'running') await updateDelivery(payload, d.id, { wechat: { ...st, pollAt: later } })
        else await updateDelivery(payload, d.id, { nextAttemptAt: later })
      }
      return false
    },
    () => false,
  )
  return true
}

/** Is this delivery due for a poll now? */
export function pollDue(d: DeliveryDoc, now = Date.now()): boolean {
  const st = stateOf(d)
  if (d.status === 'running') return st.stage === 'publishing' && !!st.publishId && (!st.pollAt || new Date(st.pollAt).getTime() <= now)
  if (d.status === 'done') return !!st.massSend?.msgId && st.massSend.status === 'sending' && !!d.nextAttemptAt && new Date(d.nextAttemptAt).getTime() <= now
  return false
}

async function pollMassSend(payload: Payload, d: DeliveryDoc, st: WechatState): Promise<boolean> {
  const ms = st.massSend!
  const state = await wechatClient().getMassSend(ms.msgId!)
  const confirmBy = new Date(ms.confirmBy).getTime()
  if (state.status === 'sending') {
    // Past the confirmation window (and a margin for WeChat's own clock) an unconfirmed send has lapsed.
    if (Date.now() > confirmBy + 10 * MINUTE) {
      st.massSend = { ...ms, status: 'failed', error: t('wechat.mass.lapsed', 'zh', { time: formatDateTime(ms.confirmBy) }), code: 'SENDING' }
      await updateDelivery(payload, d.id, { wechat: st, nextAttemptAt: null })
      return true
    }
    const next = new Date(Date.now() + Math.min(wechatSettings().pollMaxMs, MINUTE))
    await updateDelivery(payload, d.id, { nextAttemptAt: next.toISOString() })
    return false
  }
  if (state.status === 'sent') st.massSend = { ...ms, status: 'sent', error: undefined, code: undefined }
  else {
    const lapsed = Date.now() > confirmBy
    const error = state.status === 'deleted' ? t('wechat.mass.deleted') : lapsed ? t('wechat.mass.lapsed', 'zh', { time: formatDateTime(ms.confirmBy) }) : t('wechat.mass.failed', 'zh', { detail: state.raw })
    st.massSend = { ...ms, status: 'failed', error, code: state.raw }
  }
  await updateDelivery(payload, d.id, { wechat: st, nextAttemptAt: null })
  return true
}

/** Every WeChat delivery the poll job should look at (few: running publishes, mass sends awaiting their result). */
export async function wechatPollCandidates(payload: Payload): Promise<DeliveryDoc[]> {
  const { docs } = await payload.db.find({
    collection: DELIVERIES,
    where: {
      and: [
        { channel: { equals: 'wechat' } },
        { or: [{ status: { equals: 'running' } }, { and: [{ status: { equals: 'done' } }, { nextAttemptAt: { exists: true } }] }] },
      ],
    },
    sort: 'createdAt',
    limit: 200,
    pagination: false,
    req: noTransaction(),
  })
  return docs as unknown as DeliveryDoc[]
}
