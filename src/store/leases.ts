import { randomBytes } from 'node:crypto'
import os from 'node:os'

import type { CollectionSlug, Payload, Where } from 'payload'

import { claimSlot, deleteClaim, deleteClaims, newestClaims, updateClaim, type ClaimRow } from './claims'

/**
 * Leases on pieces of background work (a job, a delivery batch, …) so that
 * several processes on one database never work on the same piece at once,
 * and a dead process's piece is taken over once its lease runs out.
 *
 * A lease is claim slot epoch+1 of scope `lease:<collection>:<id>` (see
 * claims.ts): the insert succeeds for one process only, whatever the database.
 * The item itself is never written by the lease, so the lease does not race
 * with the work's own writes to it. Only the owner writes its lease row
 * (renew, release); others only read it to see whether it is still live.
 */
export type Lease = {
  collection: string
  itemId: string | number
  scope: string
  epoch: number
  owner: string
  until: Date
  claimId: string | number
}

/** This process's name in every lease it takes: host, pid and a random tail. */
export const processOwner = `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`

export const leaseScope = (collection: string, id: string | number) => `lease:${collection}:${id}`

const isLive = (row: ClaimRow | undefined, now: Date) =>
  !!row && !row.releasedAt && !!row.until && new Date(row.until).getTime() > now.getTime()

export type ClaimArgs<T> = {
  collection: CollectionSlug
  /** Which items are ready for work, in Payload's query language (both adapters). */
  where: Where
  sort?: string
  owner?: string
  leaseMs: number
  /**
   * Last word on a candidate whose lease is not live: `newest` is its newest
   * lease (expired or released), undefined if it never had one.
   */
  accept?: (item: T, newest: ClaimRow | undefined, now: Date) => boolean | Promise<boolean>
  /** Candidates read per query, and the most looked at per call (bounded work). */
  pageSize?: number
  maxScan?: number
}

/**
 * Claim the first ready item that no live lease holds. Returns the lease and
 * the item as read after the claim, or null when there is nothing to claim.
 */
export async function claimNext<T extends { id: string | number }>(
  payload: Payload,
  args: ClaimArgs<T>,
): Promise<{ lease: Lease; item: T } | null> {
  const { collection, where, sort, leaseMs, accept } = args
  const owner = args.owner ?? processOwner
  const pageSize = args.pageSize ?? 20
  const maxScan = args.maxScan ?? 200
  for (let page = 1; (page - 1) * pageSize < maxScan; page++) {
    const { docs } = await payload.db.find({ collection, where, sort, limit: pageSize, page, pagination: true })
    const items = docs as unknown as T[]
    const now = new Date()
    const newest = await newestClaims(payload, items.map((i) => leaseScope(collection, i.id)))
    for (const item of items) {
      const scope = leaseScope(collection, item.id)
      const current = newest.get(scope)
      if (isLive(current, now)) continue
      if (accept && !(await accept(item, current, now))) continue
      const lease = await takeLease(payload, collection, item.id, Number(current?.slot ?? 0) + 1, owner, leaseMs)
      if (!lease) continue
      // The item may have changed between the read and the claim (done, cancelled): read it again.
      const fresh = await payload.db.find({
        collection,
        where: { and: [where, { id: { equals: item.id } }] },
        limit: 1,
        pagination: false,
      })
      if (!fresh.docs.length) {
        // Withdraw the claim rather than release it: the scope is left as it was
        // before (a finished item's history was deleted by its finisher and must
        // stay deleted; an earlier holder's row stays the newest for `accept`).
        await deleteClaim(payload, lease.claimId)
        continue
      }
      return { lease, item: fresh.docs[0] as unknown as T }
    }
    if (items.length < pageSize) break
  }
  return null
}

/** Take the lease of one known item at a given epoch; null if another process has it. */
export async function takeLease(
  payload: Payload,
  collection: string,
  itemId: string | number,
  epoch: number,
  owner: string,
  leaseMs: number,
): Promise<Lease | null> {
  const scope = leaseScope(collection, itemId)
  const until = new Date(Date.now() + leaseMs)
  const row = await claimSlot(payload, { scope, slot: epoch, owner, until })
  if (!row) return null
  // Old epochs are deleted on release, so a process reading long ago could
  // claim a freed low epoch: only the newest epoch holds the lease.
  const newest = (await newestClaims(payload, [scope])).get(scope)
  if (!newest || Number(newest.slot) !== epoch) {
    await deleteClaims(payload, scope, epoch + 1).catch(() => {})
    return null
  }
  return { collection, itemId, scope, epoch, owner, until, claimId: row.id }
}

/** Has another process taken this item over (a newer epoch exists)? */
async function superseded(payload: Payload, lease: Lease): Promise<boolean> {
  const newest = (await newestClaims(payload, [lease.scope])).get(lease.scope)
  return !newest || Number(newest.slot) !== lease.epoch || String(newest.owner) !== lease.owner
}

/** Extend the lease; false if it was lost (expired and taken over), and then the work must stop. */
export async function renewLease(payload: Payload, lease: Lease, leaseMs: number): Promise<boolean> {
  if (await superseded(payload, lease)) return false
  const until = new Date(Date.now() + leaseMs)
  await updateClaim(payload, lease.claimId, { until })
  lease.until = until
  return true
}

/**
 * Give the item back. `done`: the item will never be claimed again (finished
 * for good), so its lease history goes; otherwise the released row stays as
 * the newest epoch and older ones go.
 */
export async function releaseLease(payload: Payload, lease: Lease, { done = false } = {}): Promise<boolean> {
  if (await superseded(payload, lease)) return false
  if (done) {
    await deleteClaims(payload, lease.scope)
  } else {
    await updateClaim(payload, lease.claimId, { releasedAt: new Date() })
    await deleteClaims(payload, lease.scope, lease.epoch)
  }
  return true
}

/**
 * Run `work` under the lease, renewing it every third of its length. The
 * renewal never overlaps the release. `onLost` is told when the lease was
 * lost (the process stalled past its lease and another took the item over).
 */
export async function withLease<R>(
  payload: Payload,
  lease: Lease,
  leaseMs: number,
  work: () => Promise<R>,
  done: (result: R | undefined) => Promise<boolean> | boolean,
): Promise<R> {
  const log = payload.logger.child({ component: 'leases' })
  let lost = false
  let renewing: Promise<unknown> = Promise.resolve()
  const timer = setInterval(() => {
    renewing = renewing
      .then(() => (lost ? true : renewLease(payload, lease, leaseMs)))
      .then((ok) => {
        if (!ok && !lost) {
          lost = true
          log.error({ scope: lease.scope, epoch: lease.epoch, owner: lease.owner }, 'lease lost: another process took this item over')
        }
      })
      .catch((err) => log.warn({ err, scope: lease.scope }, 'lease renewal failed; retrying'))
  }, Math.max(250, Math.floor(leaseMs / 3)))
  let result: R | undefined
  try {
    result = await work()
    return result
  } finally {
    clearInterval(timer)
    await renewing
    if (!lost) {
      const finished = await Promise.resolve(done(result)).catch(() => false)
      await releaseLease(payload, lease, { done: finished }).catch((err) =>
        log.warn({ err, scope: lease.scope }, 'lease release failed; it expires on its own'),
      )
    }
  }
}

/** Delete lease rows nobody will read again: released or expired longer ago than `olderThanMs`. */
export async function pruneLeases(payload: Payload, olderThanMs = 24 * 3600_000): Promise<void> {
  const before = new Date(Date.now() - olderThanMs).toISOString()
  await payload.db.deleteMany({
    collection: 'claims',
    where: {
      and: [
        { scope: { like: 'lease:' } },
        { or: [{ releasedAt: { less_than: before } }, { until: { less_than: before } }] },
      ],
    },
  })
}
