import type { Payload, Where } from 'payload'

import { t } from '../i18n/messages'
import type { SubscriberDoc } from '../model/subscribers'
import { consent } from '../subscribers/consent'
import { maskMobile, mobileIndex, normaliseMobile } from '../subscribers/phone'
import { unsubscribe } from '../subscribers/service'
import { suppressFor } from '../subscribers/suppression'

/**
 * What the provider pushes to us (Alibaba Cloud SMS, HTTP batch push; the
 * routes are src/site/smsCallbacks.ts): delivery reports (SmsReport, 回执) and
 * residents' replies (SmsUp, 上行短信), each a JSON array.
 *
 * Reports: each is matched to its sms-messages row by the call's biz_id and
 * the number's keyed index, and stored there once. Pushes repeat (the
 * provider pushes again when our answer is late or lost), so a report for a
 * message that already has one changes nothing; a later report that differs
 * is logged and dropped: the provider's report is the carrier's final status,
 * we may already have acted on the first one (taken a dead number off SMS),
 * and keeping the first makes the outcome independent of how often and in
 * which order pushes arrive.
 *
 * A report saying the number no longer exists or has blocked us takes it off
 * SMS (DEAD_NUMBER_CODES). A reply TD, T, R, N or 退订 unsubscribes it from SMS.
 */

/**
 * Carrier codes in a report that mean the number cannot receive from us for
 * good. Only 空号 (no such subscriber) qualifies, and only one code for it
 * could be checked against a published table: MK:0001, China Mobile's
 * 不存在的用户 as its gateways pass it through Alibaba Cloud's SmsReport
 * err_code. Codes once listed here and dropped (docs/channels.md, "Dead
 * numbers", says why and from where): MN:0001 (a regional block, not the
 * number), IC:0001 (the next gateway did not answer), MN:0011 and DB:0141 (no
 * published meaning found), and 停机 in general (a number stopped for arrears
 * comes back when paid). Everything else (a phone switched off, a full inbox,
 * a carrier's refusal, a timeout) is stored and changes nothing: a wrong entry
 * takes residents off SMS. A resident's own refusal is the reply TD.
 */
export const DEAD_NUMBER_CODES: Readonly<Record<string, string>> = {
  'MK:0001': '空号（不存在的用户）',
}

/** The replies that unsubscribe a number from SMS (after trimming, NFKC for full-width letters, upper case). */
export const UNSUBSCRIBE_REPLIES = ['TD', 'T', 'R', 'N', '退订'] as const

export const isUnsubscribeReply = (content: string) => (UNSUBSCRIBE_REPLIES as readonly string[]).includes(content.normalize('NFKC').trim().toUpperCase())

type Item = Record<string, unknown>
export type PushResult = {
  items: number
  stored: number
  repeated: number
  unmatched: number
  invalid: number
  offSms: number
  /** Reports for messages sent moments ago whose rows are not written yet: the push should come again. */
  early: number
}

/**
 * A report for no known message sent less than this long ago (its send_time)
 * may have overtaken its row, which the driver writes right after the call:
 * the push is answered as not taken, so that the provider pushes it again.
 */
export const EARLY_REPORT_MS = 10 * 60_000

const str = (v: unknown) => (typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '')

/** "2026-12-04 18:00:00" in China time (how pushes write times) as an ISO instant; null when not that. */
export function chinaInstant(value: unknown): string | null {
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})$/.exec(str(value))
  if (!m) return null
  const ms = Date.parse(`${m[1]}T${m[2]}+08:00`)
  return Number.isNaN(ms) ? null : new Date(ms).toISOString()
}

type MessageRow = { id: string | number; delivery: string; subscriber: string; reportStatus?: string | null; reportCode?: string | null; reportedAt?: string | null }

/** Delivery reports (SmsReport), one push. */
export async function receiveReports(payload: Payload, items: Item[], now = new Date()): Promise<PushResult> {
  const log = payload.logger.child({ sms: 'report' })
  const result: PushResult = { items: items.length, stored: 0, repeated: 0, unmatched: 0, invalid: 0, offSms: 0, early: 0 }
  for (const item of items) {
    const phone = normaliseMobile(str(item.phone_number))
    const bizId = str(item.biz_id)
    const code = str(item.err_code).slice(0, 40)
    const success = item.success === true || item.success === 'true'
    if (!phone || !bizId || !code) {
      result.invalid++
      continue
    }
    const index = mobileIndex(phone)
    const { docs } = await payload.db.find({
      collection: 'sms-messages',
      where: { and: [{ bizId: { equals: bizId } }, { phoneIndex: { equals: index } }] },
      limit: 1,
      pagination: false,
      select: { delivery: true, subscriber: true, reportStatus: true, reportCode: true, reportedAt: true },
    })
    const row = docs[0] as unknown as MessageRow | undefined
    if (!row) {
      // A message the driver had not written yet (its row follows the call), or one deleted since.
      const sentAt = chinaInstant(item.send_time)
      const early = sentAt !== null && now.getTime() - Date.parse(sentAt) < EARLY_REPORT_MS
      if (early) result.early++
      else result.unmatched++
      log.warn({ bizId, phone: maskMobile(phone), code, early }, 'SMS report for no known message')
      continue
    }
    const status = success ? 'delivered' : 'failed'
    const reportedAt = chinaInstant(item.report_time) ?? now.toISOString()
    // Only a row with no report yet is written (the first final report wins, however pushes repeat or
    // race), then read back: updateMany's answer is not the same on every adapter.
    if (!row.reportStatus) {
      await payload.db.updateMany({
        collection: 'sms-messages',
        where: { and: [{ id: { equals: row.id } }, { reportStatus: { exists: false } }] },
        data: { reportStatus: status, reportCode: code, reportedAt },
        returning: false,
      })
    }
    const after = row.reportStatus ? row : ((await payload.db.findOne({ collection: 'sms-messages', where: { id: { equals: row.id } } })) as unknown as MessageRow)
    const ours = !row.reportStatus && after.reportStatus === status && after.reportCode === code && new Date(String(after.reportedAt)).toISOString() === reportedAt
    if (!ours) {
      result.repeated++
      if (after.reportStatus !== status || after.reportCode !== code) {
        log.info({ message: row.id, kept: after.reportCode, dropped: code }, 'SMS report differs from the one stored; the first is kept')
      }
      continue
    }
    result.stored++
    if (!success && DEAD_NUMBER_CODES[code]) result.offSms += await numberDead(payload, index, { delivery: row.delivery, code })
  }
  log.info({ ...result }, 'SMS reports received')
  return result
}

type Holder = { id: string | number; channels: string[]; status: string }

async function holdersOf(payload: Payload, index: string, all = false): Promise<Holder[]> {
  const { docs } = await payload.db.find({
    collection: 'subscribers',
    where: { phoneIndex: { equals: index } } satisfies Where,
    limit: 0,
    pagination: false,
    select: { channels: true, status: true },
  })
  return (docs as unknown as Holder[]).filter((s) => all || (s.channels ?? []).includes('sms'))
}

/**
 * A reply TD from a number already taken off SMS (a dead-number report or an
 * invalid number that was wrong): its active holders without 短信 get the
 * reply's consent entry all the same (once: not when their last entry is a
 * reply's already), so that an admin's undo of that
 * episode (delivery/sms/restore.ts) leaves them off: their choice stands.
 */
async function noteReplyOffSms(payload: Payload, index: string, reply: string, now: Date): Promise<void> {
  for (const h of await holdersOf(payload, index, true)) {
    if (h.status !== 'active' || (h.channels ?? []).includes('sms')) continue
    const s = (await payload.findByID({ collection: 'subscribers', id: h.id, depth: 0, overrideAccess: true })) as unknown as SubscriberDoc
    // The same reply again adds nothing.
    if (s.consents?.at(-1)?.method === 'sms-reply') continue
    const entry = consent('content', true, 'sms-reply', now.toISOString(), t('sms.reply.evidence', 'zh', { reply }))
    await payload.update({ collection: 'subscribers', id: s.id, data: { consents: [...(s.consents ?? []), entry] } as never, overrideAccess: true, depth: 0 })
  }
}

/**
 * A dead or blocking number: off SMS for every subscriber with it. One who has
 * another channel keeps it (and stays active) without 'sms'; one whose only
 * channel was SMS is suppressed as a bounced address is (subscribers/
 * suppression.ts: the delivery and code are kept, the admin can restore the
 * episode). The number stays on the record either way, so the record is the
 * number's do-not-contact state. Returns how many subscribers were changed.
 */
async function numberDead(payload: Payload, index: string, by: { delivery: string; code: string }): Promise<number> {
  let changed = 0
  for (const s of await holdersOf(payload, index)) {
    if (s.status !== 'active') continue
    const rest = s.channels.filter((c) => c !== 'sms')
    if (rest.length) await payload.update({ collection: 'subscribers', id: s.id, data: { channels: rest } as never, overrideAccess: true, depth: 0 })
    else await suppressFor(payload, s.id, { delivery: by.delivery, code: by.code })
    payload.logger.info({ subscriber: s.id, code: by.code, delivery: by.delivery, suppressed: !rest.length }, 'SMS number dead: taken off SMS')
    changed++
  }
  return changed
}

/** Replies (SmsUp), one push. */
export async function receiveReplies(payload: Payload, items: Item[], now = new Date()): Promise<PushResult> {
  const log = payload.logger.child({ sms: 'up' })
  const result: PushResult = { items: items.length, stored: 0, repeated: 0, unmatched: 0, invalid: 0, offSms: 0, early: 0 }
  for (const item of items) {
    const phone = normaliseMobile(str(item.phone_number))
    const content = typeof item.content === 'string' ? item.content : ''
    if (!phone) {
      result.invalid++
      continue
    }
    if (!isUnsubscribeReply(content)) {
      // Not kept anywhere: a reply is not a channel we answer on.
      log.info({ phone: maskMobile(phone), content: Array.from(content).slice(0, 70).join('') }, 'SMS reply (not an unsubscribe)')
      continue
    }
    const changed = await unsubscribeNumber(payload, mobileIndex(phone), content.normalize('NFKC').trim().toUpperCase(), now)
    if (!changed) result.unmatched++
    result.offSms += changed
    log.info({ phone: maskMobile(phone), subscribers: changed }, 'SMS reply unsubscribed the number from SMS')
  }
  return result
}

/**
 * A number's unsubscribe reply: every subscriber with it loses SMS. One with
 * other channels keeps them, a consent entry saying the content consent
 * stands without SMS (method sms-reply); one left with no channel is
 * unsubscribed as by an unsubscribe link (consent withdrawn, method
 * sms-reply). Returns how many subscribers were changed.
 */
async function unsubscribeNumber(payload: Payload, index: string, reply: string, now: Date): Promise<number> {
  await noteReplyOffSms(payload, index, reply, now)
  const holders = await holdersOf(payload, index)
  let changed = 0
  for (const h of holders) {
    if (h.status === 'unsubscribed') continue
    const s = (await payload.findByID({ collection: 'subscribers', id: h.id, depth: 0, overrideAccess: true })) as unknown as SubscriberDoc
    const rest = s.channels.filter((c) => c !== 'sms')
    if (rest.length) {
      const evidence = t('sms.reply.evidence', 'zh', { reply })
      const at = now.toISOString()
      await payload.update({
        collection: 'subscribers',
        id: s.id,
        data: { channels: rest, consents: [...(s.consents ?? []), consent('content', true, 'sms-reply', at, evidence)] } as never,
        overrideAccess: true,
        depth: 0,
      })
    } else await unsubscribe(payload, s, 'sms-reply', now)
    changed++
  }
  return changed
}
