import type { Payload, PayloadRequest, TaskConfig } from 'payload'

import type { DeliveryDoc } from '../model/deliveries'
import { channelConfigured } from '../delivery/config'
import { pollDelayMs, pollDue, pollWechatDelivery, retractWechat, wechatPollCandidates } from '../delivery/wechat'

/**
 * The WeChat jobs:
 * - "poll WeChat publish status": each scheduler tick looks at the few WeChat
 *   deliveries waiting for a result (a submitted publish, a mass send awaiting
 *   its outcome) and polls those that are due, each under the delivery's lease,
 *   with growing intervals (src/delivery/wechat/polling.ts). No loop waits in between.
 * - "retract a WeChat article": queued by the retraction hook
 *   (src/hooks/deliveries.ts), since hooks never call out; it deletes the
 *   published article (freepublish/delete) and records the outcome on the
 *   delivery, tried again with backoff while the answer is not known yet.
 */
export const WECHAT_RETRACT_TASK = 'wechat-retract'

/** Attempts of a retraction before it gives up and tells the editor (about a day at the longest interval). */
const RETRACT_ATTEMPTS = 300

export const wechatRetractTask: TaskConfig = {
  slug: WECHAT_RETRACT_TASK,
  inputSchema: [
    { name: 'delivery', type: 'text', required: true },
    { name: 'attempt', type: 'number' },
  ],
  // Unexpected errors (the database, say) are retried by Payload; "not known yet" re-queues below.
  retries: { attempts: 5, backoff: { type: 'exponential', delay: 10_000 } },
  handler: async ({ input, req }) => {
    const { delivery, attempt = 1 } = input as { delivery: string; attempt?: number }
    const outcome = await retractWechat(req.payload, String(delivery), { final: attempt >= RETRACT_ATTEMPTS })
    if (outcome === 'later') {
      // Not a failure: WeChat is still publishing, or the stages hold the delivery. Look again, less and less often.
      const waitUntil = new Date(Date.now() + pollDelayMs(attempt))
      await req.payload.jobs.queue({ task: WECHAT_RETRACT_TASK as never, input: { delivery, attempt: attempt + 1 } as never, waitUntil, req })
    }
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
  if (!channelConfigured('wechat')) return result
  const now = Date.now()
  for (const d of await wechatPollCandidates(payload)) {
    if (!pollDue(d, now)) continue
    if (await pollWechatDelivery(payload, d.id)) result.ran++
  }
  return result
}
