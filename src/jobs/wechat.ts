import type { Payload, PayloadRequest, TaskConfig } from 'payload'

import type { DeliveryDoc } from '../collections/Deliveries'

/**
 * The WeChat jobs:
 * - "poll WeChat publish status": each scheduler tick looks at the few WeChat
 *   deliveries waiting for a result (a submitted publish, a mass send awaiting
 *   its outcome) and polls those that are due, each under the delivery's lease,
 *   with growing intervals (src/delivery/wechat.ts). No loop waits in between.
 * - "retract a WeChat article": queued by the retraction hook
 *   (src/hooks/deliveries.ts), since hooks never call out; it deletes the
 *   published article (freepublish/delete) and records the outcome on the
 *   delivery, tried again with backoff while the answer is not known yet.
 *
 * The delivery module is imported when the work runs: it imports the
 * collections, which import this file's task list through the config.
 */
export const WECHAT_RETRACT_TASK = 'wechat-retract'

export const wechatRetractTask: TaskConfig = {
  slug: WECHAT_RETRACT_TASK,
  inputSchema: [{ name: 'delivery', type: 'text', required: true }],
  retries: { attempts: 12, backoff: { type: 'exponential', delay: 5_000 } },
  handler: async ({ input, req }) => {
    const { retractWechat } = await import('../delivery/wechat')
    const outcome = await retractWechat(req.payload, String((input as { delivery: string }).delivery))
    return { output: { outcome } }
  },
}

/** Could this WeChat delivery have reached WeChat's publishing? Then a retraction must look at it. */
export function mayHavePublished(d: Pick<DeliveryDoc, 'channel' | 'status' | 'wechat'>): boolean {
  if (d.channel !== 'wechat' || d.status === 'skipped') return false
  const st = (d.wechat ?? {}) as { publishId?: string; submitAt?: string; articleId?: string; deleted?: boolean }
  if (st.deleted) return false
  return !!(st.publishId || st.submitAt || st.articleId || d.status === 'running')
}

/** Queue the deletion of each published WeChat article among a retracted content's deliveries. */
export async function queueWechatRetraction(payload: Payload, deliveries: DeliveryDoc[], req: PayloadRequest): Promise<number> {
  let queued = 0
  for (const d of deliveries.filter(mayHavePublished)) {
    await payload.jobs.queue({ task: WECHAT_RETRACT_TASK as never, input: { delivery: String(d.id) } as never, req })
    queued++
  }
  return queued
}

/** Poll every WeChat delivery that is due (publish status, mass-send status); the scheduler calls this each tick. */
export async function pollWechatPublishStatus(payload: Payload): Promise<{ ran: number; tookOver: number }> {
  const result = { ran: 0, tookOver: 0 }
  const { channelConfigured } = await import('../delivery/config')
  if (!channelConfigured('wechat')) return result
  const { pollDue, pollWechatDelivery, wechatPollCandidates } = await import('../delivery/wechat')
  const now = Date.now()
  for (const d of await wechatPollCandidates(payload)) {
    if (!pollDue(d, now)) continue
    if (await pollWechatDelivery(payload, d.id)) result.ran++
  }
  return result
}
