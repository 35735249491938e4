import { createHash, randomBytes } from 'node:crypto'

import type { Payload, Where } from 'payload'

import { isAddress } from '../channels/email/mime'
import { pushTrustedOrigins } from '../delivery/config'
import { checkUrl } from '../lib/outbound'
import { type ConsentEntry, type ConsentMethod, type ConsentPurpose, type PendingRequest, SUBSCRIBER_CHANNELS, type SubscriberChannel, type SubscriberDoc, type SubscriberStatus, type Topic, TOPICS, newRef } from '../model/subscribers'
import { isUniqueViolation } from '../store/claims'
import { mongoIndexesReady } from '../store/mongo'
import { type MessageKey, t } from '../i18n/messages'
import { publicUrl } from '../server/env'
import { paths } from '../templates/paths'
import { deleteHistory } from '../readership/history'
import { openRef, sealRef, signToken, verifyToken } from '../tokens'

/**
 * What residents do with their subscription, apart from HTTP: validate a
 * request, subscribe (double opt-in), confirm, change, unsubscribe, erase.
 * The router (subscribe.ts) turns these into pages; the CSV import reuses the
 * validation and the consent records.
 */

export type Id = string | number

/** How long a confirmation link works. */
export const CONFIRM_TTL_SECONDS = 7 * 24 * 3600
/** A suppressed address (its mail bounced) gets at most one confirmation mail in this time. */
export const SUPPRESSED_MAIL_INTERVAL_SECONDS = 30 * 24 * 3600
export const MAX_ADDRESS_LENGTH = 254
const MAX_LOCAL_PART = 64

/** The consent texts residents agree to, and their versions: a hash of the text, so a new text is a new version. */
export const CONSENT_TEXT_KEYS: Record<ConsentPurpose, MessageKey> = {
  content: 'subscribe.consent.content',
  statistics: 'subscribe.consent.statistics',
}
export function consentVersion(purpose: ConsentPurpose): string {
  return `${purpose === 'content' ? 'c' : 's'}-${createHash('sha256').update(t(CONSENT_TEXT_KEYS[purpose])).digest('hex').slice(0, 10)}`
}

// ---------------------------------------------------------------- grids

// The grid directory and the building search: src/grids/directory.ts (re-exported for the subscribe routes).
export { type BuildingMatch, type CommunityGroup, gridByCode, gridById, gridDirectory, type GridEntry, MAX_SEARCH_LENGTH, searchBuildings } from '../grids/directory'
import { gridByCode, type GridEntry } from '../grids/directory'

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

type Form = Record<string, unknown>

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

export type Validated = { ok: true; value: SubscribeInput } | { ok: false; errors: FieldError[] }

/**
 * The subscribe form, checked field by field. Every problem is reported at
 * once, in Chinese, naming its field.
 */
export async function validateSubscribe(payload: Payload, form: Form, opts: { pushAvailable: boolean }): Promise<Validated> {
  const errors: FieldError[] = []
  const address = checkAddress(one(form.email))
  if (!address.ok) errors.push({ field: 'email', message: address.message })

  const code = one(form.grid).trim()
  let grid: GridEntry | null = null
  if (!code) errors.push({ field: 'grid', message: t('subscribe.error.gridRequired') })
  else if (code.length > 20 || !(grid = await gridByCode(payload, code))) errors.push({ field: 'grid', message: t('subscribe.error.gridUnknown', 'zh', { code: code.slice(0, 20) }) })

  const channelsGiven = list(form.channels)
  const channels = SUBSCRIBER_CHANNELS.filter((c) => channelsGiven.includes(c))
  let push: PushInput | null = null
  if (channelsGiven.some((c) => !(SUBSCRIBER_CHANNELS as readonly string[]).includes(c))) errors.push({ field: 'channels', message: t('subscribe.error.channelUnknown') })
  else if (!channels.length) errors.push({ field: 'channels', message: t('subscribe.error.channelRequired') })
  else if (channels.length === 1 && channels[0] === 'webpush') errors.push({ field: 'channels', message: t('subscribe.error.pushAlone') })
  if (channels.includes('webpush')) {
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

  if (errors.length || !address.ok || !grid) return { ok: false, errors }
  return { ok: true, value: { email: address.email, grid, channels, topics, statistics: yes(form.statistics), push } }
}

// ---------------------------------------------------------------- links

export type Links = { confirm?: string; preferences: string; unsubscribe: string }


/**
 * What a link's token names: the subscriber's ref sealed for that kind of
 * link (src/tokens.ts), never the ref in clear, so a forwarded or logged link
 * gives nobody the ref. Links sent before links were sealed named the ref
 * itself; they still work (resolveToken).
 */
const subjectOf = (purpose: 'confirm' | 'prefs' | 'unsub', ref: string) => sealRef(`subject:${purpose}`, ref)

/** Preferences and one-click unsubscribe links never expire: they name the subscriber's ref, which erasure removes. */
export const preferencesToken = (ref: string) => signToken('prefs', subjectOf('prefs', ref))
export const unsubscribeToken = (ref: string) => signToken('unsub', subjectOf('unsub', ref))

/** Absolute links for messages to this subscriber (the delivery pipeline's footers use these too). */
export function subscriberLinks(s: Pick<SubscriberDoc, 'ref'> & { confirmNonce?: string | null }, base = publicUrl()): Links {
  const links: Links = { preferences: base + paths.preferences(preferencesToken(s.ref)), unsubscribe: base + paths.unsubscribe(unsubscribeToken(s.ref)) }
  if (s.confirmNonce) links.confirm = base + paths.subscribeConfirm(signToken('confirm', subjectOf('confirm', s.ref), { ttlSeconds: CONFIRM_TTL_SECONDS, data: s.confirmNonce }))
  return links
}

// ---------------------------------------------------------------- records

const consent = (purpose: ConsentPurpose, granted: boolean, method: ConsentMethod, at: string, evidence?: string, textVersion = consentVersion(purpose)): ConsentEntry => ({
  purpose,
  granted,
  at,
  textVersion,
  method,
  ...(evidence ? { evidence } : {}),
})

/** The latest decision per purpose. */
export function currentConsents(s: Pick<SubscriberDoc, 'consents'>): Record<ConsentPurpose, ConsentEntry | undefined> {
  const out: Record<ConsentPurpose, ConsentEntry | undefined> = { content: undefined, statistics: undefined }
  for (const c of s.consents ?? []) out[c.purpose] = c
  return out
}

export const newNonce = () => randomBytes(9).toString('base64url')

/**
 * What happened to a subscribe request: decides the mail, never the page
 * (which is the same for all). 'quiet': no mail (a suppressed address mailed
 * less than 30 days ago).
 */
export type SubscribeOutcome = { kind: 'new' | 'pending-again' | 'resubscribe' | 'already-active' | 'quiet'; subscriber: SubscriberDoc }

async function findByEmail(payload: Payload, email: string): Promise<SubscriberDoc | null> {
  const { docs } = await payload.find({ collection: 'subscribers', where: { email: { equals: email } }, limit: 1, depth: 0, overrideAccess: true })
  return (docs[0] as unknown as SubscriberDoc) ?? null
}

export async function findByRef(payload: Payload, ref: string): Promise<SubscriberDoc | null> {
  if (!ref || ref.length > 64) return null
  const { docs } = await payload.find({ collection: 'subscribers', where: { ref: { equals: ref } }, limit: 1, depth: 0, overrideAccess: true })
  return (docs[0] as unknown as SubscriberDoc) ?? null
}

async function addDevice(payload: Payload, subscriberId: Id, push: PushInput, userAgent: string) {
  const data = { endpoint: push.endpoint, keys: push.keys, subscriber: subscriberId, userAgent: userAgent.slice(0, 300) }
  const existing = await payload.find({ collection: 'push-subscriptions', where: { endpoint: { equals: push.endpoint } }, limit: 1, depth: 0, overrideAccess: true })
  // A browser's endpoint belongs to whoever registered it last on that browser.
  if (existing.docs[0]) {
    await payload.update({ collection: 'push-subscriptions', id: existing.docs[0].id, data: data as never, overrideAccess: true })
    return
  }
  try {
    await payload.create({ collection: 'push-subscriptions', data: data as never, overrideAccess: true })
  } catch (err) {
    if (!isUniqueViolation(err)) throw err // the same browser registering twice at once: one row is enough
  }
}

/** Is the record one residents asked us never to mail again (left, or their mail bounced)? */
export const isDoNotMail = (s: Pick<SubscriberDoc, 'status'>) => s.status === 'unsubscribed' || s.status === 'suppressed'

/** The choices a confirmation would put in force: the waiting request's, else the record's own. */
export function requestedChoices(s: SubscriberDoc): { grid: Id; channels: SubscriberChannel[]; topics: Topic[] } {
  const r = s.pendingRequest
  if (r) return { grid: r.grid, channels: r.channels, topics: r.topics }
  return { grid: typeof s.grid === 'object' ? s.grid.id : s.grid, channels: s.channels, topics: s.topics }
}

/**
 * Record a subscribe request. The request is not authenticated (anyone can
 * type any address), so it changes nothing in force: its choices wait in
 * `pendingRequest` until the resident confirms from their mailbox, and no
 * consent is recorded before that. Every path does one lookup and one write,
 * so the time taken says as little as the page does about whether the
 * address was known:
 * - unknown address → a pending subscriber (deleted unless confirmed in time);
 * - pending → its choices replaced by the latest request (the confirmation mail shows them);
 * - unsubscribed or suppressed → stays so (a do-not-mail record); the request waits and a
 *   confirmation mail goes out, to a suppressed (bouncing) address at most once in 30 days;
 * - active → nothing changes; the mail offers the preferences link.
 */
export async function subscribe(payload: Payload, input: SubscribeInput, meta: { userAgent: string; now?: Date }): Promise<SubscribeOutcome> {
  await uniqueAddressIndex(payload)
  const now = meta.now ?? new Date()
  const at = now.toISOString()
  const request: PendingRequest = {
    grid: input.grid.id,
    channels: input.channels,
    topics: input.topics,
    statistics: input.statistics,
    at,
    versions: { content: consentVersion('content'), statistics: consentVersion('statistics') },
  }
  for (let attempt = 0; attempt < 2; attempt++) {
    const existing = await findByEmail(payload, input.email)
    if (!existing) {
      try {
        const created = (await payload.create({
          collection: 'subscribers',
          data: {
            email: input.email,
            grid: request.grid,
            channels: request.channels,
            topics: request.topics,
            status: 'pending',
            source: 'web',
            consents: [],
            pendingRequest: request,
            confirmNonce: newNonce(),
            lastRequestAt: at,
            confirmMailAt: at,
          } as never,
          overrideAccess: true,
        })) as unknown as SubscriberDoc
        if (input.push) await addDevice(payload, created.id, input.push, meta.userAgent)
        return { kind: 'new', subscriber: created }
      } catch (err) {
        // Two requests for one new address at once: the other created it; treat ours as a repeat.
        if (isUniqueViolation(err) && attempt === 0) continue
        throw err
      }
    }
    if (existing.status === 'active') {
      const updated = await update(payload, existing.id, { lastRequestAt: at })
      return { kind: 'already-active', subscriber: updated }
    }
    if (existing.status === 'suppressed' && existing.confirmMailAt && now.getTime() - new Date(existing.confirmMailAt).getTime() < SUPPRESSED_MAIL_INTERVAL_SECONDS * 1000) {
      // Its mail bounced and it was mailed lately: no mail, and the earlier request (if any) stands.
      const updated = await update(payload, existing.id, { lastRequestAt: at })
      return { kind: 'quiet', subscriber: updated }
    }
    const pending = existing.status === 'pending'
    const updated = await update(payload, existing.id, {
      ...(pending ? { grid: request.grid, channels: request.channels, topics: request.topics } : {}),
      pendingRequest: request,
      confirmNonce: existing.confirmNonce || newNonce(),
      lastRequestAt: at,
      confirmMailAt: at,
    })
    if (input.push) await addDevice(payload, existing.id, input.push, meta.userAgent)
    return { kind: pending ? 'pending-again' : 'resubscribe', subscriber: updated }
  }
  throw new Error('unreachable')
}

/**
 * One subscriber per address rests on the unique index. MongoDB builds
 * indexes in the background after start: until the index exists, two requests
 * could create the same address twice, so wait for it (once per process).
 */
let indexCheck: Promise<void> | null = null
function uniqueAddressIndex(payload: Payload): Promise<void> {
  indexCheck ??= mongoIndexesReady(payload).then((failures) => {
    const failed = failures.find((f) => f.model === 'subscribers')
    if (failed) throw new Error(`the unique index on subscribers.email could not be built: ${failed.error}`)
  })
  return indexCheck.catch((err) => {
    indexCheck = null
    throw err
  })
}

async function update(payload: Payload, id: Id, data: Record<string, unknown>): Promise<SubscriberDoc> {
  return (await payload.update({ collection: 'subscribers', id, data: data as never, overrideAccess: true, depth: 0 })) as unknown as SubscriberDoc
}

export type TokenProblem = 'malformed' | 'forged' | 'expired' | 'unknown'
export type Resolved = { ok: true; subscriber: SubscriberDoc; data?: string } | { ok: false; problem: TokenProblem }

/** The subscriber a signed link speaks for. */
export async function resolveToken(payload: Payload, token: unknown, purpose: 'confirm' | 'prefs' | 'unsub'): Promise<Resolved> {
  const v = verifyToken(token, purpose)
  if (!v.ok) return { ok: false, problem: v.reason }
  // A genuine token: its subject is the sealed ref, or (links sent before sealing) the ref itself.
  const subscriber = await findByRef(payload, openRef(`subject:${purpose}`, v.subject) ?? v.subject)
  if (!subscriber) return { ok: false, problem: 'unknown' }
  return v.data === undefined ? { ok: true, subscriber } : { ok: true, subscriber, data: v.data }
}

export type ConfirmResult = { kind: 'confirmed' | 'already'; subscriber: SubscriberDoc } | { kind: 'used' | 'unsubscribed'; subscriber: SubscriberDoc }

/**
 * Can this link's nonce confirm the record now: a pending record, or a
 * do-not-mail record with a request waiting, and the nonce of that request.
 */
export function confirmable(s: SubscriberDoc, nonce: string | undefined): boolean {
  if (!s.confirmNonce || s.confirmNonce !== nonce) return false
  return s.status === 'pending' || (isDoNotMail(s) && Boolean(s.pendingRequest))
}

/**
 * Confirm with a genuine, unexpired link. The link carries the nonce of the
 * request it answers: once confirmed the nonce is gone, so an old link never
 * brings back a subscription the resident has since ended. Confirming is
 * what the resident did: the request's choices come into force and its
 * consents are recorded now, with the versions of the texts they agreed to.
 */
export async function confirm(payload: Payload, subscriber: SubscriberDoc, nonce: string | undefined, now = new Date()): Promise<ConfirmResult> {
  if (subscriber.status === 'active') return { kind: 'already', subscriber }
  if (!confirmable(subscriber, nonce)) return { kind: subscriber.status === 'pending' ? 'used' : 'unsubscribed', subscriber }
  const at = now.toISOString()
  const r = subscriber.pendingRequest
  const consents = [...(subscriber.consents ?? [])]
  const current = currentConsents(subscriber)
  consents.push(consent('content', true, 'web', at, undefined, r?.versions.content))
  const statistics = r ? r.statistics : Boolean(current.statistics?.granted)
  if (!current.statistics || current.statistics.granted !== statistics) consents.push(consent('statistics', statistics, 'web', at, undefined, r?.versions.statistics))
  const updated = await update(payload, subscriber.id, {
    ...(r ? { grid: r.grid, channels: r.channels, topics: r.topics } : {}),
    status: 'active',
    confirmedAt: at,
    confirmNonce: null,
    pendingRequest: null,
    unsubscribedAt: null,
    suppressedReason: null,
    consents,
  })
  return { kind: 'confirmed', subscriber: updated }
}

export async function unsubscribe(payload: Payload, subscriber: SubscriberDoc, method: ConsentMethod, now = new Date()): Promise<SubscriberDoc> {
  if (subscriber.status === 'unsubscribed') return subscriber
  const at = now.toISOString()
  // Devices go too: nothing more is sent to them, and the endpoint is personal data we no longer need.
  await payload.delete({ collection: 'push-subscriptions', where: { subscriber: { equals: subscriber.id } }, overrideAccess: true })
  return update(payload, subscriber.id, {
    status: 'unsubscribed',
    unsubscribedAt: at,
    confirmNonce: null,
    pendingRequest: null,
    channels: subscriber.channels.filter((c) => c !== 'webpush').length ? subscriber.channels.filter((c) => c !== 'webpush') : ['email'],
    consents: [...(subscriber.consents ?? []), consent('content', false, method, at)],
  })
}

export type PreferencesInput = { grid: GridEntry; channels: SubscriberChannel[]; topics: Topic[]; statistics: boolean }

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
  if (!channels.length) errors.push({ field: 'channels', message: t('subscribe.error.channelRequired') })
  else if (channels.length === 1 && channels[0] === 'webpush') errors.push({ field: 'channels', message: t('subscribe.error.pushAlone') })
  const topics = TOPICS.filter((x) => list(form.topics).includes(x))
  if (!topics.length) errors.push({ field: 'topics', message: t('subscribe.error.topicRequired') })
  if (errors.length || !grid) return { ok: false, errors }
  return { ok: true, value: { grid, channels, topics, statistics: yes(form.statistics) } }
}

export async function savePreferences(payload: Payload, subscriber: SubscriberDoc, input: PreferencesInput, now = new Date()): Promise<SubscriberDoc> {
  const at = now.toISOString()
  const current = currentConsents(subscriber)
  const consents = [...(subscriber.consents ?? [])]
  if (Boolean(current.statistics?.granted) !== input.statistics) consents.push(consent('statistics', input.statistics, 'preferences', at))
  // Withdrawing the statistics consent deletes the personal reading history at once (docs/privacy.md).
  if (current.statistics?.granted && !input.statistics) await deleteHistory(payload, subscriber.id)
  if (!input.channels.includes('webpush') && subscriber.channels.includes('webpush'))
    await payload.delete({ collection: 'push-subscriptions', where: { subscriber: { equals: subscriber.id } }, overrideAccess: true })
  return update(payload, subscriber.id, { grid: input.grid.id, channels: input.channels, topics: input.topics, consents })
}

/** Subscribe again from the preferences page (the link proves the address): active at once. */
export async function resubscribe(payload: Payload, subscriber: SubscriberDoc, now = new Date()): Promise<SubscriberDoc> {
  const at = now.toISOString()
  return update(payload, subscriber.id, {
    status: 'active',
    unsubscribedAt: null,
    confirmedAt: subscriber.confirmedAt ?? at,
    consents: [...(subscriber.consents ?? []), consent('content', true, 'preferences', at)],
  })
}

/** Register a browser for push from the preferences page. */
export async function addPushDevice(payload: Payload, subscriber: SubscriberDoc, push: PushInput, userAgent: string): Promise<SubscriberDoc> {
  await addDevice(payload, subscriber.id, push, userAgent)
  if (subscriber.channels.includes('webpush')) return subscriber
  return update(payload, subscriber.id, { channels: [...subscriber.channels, 'webpush'] })
}

/**
 * A browser's push service replaced its subscription (the service worker's
 * pushsubscriptionchange). The old endpoint, an unguessable URL that only
 * that browser and we know, vouches for the new one: the row keeps its
 * subscriber and takes the new endpoint and keys. False when the old endpoint
 * is unknown (already removed as gone, or never ours).
 */
export async function renewPushDevice(payload: Payload, oldEndpoint: string, fresh: PushInput): Promise<boolean> {
  const found = await payload.find({ collection: 'push-subscriptions', where: { endpoint: { equals: oldEndpoint } }, limit: 1, depth: 0, overrideAccess: true })
  const row = found.docs[0]
  if (!row) return false
  if (fresh.endpoint !== oldEndpoint) {
    // The new endpoint may already have been registered from a page of this browser: one row per endpoint.
    await payload.delete({ collection: 'push-subscriptions', where: { and: [{ endpoint: { equals: fresh.endpoint } }, { id: { not_equals: row.id } }] }, overrideAccess: true })
  }
  await payload.update({ collection: 'push-subscriptions', id: row.id, data: { endpoint: fresh.endpoint, keys: fresh.keys } as never, overrideAccess: true })
  return true
}

export async function removePushDevice(payload: Payload, subscriber: SubscriberDoc, deviceId: string): Promise<SubscriberDoc> {
  const where: Where = { and: [{ subscriber: { equals: subscriber.id } }, { id: { equals: deviceId } }] }
  await payload.delete({ collection: 'push-subscriptions', where, overrideAccess: true })
  const left = await payload.count({ collection: 'push-subscriptions', where: { subscriber: { equals: subscriber.id } }, overrideAccess: true })
  if (left.totalDocs || !subscriber.channels.includes('webpush')) return subscriber
  const channels = subscriber.channels.filter((c) => c !== 'webpush')
  return update(payload, subscriber.id, { channels: channels.length ? channels : ['email'] })
}

export type DeviceView = { id: Id; userAgent: string; createdAt: string; lastSuccessAt: string | null }

export async function devicesOf(payload: Payload, subscriber: SubscriberDoc): Promise<DeviceView[]> {
  const { docs } = await payload.find({
    collection: 'push-subscriptions',
    where: { subscriber: { equals: subscriber.id } },
    sort: 'createdAt',
    limit: 50,
    depth: 0,
    overrideAccess: true,
  })
  return (docs as unknown as { id: Id; userAgent?: string; createdAt: string; lastSuccessAt?: string | null }[]).map((d) => ({
    id: d.id,
    userAgent: d.userAgent ?? '',
    createdAt: d.createdAt,
    lastSuccessAt: d.lastSuccessAt ?? null,
  }))
}

/** Erasure: the subscriber and everything hanging off it (devices go in Subscribers' beforeDelete). */
export async function erase(payload: Payload, subscriber: SubscriberDoc): Promise<void> {
  await payload.delete({ collection: 'subscribers', id: subscriber.id, overrideAccess: true, context: { auditDetail: t('audit.detail.erasure') } })
}

/**
 * Unconfirmed requests whose confirmation period has passed (docs/privacy.md):
 * - a pending record (an address nobody confirmed) is deleted;
 * - a do-not-mail record keeps its status and loses the request (and any
 *   device the request brought, for an unsubscribed record: it has none of its own);
 * - a record an earlier version turned from unsubscribed or suppressed back
 *   to pending (it still carries the time it left, or the bounce) is put
 *   back, never deleted: a deleted record would let a later import subscribe it again.
 */
export type PruneResult = { deleted: number; expired: number; restored: number }

export async function prunePending(payload: Payload, now = Date.now()): Promise<PruneResult> {
  const before = new Date(now - CONFIRM_TTL_SECONDS * 1000).toISOString()
  const late: Where = { lastRequestAt: { less_than: before } }
  const quiet = { context: { audit: false } }
  const restore = async (where: Where, status: 'unsubscribed' | 'suppressed') =>
    (
      await payload.update({
        collection: 'subscribers',
        where: { and: [{ status: { equals: 'pending' } }, late, where] },
        data: { status, confirmNonce: null, pendingRequest: null } as never,
        overrideAccess: true,
        depth: 0,
        ...quiet,
      })
    ).docs.length
  const restored =
    (await restore({ suppressedReason: { exists: true } }, 'suppressed')) +
    (await restore({ and: [{ suppressedReason: { exists: false } }, { unsubscribedAt: { exists: true } }] }, 'unsubscribed'))
  const { docs } = await payload.delete({
    collection: 'subscribers',
    where: { and: [{ status: { equals: 'pending' } }, late] },
    overrideAccess: true,
    depth: 0,
    ...quiet,
  })
  const waiting = await payload.find({
    collection: 'subscribers',
    where: { and: [{ status: { in: ['unsubscribed', 'suppressed'] } }, { confirmNonce: { exists: true } }, late] },
    limit: 0,
    pagination: false,
    depth: 0,
    overrideAccess: true,
    select: { status: true },
  })
  for (const s of waiting.docs as unknown as Pick<SubscriberDoc, 'id' | 'status'>[]) {
    if (s.status === 'unsubscribed') await payload.delete({ collection: 'push-subscriptions', where: { subscriber: { equals: s.id } }, overrideAccess: true })
    await update(payload, s.id, { confirmNonce: null, pendingRequest: null })
  }
  return { deleted: docs.length, expired: waiting.docs.length, restored }
}

export const isStatus = (s: SubscriberDoc, ...statuses: SubscriberStatus[]) => statuses.includes(s.status)
