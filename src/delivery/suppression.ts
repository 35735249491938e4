import type { Payload, Where } from 'payload'

import type { DeliveryDoc } from '../model/deliveries'
import { t } from '../i18n/messages'
import { noTransaction } from '../store/noTransaction'
import { restoreSuppressed } from '../subscribers/suppression'
import type { Outcome, RecipientsDriver } from './driver'
import { updateDelivery } from './rows'

/**
 * Undoing suppressions that were the server's doing, not the addresses':
 * the pipeline's streak guard (during a delivery) and the admin's restore of
 * one episode (after it). Both put the residents back, and drop their `gone`
 * receipts so that the delivery, resumed or retried, sends to them: they were
 * refused, never submitted, so sending to them again is no duplicate.
 */
const RECEIPTS = 'delivery-receipts'

/** Recipients made gone in a row by the same reply before the pipeline calls it the server's fault. */
export const GONE_STREAK = 10

type Id = string | number

/** A reply's text with the addresses taken out: a relay names each recipient in the same refusal. */
export const replyShape = (text: string) =>
  text
    .replace(/<[^<>\s]*>/g, '<>')
    .replace(/[^\s<>@]+@[^\s<>@]+/g, '@')
    .trim()
    .toLowerCase()

/**
 * The streak guard of one run of a recipients driver that can restore. It
 * sees outcomes in the order the channel answered them (across workers and
 * batches); when the same reply (code and text, addresses aside) has made
 * GONE_STREAK recipients gone in a row, it trips. Answers still in flight
 * then that repeat the reply join the streak, so all of it is undone.
 */
export class GoneStreak {
  /** The channel of the delivery guarded: the pause reason names its service (mail server, SMS provider, push service). */
  constructor(private readonly channel: string) {}
  private shape: string | null = null
  /** The recipients of the streak, each with the cursor its batch started from. */
  private members: { id: Id; from: string | null }[] = []
  tripped = false
  code = ''

  /** One answered recipient; true when this answer trips the guard. */
  note(outcome: Outcome, id: Id, from: string | null): boolean {
    const code = outcome.status === 'gone' ? (outcome.code ?? '') : ''
    const shape = outcome.status === 'gone' && outcome.failure ? `${code}\n${replyShape(outcome.failure.message)}` : null
    if (this.tripped) {
      if (shape === this.shape) this.members.push({ id, from })
      return false
    }
    if (!shape || shape !== this.shape) this.members = []
    this.shape = shape
    if (!shape) return false
    this.members.push({ id, from })
    if (this.members.length < GONE_STREAK) return false
    this.tripped = true
    this.code = code
    return true
  }

  /** The pause reason for `count` restored recipients: it names the channel's service (mail server, SMS provider, push service). */
  reason(count: number): string {
    const key = this.channel === 'sms' ? 'delivery.reason.goneStreak.sms' : this.channel === 'webpush' ? 'delivery.reason.goneStreak.webpush' : 'delivery.reason.goneStreak'
    return t(key, 'zh', { count, code: this.code.slice(0, 40) })
  }

  /**
   * Put the streak's recipients back through the driver, then drop their
   * receipts. Returns how many the driver restored (the pause reason's
   * count: one who left the channel meanwhile is not), how many receipts
   * went (the delivery's `gone` drops by that) and the cursor to resume
   * from: the start of the streak's first batch, so that a streak begun in
   * an earlier batch is reached again (the batches between skip everyone
   * else by their receipts).
   */
  async undo(payload: Payload, driver: RecipientsDriver, delivery: Id): Promise<{ restored: number; removed: number; cursor: string | null }> {
    const ids = this.members.map((m) => m.id)
    const restored = (await driver.restore?.(payload, delivery, ids)) ?? 0
    return { restored, removed: await dropGoneReceipts(payload, delivery, ids), cursor: this.members[0]?.from ?? null }
  }
}

/**
 * Drop the `gone` receipts of these recipients of a delivery (once they are restored). Restore
 * first, receipts second: a crash between leaves them subscribed and skipped by this delivery,
 * never suppressed with no trace.
 */
export async function dropGoneReceipts(payload: Payload, delivery: Id, ids: Id[]): Promise<number> {
  if (!ids.length) return 0
  const where: Where = { and: [{ delivery: { equals: String(delivery) } }, { subscriber: { in: ids.map(String) } }, { status: { equals: 'gone' } }] }
  const { totalDocs } = await payload.db.count({ collection: RECEIPTS, where })
  if (totalDocs) await payload.db.deleteMany({ collection: RECEIPTS, where, req: noTransaction() })
  return totalDocs
}

/**
 * The admin's restore of one episode: every resident this delivery
 * suppressed with this code goes back to active, their `gone` receipts go,
 * and the delivery's count drops. An unfinished delivery walks its audience
 * again from the start when resumed (receipts skip everyone already
 * answered), so the restored get it; a finished one with failures reaches
 * them through the editor's retry. Returns how many were restored.
 */
export async function restoreEpisode(payload: Payload, d: DeliveryDoc, code: string): Promise<number> {
  const ids = await restoreSuppressed(payload, d.id, { code })
  if (!ids.length) return 0
  const removed = await dropGoneReceipts(payload, d.id, ids)
  const data: Partial<DeliveryDoc> = { gone: Math.max(0, (d.gone ?? 0) - removed) }
  if (d.status === 'paused' || d.status === 'queued') data.cursor = null
  await updateDelivery(payload, d.id, data)
  return ids.length
}
