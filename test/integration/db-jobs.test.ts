import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import type { Payload } from 'payload'
import { beforeAll, describe, expect, it } from 'vitest'

// The probe task must be known before the config is built: nothing above may import it.
import { addTasks } from '../../src/jobs/config'
import { runQueue } from '../../src/jobs/runner'
import { newestClaims } from '../../src/store/claims'
import { leaseScope, takeLease } from '../../src/store/leases'
import { PROBE_TASK, probeTask, readProbeLog } from '../workers/probeTask'

addTasks(probeTask)

/**
 * Payload's job queue run under leases on both databases: a job runs once
 * however many runners tick at once; a job left `processing` by a runner that
 * died is taken over when its lease runs out, never before, never stuck.
 */
type Id = string | number
type Job = { id: Id; completedAt?: string | null; hasError?: boolean | null; processing?: boolean | null; totalTried?: number }

let payload: Payload
let log: string
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

const queueProbe = async (item: string, ms = 0) =>
  (await payload.jobs.queue({ task: PROBE_TASK, input: { item, log, ms } } as never)) as unknown as { id: Id }

/** The job as stored; null once it completed (Payload deletes a job when it completes). */
const jobById = (id: Id) => payload.db.findOne<Job>({ collection: 'payload-jobs', where: { id: { equals: id } } })

/** A runner that died: it held the job's lease and Payload had marked the job processing. */
async function deadRunnerHolds(id: Id, leaseMs: number) {
  expect(await takeLease(payload, 'payload-jobs', id, 1, 'dead-runner', leaseMs)).not.toBeNull()
  await payload.db.updateOne({ collection: 'payload-jobs', id, data: { processing: true }, returning: false })
}

beforeAll(async () => {
  const { testPayload } = await import('../support/payload')
  payload = await testPayload()
  log = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'probe-')), 'probe.log')
})

describe('leased job runner', () => {
  it('runs a job once, records it complete and leaves no lease behind', async () => {
    const job = await queueProbe('single')
    const r = await runQueue(payload, 'default', { owner: 'runner-1', leaseMs: 60_000 })
    expect(r).toEqual({ ran: 1, tookOver: 0 })
    expect(await jobById(job.id)).toBeNull()
    expect(readProbeLog(log).filter((l) => l.item === 'single').map((l) => l.kind)).toEqual(['start', 'done'])
    expect((await newestClaims(payload, [leaseScope('payload-jobs', job.id)])).size).toBe(0)
    // Nothing left to run.
    expect(await runQueue(payload, 'default', { owner: 'runner-1', leaseMs: 60_000 })).toEqual({ ran: 0, tookOver: 0 })
  })

  it('takes over a job left processing by a dead runner once its lease has run out, not before', async () => {
    const job = await queueProbe('orphan')
    await deadRunnerHolds(job.id, 1500)
    expect(await runQueue(payload, 'default', { owner: 'runner-2', leaseMs: 60_000 })).toEqual({ ran: 0, tookOver: 0 })
    expect(readProbeLog(log).filter((l) => l.item === 'orphan')).toEqual([])
    await sleep(1600)
    expect(await runQueue(payload, 'default', { owner: 'runner-2', leaseMs: 60_000 })).toEqual({ ran: 1, tookOver: 1 })
    expect(await jobById(job.id)).toBeNull()
    expect(readProbeLog(log).filter((l) => l.item === 'orphan').map((l) => l.kind)).toEqual(['start', 'done'])
  })

  it('takes over a job marked processing without any lease only after it has been still for a lease', async () => {
    const job = await queueProbe('unleased')
    // As Payload's own runner leaves it: processing, no lease of ours.
    await payload.db.updateOne({ collection: 'payload-jobs', id: job.id, data: { processing: true }, returning: false })
    expect((await runQueue(payload, 'default', { owner: 'runner-3', leaseMs: 2000 })).ran).toBe(0)
    await sleep(2100)
    expect(await runQueue(payload, 'default', { owner: 'runner-3', leaseMs: 2000 })).toEqual({ ran: 1, tookOver: 1 })
    expect(await jobById(job.id)).toBeNull()
    expect(readProbeLog(log).filter((l) => l.item === 'unleased').map((l) => l.kind)).toEqual(['start', 'done'])
  })

  it('does not run a job before its waitUntil', async () => {
    const job = (await payload.jobs.queue({
      task: PROBE_TASK,
      input: { item: 'later', log },
      waitUntil: new Date(Date.now() + 60_000),
    } as never)) as unknown as { id: Id }
    expect((await runQueue(payload, 'default', { owner: 'runner-4', leaseMs: 60_000 })).ran).toBe(0)
    expect((await jobById(job.id))?.completedAt).toBeFalsy()
    await payload.db.deleteOne({ collection: 'payload-jobs', where: { id: { equals: job.id } } })
  })

  it('runs each of 30 jobs exactly once with two runners working the queue at the same time', async () => {
    const items = Array.from({ length: 30 }, (_, i) => `pair-${i}`)
    for (const item of items) await queueProbe(item, 5)
    const [a, b] = await Promise.all([
      runQueue(payload, 'default', { owner: 'runner-a', leaseMs: 60_000, limit: 100 }),
      runQueue(payload, 'default', { owner: 'runner-b', leaseMs: 60_000, limit: 100 }),
    ])
    expect(a.ran + b.ran).toBe(30)
    // Both took part: the test shows two runners sharing the queue, not one doing it all.
    expect(a.ran).toBeGreaterThan(0)
    expect(b.ran).toBeGreaterThan(0)
    const lines = readProbeLog(log).filter((l) => l.item.startsWith('pair-'))
    for (const kind of ['start', 'done'] as const) {
      const seen = lines.filter((l) => l.kind === kind).map((l) => l.item)
      expect(seen.sort()).toEqual([...items].sort())
    }
    const left = await payload.db.find({ collection: 'payload-jobs', limit: 0, pagination: false })
    expect(left.docs).toEqual([])
  })

  it('closes Payload\'s own HTTP run endpoint, whose claim is not atomic', async () => {
    const { rest, tokenFor } = await import('../support/http')
    const admin = await payload.create({
      collection: 'users',
      data: { email: 'jobs-admin@test.local', password: 'test-password-1', name: 'admin', role: 'admin' },
      overrideAccess: true,
    })
    const token = await tokenFor(payload, admin.email as string, 'test-password-1')
    const job = await queueProbe('via-http')
    const res = await rest('GET', 'payload-jobs/run?queue=default', { token })
    expect(res.status).toBe(401)
    expect((await jobById(job.id))?.completedAt).toBeFalsy()
    expect(readProbeLog(log).filter((l) => l.item === 'via-http')).toEqual([])
  })
})
