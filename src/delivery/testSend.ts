import type { Payload, PayloadHandler } from 'payload'

import { isAddress } from '../channels/email/mime'
import type { SendResult } from '../channels/types'
import { CONTENT_SLUGS, type ContentSlug } from '../collections/contentCollection'
import { isEditor } from '../access/roles'
import { langOf, t } from '../i18n/messages'
import { publicUrl } from '../server/env'
import { loadSettings, mediaFor, richValues } from '../site/data'
import { fill, recipientParts, renderContentMail } from '../templates/email/content'
import { emailChannel } from './channels'
import { channelConfigured } from './config'
import { contentUrl, testLinks } from './links'

/**
 * A test-send: the content's email, as its latest version stands (a draft
 * too), to one address, before publishing. It goes outside any delivery and
 * records nothing; its footer links lead to the subscribe page, since the
 * address is nobody's subscription.
 */
export type TestSendInput = { collection: ContentSlug; id: string | number; to: string }
export type FieldError = { field: string; message: string }

export function validateTestSend(body: unknown, lang: 'zh' | 'en' = 'zh'): { ok: true; value: TestSendInput } | { ok: false; errors: FieldError[] } {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>
  const errors: FieldError[] = []
  if (typeof b.collection !== 'string' || !(CONTENT_SLUGS as readonly string[]).includes(b.collection)) errors.push({ field: 'collection', message: t('testSend.error.collection', lang) })
  if (!(typeof b.id === 'string' && b.id.length > 0 && b.id.length <= 64) && !(typeof b.id === 'number' && Number.isFinite(b.id))) errors.push({ field: 'id', message: t('testSend.error.id', lang) })
  const to = typeof b.to === 'string' ? b.to.trim().toLowerCase() : ''
  if (!isAddress(to)) errors.push({ field: 'to', message: t('testSend.error.to', lang) })
  if (errors.length) return { ok: false, errors }
  return { ok: true, value: { collection: b.collection as ContentSlug, id: b.id as string | number, to } }
}

/** Render and send; null when the content does not exist. */
export async function testSendEmail(payload: Payload, input: TestSendInput): Promise<SendResult | null> {
  const doc = (await payload.findByID({ collection: input.collection, id: input.id, depth: 1, draft: true, overrideAccess: true, disableErrors: true })) as
    | (Record<string, unknown> & { id: string | number })
    | null
  if (!doc) return null
  const base = publicUrl()
  const settings = await loadSettings(payload)
  const media = await mediaFor(payload, richValues(input.collection, doc))
  const mail = renderContentMail({ collection: input.collection, doc: doc as never, settings, contentUrl: contentUrl(input.collection, doc, base), base, media })
  const parts = recipientParts(t('testSend.greeting'), testLinks(base))
  return emailChannel().send({ to: input.to, subject: `【${t('testSend.subjectTag')}】${mail.subject}`, html: fill(mail.html, parts.html), text: fill(mail.text, parts.text), headers: parts.headers })
}

/** POST /api/deliveries/test-send { collection, id, to }: editors only. */
export const testSendEndpoint: PayloadHandler = async (req) => {
  const lang = langOf(req)
  if (!isEditor(req.user as never)) return Response.json({ message: t('testSend.error.forbidden', lang) }, { status: 403 })
  let body: unknown = null
  try {
    body = req.json ? await req.json() : null
  } catch {
    body = null
  }
  const checked = validateTestSend(body, lang)
  if (!checked.ok) return Response.json({ message: t('testSend.error.invalid', lang), errors: checked.errors }, { status: 400 })
  if (!channelConfigured('email')) return Response.json({ message: t('delivery.reason.notConfigured.email', lang) }, { status: 409 })
  const result = await testSendEmail(req.payload, checked.value)
  if (!result) return Response.json({ message: t('testSend.error.notFound', lang), errors: [{ field: 'id', message: t('testSend.error.notFound', lang) }] }, { status: 404 })
  if (result.ok) return Response.json({ ok: true, message: t('testSend.sent', lang, { to: checked.value.to }) })
  const key = result.kind === 'recipient-gone' ? 'testSend.refused' : result.kind === 'quota' ? 'delivery.error.quota' : result.kind === 'config' ? 'delivery.error.config' : 'delivery.error.retryable'
  return Response.json({ ok: false, kind: result.kind, code: result.code, message: t('testSend.failed', lang, { reason: t(key, lang), code: result.code }) }, { status: 502 })
}
