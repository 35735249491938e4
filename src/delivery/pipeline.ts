import type { Payload, Where } from 'payload'

import type { DeliveryDoc, DeliveryError } from '../model/deliveries'
import type { SubscriberDoc } from '../model/subscribers'
import { t } from '../i18n/messages'
import { publicUrl } from '../server/env'
import { loadSettings } from '../content/data'
import { gridById } from '../subscribers/service'
import { claimNext, processOwner, withLease, type Lease } from '../store/leases'
import { noTransaction } from '../store/noTransaction'
import { ReceiptWriter } from '../store/receipts'
import { idValue, recipientsWhere } from './audience'
import { channelConfigured, deliverySettings } from './config'
import { failureWords, pauseReason, rememberFailure, type ContentRow, type Outcome, type ReadyGroupSend, type RecipientsDriver, type Rendered } from './driver'
import { driverFor } from './drivers'
import { nowIso, updateDelivery } from './rows'
import { contentUrl } from './links'
import { GONE_STREAK, GoneStreak } from './suppression'

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
 * each resumption adds that bound to the delivery's `maxDuplicates`. A driver
 * whose call takes several recipients (SMS: up to 100 numbers) sends a group
 * a call and writes the group's receipts before its worker's next call: the
 * bound is then calls in flight × recipients a call (`inFlightLimit`).
 *
 * The pipeline knows channels only through their drivers (drivers.ts): a
 * recipients driver renders and makes each send ready, a stages driver
 * (WeChat) runs its own stages after the preflight.
 *
 * Lanes: an urgent delivery is claimed before any other and runs with its
 * own concurrency (DELIVERY_URGENT_CONCURRENCY); the scheduler runs an urgent
 * lane beside its tick, so one starts while a bulk delivery is running. Each
 * delivery has its own receipt writer; on SQLite their writes take the
 * process's write turn in arrival order (store/sqlite.ts, a FIFO), so either
 * lane waits at most for the writes queued before its own, never for the
 * other lane's whole batch.
 *
 * A stop of the process (the scheduler's signal) is planned, not a crash:
 * no new send starts, the sends in flight are answered and their receipts
 * stored, and the delivery goes back to the queue, so the next claim adds no
 * resumption and no duplicate bound.
 */
const DELIVERIES = 'deliveries'
const RECEIPTS = 'delivery-receipts'
/** What a recipient's message is made from: address, grid (greeting), ref and consents (signed links). */
const SUBSCRIBER_FIELDS = { email: true, grid: true, ref: true, consents: true } as const

type Stop = { kind: 'pause'; reason: string } | { kind: 'defer'; until: Date } | { kind: 'cancel'; reason: string } | { kind: 'lost' } | { kind: 'shutdown' }

/** `urgent`: the urgent lane, which claims only urgent deliveries; `all`: urgent ones first, then the rest. */
export type Lane = 'all' | 'urgent'
export type RunOptions = { limit?: number; owner?: string; lane?: Lane; signal?: AbortSignal }

/** Claim the next due delivery: an urgent one before any other; the urgent lane claims nothing else. */
async function claimDue(payload: Payload, lane: Lane, owner: string, leaseMs: number) {
  const due: Where[] = [
    { status: { in: ['queued', 'running'] } },
    { or: [{ nextAttemptAt: { exists: false } }, { nextAttemptAt: { less_than: nowIso() } }] },
  ]
  const claim = (where: Where) => claimNext<DeliveryDoc>(payload, { collection: DELIVERIES, where, sort: 'createdAt', owner, leaseMs })
  const urgent = await claim({ and: [...due, { urgent: { equals: true } }] })
  return urgent || lane === 'urgent' ? urgent : claim({ and: due })
}

/**
 * Run due deliveries, each under a lease; returns how many were worked on.
 * The `all` lane works them one after another; the urgent lane side by side
 * (an urgent announcement's email and push start together). With `signal`
 * aborted nothing more is claimed and running deliveries stop as planned.
 */
export async function runDueDeliveries(payload: Payload, { limit = 10, owner = processOwner, lane = 'all', signal }: RunOptions = {}): Promise<{ ran: number; tookOver: number }> {
  const { leaseMs } = deliverySettings()
  const result = { ran: 0, tookOver: 0 }
  const working: Promise<unknown>[] = []
  while (result.ran < limit && !signal?.aborted) {
    const claimed = await claimDue(payload, lane, owner, leaseMs)
    if (!claimed) break
    if (claimed.item.status === 'running') result.tookOver++
    const work = withLease(payload, claimed.lease, leaseMs, () => runDelivery(payload, claimed.item, claimed.lease, { signal }), (finished) => !!finished)
    result.ran++
    if (lane === 'urgent') working.push(work)
    else await work
  }
  const failed = (await Promise.allSettled(working)).find((r) => r.status === 'rejected')
  if (failed) throw failed.reason
  return result
}

/** Checks before any send; returns the stop when the delivery must not run now. */
async function preflight(payload: Payload, d: DeliveryDoc): Promise<{ stop: Stop } | { doc: ContentRow }> {
  const doc = (await payload.findByID({ collection: d.contentType, id: d.contentId, depth: 1, overrideAccess: true, disableErrors: true })) as
    | (ContentRow & { _status?: string; startsAt?: string; endsAt?: string | null })
    | null
  if (!doc) return { stop: { kind: 'cancel', reason: t('delivery.reason.contentGone') } }
  // A withdrawal notice is about content no longer published; everything else goes out only while it is.
  if (d.kind === 'withdrawal' && doc._status === 'published') return { stop: { kind: 'cancel', reason: t('audience.reason.republished') } }
  if (d.kind !== 'withdrawal' && doc._status !== 'published') return { stop: { kind: 'cancel', reason: t('delivery.reason.contentGone') } }
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

/** Counts from the receipts: exact after any crash (the counters written per batch may lag behind them). */
async function recount(payload: Payload, id: string | number) {
  const count = async (status: string) =>
    (await payload.db.count({ collection: RECEIPTS, where: { and: [{ delivery: { equals: String(id) } }, { status: { equals: status } }] } })).totalDocs
  const [submitted, failed, gone] = await Promise.all([count('submitted'), count('failed'), count('gone')])
  return { submitted, failed, gone }
}

/** Work one delivery until it ends, pauses, defers, its lease is lost or `signal` stops it; true when it is finished for good. */
export async function runDelivery(payload: Payload, claimed: DeliveryDoc, lease?: Lease, { signal }: { signal?: AbortSignal } = {}): Promise<boolean> {
  const log = payload.logger.child({ component: 'delivery', delivery: claimed.id, channel: claimed.channel })
  const settings = deliverySettings()
  // An urgent delivery has a lane of its own, and its own in-flight limit (also its duplicate bound).
  const concurrency = claimed.urgent ? settings.urgentConcurrency : settings.concurrency
  const pre = await preflight(payload, claimed)
  if ('stop' in pre) {
    await applyStop(payload, claimed, pre.stop)
    return pre.stop.kind === 'cancel'
  }
  const driver = driverFor(claimed.channel)
  // A channel without a recipient list (WeChat) runs its own stages.
  if (driver.kind === 'stages') return driver.run(payload, claimed, pre.doc, lease)
  // Recipients one call takes: each worker has that many without a receipt while its call is out.
  const perCall = Math.max(1, driver.perCall?.(claimed) ?? 1)
  const resumed = claimed.status === 'running'
  const counts = claimed.startedAt ? await recount(payload, claimed.id) : { submitted: 0, failed: 0, gone: 0 }
  const d: DeliveryDoc = {
    ...claimed,
    ...counts,
    status: 'running',
    inFlightLimit: concurrency * perCall,
    startedAt: claimed.startedAt ?? nowIso(),
    resumes: (claimed.resumes ?? 0) + (resumed ? 1 : 0),
    // Each stop in the middle (a crash, a lost lease) may re-send to those that were in flight then.
    maxDuplicates: (claimed.maxDuplicates ?? 0) + (resumed ? (claimed.inFlightLimit ?? concurrency * perCall) : 0),
  }
  // Who it goes to: the audience (a notice: those its original reached); nobody is an empty walk.
  const audience = (await recipientsWhere(payload, d)) ?? { id: { exists: false } }
  if (!claimed.startedAt) d.total = (await payload.db.count({ collection: 'subscribers', where: audience })).totalDocs
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
  const rendered = await render(payload, driver, d, pre.doc, siteSettings, settings)
  const errors: DeliveryError[] = [...(d.lastErrors ?? [])]
  const receipts = new ReceiptWriter(payload)
  let failuresInRow = 0
  // The same refusal for many in a row is the server's, not the addresses' (only a driver that can restore is guarded).
  const streak = driver.restore ? new GoneStreak(d.channel) : null

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
    if (signal?.aborted) {
      await applyStop(payload, d, { kind: 'shutdown' })
      return false
    }
    // A channel's own hours (SMS quiet hours): the delivery waits in the queue until they end.
    const until = await driver.hold?.(payload, d)
    if (until) {
      log.info({ until: until.toISOString() }, 'delivery deferred by the channel\'s hours')
      await applyStop(payload, d, { kind: 'defer', until })
      return false
    }
    // Unsubscribes take effect here: the batch is read with the status filter, now.
    const where: Where = d.cursor ? { and: [audience, { id: { greater_than: idValue(payload, d.cursor) } }] } : audience
    // Only the fields a message needs, and no count: a count of the remaining audience per batch grows with the street.
    // A grouped driver's batch fills every worker's call at least once.
    const limit = perCall > 1 ? Math.max(settings.batchSize, perCall * concurrency) : settings.batchSize
    const select = driver.fields ? { ...SUBSCRIBER_FIELDS, ...driver.fields } : SUBSCRIBER_FIELDS
    const { docs } = await payload.db.find({ collection: 'subscribers', where, sort: 'id', limit, pagination: false, select })
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
    const gridNames = new Map<string, string>()
    for (const s of todo) {
      const gid = String(typeof s.grid === 'object' ? s.grid.id : s.grid)
      if (!gridNames.has(gid)) gridNames.set(gid, (await gridById(payload, gid))?.name ?? siteSettings.streetName)
    }

    let stop: Stop | null = null
    let next = 0
    const tally = { submitted: 0, failed: 0, gone: 0 }
    const gridOf = (s: SubscriberDoc) => gridNames.get(String(typeof s.grid === 'object' ? s.grid.id : s.grid)) ?? ''
    const makeReady = await readyMaker(payload, rendered, todo, gridOf)
    /** The next call's recipients (one, or up to perCall) and their message(s) made ready: local work only, nothing sent yet. */
    const take = (): { group: SubscriberDoc[]; send: ReadyGroupSend } => {
      const group = todo.slice(next, next + perCall)
      next += group.length
      return { group, send: makeReady(group) }
    }

    const worker = async () => {
      let current = next < todo.length ? take() : null
      while (current && !stop) {
        // The process is stopping: the send in flight was answered and its receipt stored; none starts.
        if (signal?.aborted) {
          stop = { kind: 'shutdown' }
          break
        }
        const { group } = current
        const outcomes = await current.send()
        // Recipients the call answered for; a stop (settings, quota, a long Retry-After) sent nothing to its own.
        const answered = group.map((s, i) => ({ s, outcome: outcomes[i] })).filter((a): a is { s: SubscriberDoc; outcome: Exclude<Outcome, { status: 'stop' }> } => a.outcome.status !== 'stop')
        const halted = outcomes.find((o): o is Extract<Outcome, { status: 'stop' }> => o.status === 'stop')
        if (halted) {
          const f = halted.failure
          const until = f.retryAfterMs ? new Date(Date.now() + f.retryAfterMs) : null
          stop = f.kind === 'retryable' && until ? { kind: 'defer', until } : { kind: 'pause', reason: pauseReason(f) }
          if (stop.kind === 'pause') log.warn({ kind: f.kind, code: f.code, message: f.message }, 'delivery paused')
          rememberFailure(errors, f)
          if (!answered.length) break
        }
        // The receipts are stored before this worker makes its next call: that bounds re-sends after a crash.
        // Receipts of workers answered at the same time are written together (group commit); while this one
        // waits for its group, the worker makes its next message ready (no network until the receipt is stored).
        const stored = Promise.all(answered.map(({ s, outcome }) => receipts.add({ delivery: String(d.id), subscriber: String(s.id), status: outcome.status, code: outcome.code ?? null })))
        for (const { s, outcome } of answered) if (streak?.note(outcome, s.id, d.cursor ?? null) && !stop) stop = { kind: 'pause', reason: streak.reason(GONE_STREAK) }
        current = !stop && next < todo.length ? take() : null
        await stored
        for (const { s, outcome } of answered) {
          if (outcome.status === 'submitted') (tally.submitted++, (failuresInRow = 0))
          if (outcome.status === 'gone') {
            tally.gone++
            // Shown among the last errors too: the editor sees which refusal it was (550, 410), not only a count.
            if (outcome.failure) rememberFailure(errors, outcome.failure)
            await driver.gone?.(payload, s, { delivery: d.id, code: outcome.code ?? '' })
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
    }
    // The receipt writer commits once every worker waits on its receipt (see ReceiptWriter): one commit per round.
    const workers = Math.min(concurrency, Math.max(Math.ceil(todo.length / perCall), 1))
    receipts.expect(workers)
    await Promise.all(Array.from({ length: workers }, () => worker().finally(() => receipts.leave())))

    d.submitted = (d.submitted ?? 0) + tally.submitted
    d.failed = (d.failed ?? 0) + tally.failed
    d.gone = (d.gone ?? 0) + tally.gone
    if (streak?.tripped) {
      // Undo the streak once every worker is done (answers in flight at the trip may have joined it); resume from its start.
      const undone = await streak.undo(payload, driver, d.id)
      d.gone = (d.gone ?? 0) - undone.removed
      d.cursor = undone.cursor
      // The streak's pause, with the count restored (another pause of the same round keeps its own reason).
      const other = stop as Stop | null
      if (other?.kind !== 'pause' || other.reason === streak.reason(GONE_STREAK)) stop = { kind: 'pause', reason: streak.reason(undone.restored) }
      log.warn({ restored: undone.restored, receipts: undone.removed, code: streak.code }, 'delivery paused: the same refusal for many recipients in a row; they were restored')
    }
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

/** The batch's ready-maker for groups of recipients: a one-recipient driver's maker answers a group of one. */
async function readyMaker(payload: Payload, rendered: Rendered, todo: SubscriberDoc[], gridOf: (s: SubscriberDoc) => string): Promise<(group: SubscriberDoc[]) => ReadyGroupSend> {
  if (rendered.group) return rendered.group(payload, todo, gridOf)
  const one = await rendered.batch!(payload, todo, gridOf)
  return (group) => {
    const send = one(group[0])
    return async () => [await send()]
  }
}

/** Render the content once for a recipients driver. */
function render(payload: Payload, driver: RecipientsDriver, d: DeliveryDoc, doc: ContentRow, settings: Awaited<ReturnType<typeof loadSettings>>, tuning: ReturnType<typeof deliverySettings>) {
  const base = publicUrl()
  return driver.render(payload, { delivery: d, collection: d.contentType, doc, settings, base, url: contentUrl(d.contentType, doc, base), tuning })
}

async function applyStop(payload: Payload, d: DeliveryDoc, stop: Stop) {
  if (stop.kind === 'cancel') await updateDelivery(payload, d.id, { status: 'cancelled', reason: stop.reason, finishedAt: nowIso() })
  if (stop.kind === 'pause') await updateDelivery(payload, d.id, { status: 'paused', reason: stop.reason })
  // Back in the queue, not `running`: a later claim is a planned resumption, not a crash.
  if (stop.kind === 'defer') await updateDelivery(payload, d.id, { status: 'queued', nextAttemptAt: stop.until.toISOString() })
  if (stop.kind === 'shutdown') {
    // Back in the queue as planned, unless an editor paused or cancelled it meanwhile (their status stands).
    await payload.db.updateMany({
      collection: DELIVERIES,
      where: { and: [{ id: { equals: d.id } }, { status: { equals: 'running' } }] },
      data: { status: 'queued', nextAttemptAt: null },
      req: noTransaction(),
    })
    payload.logger.info({ component: 'delivery', delivery: d.id, channel: d.channel, submitted: d.submitted }, 'delivery stopped with the process; back in the queue')
  }
}
