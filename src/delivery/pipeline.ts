import type { Payload, Where } from 'payload'

import type { EmailMessage } from '../channels/email'
import { isFailure, type SendFailure, type SendResult } from '../channels/types'
import { pushTopic, type PreparedPush, type PushMessage } from '../channels/webpush'
import type { ContentSlug } from '../model/content'
import type { DeliveryDoc, DeliveryError } from '../model/deliveries'
import type { PushSubscriptionDoc } from '../collections/PushSubscriptions'
import type { SubscriberDoc } from '../model/subscribers'
import { t } from '../i18n/messages'
import { publicUrl } from '../server/env'
import { loadSettings, mediaFor, richValues } from '../content/data'
import { gridById } from '../subscribers/service'
import { claimNext, processOwner, withLease, type Lease } from '../store/leases'
import { ReceiptWriter } from '../store/receipts'
import { fill, recipientParts, renderContentMail, type ContentMail } from '../templates/email/content'
import { pushForContent, type PushContent } from '../templates/push'
import type { SiteChrome } from '../templates/site/types'
import { emailChannel, pushChannel } from './channels'
import { audienceWhere } from './audience'
import { channelConfigured, deliverySettings } from './config'
import { nowIso, remember, updateDelivery } from './rows'
import { contentUrl, iconUrl, messageLinks, trackedContentUrl, trackFor } from './links'
import { runWechatDelivery } from './wechat'
import { noTransaction } from '../store/noTransaction'

/**
 * The delivery pipeline: claim a delivery under a lease → take the next batch
 * of recipients after the cursor (subscriber id order) → render once → send
 * with at most DELIVERY_CONCURRENCY in flight → write each recipient's
 * receipt as soon as the channel answered → advance the cursor when the whole
 * batch has receipts → final status.
 *
 * Crash safety: a recipient is skipped on a later run once it has a receipt,
 * and a receipt is written before its worker takes the next recipient, so at
 * any moment at most `concurrency` recipients have been sent to without a
 * receipt. Those, and only those, may get the message twice after a crash;
 * each resumption adds that bound to the delivery's `maxDuplicates`.
 */
const DELIVERIES = 'deliveries'
const RECEIPTS = 'delivery-receipts'
/** What a recipient's message is made from: address, grid (greeting), ref and consents (signed links). */
const SUBSCRIBER_FIELDS = { email: true, grid: true, ref: true, consents: true } as const

type Outcome = { status: 'submitted' | 'failed' | 'gone' | 'skipped'; code?: string; failure?: SendFailure } | { status: 'stop'; failure: SendFailure }
type Stop = { kind: 'pause'; reason: string } | { kind: 'defer'; until: Date } | { kind: 'cancel'; reason: string } | { kind: 'lost' }

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** The id value to compare with in a query: numbers on SQLite, strings on MongoDB. */
const idValue = (payload: Payload, raw: string) => (payload.db.name === 'mongoose' ? raw : Number(raw))

/** Run due deliveries, each under a lease; returns how many were worked on. */
export async function runDueDeliveries(payload: Payload, { limit = 10, owner = processOwner } = {}): Promise<{ ran: number; tookOver: number }> {
  const { leaseMs } = deliverySettings()
  const result = { ran: 0, tookOver: 0 }
  while (result.ran < limit) {
    const now = nowIso()
    const claimed = await claimNext<DeliveryDoc>(payload, {
      collection: DELIVERIES,
      where: {
        and: [
          { status: { in: ['queued', 'running'] } },
          { or: [{ nextAttemptAt: { exists: false } }, { nextAttemptAt: { less_than: now } }] },
        ],
      },
      sort: 'createdAt',
      owner,
      leaseMs,
    })
    if (!claimed) break
    if (claimed.item.status === 'running') result.tookOver++
    await withLease(payload, claimed.lease, leaseMs, () => runDelivery(payload, claimed.item, claimed.lease), (finished) => !!finished)
    result.ran++
  }
  return result
}

type Prepared = { mail?: ContentMail; push?: PushContent; collection: ContentSlug; doc: Record<string, unknown> & { id: string | number } }

/** Checks before any send; returns the stop when the delivery must not run now. */
async function preflight(payload: Payload, d: DeliveryDoc): Promise<{ stop: Stop } | { doc: Prepared['doc'] }> {
  const doc = (await payload.findByID({ collection: d.contentType, id: d.contentId, depth: 1, overrideAccess: true, disableErrors: true })) as
    | (Prepared['doc'] & { _status?: string; startsAt?: string; endsAt?: string | null })
    | null
  if (!doc || doc._status !== 'published') return { stop: { kind: 'cancel', reason: t('delivery.reason.contentGone') } }
  if (d.contentType === 'events') {
    const end = new Date(String(doc.endsAt || doc.startsAt)).getTime()
    if (end < Date.now()) return { stop: { kind: 'cancel', reason: t('delivery.reason.eventEnded') } }
  }
  const { startWindowMinutes } = deliverySettings()
  if (!d.startedAt && !d.goAhead && d.publishedAt && Date.now() - new Date(d.publishedAt).getTime() > startWindowMinutes * 60_000) {
    return { stop: { kind: 'pause', reason: t('delivery.reason.startWindow', 'zh', { minutes: startWindowMinutes }) } }
  }
  if (!channelConfigured(d.channel)) return { stop: { kind: 'pause', reason: t(`delivery.reason.notConfigured.${d.channel}`) } }
  return { doc }
}

async function prepare(payload: Payload, d: DeliveryDoc, doc: Prepared['doc'], settings: SiteChrome): Promise<Prepared> {
  const collection = d.contentType
  const base = publicUrl()
  const url = contentUrl(collection, doc, base)
  if (d.channel === 'email') {
    const media = await mediaFor(payload, richValues(collection, doc))
    return { collection, doc, mail: renderContentMail({ collection, doc: doc as never, settings, contentUrl: url, base, media }) }
  }
  return {
    collection,
    doc,
    push: pushForContent({ collection, doc: doc as never, settings, url, icon: iconUrl(base), ttlSeconds: deliverySettings().pushTtlSeconds }),
  }
}

/** Counts from the receipts: exact after any crash (the counters written per batch may lag behind them). */
async function recount(payload: Payload, id: string | number) {
  const count = async (status: string) =>
    (await payload.db.count({ collection: RECEIPTS, where: { and: [{ delivery: { equals: String(id) } }, { status: { equals: status } }] } })).totalDocs
  const [submitted, failed, gone] = await Promise.all([count('submitted'), count('failed'), count('gone')])
  return { submitted, failed, gone }
}

/** Work one delivery until it ends, pauses, defers or its lease is lost; true when it is finished for good. */
export async function runDelivery(payload: Payload, claimed: DeliveryDoc, lease?: Lease): Promise<boolean> {
  const log = payload.logger.child({ component: 'delivery', delivery: claimed.id, channel: claimed.channel })
  const settings = deliverySettings()
  const pre = await preflight(payload, claimed)
  if ('stop' in pre) {
    await applyStop(payload, claimed, pre.stop)
    return pre.stop.kind === 'cancel'
  }
  // WeChat has no recipient list: its stages (images → draft → publish) are in wechat.ts.
  if (claimed.channel === 'wechat') return runWechatDelivery(payload, claimed, pre.doc, lease)
  const resumed = claimed.status === 'running'
  const counts = claimed.startedAt ? await recount(payload, claimed.id) : { submitted: 0, failed: 0, gone: 0 }
  const d: DeliveryDoc = {
    ...claimed,
    ...counts,
    status: 'running',
    inFlightLimit: settings.concurrency,
    startedAt: claimed.startedAt ?? nowIso(),
    resumes: (claimed.resumes ?? 0) + (resumed ? 1 : 0),
    // Each stop in the middle (a crash, a lost lease) may re-send to those that were in flight then.
    maxDuplicates: (claimed.maxDuplicates ?? 0) + (resumed ? (claimed.inFlightLimit ?? settings.concurrency) : 0),
  }
  if (!claimed.startedAt) d.total = (await payload.db.count({ collection: 'subscribers', where: audienceWhere(d) })).totalDocs
  await updateDelivery(payload, d.id, {
    status: 'running',
    startedAt: d.startedAt,
    inFlightLimit: d.inFlightLimit,
    resumes: d.resumes,
    maxDuplicates: d.maxDuplicates,
    total: d.total,
    submitted: d.submitted,
    failed: d.failed,
    gone: d.gone,
    nextAttemptAt: null,
  })
  if (resumed) log.warn({ resumes: d.resumes, maxDuplicates: d.maxDuplicates }, 'resuming a delivery whose worker stopped')

  const siteSettings = await loadSettings(payload)
  const prepared = await prepare(payload, d, pre.doc, siteSettings)
  const errors: DeliveryError[] = [...(d.lastErrors ?? [])]
  const receipts = new ReceiptWriter(payload)
  let failuresInRow = 0

  for (;;) {
    // Editors and retraction act between batches: read the status again.
    const current = await payload.db.findOne<DeliveryDoc>({ collection: DELIVERIES, where: { id: { equals: d.id } } })
    if (!current || current.status !== 'running') {
      log.info({ status: current?.status }, 'delivery stopped from outside')
      return current?.status === 'cancelled'
    }
    if (lease && lease.until.getTime() < Date.now()) {
      log.error('lease expired before the next batch; stopping')
      return false
    }
    // Unsubscribes take effect here: the batch is read with the status filter, now.
    const where: Where = d.cursor ? { and: [audienceWhere(d), { id: { greater_than: idValue(payload, d.cursor) } }] } : audienceWhere(d)
    // Only the fields a message needs, and no count: a count of the remaining audience per batch grows with the street.
    const { docs } = await payload.db.find({ collection: 'subscribers', where, sort: 'id', limit: settings.batchSize, pagination: false, select: SUBSCRIBER_FIELDS })
    const batch = docs as unknown as SubscriberDoc[]
    if (!batch.length) break
    const ids = batch.map((s) => String(s.id))
    const answered = await payload.db.find({
      collection: RECEIPTS,
      where: { and: [{ delivery: { equals: String(d.id) } }, { subscriber: { in: ids } }] },
      limit: 0,
      pagination: false,
      select: { subscriber: true },
    })
    const done = new Set((answered.docs as unknown as { subscriber: string }[]).map((r) => r.subscriber))
    const todo = batch.filter((s) => !done.has(String(s.id)))
    const devices = d.channel === 'webpush' ? await devicesOf(payload, todo) : new Map<string, PushSubscriptionDoc[]>()
    const gridNames = new Map<string, string>()
    for (const s of todo) {
      const gid = String(typeof s.grid === 'object' ? s.grid.id : s.grid)
      if (!gridNames.has(gid)) gridNames.set(gid, (await gridById(payload, gid))?.name ?? siteSettings.streetName)
    }

    let stop: Stop | null = null
    let next = 0
    const tally = { submitted: 0, failed: 0, gone: 0 }
    /** A recipient's message(s) made ready (links, MIME or encryption): local work only, nothing sent yet. */
    const ready = (s: SubscriberDoc): { s: SubscriberDoc; send: () => Promise<Outcome> } => {
      if (d.channel === 'email') {
        const links = messageLinks(prepared.collection, prepared.doc, s)
        const gridName = gridNames.get(String(typeof s.grid === 'object' ? s.grid.id : s.grid)) ?? ''
        const mail = prepared.mail!
        const parts = recipientParts(t('mail.content.greeting', 'zh', { grid: gridName }), links, mail)
        const message: EmailMessage = { to: s.email, subject: mail.subject, html: fill(mail.html, parts.html), text: fill(mail.text, parts.text), headers: parts.headers }
        const channel = emailChannel()
        const made = channel.prepare(message)
        return { s, send: async () => toOutcome(isFailure(made) ? made : await withRetries(() => channel.sendPrepared(made), settings)) }
      }
      // The notification opens the content's page with this recipient's read token.
      const url = trackedContentUrl(prepared.collection, prepared.doc, trackFor(prepared.collection, prepared.doc, 'webpush', s))
      const push = { ...prepared.push!, notification: { ...prepared.push!.notification, url } }
      const made = preparePush(push, devices.get(String(s.id)) ?? [])
      return { s, send: () => pushToDevices(payload, made, settings) }
    }

    const worker = async () => {
      let current = next < todo.length ? ready(todo[next++]) : null
      while (current && !stop) {
        const { s } = current
        const outcome = await current.send()
        if (outcome.status === 'stop') {
          const f = outcome.failure
          const until = f.retryAfterMs ? new Date(Date.now() + f.retryAfterMs) : null
          stop =
            f.kind === 'retryable' && until
              ? { kind: 'defer', until }
              : { kind: 'pause', reason: t(f.kind === 'quota' ? 'delivery.reason.quota' : 'delivery.reason.config', 'zh', { failure: failureWords(f) }) }
          if (stop.kind === 'pause') log.warn({ kind: f.kind, code: f.code, message: f.message }, 'delivery paused')
          rememberFailure(errors, f)
          break
        }
        // The receipt is stored before this worker sends to its next recipient: that bounds re-sends after a crash.
        // Receipts of workers answered at the same time are written together (group commit); while this one
        // waits for its group, the worker makes its next message ready (no network until the receipt is stored).
        const stored = receipts.add({ delivery: String(d.id), subscriber: String(s.id), status: outcome.status, code: outcome.code ?? null })
        current = !stop && next < todo.length ? ready(todo[next++]) : null
        await stored
        if (outcome.status === 'submitted') (tally.submitted++, (failuresInRow = 0))
        if (outcome.status === 'gone') {
          tally.gone++
          // Shown among the last errors too: the editor sees which refusal it was (550, 410), not only a count.
          if (outcome.failure) rememberFailure(errors, outcome.failure)
          if (d.channel === 'email') await suppress(payload, s, outcome.code ?? '')
        }
        if (outcome.status === 'failed') {
          tally.failed++
          failuresInRow++
          if (outcome.failure) rememberFailure(errors, outcome.failure)
          if (failuresInRow >= settings.errorBudget && !stop) {
            const last = outcome.failure ?? { ok: false as const, kind: 'retryable' as const, code: outcome.code ?? '', message: '' }
            stop = { kind: 'pause', reason: t('delivery.reason.errorBudget', 'zh', { count: failuresInRow, failure: failureWords(last) }) }
            log.warn({ count: failuresInRow, code: last.code, message: last.message }, 'delivery paused by its error budget')
          }
        }
      }
    }
    // The receipt writer commits once every worker waits on its receipt (see ReceiptWriter): one commit per round.
    const workers = Math.min(settings.concurrency, Math.max(todo.length, 1))
    receipts.expect(workers)
    await Promise.all(Array.from({ length: workers }, () => worker().finally(() => receipts.leave())))

    d.submitted = (d.submitted ?? 0) + tally.submitted
    d.failed = (d.failed ?? 0) + tally.failed
    d.gone = (d.gone ?? 0) + tally.gone
    // The cursor moves only past a batch every recipient of which has a receipt.
    const complete = !stop && next >= todo.length
    if (complete) d.cursor = ids[ids.length - 1]
    await updateDelivery(payload, d.id, { cursor: d.cursor ?? null, submitted: d.submitted, failed: d.failed, gone: d.gone, lastErrors: errors })
    if (stop) {
      await applyStop(payload, d, stop)
      return false
    }
  }

  const status = d.failed ? (d.submitted ? 'partial' : 'failed') : 'done'
  await updateDelivery(payload, d.id, { status, finishedAt: nowIso(), reason: null })
  log.info({ status, total: d.total, submitted: d.submitted, failed: d.failed, gone: d.gone, maxDuplicates: d.maxDuplicates }, 'delivery finished')
  return true
}

async function applyStop(payload: Payload, d: DeliveryDoc, stop: Stop) {
  if (stop.kind === 'cancel') await updateDelivery(payload, d.id, { status: 'cancelled', reason: stop.reason, finishedAt: nowIso() })
  if (stop.kind === 'pause') await updateDelivery(payload, d.id, { status: 'paused', reason: stop.reason })
  // Back in the queue, not `running`: a later claim is a planned resumption, not a crash.
  if (stop.kind === 'defer') await updateDelivery(payload, d.id, { status: 'queued', nextAttemptAt: stop.until.toISOString() })
}

/**
 * A failure in a few words for the editor, its code once ("临时拒收（451）");
 * the vendor's own text (which repeats the code, "451 4.7.1 …") goes to the log.
 */
export function failureWords(f: Pick<SendFailure, 'kind' | 'code'>): string {
  const numeric = typeof f.code === 'number' || /^\d+$/.test(String(f.code))
  const key =
    f.kind === 'recipient-gone'
      ? 'delivery.failure.gone'
      : f.kind === 'quota'
        ? 'delivery.failure.quota'
        : f.kind === 'config'
          ? 'delivery.failure.config'
          : numeric
            ? 'delivery.failure.refused'
            : 'delivery.failure.network'
  return t(key, 'zh', { code: String(f.code).slice(0, 40) })
}

/** Keep a send failure among the delivery's last errors (in place). */
function rememberFailure(errors: DeliveryError[], f: SendFailure) {
  const key = f.kind === 'recipient-gone' ? 'delivery.error.gone' : f.kind === 'quota' ? 'delivery.error.quota' : f.kind === 'config' ? 'delivery.error.config' : 'delivery.error.retryable'
  const kept = remember(errors, f.kind, String(f.code), t('format.withCode', 'zh', { text: t(key), code: String(f.code) }))
  errors.splice(0, errors.length, ...kept)
}

/**
 * Try again on a temporary failure, with doubling backoff or the service's
 * Retry-After, while the wait stays short; a longer wait comes back as the
 * failure itself (the caller defers the whole delivery instead of holding a slot).
 */
async function withRetries(send: () => Promise<SendResult>, s: ReturnType<typeof deliverySettings>): Promise<SendResult> {
  for (let attempt = 1; ; attempt++) {
    const r = await send()
    if (r.ok || r.kind !== 'retryable' || attempt >= s.maxAttempts) return r
    const wait = r.retryAfterMs ?? Math.min(s.retryMaxMs, s.retryBaseMs * 2 ** (attempt - 1))
    if (wait > s.retryMaxMs) return r
    await sleep(wait)
  }
}

function toOutcome(r: SendResult): Outcome {
  if (r.ok) return { status: 'submitted' }
  if (r.kind === 'recipient-gone') return { status: 'gone', code: String(r.code), failure: r }
  if (r.kind === 'config' || r.kind === 'quota') return { status: 'stop', failure: r }
  // Still failing after the retries: a long Retry-After defers the delivery; otherwise the recipient failed.
  if (r.retryAfterMs && r.retryAfterMs > deliverySettings().retryMaxMs) return { status: 'stop', failure: r }
  return { status: 'failed', code: String(r.code), failure: r }
}

async function suppress(payload: Payload, s: SubscriberDoc, code: string) {
  await payload.db.updateOne({
    collection: 'subscribers',
    id: s.id,
    data: { status: 'suppressed', suppressedReason: t('delivery.suppressed', 'zh', { code }) },
    returning: false,
    req: noTransaction(),
  })
}

async function devicesOf(payload: Payload, subscribers: SubscriberDoc[]): Promise<Map<string, PushSubscriptionDoc[]>> {
  const map = new Map<string, PushSubscriptionDoc[]>()
  if (!subscribers.length) return map
  const { docs } = await payload.db.find({
    collection: 'push-subscriptions',
    where: { subscriber: { in: subscribers.map((s) => s.id) } },
    limit: 0,
    pagination: false,
    select: { endpoint: true, keys: true, subscriber: true },
  })
  for (const p of docs as unknown as PushSubscriptionDoc[]) {
    const key = String(typeof p.subscriber === 'object' ? p.subscriber.id : p.subscriber)
    map.set(key, [...(map.get(key) ?? []), p])
  }
  return map
}

type ReadyDevice = { device: PushSubscriptionDoc; made: PreparedPush | SendFailure }

/** Each device's request made ready (encrypted, with the cached VAPID header); no network. */
function preparePush(content: PushContent, devices: PushSubscriptionDoc[]): ReadyDevice[] {
  const channel = pushChannel()
  return devices.map((device) => {
    const message: PushMessage = {
      subscription: { endpoint: device.endpoint, keys: { p256dh: device.keys.p256dh, auth: device.keys.auth } },
      notification: content.notification,
      urgency: content.urgency,
      topic: pushTopic(content.topicKey),
      ttlSeconds: content.ttlSeconds,
    }
    return { device, made: channel.prepare(message) }
  })
}

/** One recipient's devices: submitted if any accepted it; a device that is gone (404/410) is removed. */
async function pushToDevices(payload: Payload, devices: ReadyDevice[], s: ReturnType<typeof deliverySettings>): Promise<Outcome> {
  if (!devices.length) return { status: 'skipped', code: 'no-device' }
  let submitted = 0
  let lastFailure: SendFailure | undefined
  for (const { device, made } of devices) {
    const r = isFailure(made) ? made : await withRetries(() => pushChannel().sendPrepared(made), s)
    if (r.ok) {
      submitted++
      continue
    }
    if (r.kind === 'recipient-gone') {
      await payload.db.deleteOne({ collection: 'push-subscriptions', where: { id: { equals: device.id } }, req: noTransaction() })
      lastFailure ??= r
      continue
    }
    const o = toOutcome(r)
    // A setting or quota problem stops the delivery only when nothing reached this recipient yet (no duplicate on resume).
    if (o.status === 'stop' && !submitted) return o
    lastFailure = r
  }
  if (submitted) return { status: 'submitted' }
  if (lastFailure?.kind === 'recipient-gone') return { status: 'gone', code: String(lastFailure.code), failure: lastFailure }
  return { status: 'failed', code: String(lastFailure?.code ?? 'push'), failure: lastFailure }
}
