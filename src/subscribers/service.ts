import type { Payload, Where } from 'payload'

import type { ConsentEntry, ConsentMethod, ConsentPurpose, PendingRequest, SubscriberChannel, SubscriberDoc, SubscriberStatus, Topic } from '../model/subscribers'
import { isUniqueViolation } from '../store/claims'
import { mongoIndexesReady } from '../store/mongo'
import { t } from '../i18n/messages'
import { deleteHistory } from '../readership/history'
import { openRef, verifyToken } from '../tokens'
import type { Id } from '../model/ids'

/**
 * What residents do with their subscription, apart from HTTP: validate a
 * request, subscribe (double opt-in), confirm, change, unsubscribe, erase.
 * The router (subscribe.ts) turns these into pages; the CSV import reuses the
 * validation and the consent records.
 */


// Consents and signed links: src/subscribers/consent.ts (re-exported for the routes, the CSV import and the pipeline).
export {
  CONFIRM_TTL_SECONDS,
  CONSENT_TEXT_KEYS,
  consentVersion,
  currentConsents,
  type Links,
  MAX_ADDRESS_LENGTH,
  newNonce,
  preferencesToken,
  SUPPRESSED_MAIL_INTERVAL_SECONDS,
  subscriberLinks,
  unsubscribeToken,
} from './consent'
import { CONFIRM_TTL_SECONDS, consent, consentVersion, currentConsents, newNonce, pendingRecord, pendingRequestOf, SUPPRESSED_MAIL_INTERVAL_SECONDS } from './consent'
import { CLEARED_SUPPRESSION } from './suppression'
// ---------------------------------------------------------------- grids

// The grid directory and the building search: src/grids/directory.ts (re-exported for the subscribe routes).
export { type BuildingMatch, type CommunityGroup, gridByCode, gridById, gridDirectory, type GridEntry, MAX_SEARCH_LENGTH, searchBuildings } from '../grids/directory'

// Checking requests: src/subscribers/validate.ts (re-exported for the routes and the CSV import).
export {
  checkAddress,
  checkPushSubscription,
  type FieldError,
  type PreferencesInput,
  type PushInput,
  type SubscribeInput,
  type Validated,
  validatePreferences,
  validateSubscribe,
} from './validate'
import type { PreferencesInput, PushInput, SubscribeInput } from './validate'

// ---------------------------------------------------------------- links

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
  const request = pendingRequestOf(input, at)
  for (let attempt = 0; attempt < 2; attempt++) {
    const existing = await findByEmail(payload, input.email)
    if (!existing) {
      try {
        const created = (await payload.create({
          collection: 'subscribers',
          data: {
            email: input.email,
            ...pendingRecord(request, at),
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
    ...CLEARED_SUPPRESSION,
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

export async function savePreferences(payload: Payload, subscriber: SubscriberDoc, input: PreferencesInput, now = new Date()): Promise<SubscriberDoc> {
  const at = now.toISOString()
  const current = currentConsents(subscriber)
  const consents = [...(subscriber.consents ?? [])]
  if (Boolean(current.statistics?.granted) !== input.statistics) consents.push(consent('statistics', input.statistics, 'preferences', at))
  // Withdrawing the statistics consent deletes the personal reading history at once (docs/privacy.md).
  if (current.statistics?.granted && !input.statistics) await deleteHistory(payload, subscriber.id)
  if (!input.channels.includes('webpush') && subscriber.channels.includes('webpush'))
    await payload.delete({ collection: 'push-subscriptions', where: { subscriber: { equals: subscriber.id } }, overrideAccess: true })
  return update(payload, subscriber.id, { grid: input.grid.id, channels: input.channels, topics: input.topics, consents, ...(input.channelOrder ? { channelOrder: input.channelOrder } : {}) })
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
