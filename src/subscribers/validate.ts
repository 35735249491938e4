/**
 * Checking what a resident (or a CSV row) asks for: the address, a push
 * subscription, the subscribe form and the preferences form. Nothing here writes.
 */
import type { Payload } from 'payload'

import { isAddress } from '../lib/mailbox'
import { pushTrustedOrigins } from '../delivery/config'
import { gridByCode, type GridEntry } from '../grids/directory'
import { t } from '../i18n/messages'
import { checkUrl } from '../lib/outbound'
import { channelOrderOf, FORM_CHANNELS, SUBSCRIBER_CHANNELS, type SubscriberChannel, type SubscriberDoc, type Topic, TOPICS } from '../model/subscribers'
import { consentVersion, MAX_ADDRESS_LENGTH, MAX_LOCAL_PART } from './consent'
import { normaliseMobile } from './phone'

export type FieldError = { field: string; message: string }
export type PushInput = { endpoint: string; keys: { p256dh: string; auth: string } }

export type SubscribeInput = {
  email: string
  grid: GridEntry
  channels: SubscriberChannel[]
  topics: Topic[]
  statistics: boolean
  push: PushInput | null
}

/** A subscribe request by mobile number: SMS only, an address optional (kept as contact when no one else has it). */
export type SmsSubscribeInput = {
  mobile: string
  email: string | null
  grid: GridEntry
  channels: SubscriberChannel[]
  topics: Topic[]
  statistics: boolean
}

export type Form = Record<string, unknown>

const list = (v: unknown): string[] => (Array.isArray(v) ? v : v == null ? [] : [v]).filter((x): x is string => typeof x === 'string')
const one = (v: unknown): string => (typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : '')
const yes = (v: unknown) => ['yes', 'on', '1', 'true'].includes(one(v))

/** The address as stored, or the message saying what is wrong with it. */
export function checkAddress(raw: string): { ok: true; email: string } | { ok: false; message: string } {
  const email = raw.normalize('NFKC').trim().toLowerCase()
  if (!email) return { ok: false, message: t('subscribe.error.emailRequired') }
  if (email.length > MAX_ADDRESS_LENGTH || email.split('@')[0].length > MAX_LOCAL_PART)
    return { ok: false, message: t('subscribe.error.emailTooLong', 'zh', { max: MAX_ADDRESS_LENGTH }) }
  if (!isAddress(email)) return { ok: false, message: t('subscribe.error.emailInvalid') }
  return { ok: true, email }
}

/**
 * A browser's PushSubscription (JSON) as the page sends it; only endpoints the
 * outbound guard accepts (src/lib/outbound.ts: https to a public host, or an
 * origin of PUSH_TRUSTED_ORIGINS) with well-formed keys. The address behind a
 * name is checked again when a message is sent.
 */
export function checkPushSubscription(raw: unknown, trustedOrigins: readonly string[] = pushTrustedOrigins()): PushInput | null {
  let value = raw
  if (typeof raw === 'string') {
    if (!raw || raw.length > 4096) return null
    try {
      value = JSON.parse(raw)
    } catch {
      return null
    }
  }
  const v = value as { endpoint?: unknown; keys?: { p256dh?: unknown; auth?: unknown } } | null
  if (!v || typeof v.endpoint !== 'string' || v.endpoint.length > 2048) return null
  // The server will POST to this URL: only public https push services, never a host inside our network.
  const target = checkUrl(v.endpoint, { trustedOrigins })
  if (!target.ok) return null
  const url = target.url
  const p256dh = v.keys?.p256dh
  const auth = v.keys?.auth
  const b64url = /^[A-Za-z0-9_-]+={0,2}$/
  if (typeof p256dh !== 'string' || !b64url.test(p256dh) || Buffer.from(p256dh, 'base64url').length !== 65) return null
  if (typeof auth !== 'string' || !b64url.test(auth) || Buffer.from(auth, 'base64url').length !== 16) return null
  return { endpoint: url.toString(), keys: { p256dh, auth } }
}

export type Validated = { ok: true; value: SubscribeInput; sms?: undefined } | { ok: true; sms: SmsSubscribeInput; value?: undefined } | { ok: false; errors: FieldError[] }

/**
 * The subscribe form, checked field by field. Every problem is reported at
 * once, in Chinese, naming its field.
 */
export async function validateSubscribe(payload: Payload, form: Form, opts: { pushAvailable: boolean; smsAvailable?: boolean }): Promise<Validated> {
  const errors: FieldError[] = []
  // Without SMS configured, 'sms' is an option the form does not have (an unknown channel, below).
  const offered: readonly SubscriberChannel[] = opts.smsAvailable ? FORM_CHANNELS : FORM_CHANNELS.filter((c) => c !== 'sms')
  const bySms = Boolean(opts.smsAvailable) && list(form.channels).includes('sms')
  // With SMS the address is optional: checked only when given.
  const address = bySms && !one(form.email).trim() ? null : checkAddress(one(form.email))
  if (address && !address.ok) errors.push({ field: 'email', message: address.message })
  let mobile: string | null = null
  if (bySms) {
    const typed = one(form.mobile)
    if (list(form.channels).some((c) => c !== 'sms')) errors.push({ field: 'channels', message: t('subscribe.error.smsWithEmail') })
    if (!typed.trim()) errors.push({ field: 'mobile', message: t('subscribe.error.mobileRequired') })
    else if (typed.length > 30 || !(mobile = normaliseMobile(typed))) errors.push({ field: 'mobile', message: t('subscribe.error.mobileInvalid') })
  }

  const code = one(form.grid).trim()
  let grid: GridEntry | null = null
  if (!code) errors.push({ field: 'grid', message: t('subscribe.error.gridRequired') })
  else if (code.length > 20 || !(grid = await gridByCode(payload, code))) errors.push({ field: 'grid', message: t('subscribe.error.gridUnknown', 'zh', { code: code.slice(0, 20) }) })

  const channelsGiven = list(form.channels)
  const channels = offered.filter((c) => channelsGiven.includes(c))
  let push: PushInput | null = null
  if (channelsGiven.some((c) => !(offered as readonly string[]).includes(c))) errors.push({ field: 'channels', message: t('subscribe.error.channelUnknown') })
  else if (!channels.length) errors.push({ field: 'channels', message: t('subscribe.error.channelRequired') })
  else if (channels.length === 1 && channels[0] === 'webpush') errors.push({ field: 'channels', message: t('subscribe.error.pushAlone') })
  if (channels.includes('webpush') && !bySms) {
    if (!opts.pushAvailable) errors.push({ field: 'channels', message: t('subscribe.error.pushUnavailable') })
    else if (!(push = checkPushSubscription(form.push))) errors.push({ field: 'channels', message: t('subscribe.error.pushNotRegistered') })
  }

  const topicsGiven = list(form.topics)
  const topics = TOPICS.filter((x) => topicsGiven.includes(x))
  if (topicsGiven.some((x) => !(TOPICS as readonly string[]).includes(x))) errors.push({ field: 'topics', message: t('subscribe.error.topicUnknown') })
  else if (!topics.length) errors.push({ field: 'topics', message: t('subscribe.error.topicRequired') })

  if (!yes(form.consent)) errors.push({ field: 'consent', message: t('subscribe.error.consentRequired') })
  else if (one(form.consentVersion) && one(form.consentVersion) !== consentVersion('content'))
    errors.push({ field: 'consent', message: t('subscribe.error.consentChanged') })

  if (errors.length || (address && !address.ok) || !grid) return { ok: false, errors }
  if (bySms && mobile) return { ok: true, sms: { mobile, email: address?.ok ? address.email : null, grid, channels: ['sms'], topics, statistics: yes(form.statistics) } }
  if (!address?.ok) return { ok: false, errors }
  return { ok: true, value: { email: address.email, grid, channels, topics, statistics: yes(form.statistics), push } }
}

export type PreferencesInput = { grid: GridEntry; channels: SubscriberChannel[]; topics: Topic[]; statistics: boolean; channelOrder?: SubscriberChannel[] }

export async function validatePreferences(payload: Payload, form: Form, subscriber: SubscriberDoc): Promise<{ ok: true; value: PreferencesInput } | { ok: false; errors: FieldError[] }> {
  const errors: FieldError[] = []
  const code = one(form.grid).trim()
  const grid = code && code.length <= 20 ? await gridByCode(payload, code) : null
  if (!grid) errors.push({ field: 'grid', message: code ? t('subscribe.error.gridUnknown', 'zh', { code: code.slice(0, 20) }) : t('subscribe.error.gridRequired') })
  const given = list(form.channels)
  // Push devices are added and removed on their own; the email box decides email.
  const hasDevices = (subscriber.channels ?? []).includes('webpush')
  const channels: SubscriberChannel[] = []
  if (given.includes('email')) channels.push('email')
  if (hasDevices && given.includes('webpush')) channels.push('webpush')
  // SMS needs a verified number on the record; the email box needs an address.
  if (subscriber.phoneIndex && given.includes('sms')) channels.push('sms')
  if (!subscriber.email && channels.includes('email')) channels.splice(channels.indexOf('email'), 1)
  if (!channels.length) errors.push({ field: 'channels', message: t('subscribe.error.channelRequired') })
  else if (channels.length === 1 && channels[0] === 'webpush') errors.push({ field: 'channels', message: t('subscribe.error.pushAlone') })
  const topics = TOPICS.filter((x) => list(form.topics).includes(x))
  if (!topics.length) errors.push({ field: 'topics', message: t('subscribe.error.topicRequired') })
  // The fallback order (its selects, when the form showed them): each channel once; the ones not shown keep their place after.
  const order = list(form.order)
  const known = order.filter((c): c is SubscriberChannel => (SUBSCRIBER_CHANNELS as readonly string[]).includes(c))
  if (known.length !== order.length || new Set(known).size !== known.length) errors.push({ field: 'order', message: t('fallback.prefs.invalid') })
  if (errors.length || !grid) return { ok: false, errors }
  const channelOrder = order.length ? [...new Set([...known, ...channelOrderOf(subscriber)])] : undefined
  return { ok: true, value: { grid, channels, topics, statistics: yes(form.statistics), ...(channelOrder ? { channelOrder } : {}) } }
}
