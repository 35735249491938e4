import type { Payload } from 'payload'

import type { PreparedSms, SmsChannel } from '../channels/sms'
import { failure, isFailure, type SendFailure, type SendOk } from '../channels/types'
import { newShortCode, storeShortLinks } from '../delivery/sms/links'
import { quietHours, quietUntil } from '../delivery/sms/quiet'
import { normalizeMobile } from '../model/mobile'
import { smsBudgetStop } from '../readership/smsSpend'
import { isUniqueViolation } from '../store/claims'
import { noTransaction } from '../store/noTransaction'
import { mobileIndex } from '../subscribers/phone'

/**
 * Texts to staff and building heads (the heads told of a notice,
 * jobs/relayTell.ts; the grid leaders' alerts, jobs/relayAlerts.ts): the one
 * flow they share. A job opens the channel, picks the person's mobile number
 * (staffMobile), and textStaff does the rest: the quiet hours for a
 * non-urgent text, the short link's code, the message from the job's own
 * template, the month's budget, the link stored before the call, the call,
 * and the text counted in the month's spend. Who is told, which template and
 * text, which link, and what happens when the text does not go (email, a
 * later try, the claims) stay the job's.
 */

export type StaffText = {
  /** What the text was for, e.g. `relay-tell:issues:12`: with `to`, one row per text. */
  delivery: string
  /** Who got it, e.g. `head:B0012` or `leader:7` (staff and heads are not subscribers). */
  to: string
  /** The month's spend groups by this (a label in the catalogue). */
  contentType: string
  phone: string
  bizId?: string | null
  segments: number
}

/**
 * Count a text to staff or a building head in the month's SMS spend (an
 * sms-messages row, as a delivery's texts are), so the budget sees it. The
 * row is keyed by what and to whom: a text sent again after a crash (within
 * the job's bound) leaves the first row standing.
 */
export async function countStaffText(payload: Payload, text: StaffText): Promise<void> {
  try {
    await payload.db.create({
      collection: 'sms-messages',
      data: {
        delivery: text.delivery,
        subscriber: text.to,
        contentType: text.contentType,
        phoneIndex: mobileIndex(text.phone),
        bizId: text.bizId ?? '',
        segments: text.segments,
        sentAt: new Date().toISOString(),
      },
      req: noTransaction(),
    })
  } catch (err) {
    if (!isUniqueViolation(err)) throw err
  }
}

/** The first of a person's numbers that is a mainland mobile number (a landline cannot be texted), or null. */
export const staffMobile = (...phones: (string | null | undefined)[]): string | null => {
  for (const p of phones) {
    const mobile = p ? normalizeMobile(p) : null
    if (mobile) return mobile
  }
  return null
}

/** One text: what differs from job to job. */
export type StaffTextPlan = {
  /** A non-urgent text is held in the SMS quiet hours (site settings). */
  urgent: boolean
  now?: Date
  /** The message from the job's template: its text, with the short link's code. No network. */
  prepare: (channel: SmsChannel, code: string) => PreparedSms | SendFailure
  /** The short link the text carries: stored under `key` (so it can be deleted with it), leading to `target`. */
  link: { key: string; target: string }
  /** How the text is counted in the month's spend (the number and segments are the message's). */
  count: Pick<StaffText, 'delivery' | 'to' | 'contentType'>
}

/**
 * Held: the quiet hours hold the text until then (never an urgent one). A
 * failure with code `budget` and the editor's `reason` when the month's
 * budget would be passed, as an SMS delivery's; any other failure is the
 * template's or the provider's.
 */
export type StaffTextResult = SendOk | SendFailure | { held: Date }

/** Text one person (a number from staffMobile) as the plan says, and count the text once accepted. */
export async function textStaff(payload: Payload, channel: SmsChannel, plan: StaffTextPlan): Promise<StaffTextResult> {
  if (!plan.urgent) {
    const until = quietUntil(plan.now ?? new Date(), await quietHours(payload))
    if (until) return { held: until }
  }
  const code = newShortCode()
  const prepared = plan.prepare(channel, code)
  if (isFailure(prepared)) return prepared
  const over = await smsBudgetStop(payload, prepared.segments)
  if (over) return { ...failure('quota', 'budget', 'the monthly SMS budget would be passed'), reason: over }
  // The link first: it must work when the message arrives.
  await storeShortLinks(payload, plan.link.key, [{ code, target: plan.link.target }])
  const result = await channel.sendPrepared(prepared)
  if (result.ok) await countStaffText(payload, { ...plan.count, phone: prepared.phone, bizId: result.providerId, segments: prepared.segments })
  return result
}
