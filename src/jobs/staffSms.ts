import type { Payload } from 'payload'

import { isUniqueViolation } from '../store/claims'
import { noTransaction } from '../store/noTransaction'
import { mobileIndex } from '../subscribers/phone'

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
