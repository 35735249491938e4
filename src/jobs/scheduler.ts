import cron, { type ScheduledTask } from 'node-cron'
import type { Payload } from 'payload'

import { deliverySettings } from '../delivery/config'
import { planFallbacks } from '../delivery/fallback'
import { runDueDeliveries } from '../delivery/pipeline'
import { env } from '../server/env'
import { streetZone } from '../templates/format'
import { runBackupJob } from './backup'
import { runFreshnessJob } from './freshness'
import { runRelayAlertsJob } from './relayAlerts'
import { runHousekeeping } from './housekeeping'
import { startLinkWatchJob } from './linkWatch'
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
export async function runDueJobs(payload: Payload, { signal }: { signal?: AbortSignal } = {}): Promise<Record<string, QueueRun>> {
  const results: Record<string, QueueRun> = {}
  for (const queue of QUEUES) {
    results[queue] = await runQueue(payload, queue, { limit: 20 })
  }
  // Deliveries are claimed from their own rows under leases (src/delivery/pipeline.ts), urgent ones first.
  results.deliveries = await runDueDeliveries(payload, { signal })
  // The channel fallback of contents whose deliveries are all finished (src/delivery/fallback.ts); what it queues runs at once.
  const fallback = await planFallbacks(payload).catch((err) => {
    payload.logger.error({ err, component: 'fallback' }, 'fallback planning failed')
    return null
  })
  results.fallback = { ran: fallback?.created ?? 0, tookOver: 0 }
  if (fallback?.created && !signal?.aborted) {
    const again = await runDueDeliveries(payload, { signal })
    results.deliveries = { ran: results.deliveries.ran + again.ran, tookOver: results.deliveries.tookOver + again.tookOver }
  }
  // The process is stopping: the rest waits for the next start (or another process).
  if (signal?.aborted) return results
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
  // The freshness watch's alert mail, once per column per lapse (jobs/freshness.ts), checked hourly.
  const freshness = await runFreshnessJob(payload).catch((err) => {
    payload.logger.error({ err, component: 'freshness' }, 'freshness watch failed')
    return null
  })
  results.freshness = { ran: freshness ? 1 : 0, tookOver: 0 }
  // Grid leaders told of buildings whose head has not confirmed a content in time, once per content and leader (jobs/relayAlerts.ts).
  const relayAlerts = await runRelayAlertsJob(payload).catch((err) => {
    payload.logger.error({ err, component: 'relay-alerts' }, 'relay alerts failed')
    return null
  })
  results.relayAlerts = { ran: relayAlerts ? 1 : 0, tookOver: 0 }
  // Published content's external links, re-checked once a street day in the background (jobs/linkWatch.ts).
  const linkWatch = await startLinkWatchJob(payload, new Date(), signal).catch((err) => {
    payload.logger.error({ err, component: 'link-watch' }, 'link watch not started')
    return false
  })
  results.linkWatch = { ran: linkWatch ? 1 : 0, tookOver: 0 }
  return results
}

let tickNow: (() => void) | null = null

/**
 * Tick soon in this process, if it runs the scheduler: a publish just queued
 * deliveries, and the first message should not wait for the next cron tick.
 * A tick already running goes round once more when it is done; the urgent
 * lane starts at once in any case, beside a busy tick.
 */
export function runSoon(delayMs = 250) {
  const tick = tickNow
  if (tick) setTimeout(tick, delayMs).unref()
}

export type Scheduler = {
  /**
   * Stop claiming work; running deliveries finish their sends in flight and go
   * back to the queue. Resolves once the lanes are idle, or after `graceMs`
   * (true when they were idle in time).
   */
  stop: (options?: { graceMs?: number }) => Promise<boolean>
}

/**
 * Work run one flight at a time: `start(again)` begins a flight, or, while one
 * runs, asks it (when `again`) to go round once more when its round is done.
 * `flight` wraps all the rounds of a flight (its error handling, its records);
 * nothing starts once `signal` is aborted.
 */
function oneAtATime(signal: AbortSignal, round: () => Promise<unknown>, flight: (rounds: () => Promise<void>) => Promise<void>) {
  let running: Promise<void> | null = null
  let again = false
  const rounds = async () => {
    do {
      again = false
      await round()
    } while (again && !signal.aborted)
  }
  return {
    start(rerun: boolean) {
      if (signal.aborted) return
      if (running) {
        again ||= rerun
        return
      }
      running = flight(rounds).finally(() => {
        running = null
      })
    },
    /** Resolves when no flight runs. */
    idle: (): Promise<void> => running ?? Promise.resolve(),
  }
}

/**
 * node-cron is the only scheduler: every tick runs the queues. A tick that is
 * still running when the next one fires is skipped, not stacked.
 *
 * Beside the tick runs the urgent lane, with a running flag of its own: it
 * claims only urgent deliveries, so an urgent announcement starts while the
 * tick works through a bulk delivery (the tick claims urgent ones first too).
 * A nudge while the lane runs makes it look again when done, so an urgent
 * delivery queued meanwhile does not wait for the next cron tick.
 */
export function startScheduler(payload: Payload, expression = env.jobTickCron): Scheduler {
  const log = payload.logger.child({ component: 'scheduler' })
  // A retention below the documented minimum stops the start, rather than an hourly job failing quietly.
  void env.auditRetentionDays
  const stopping = new AbortController()
  const { signal } = stopping
  /** The queues: a cron tick that finds a flight running is skipped; a nudge makes it go round once more. */
  const ticks = oneAtATime(signal, () => runDueJobs(payload, { signal }), async (flight) => {
    try {
      await flight()
      schedulerState.lastError = null
    } catch (err) {
      schedulerState.lastError = err instanceof Error ? err.message : String(err)
      log.error({ err }, 'job runner tick failed')
    } finally {
      schedulerState.lastTickAt = new Date()
      schedulerState.ticks++
    }
  })
  /** The urgent lane: any call while it runs makes it look again when done. */
  const urgent = oneAtATime(signal, () => runDueDeliveries(payload, { lane: 'urgent', signal }), async (flight) => {
    try {
      await flight()
    } catch (err) {
      log.error({ err }, 'urgent delivery lane failed')
    }
  })
  const task: ScheduledTask = cron.schedule(
    expression,
    () => {
      urgent.start(true)
      ticks.start(false)
    },
    { timezone: streetZone(), name: 'job-runner' },
  )
  tickNow = () => {
    urgent.start(true)
    ticks.start(true)
  }
  // Hooks (also in Next's copy of the modules) reach runSoon through the registry: jobs/nudge.ts.
  registerRunSoon(runSoon)
  log.info({ expression }, 'scheduler started')
  return {
    stop: async ({ graceMs = deliverySettings().stopGraceMs } = {}) => {
      tickNow = null
      registerRunSoon(undefined)
      await task.stop()
      stopping.abort()
      const idle = Promise.all([ticks.idle(), urgent.idle()]).then(() => true)
      let timer: NodeJS.Timeout | undefined
      const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), graceMs)))
      const inTime = await Promise.race([idle, late])
      clearTimeout(timer)
      if (!inTime) log.warn({ graceMs }, 'work still running at the end of the stop grace; it resumes as after a crash')
      return inTime
    },
  }
}
