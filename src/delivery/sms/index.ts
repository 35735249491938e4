import type { Payload } from 'payload'

import { SMS_BATCH_MAX, SMS_CHANGE_WORDS, SmsChannel, type PreparedSms, type SmsKind } from '../../channels/sms'
import { failure, isFailure, type SendFailure, type SendResult } from '../../channels/types'
import { t } from '../../i18n/messages'
import { isNotice, type DeliveryDoc, type NoticeKind } from '../../model/deliveries'
import type { SubscriberDoc } from '../../model/subscribers'
import { isUniqueViolation } from '../../store/claims'
import { noTransaction } from '../../store/noTransaction'
import { openMobile } from '../../subscribers/phone'
import { toOutcome, type DeliveryTuning, type Outcome, type RecipientsDriver } from '../driver'
import { nowIso } from '../rows'
import { smsBatchBudget } from '../../readership/smsSpend'
import { newShortCode, shortLinkTarget, storeShortLinks } from './links'
import { quietHours, quietUntil } from './quiet'
import { restoreSmsNumbers } from './restore'
import { smsChannel } from './channel'
import { smsTestSender } from './testSend'

/**
 * The SMS driver (issue 17): text messages through the channel client
 * (src/channels/sms, Alibaba Cloud SMS). Notices go up to 100 numbers a call
 * (SendBatchSms, each number with its own title and short-link code); urgent
 * content one number a call (SendSms), as the provider advises for alerts.
 * A correction or withdrawal notice goes from its own template (kind
 * `change`) to those the original SMS delivery reached (audience.ts).
 * The pipeline writes a group's receipts after its call answered, so the
 * crash bound is calls in flight × numbers a call (perCall).
 *
 * Per call: the recipients' numbers are opened and their messages fitted
 * (no network), their short links stored, then the one call through
 * sendThroughProvider, then one `sms-messages` row per accepted message
 * (the report callback finds it by bizId + phoneIndex). A number the provider
 * calls invalid is taken off SMS (the subscriber's other channels stay); a
 * streak of them is the provider's fault, undone by the pipeline's guard
 * through `restore` (sms/restore.ts).
 */
type Prepared = { s: SubscriberDoc; sms: PreparedSms }

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * Every call to the SMS provider goes through here: one call for up to 100
 * messages of one kind (a notice batch, or urgent messages one number a
 * call), tried again on a temporary failure of the whole call while the wait
 * stays short. One result per message, in order.
 */
export async function sendThroughProvider(channel: SmsChannel, messages: PreparedSms[], tuning: DeliveryTuning): Promise<SendResult[]> {
  for (let attempt = 1; ; attempt++) {
    const results = await channel.sendPreparedBatch(messages)
    // Only a refusal of the whole call is tried again here; a number's own answer is that number's.
    const first = results[0]
    const whole = !!first && !first.ok && results.every((r) => !r.ok && r.code === first.code)
    if (!whole || first.ok || first.kind !== 'retryable' || attempt >= tuning.maxAttempts) return results
    const wait = first.retryAfterMs ?? Math.min(tuning.retryMaxMs, tuning.retryBaseMs * 2 ** (attempt - 1))
    if (wait > tuning.retryMaxMs) return results
    await sleep(wait)
  }
}

/** A number's own frequency limit concerns that number only: it fails, the delivery goes on. */
function outcomeOf(r: SendResult, tuning: DeliveryTuning): Outcome {
  if (!r.ok && r.code === 'isv.BUSINESS_LIMIT_CONTROL') return { status: 'failed', code: String(r.code), failure: r }
  return toOutcome(r, tuning)
}

async function recordMessages(payload: Payload, d: DeliveryDoc, sent: { p: Prepared; r: SendResult }[]) {
  for (const { p, r } of sent) {
    if (!r.ok) continue
    try {
      await payload.db.create({
        collection: 'sms-messages',
        data: {
          delivery: String(d.id),
          subscriber: String(p.s.id),
          contentType: d.contentType,
          phoneIndex: String(p.s.phoneIndex ?? ''),
          bizId: r.providerId ?? '',
          segments: p.sms.segments,
          sentAt: nowIso(),
        },
        req: noTransaction(),
      })
    } catch (err) {
      // Sent again after a crash (within the bound): the first message's row stands.
      if (!isUniqueViolation(err)) throw err
    }
  }
}

export const smsDriver: RecipientsDriver = {
  kind: 'recipients',
  perCall: (d) => (d.urgent ? 1 : SMS_BATCH_MAX),
  fields: { phone: true, phoneIndex: true },
  testSend: smsTestSender,
  async hold(payload, d) {
    if (d.urgent) return null
    return quietUntil(new Date(), await quietHours(payload))
  },
  async render(_payload, { delivery, collection, doc, tuning }) {
    const title = String(doc.title ?? '')
    const summary = typeof doc.summary === 'string' && doc.summary.trim() ? doc.summary : t('sms.detail.default')
    // A correction or withdrawal notice has its own approved template (SMS_TEMPLATE_CHANGE): what happened, the title, the link.
    const change = isNotice(delivery) ? SMS_CHANGE_WORDS[delivery.kind as NoticeKind] : null
    const kind: SmsKind = change ? 'change' : delivery.urgent ? 'urgent' : 'notice'
    const paramsFor = (code: string) => (kind === 'change' ? { change: change!, title, code } : kind === 'urgent' ? { title, detail: summary, code } : { title, code })
    return {
      group: async (payload) => {
        // The month's budget read once for the batch; its calls take their segments from it in memory.
        const budget = await smsBatchBudget(payload)
        return (group) => {
          const channel = smsChannel()
          const prepared: Prepared[] = []
          const links: { code: string; target: string }[] = []
          const early = new Map<SubscriberDoc, Outcome>()
          for (const s of group) {
            let phone = ''
            try {
              phone = s.phone ? openMobile(String(s.phone)) : ''
            } catch {
              phone = ''
            }
            const code = newShortCode()
            const sms = phone ? channel.prepare({ to: phone, kind, params: paramsFor(code) }) : failure('recipient-gone', 'no-number', 'The subscriber has no readable number')
            if (isFailure(sms)) early.set(s, toOutcome(sms, tuning))
            else {
              prepared.push({ s, sms })
              links.push({ code, target: shortLinkTarget(collection, doc, s) })
            }
          }
          return async () => {
            // The month's budget before anything: a call that would pass it pauses the delivery.
            const over = prepared.length ? budget.take(prepared.reduce((n, p) => n + p.sms.segments, 0)) : null
            if (over) {
              const stop: SendFailure = { ...failure('quota', 'budget', 'the monthly SMS budget would be passed'), reason: over }
              return group.map((s) => early.get(s) ?? { status: 'stop', failure: stop })
            }
            // The links first: a message's link must work when the message arrives.
            await storeShortLinks(payload, delivery.id, links)
            const results = prepared.length ? await sendThroughProvider(channel, prepared.map((p) => p.sms), tuning) : []
            const sent = prepared.map((p, i) => ({ p, r: results[i] }))
            budget.giveBack(sent.reduce((n, { p, r }) => n + (r?.ok ? 0 : p.sms.segments), 0))
            await recordMessages(payload, delivery, sent)
            const byS = new Map(sent.map(({ p, r }) => [p.s, outcomeOf(r, tuning)]))
            return group.map((s) => early.get(s) ?? byS.get(s)!)
          }
        }
      },
    }
  },
  /** The number is gone for good (not a mobile number): SMS only stops; the subscriber's other channels stay. */
  async gone(payload, s) {
    const row = await payload.db.findOne<SubscriberDoc>({ collection: 'subscribers', where: { id: { equals: s.id } } })
    if (!row) return
    const channels = (row.channels ?? []).filter((c) => c !== 'sms')
    await payload.db.updateOne({ collection: 'subscribers', id: s.id, data: { channels }, req: noTransaction() })
    payload.logger.info({ component: 'delivery', channel: 'sms', subscriber: s.id }, 'number gone: SMS taken off the subscriber')
  },
  /** A streak of the same refusal is the provider's fault, not the numbers': SMS goes back on for them (sms/restore.ts). */
  restore: (payload, delivery, ids) => restoreSmsNumbers(payload, delivery, ids),
}
