import type { Payload } from 'payload'

import type { SendResult } from '../channels/types'
import { CONTENT_SLUGS, type ContentSlug } from '../model/content'
import { DELIVERY_CHANNELS, type DeliveryChannel } from '../model/deliveries'
import { t, type Lang } from '../i18n/messages'
import { publicUrl } from '../server/env'
import { loadSettings } from '../content/data'
import type { ContentRow, FieldError, TestRecipient } from './driver'
import { driverFor } from './drivers'
import { contentUrl } from './links'

/**
 * A test-send: the content as its latest version stands (a draft too), to one
 * recipient on one channel (an email address, the editor's own browser),
 * before publishing. It goes outside any delivery and records nothing. What a
 * channel's recipient is and how its message is made is its driver's
 * (`testSend` in delivery/email.ts, delivery/webpush.ts); a channel whose
 * driver has none cannot be tested.
 */
export type TestSendInput = { collection: ContentSlug; id: string | number; channel: DeliveryChannel; recipient: TestRecipient }

/** The channels whose driver can send a test. */
export const testChannels = (): DeliveryChannel[] =>
  DELIVERY_CHANNELS.filter((c) => {
    const d = driverFor(c)
    return d.kind === 'recipients' && !!d.testSend
  })

export function validateTestSend(body: unknown, lang: Lang = 'zh'): { ok: true; value: TestSendInput } | { ok: false; errors: FieldError[] } {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>
  const errors: FieldError[] = []
  if (typeof b.collection !== 'string' || !(CONTENT_SLUGS as readonly string[]).includes(b.collection)) errors.push({ field: 'collection', message: t('testSend.error.collection', lang) })
  if (!(typeof b.id === 'string' && b.id.length > 0 && b.id.length <= 64) && !(typeof b.id === 'number' && Number.isFinite(b.id))) errors.push({ field: 'id', message: t('testSend.error.id', lang) })
  // The channel defaults to email: the endpoint's first callers sent none.
  const channel = b.channel === undefined ? 'email' : b.channel
  const testable = testChannels().find((c) => c === channel)
  const driver = testable ? driverFor(testable) : null
  if (!driver || driver.kind !== 'recipients' || !driver.testSend) {
    errors.push({ field: 'channel', message: t('testSend.error.channel', lang) })
    return { ok: false, errors }
  }
  const read = driver.testSend.recipient(b, lang)
  if ('errors' in read) errors.push(...read.errors)
  if (errors.length || !('recipient' in read)) return { ok: false, errors }
  return { ok: true, value: { collection: b.collection as ContentSlug, id: b.id as string | number, channel: testable!, recipient: read.recipient } }
}

/** Render the content's latest version (a draft too) and send it to the test recipient; null when the content does not exist. */
export async function testSend(payload: Payload, input: TestSendInput): Promise<SendResult | null> {
  const doc = (await payload.findByID({ collection: input.collection, id: input.id, depth: 1, draft: true, overrideAccess: true, disableErrors: true })) as ContentRow | null
  if (!doc) return null
  const base = publicUrl()
  const settings = await loadSettings(payload)
  return input.recipient.send(payload, { collection: input.collection, doc, settings, base, url: contentUrl(input.collection, doc, base) })
}
