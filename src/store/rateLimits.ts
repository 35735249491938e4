import { randomInt } from 'node:crypto'

import type { Payload, PayloadRequest } from 'payload'

import { keyedHash } from '../tokens'
import { CLAIMS_SLUG, claimSlot, type ClaimRow, deleteClaim } from './claims'
import { processOwner } from './leases'
import { noTransaction } from './noTransaction'

/**
 * Fixed-window rate limits held in the database, so a limit holds across
 * every web process on one database.
 *
 * A window of a rule for one subject (an IP, an address) has `limit` places:
 * slots 1..limit of the claim scope `rate:<rule>:<hash>:<window>` in the
 * claims ledger (store/claims.ts). A request passes when it claims a free
 * place. A claim is an insert under a unique index, which exactly one
 * process wins on SQLite, MongoDB and FerretDB alike (an increment is not
 * atomic on FerretDB v1), so no more than `limit` requests ever pass in a
 * window, however many arrive at once and through however many processes.
 *
 * A full window is seen by one read and costs no write, so a flood adds no
 * rows; each window leaves at most `limit` rows, pruned once it has passed.
 * The subject is stored only as a keyed hash (no address, no IP in clear).
 */
export type RateRule = { limit: number; windowMs: number }
export type RateVerdict = { ok: true } | { ok: false; retryAfterSeconds: number }
/** A place taken in a window, to give back when the request turns out not to count (a login that succeeded). */
export type RatePlace = { id: string | number }
/** Below this many places the taken ones are read and a free one chosen; above, places are drawn at random. */
const LIST_UP_TO = 256
const ATTEMPTS = 12
const PRUNE_EVERY_MS = 5 * 60_000
let lastPrune = 0

export const rateScope = (name: string, subject: string, window: number) => `rate:${name}:${keyedHash('rate', subject)}:${window}`

/**
 * `req`: the request this is counted for, when it may have a transaction open
 * (a Payload operation's hook): the place is still taken outside it, as a
 * write of its own (store/claims.ts outsideTransaction).
 */
export async function hitRateLimit(
  payload: Payload,
  name: string,
  subject: string,
  rule: RateRule,
  now = Date.now(),
  req?: PayloadRequest,
): Promise<RateVerdict> {
  const taken = await takeRatePlace(payload, name, subject, rule, now, req)
  return taken.ok ? { ok: true } : taken
}

/** As hitRateLimit, and says which place was taken so that it can be given back (releaseRatePlace). */
export async function takeRatePlace(
  payload: Payload,
  name: string,
  subject: string,
  rule: RateRule,
  now = Date.now(),
  req?: PayloadRequest,
): Promise<{ ok: true; place: RatePlace } | { ok: false; retryAfterSeconds: number }> {
  const window = Math.floor(now / rule.windowMs)
  const windowEnd = (window + 1) * rule.windowMs
  const scope = rateScope(name, subject, window)
  const full: RateVerdict = { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((windowEnd - now) / 1000)) }
  maybePrune(payload, now)

  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    let slot: number
    if (rule.limit <= LIST_UP_TO) {
      const taken = new Set((await takenPlaces(payload, scope)).map((r) => Number(r.slot)))
      const free: number[] = []
      for (let s = 1; s <= rule.limit; s++) if (!taken.has(s)) free.push(s)
      if (!free.length) return full
      slot = free[randomInt(free.length)]
    } else {
      const { totalDocs } = await payload.db.count({ collection: CLAIMS_SLUG, where: { scope: { equals: scope } }, req: noTransaction() })
      if (totalDocs >= rule.limit) return full
      slot = 1 + randomInt(rule.limit)
    }
    // Another request took the place between the read and the claim: read again and pick another.
    const row = await claimSlot(payload, { scope, slot, owner: processOwner, until: new Date(windowEnd) }, req)
    if (row) return { ok: true, place: { id: row.id as string | number } }
  }
  // Still losing every race after many tries: the window is as good as full.
  return full
}

/** Give back a place taken by takeRatePlace: the request does not count after all. */
export async function releaseRatePlace(payload: Payload, place: RatePlace, req?: PayloadRequest): Promise<void> {
  await deleteClaim(payload, place.id, req)
}

/**
 * True for exactly one caller per window of a rule and subject (across
 * processes): to report a limit once when it starts refusing, not once per
 * refused request.
 */
export async function firstInWindow(payload: Payload, name: string, subject: string, rule: RateRule, now = Date.now(), req?: PayloadRequest): Promise<boolean> {
  const window = Math.floor(now / rule.windowMs)
  const row = await claimSlot(payload, { scope: rateScope(`${name}.once`, subject, window), slot: 1, owner: processOwner, until: new Date((window + 1) * rule.windowMs) }, req)
  return row !== null
}

/** How many places of the current window are taken (a read; takes none). */
export async function ratePlacesTaken(payload: Payload, name: string, subject: string, rule: RateRule, now = Date.now()): Promise<number> {
  const scope = rateScope(name, subject, Math.floor(now / rule.windowMs))
  const { totalDocs } = await payload.db.count({ collection: CLAIMS_SLUG, where: { scope: { equals: scope } }, req: noTransaction() })
  return totalDocs
}

async function takenPlaces(payload: Payload, scope: string): Promise<ClaimRow[]> {
  const { docs } = await payload.db.find({
    collection: CLAIMS_SLUG,
    where: { scope: { equals: scope } },
    limit: 0,
    pagination: false,
    req: noTransaction(),
  })
  return docs as unknown as ClaimRow[]
}

/** Delete the places of windows that have passed. */
export async function pruneRateLimits(payload: Payload, now = Date.now()): Promise<void> {
  await payload.db.deleteMany({
    collection: CLAIMS_SLUG,
    where: { and: [{ scope: { like: 'rate:' } }, { until: { less_than: new Date(now).toISOString() } }] },
    req: noTransaction(),
  })
}

/** At most every few minutes per process, in the background: the ledger keeps only live windows. */
function maybePrune(payload: Payload, callerNow: number) {
  // Never a clock ahead of the real one: a caller may shift its `now` to place its windows (the SMS
  // street day is counted on China time, now + 8 h), and pruning at that time would delete every
  // place of a live window ending within the shift (per-address and per-minute limits, first requests).
  const now = Math.min(callerNow, Date.now())
  if (now - lastPrune < PRUNE_EVERY_MS) return
  lastPrune = now
  pruneRateLimits(payload, now).catch((err) => payload.logger.warn({ err, component: 'rate-limits' }, 'pruning rate-limit places failed'))
}

/** A rule from the environment, read by the settings module. */
export { ruleFromEnv } from '../server/env'
