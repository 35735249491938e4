import type { Payload } from 'payload'
import { beforeAll, describe, expect, it } from 'vitest'

import { claimSlot, newestClaims } from '../../src/store/claims'
import { claimNext, leaseScope, releaseLease, renewLease, takeLease, type Lease } from '../../src/store/leases'
import type { Id } from '../support/fixtures'
import { testPayload } from '../support/payload'

/**
 * The claim and the lease on both databases: one slot, one winner, however
 * many try at once; a live lease keeps everyone else off its item; an expired
 * one is taken over and its old owner learns it lost.
 */
let payload: Payload
const items: Id[] = []
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

beforeAll(async () => {
  payload = await testPayload()
  // Communities stand in for any collection of work items: the lease never writes the item.
  for (let i = 0; i < 30; i++) {
    const c = await payload.create({ collection: 'communities', data: { code: `L${i}`, name: `租约${i}` }, overrideAccess: true })
    items.push(c.id)
  }
})

describe('claims', () => {
  it('gives a slot to exactly one of twenty concurrent claimers', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => claimSlot(payload, { scope: 'test:slot', slot: 1, owner: `owner-${i}` })),
    )
    const winners = results.filter((r) => r !== null)
    expect(winners).toHaveLength(1)
    const newest = (await newestClaims(payload, ['test:slot'])).get('test:slot')
    expect(newest?.owner).toBe(winners[0]!.owner)
    // The next slot is free again for anyone.
    expect(await claimSlot(payload, { scope: 'test:slot', slot: 2, owner: 'late' })).not.toBeNull()
  })
})

describe('leases', () => {
  it('hands each item to one claimer only while the leases are live, with four claiming at once', async () => {
    const claimed: Id[] = []
    const claimer = async (owner: string) => {
      for (;;) {
        const got = await claimNext<{ id: Id }>(payload, {
          collection: 'communities',
          where: { id: { in: items } },
          sort: 'code',
          owner,
          leaseMs: 60_000,
          pageSize: 5,
        })
        if (!got) return
        claimed.push(got.item.id)
      }
    }
    await Promise.all(['a', 'b', 'c', 'd'].map(claimer))
    expect(claimed).toHaveLength(items.length)
    expect(new Set(claimed.map(String)).size).toBe(items.length)
    // Give them all back so the next tests start clean.
    const newest = await newestClaims(payload, items.map((id) => leaseScope('communities', id)))
    for (const id of items) {
      const row = newest.get(leaseScope('communities', id))!
      const lease: Lease = {
        collection: 'communities',
        itemId: id,
        scope: row.scope,
        epoch: Number(row.slot),
        owner: row.owner,
        until: new Date(row.until!),
        claimId: row.id,
      }
      expect(await releaseLease(payload, lease, { done: true })).toBe(true)
    }
  })

  it('keeps others off a live lease, lets them take over an expired one, and tells the old owner', async () => {
    // Each check sits a second or more from a lease's end, so a busy machine's pauses cannot flip it.
    const LEASE = 3000
    const where = { id: { equals: items[0] } }
    const first = await claimNext<{ id: Id }>(payload, { collection: 'communities', where, owner: 'first', leaseMs: LEASE })
    expect(first?.lease.epoch).toBe(1)
    expect(await claimNext(payload, { collection: 'communities', where, owner: 'second', leaseMs: LEASE })).toBeNull()

    // Renewing keeps it: past the first expiry, still not claimable.
    await sleep(2000)
    expect(await renewLease(payload, first!.lease, LEASE)).toBe(true)
    await sleep(2000)
    expect(await claimNext(payload, { collection: 'communities', where, owner: 'second', leaseMs: LEASE })).toBeNull()

    // The owner stalls past its lease: the next claimer takes the item over at the next epoch.
    await sleep(LEASE + 200)
    const second = await claimNext<{ id: Id }>(payload, { collection: 'communities', where, owner: 'second', leaseMs: 60_000 })
    expect(second?.lease.epoch).toBe(2)
    expect(second?.lease.owner).toBe('second')
    expect(await renewLease(payload, first!.lease, LEASE)).toBe(false)
    expect(await releaseLease(payload, first!.lease)).toBe(false)

    // Released (not done): free at once, at the next epoch, and the old epochs are gone.
    expect(await releaseLease(payload, second!.lease)).toBe(true)
    const third = await claimNext<{ id: Id }>(payload, { collection: 'communities', where, owner: 'third', leaseMs: 60_000 })
    expect(third?.lease.epoch).toBe(3)
    const rows = await payload.db.find({ collection: 'claims', where: { scope: { equals: leaseScope('communities', items[0]) } }, limit: 0, pagination: false })
    expect(rows.docs.map((r) => Number((r as { slot?: number }).slot)).sort()).toEqual([2, 3])
  })

  it('refuses a claim at an epoch lower than the newest (a process that read long ago)', async () => {
    const id = items[1]
    const a = await takeLease(payload, 'communities', id, 1, 'a', 60_000)
    expect(a).not.toBeNull()
    await releaseLease(payload, a!)
    const b = await takeLease(payload, 'communities', id, 2, 'b', 60_000)
    expect(b).not.toBeNull()
    await releaseLease(payload, b!) // deletes epoch 1
    // A claimer that read epoch 0 before all this tries epoch 1, which is free again: it must lose.
    expect(await takeLease(payload, 'communities', id, 1, 'stale', 60_000)).toBeNull()
    const newest = (await newestClaims(payload, [leaseScope('communities', id)])).get(leaseScope('communities', id))
    expect(Number(newest?.slot)).toBe(2)
    // And the normal next claim still works.
    const c = await claimNext<{ id: Id }>(payload, { collection: 'communities', where: { id: { equals: id } }, owner: 'c', leaseMs: 60_000 })
    expect(c?.lease.epoch).toBe(3)
  })

  it('does not hand out an item that stopped being ready between the read and the claim, and leaves its claims as they were', async () => {
    const rows = async (id: Id) =>
      (await payload.db.find({ collection: 'claims', where: { scope: { equals: leaseScope('communities', id) } }, limit: 0, pagination: false }))
        .docs as unknown as { slot: number; owner: string; releasedAt?: string }[]
    const claimWhileItGoes = (id: Id, owner: string) =>
      claimNext<{ id: Id }>(payload, {
        collection: 'communities',
        where: { id: { equals: id } },
        owner,
        leaseMs: 60_000,
        // Runs after the read and before the claim: another process finishes the item
        // right then (and, done for good, its lease history is deleted).
        accept: async () => {
          await payload.delete({ collection: 'communities', id, overrideAccess: true })
          return true
        },
      })

    // A finished item keeps no lease row: the withdrawn claim must not bring one back
    // (it did, as a released row, and then lay about until the daily prune).
    expect(await claimWhileItGoes(items[2], 'x')).toBeNull()
    expect(await rows(items[2])).toEqual([])

    // An item an earlier holder released cleanly, which then stopped being ready (a
    // delivery paused, say): that release stays the newest row, as it was.
    const held = await takeLease(payload, 'communities', items[3], 1, 'earlier', 60_000)
    await releaseLease(payload, held!)
    expect(await claimWhileItGoes(items[3], 'y')).toBeNull()
    const left = await rows(items[3])
    expect(left.map((r) => [Number(r.slot), r.owner])).toEqual([[1, 'earlier']])
    expect(left[0]!.releasedAt).toBeTruthy()
  })
})
