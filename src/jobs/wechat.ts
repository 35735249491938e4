import type { Payload, TaskHandler } from 'payload'

import { channelConfigured } from '../delivery/config'
import { pollDelayMs, pollDue, pollWechatDelivery, retractWechat, wechatPollCandidates } from '../delivery/wechat'
import { WECHAT_RETRACT_TASK } from './wechatRetract'

/**
 * The WeChat jobs:
 * - "poll WeChat publish status": each scheduler tick looks at the few WeChat
 *   deliveries waiting for a result (a submitted publish, a mass send awaiting
 *   its outcome) and polls those that are due, each under the delivery's lease,
 *   with growing intervals (src/delivery/wechat/polling.ts). No loop waits in between.
 * - "retract a WeChat article": queued by the retraction hook
 *   (jobs/wechatRetract.ts), since hooks never call out; its work here deletes
 *   the published article (freepublish/delete) and records the outcome on the
 *   delivery, tried again with backoff while the answer is not known yet.
 */

/** Attempts of a retraction before it gives up and tells the editor (about a day at the longest interval). */
const RETRACT_ATTEMPTS = 300

/** The work of the "retract a WeChat article" job (its config: jobs/wechatRetract.ts). */
export const retractWechatJob: TaskHandler<any> = async ({ input, req }) => {
  const { delivery, attempt = 1 } = input as { delivery: string; attempt?: number }
  const outcome = await retractWechat(req.payload, String(delivery), { final: attempt >= RETRACT_ATTEMPTS })
  if (outcome === 'later') {
    // Not a failure: WeChat is still publishing, or the stages hold the delivery. Look again, less and less often.
    const waitUntil = new Date(Date.now() + pollDelayMs(attempt))
    await req.payload.jobs.queue({ task: WECHAT_RETRACT_TASK as never, input: { delivery, attempt: attempt + 1 } as never, waitUntil, req })
  }
  return { output: { outcome } }
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
