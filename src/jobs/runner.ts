import type { Payload, Where } from 'payload'

import { env } from '../server/env'
import { claimNext, processOwner, withLease } from '../store/leases'
import { reportScheduledRefusal } from './scheduledChecks'

/**
 * Runs Payload jobs one at a time, each claimed under a lease (store/leases.ts)
 * instead of by Payload's own claim, so that several processes on one
 * database never run the same job, and a job left `processing` by a process
 * that died is taken over once its lease has run out.
 */
const JOBS = 'payload-jobs'

type Job = {
  id: string | number
  processing?: boolean | null
  completedAt?: string | null
  hasError?: boolean | null
  updatedAt?: string
}

/** Lease length for a job: JOB_LEASE_SECONDS, default 5 minutes; renewed while the job runs. */
export function jobLeaseMs(): number {
  return env.jobLeaseSeconds * 1000
}

/** Payload's own notion of a runnable job (see payload/dist/queues/operations/runJobs). */
function runnable(queue: string, now: Date): Where {
  return {
    and: [
      { completedAt: { exists: false } },
      { hasError: { not_equals: true } },
      { queue: { equals: queue } },
      { or: [{ waitUntil: { exists: false } }, { waitUntil: { less_than: now.toISOString() } }] },
    ],
  }
}

export type QueueRun = { ran: number; tookOver: number }

/** Run up to `limit` due jobs of one queue, one after the other. */
export async function runQueue(
  payload: Payload,
  queue: string,
  { limit = 20, owner = processOwner, leaseMs = jobLeaseMs() }: { limit?: number; owner?: string; leaseMs?: number } = {},
): Promise<QueueRun> {
  const log = payload.logger.child({ component: 'jobs', queue })
  const result: QueueRun = { ran: 0, tookOver: 0 }
  while (result.ran < limit) {
    const claimed = await claimNext<Job>(payload, {
      collection: JOBS,
      where: runnable(queue, new Date()),
      sort: 'createdAt',
      owner,
      leaseMs,
      accept: (job, newest, now) => {
        if (!job.processing) return true
        // Marked processing, and no live lease: its runner died (lease ran out),
        // or something ran it outside our leases and has not touched it for a lease's length.
        return !!newest || now.getTime() - new Date(job.updatedAt ?? 0).getTime() > leaseMs
      },
    })
    if (!claimed) break
    const { lease, item: job } = claimed
    if (job.processing) {
      result.tookOver++
      log.warn({ job: job.id, owner }, 'taking over a job whose runner stopped')
    }
    await withLease(
      payload,
      lease,
      leaseMs,
      () => payload.jobs.runByID({ id: job.id, overrideAccess: true }),
      async () => {
        // Finished for good (done, or failed with no retries left): its lease history can go.
        const after = await payload.db.findOne<Job>({ collection: JOBS, where: { id: { equals: job.id } } })
        return !after || !!after.completedAt || !!after.hasError
      },
    )
    // A scheduled publication the pre-publish checks refused: its scheduler learns why by mail.
    await reportScheduledRefusal(payload, job.id).catch((err) => log.error({ err, job: job.id }, 'could not report a refused scheduled publication'))
    result.ran++
  }
  return result
}
