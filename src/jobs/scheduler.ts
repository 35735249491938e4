import cron, { type ScheduledTask } from 'node-cron'
import type { Payload } from 'payload'

import { runDueDeliveries } from '../delivery/pipeline'
import { env } from '../server/env'
import { streetZone } from '../templates/format'
import { runBackupJob } from './backup'
import { runHousekeeping } from './housekeeping'
import { runReadershipJobs } from './readership'
import { runQueue, type QueueRun } from './runner'
import { pollWechatPublishStatus } from './wechat'
import { registerRunSoon } from './nudge'

/** Queues of Payload's job runner; `default` holds scheduled publishing. */
export const QUEUES = ['default'] as const

export type SchedulerState = { lastTickAt: Date | null; lastError: string | null; ticks: number }
export const schedulerState: SchedulerState = { lastTickAt: null, lastError: null, ticks: 0 }

/**
 * Run whatever is due on every queue once, each job claimed under a lease
 * (runner.ts), so any number of worker processes can tick at once. Also what
 * tests call to stand in for a tick.
 */
export async function runDueJobs(payload: Payload): Promise<Record<string, QueueRun>> {
  const results: Record<string, QueueRun> = {}
  for (const queue of QUEUES) {
    results[queue] = await runQueue(payload, queue, { limit: 20 })
  }
  // Deliveries are claimed from their own rows under leases (src/delivery/pipeline.ts).
  results.deliveries = await runDueDeliveries(payload)
  // Readership rollup, retention and WeChat figures (src/jobs/readership.ts), each claimed per time window.
  results.readership = await runReadershipJobs(payload).catch((err) => {
    payload.logger.error({ err, component: 'readership' }, 'readership jobs failed')
    return { ran: 0, tookOver: 0 }
  })
  // Poll WeChat publish (and mass-send) status of the deliveries waiting for it.
  results.wechat = await pollWechatPublishStatus(payload)
  // Old leases and unconfirmed subscription requests, once an hour across all processes.
  const housekeeping = await runHousekeeping(payload).catch((err) => {
    payload.logger.error({ err, component: 'housekeeping' }, 'housekeeping failed')
    return null
  })
  results.housekeeping = { ran: housekeeping ? 1 : 0, tookOver: 0 }
  // The daily backup of the embedded database and images (jobs/backup.ts); it logs its own failure.
  const backup = await runBackupJob(payload).catch(() => null)
  results.backup = { ran: backup ? 1 : 0, tookOver: 0 }
  return results
}

let tickNow: (() => void) | null = null

/**
 * Tick soon in this process, if it runs the scheduler: a publish just queued
 * deliveries, and the first message should not wait for the next cron tick.
 * A tick already running skips this one; the next cron tick still comes.
 */
export function runSoon(delayMs = 250) {
  const tick = tickNow
  if (tick) setTimeout(tick, delayMs).unref()
}

/**
 * node-cron is the only scheduler: every tick runs the queues. A tick that is
 * still running when the next one fires is skipped, not stacked.
 */
export function startScheduler(payload: Payload, expression = env.jobTickCron) {
  const log = payload.logger.child({ component: 'scheduler' })
  // A retention below the documented minimum stops the start, rather than an hourly job failing quietly.
  void env.auditRetentionDays
  let running = false
  const tick = async () => {
    if (running) return
    running = true
    try {
      await runDueJobs(payload)
      schedulerState.lastError = null
    } catch (err) {
      schedulerState.lastError = err instanceof Error ? err.message : String(err)
      log.error({ err }, 'job runner tick failed')
    } finally {
      schedulerState.lastTickAt = new Date()
      schedulerState.ticks++
      running = false
    }
  }
  const task: ScheduledTask = cron.schedule(expression, tick, { timezone: streetZone(), name: 'job-runner' })
  tickNow = () => void tick()
  // Hooks (also in Next's copy of the modules) reach runSoon through the registry: jobs/nudge.ts.
  registerRunSoon(runSoon)
  log.info({ expression }, 'scheduler started')
  return {
    stop: () => {
      tickNow = null
      registerRunSoon(undefined)
      return task.stop()
    },
  }
}
