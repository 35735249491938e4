import type { Payload } from 'payload'

import { isAddress } from '../lib/mailbox'
import type { SendResult } from '../channels/types'
import type { PushSubscription } from '../channels/webpush'
import { CONTENT_SLUGS, type ContentSlug } from '../model/content'
import { t } from '../i18n/messages'
import { publicUrl } from '../server/env'
import { loadSettings, mediaFor, richValues } from '../content/data'
import { checkPushSubscription } from '../subscribers/service'
import { fill, recipientParts, renderContentMail } from '../templates/email/content'
import { pushForContent } from '../templates/push'
import { emailChannel, pushChannel } from './channels'
import { deliverySettings } from './config'
import { contentUrl, iconUrl, testLinks } from './links'

/**
 * A test-send: the content as its latest version stands (a draft too), to one
 * email address or to the editor's own browser (web push), before publishing.
 * It goes outside any delivery and records nothing; an email's footer links
 * lead to the subscribe page, since the address is nobody's subscription.
 */
export type TestSendInput =
  | { collection: ContentSlug; id: string | number; channel: 'email'; to: string }
  | { collection: ContentSlug; id: string | number; channel: 'webpush'; subscription: PushSubscription }
export type FieldError = { field: string; message: string }

const TEST_CHANNELS = ['email', 'webpush'] as const

export function validateTestSend(body: unknown, lang: 'zh' | 'en' = 'zh'): { ok: true; value: TestSendInput } | { ok: false; errors: FieldError[] } {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>
  const errors: FieldError[] = []
  if (typeof b.collection !== 'string' || !(CONTENT_SLUGS as readonly string[]).includes(b.collection)) errors.push({ field: 'collection', message: t('testSend.error.collection', lang) })
  if (!(typeof b.id === 'string' && b.id.length > 0 && b.id.length <= 64) && !(typeof b.id === 'number' && Number.isFinite(b.id))) errors.push({ field: 'id', message: t('testSend.error.id', lang) })
  // The channel defaults to email: the endpoint's first callers sent none.
  const channel = b.channel === undefined ? 'email' : b.channel
  if (!(TEST_CHANNELS as readonly unknown[]).includes(channel)) {
    errors.push({ field: 'channel', message: t('testSend.error.channel', lang) })
    return { ok: false, errors }
  }
  const common = { collection: b.collection as ContentSlug, id: b.id as string | number }
  if (channel === 'webpush') {
    // The editor's device, checked as residents' devices are (PUSH_TRUSTED_ORIGINS included), by the same guard.
    const subscription = checkPushSubscription(b.subscription)
    if (!subscription) errors.push({ field: 'subscription', message: t('testSend.error.subscription', lang) })
    if (errors.length) return { ok: false, errors }
    return { ok: true, value: { ...common, channel: 'webpush', subscription: subscription! } }
  }
  const to = typeof b.to === 'string' ? b.to.trim().toLowerCase() : ''
  if (!isAddress(to)) errors.push({ field: 'to', message: t('testSend.error.to', lang) })
  if (errors.length) return { ok: false, errors }
  return { ok: true, value: { ...common, channel: 'email', to } }
}

type ContentRow = Record<string, unknown> & { id: string | number }

/** The content's latest version (a draft too), or null. */
async function latest(payload: Payload, collection: ContentSlug, id: string | number): Promise<ContentRow | null> {
  return (await payload.findByID({ collection, id, depth: 1, draft: true, overrideAccess: true, disableErrors: true })) as ContentRow | null
}

/** Render and send; null when the content does not exist. */
export async function testSendEmail(payload: Payload, input: Extract<TestSendInput, { channel: 'email' }>): Promise<SendResult | null> {
  const doc = await latest(payload, input.collection, input.id)
  if (!doc) return null
  const base = publicUrl()
  const settings = await loadSettings(payload)
  const media = await mediaFor(payload, richValues(input.collection, doc))
  const mail = renderContentMail({ collection: input.collection, doc: doc as never, settings, contentUrl: contentUrl(input.collection, doc, base), base, media })
  const parts = recipientParts(t('testSend.greeting'), testLinks(base))
  return emailChannel().send({ to: input.to, subject: `【${t('testSend.subjectTag')}】${mail.subject}`, html: fill(mail.html, parts.html), text: fill(mail.text, parts.text), headers: parts.headers })
}

/**
 * The content's push message, rendered as the pipeline renders it, marked as
 * a test, to the editor's device. No topic: a test must not replace a real
 * message for the same content still waiting at the push service.
 */
export async function testSendPush(payload: Payload, input: Extract<TestSendInput, { channel: 'webpush' }>): Promise<SendResult | null> {
  const doc = await latest(payload, input.collection, input.id)
  if (!doc) return null
  const base = publicUrl()
  const settings = await loadSettings(payload)
  const push = pushForContent({
    collection: input.collection,
    doc: doc as never,
    settings,
    url: contentUrl(input.collection, doc, base),
    icon: iconUrl(base),
    ttlSeconds: deliverySettings().pushTtlSeconds,
  })
  const notification = { ...push.notification, title: `【${t('testSend.subjectTag')}】${push.notification.title}` }
  return pushChannel().send({ subscription: input.subscription, notification, urgency: push.urgency, ttlSeconds: push.ttlSeconds })
}
