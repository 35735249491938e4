import type { Payload } from 'payload'

import { ChannelError } from '../../channels/types'
import type { DeliveryDoc } from '../../model/deliveries'
import { t } from '../../i18n/messages'
import { wechatSettings } from '../../server/env'
import { claimNext, processOwner, withLease } from '../../store/leases'
import { deliverySettings } from '../config'
import { nowIso, remember, updateDelivery } from '../rows'
import { wechatClient } from './settings'
import { DELIVERIES, explain, readDelivery, stateOf } from './state'

// ---------------------------------------------------------------------------
// Retraction: the hook queues a job (src/jobs/wechat.ts) that deletes the published article

export type RetractOutcome = 'deleted' | 'nothing' | 'failed' | 'later'

/**
 * Delete a retracted content's published WeChat article (freepublish/delete),
 * under the delivery's lease so it never runs beside its stages. 'later' while
 * the answer is not known yet (its stages hold the lease, WeChat is still
 * publishing, WeChat is busy): the job queues itself again. On the `final`
 * attempt a 'later' is recorded as a failure the editor is told about.
 */
export async function retractWechat(payload: Payload, id: string | number, { final = false, owner = processOwner } = {}): Promise<RetractOutcome> {
  const { leaseMs } = deliverySettings()
  const claimed = await claimNext<DeliveryDoc>(payload, { collection: DELIVERIES, where: { and: [{ id: { equals: id } }, { channel: { equals: 'wechat' } }] }, owner, leaseMs })
  if (!claimed) return (await readDelivery(payload, id)) ? 'later' : 'nothing'
  const outcome = await withLease(
    payload,
    claimed.lease,
    leaseMs,
    async () => {
      const d = claimed.item
      const st = stateOf(d)
      if (st.deleted) return 'deleted' as const
      const client = wechatClient()
      try {
        if (!st.articleId && st.publishId) {
          const state = await client.getPublish(st.publishId)
          st.publishStatus = state.status
          if (state.status === 1) {
            if (!final) return 'later' as const
            st.deleteError = t('wechat.reason.publishTimeout', 'zh', { hours: Math.round(wechatSettings().publishTimeoutMs / 3600_000) })
            await updateDelivery(payload, d.id, { wechat: st, reason: t('wechat.retract.failed', 'zh', { detail: st.deleteError }) })
            return 'failed' as const
          }
          if (state.articleId && (state.status === 0 || state.status === 6)) st.articleId = state.articleId
        }
        if (!st.articleId) {
          const unknown = !!st.submitAt
          if (unknown) st.deleteError = t('wechat.reason.publishUnknown')
          await updateDelivery(payload, d.id, { wechat: st, ...(d.status === 'cancelled' && !unknown ? { reason: t('wechat.retract.nothing') } : {}) })
          return unknown ? ('failed' as const) : ('nothing' as const)
        }
        await client.deletePublished(st.articleId)
        st.deleted = true
        st.deletedAt = nowIso()
        st.publishStatus = 5
        st.deleteError = undefined
        await updateDelivery(payload, d.id, { wechat: st, reason: t('wechat.retract.deleted'), nextAttemptAt: null })
        payload.logger.info({ component: 'wechat', delivery: d.id, articleId: st.articleId }, 'WeChat article deleted after retraction')
        return 'deleted' as const
      } catch (err) {
        if (!(err instanceof ChannelError)) throw err
        const detail = explain(err)
        st.deleteError = t('format.withCode', 'zh', { text: detail, code: String(err.code) })
        await updateDelivery(payload, d.id, { wechat: st, reason: t('wechat.retract.failed', 'zh', { detail }), lastErrors: remember(d.lastErrors, err.kind, String(err.code), detail) })
        payload.logger.warn({ component: 'wechat', delivery: d.id, code: err.code, message: err.message }, 'deleting the WeChat article failed')
        return (err.kind === 'retryable' || err.kind === 'quota') && !final ? ('later' as const) : ('failed' as const)
      }
    },
    () => false,
  )
  return outcome
}
