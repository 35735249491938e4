import type { Payload, PayloadRequest, TaskConfig } from 'payload'

import type { DeliveryDoc } from '../model/deliveries'
import { engineTask } from './nudge'

/**
 * The "retract a WeChat article" job as collection hooks and the config see it:
 * queued by the retraction hook (src/hooks/deliveries.ts), since hooks never
 * call out. Its work, deleting the published article and recording the outcome
 * on the delivery, is the engine's (jobs/wechat.ts), reached through the engine
 * registry: the config and the hooks are bundled by Next, the engine is not.
 */
export const WECHAT_RETRACT_TASK = 'wechat-retract'

export const wechatRetractTask: TaskConfig = {
  slug: WECHAT_RETRACT_TASK,
  inputSchema: [
    { name: 'delivery', type: 'text', required: true },
    { name: 'attempt', type: 'number' },
  ],
  // Unexpected errors (the database, say) are retried by Payload; "not known yet" re-queues (jobs/wechat.ts).
  retries: { attempts: 5, backoff: { type: 'exponential', delay: 10_000 } },
  handler: engineTask('wechatRetract'),
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
