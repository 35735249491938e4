import type { CollectionSlug, Payload, Where } from 'payload'

import type { ContentSlug } from '../model/content'
import { carriesContent, type DeliveryChannel, type DeliveryDoc, FRESH_DELIVERY, isPrimary, noticeSourcesIn } from '../model/deliveries'
import { channelOrderOf, type SubscriberChannel, type SubscriberDoc, type SubscriberStatus } from '../model/subscribers'
import { isUniqueViolation } from '../store/claims'
import { idValue } from '../store/idTypes'
import { noTransaction } from '../store/noTransaction'
import { uniqueIndexReady } from '../store/receipts'
import { channelConfigured } from './config'
import { nowIso, updateDelivery } from './rows'

/**
 * The channel fallback (issue 17; docs/channels.md). A resident whom no
 * channel reached with a content (no submitted receipt on any delivery of it)
 * and for whom a channel failed for good on it (a `gone` receipt: a mailbox
 * refused 550 5.1.1, every push device 404/410, a dead number) gets the
 * content once more by the next channel of their order (`channelOrder`) that
 * they opted into, that is usable (an address, a device, a number; the
 * channel configured) and that was not tried for them on this content. SMS
 * as a fallback ignores the resident's SMS topics: it is the paid safety net.
 *
 * Fallbacks are deliveries of kind `fallback`, one per (content, channel,
 * round), keyed like every delivery (the unique key makes planning twice, or
 * in two processes, create each once). Round 1 follows the content's own
 * deliveries (round 0), round 2 follows round 1 (its channel failed for good
 * too), and so on: each channel once per resident. A round is planned by the
 * scheduler's tick (planFallbacks) only when every delivery of the content
 * is finished; the deliveries it follows are then marked `fallbackPlanned`.
 * Its recipients are computed at run time from the receipts of the earlier
 * rounds (fallbackWhere), as a notice's are from its original's.
 *
 * No fallback: for urgent content (it went on every channel already), for a
 * relay-level refusal (it pauses the delivery and makes nobody gone), for a
 * resident reached on any channel. WeChat has no recipient list: not a
 * fallback channel, and its deliveries are not waited for.
 */
const DELIVERIES = 'deliveries'
const RECEIPTS = 'delivery-receipts'
const FINISHED = new Set(['done', 'partial', 'failed', 'cancelled', 'skipped'])
/** The channels with a recipient list: those a resident can be reached (or fail) on one by one. */
const RESIDENT_CHANNELS = new Set<string>(['email', 'webpush', 'sms'])
/** `in` lists stay short: ids go to the database this many at a time. */
const SLICE = 500

type Id = string | number
const roundOf = (d: Pick<DeliveryDoc, 'round'>) => d.round ?? 0

async function findAll<T>(payload: Payload, collection: CollectionSlug, where: Where, select?: Record<string, true>): Promise<T[]> {
  const { docs } = await payload.db.find({ collection, where, limit: 0, pagination: false, ...(select ? { select } : {}), req: noTransaction() })
  return docs as unknown as T[]
}

/** Rows of `collection` whose `field` is among `values`, a slice at a time. */
async function findIn<T>(payload: Payload, collection: CollectionSlug, field: string, values: Id[], and: Where[], select?: Record<string, true>): Promise<T[]> {
  const out: T[] = []
  for (let i = 0; i < values.length; i += SLICE) out.push(...(await findAll<T>(payload, collection, { and: [...and, { [field]: { in: values.slice(i, i + SLICE) } }] }, select)))
  return out
}

/** The deliveries that carry a content to residents one by one: its own (round 0) and its fallbacks. */
export async function carriersOf(payload: Payload, contentType: string, contentId: string): Promise<DeliveryDoc[]> {
  const rows = await findAll<DeliveryDoc>(payload, DELIVERIES, { and: [{ contentType: { equals: contentType } }, { contentId: { equals: contentId } }] })
  return rows.filter((d) => carriesContent(d) && RESIDENT_CHANNELS.has(d.channel))
}

type Receipt = { delivery: string; subscriber: string; status: string }
type Candidate = Pick<SubscriberDoc, 'id' | 'email' | 'channels' | 'channelOrder' | 'status' | 'phoneIndex'>

/**
 * Who goes in round `round` of a content's fallback, and by which channel, from the receipts of
 * the earlier rounds: gone in the round before, reached by no delivery of the content, and the
 * first channel of their order they opted into, usable and not tried (any receipt) in an earlier round.
 */
export async function fallbackTargets(payload: Payload, carriers: DeliveryDoc[], round: number): Promise<Map<string, SubscriberChannel>> {
  const targets = new Map<string, SubscriberChannel>()
  const before = carriers.filter((d) => roundOf(d) === round - 1).map((d) => String(d.id))
  if (!before.length) return targets
  const gone = await findAll<Receipt>(payload, RECEIPTS, { and: [{ delivery: { in: before } }, { status: { equals: 'gone' } }] }, { subscriber: true })
  const candidates = [...new Set(gone.map((r) => r.subscriber))]
  if (!candidates.length) return targets
  const channelOf = new Map(carriers.map((d) => [String(d.id), d.channel]))
  const earlier = new Set(carriers.filter((d) => roundOf(d) < round).map((d) => String(d.id)))
  const receipts = await findIn<Receipt>(payload, RECEIPTS, 'subscriber', candidates, [{ delivery: { in: [...channelOf.keys()] } }], { delivery: true, subscriber: true, status: true })
  const reached = new Set<string>()
  const tried = new Map<string, Set<string>>()
  for (const r of receipts) {
    if (r.status === 'submitted') reached.add(r.subscriber)
    if (!earlier.has(r.delivery)) continue
    const set = tried.get(r.subscriber) ?? new Set<string>()
    set.add(channelOf.get(r.delivery)!)
    tried.set(r.subscriber, set)
  }
  const open = candidates.filter((id) => !reached.has(id))
  if (!open.length) return targets
  const ids = open.map((id) => idValue(payload, id))
  const people = await findIn<Candidate>(payload, 'subscribers', 'id', ids, [], { email: true, channels: true, channelOrder: true, status: true, phoneIndex: true })
  const devices = await findIn<{ subscriber: unknown }>(payload, 'push-subscriptions', 'subscriber', ids, [], { subscriber: true })
  const withDevice = new Set(devices.map((d) => String(d.subscriber && typeof d.subscriber === 'object' ? (d.subscriber as { id: Id }).id : d.subscriber)))
  for (const s of people) {
    const id = String(s.id)
    // Gone made some suppressed (a dead mailbox suppresses the record); one who left since gets nothing.
    if (s.status !== 'active' && s.status !== 'suppressed') continue
    const usable = (c: SubscriberChannel) =>
      channelConfigured(c) && (c === 'email' ? s.status === 'active' && !!s.email : c === 'webpush' ? withDevice.has(id) : !!s.phoneIndex)
    const next = channelOrderOf(s).find((c) => (s.channels ?? []).includes(c) && !tried.get(id)?.has(c) && usable(c))
    if (next) targets.set(id, next)
  }
  return targets
}

/**
 * The statuses of a resident a notice or a fallback on this channel goes to (and whom a streak
 * restore there puts back): a dead mailbox suppresses the record, not its push devices or number.
 */
export const channelStatuses = (channel: string): SubscriberStatus[] => (channel === 'email' ? ['active'] : ['active', 'suppressed'])

/** What a channel's fallback recipients need beyond its target list (as their own delivery would). */
function channelWhere(channel: DeliveryChannel): Where[] {
  return [{ status: { in: channelStatuses(channel) } }, { channels: { in: [channel] } }, ...(channel === 'sms' ? [{ phoneIndex: { exists: true } }] : [])]
}

/** The recipients of a fallback delivery, at run time (the pipeline's recipientsWhere); null: nobody. */
export async function fallbackWhere(payload: Payload, d: Pick<DeliveryDoc, 'channel' | 'contentType' | 'contentId' | 'round'>): Promise<Where | null> {
  const carriers = await carriersOf(payload, d.contentType, d.contentId)
  const targets = await fallbackTargets(payload, carriers, roundOf(d))
  const ids = [...targets].filter(([, c]) => c === d.channel).map(([id]) => idValue(payload, id))
  if (!ids.length) return null
  return { and: [...channelWhere(d.channel), { id: { in: ids } }] }
}

/** noticeSourcesIn for a notice's original by its id, the content's deliveries read here. */
export async function noticeSources(payload: Payload, original: string): Promise<string[]> {
  const row = await payload.db.findOne<DeliveryDoc>({ collection: DELIVERIES, where: { id: { equals: idValue(payload, original) } }, req: noTransaction() })
  if (!row) return [original]
  return noticeSourcesIn(await carriersOf(payload, row.contentType, row.contentId), row)
}

export type FallbackRun = { contents: number; created: number }

/** Contents with a delivery finished with residents gone whose fallback is not planned yet. */
async function pendingContents(payload: Payload): Promise<{ contentType: ContentSlug; contentId: string }[]> {
  const { docs } = await payload.db.find({
    collection: DELIVERIES,
    where: {
      and: [
        { status: { in: [...FINISHED] } },
        { gone: { greater_than: 0 } },
        { or: [{ fallbackPlanned: { exists: false } }, { fallbackPlanned: { equals: false } }] },
        { or: [{ kind: { exists: false } }, { kind: { in: ['content', 'fallback'] } }] },
      ],
    },
    // Newest first: a content waiting long on a paused delivery does not hold back the newer ones.
    sort: '-createdAt',
    limit: 500,
    pagination: false,
    select: { contentType: true, contentId: true },
    req: noTransaction(),
  })
  const seen = new Map<string, { contentType: ContentSlug; contentId: string }>()
  for (const d of docs as unknown as DeliveryDoc[]) seen.set(`${d.contentType}:${d.contentId}`, { contentType: d.contentType, contentId: String(d.contentId) })
  return [...seen.values()]
}

/**
 * Plan the fallback rounds that are due (the scheduler's tick): for each content with a finished
 * delivery that made residents gone and whose fallback is not planned, once all its deliveries are
 * finished, create the next round's deliveries (one per channel some resident falls back to) and mark
 * the round before as planned. Safe to run twice and in two processes: the delivery key is unique,
 * and a crash before the mark plans the same round again (creating what is missing, nothing twice).
 */
export async function planFallbacks(payload: Payload): Promise<FallbackRun> {
  const run: FallbackRun = { contents: 0, created: 0 }
  const pending = await pendingContents(payload)
  if (!pending.length) return run
  await uniqueIndexReady(payload, DELIVERIES)
  for (const c of pending) {
    const carriers = await carriersOf(payload, c.contentType, c.contentId)
    // Created only once the content's deliveries are finished: their receipts say who was reached.
    if (carriers.some((d) => !FINISHED.has(d.status))) continue
    const waiting = carriers.filter((d) => (d.gone ?? 0) > 0 && !d.fallbackPlanned)
    if (!waiting.length) continue
    run.contents++
    const round = Math.min(...waiting.map(roundOf)) + 1
    const primary = carriers.filter(isPrimary)
    // Urgent content went on every channel the resident chose: no fallback.
    if (!primary.some((d) => d.urgent)) run.created += await createRound(payload, primary[0] ?? waiting[0], await fallbackTargets(payload, carriers, round), round)
    for (const d of waiting.filter((w) => roundOf(w) === round - 1)) await updateDelivery(payload, d.id, { fallbackPlanned: true })
  }
  return run
}

/** One round's deliveries, one per channel some resident falls back to; returns how many were created now. */
async function createRound(payload: Payload, like: DeliveryDoc, targets: Map<string, SubscriberChannel>, round: number): Promise<number> {
  const log = payload.logger.child({ component: 'deliveries' })
  let created = 0
  for (const channel of new Set(targets.values())) {
    try {
      const row = (await payload.db.create({
        collection: DELIVERIES,
        data: {
          key: `${like.contentType}:${like.contentId}:${channel}:${like.audience}:fallback:${round}`,
          title: like.title ?? '',
          contentType: like.contentType,
          contentId: like.contentId,
          channel,
          audience: like.audience,
          kind: 'fallback',
          round,
          status: 'queued',
          urgent: false,
          publishedAt: nowIso(),
          ...FRESH_DELIVERY,
        },
        req: noTransaction(),
      })) as unknown as DeliveryDoc
      created++
      const residents = [...targets.values()].filter((c) => c === channel).length
      log.info({ delivery: row.id, content: `${like.contentType}:${like.contentId}`, channel, round, residents }, 'fallback delivery created')
    } catch (err) {
      // Planned already (another process, or this one before a crash): the first stands.
      if (!isUniqueViolation(err)) throw err
    }
  }
  return created
}
