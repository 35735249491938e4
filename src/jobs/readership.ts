import type { Payload } from 'payload'

import { channelConfigured } from '../delivery/config'
import { wechatClient } from '../delivery/wechat'
import { readBuffer } from '../readership/buffer'
import { applyReadRetention, backfillBuildingRollups, ROLLUP_EVERY_MS, rollupReadership } from '../readership/rollup'
import { deleteClaims } from '../store/claims'
import { importWechatDay } from '../readership/wechatStats'
import { env } from '../server/env'
import { streetDay, streetHour } from '../templates/format'
import { daySlot, onceInWindow } from './periodic'

/**
 * Readership's periodic work, run from the scheduler's tick: the rollup every
 * few minutes, retention and the WeChat statistics import once a day. Each
 * run is claimed (slot = its time window) so that of several worker
 * processes exactly one does it; a run that fails is tried again in the next
 * window.
 */
export { ROLLUP_EVERY_MS }
/** WeChat publishes a day's figures the next morning. */
const WECHAT_IMPORT_HOUR = 9

const dayBefore = (day: string, n = 1) => {
  const d = new Date(`${day}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() - n)
  return d.toISOString().slice(0, 10)
}

const BUILDING_BACKFILL_SCOPE = 'once:building-rollup-backfill'

export type ReadershipRun = { ran: number; tookOver: number; rollup?: unknown; retention?: unknown; wechat?: unknown }

export async function runReadershipJobs(payload: Payload, now = new Date()): Promise<ReadershipRun> {
  const log = payload.logger.child({ component: 'readership' })
  const out: ReadershipRun = { ran: 0, tookOver: 0 }
  // Events this process still holds go in before figures are computed.
  await readBuffer(payload).flush()
  // Once per database, before retention deletes any more events: building rows for the days before the rollup kept buildings.
  await onceInWindow(payload, BUILDING_BACKFILL_SCOPE, 1, async () => {
    const rows = await backfillBuildingRollups(payload)
    log.info({ rows }, 'building rollup rows made for the read events kept')
  }).catch(async (err) => {
    log.error({ err }, 'building rollup backfill failed; tried again when a process starts')
    await deleteClaims(payload, BUILDING_BACKFILL_SCOPE).catch(() => {})
  })
  out.rollup = await onceInWindow(payload, 'job:read-rollup', Math.floor(now.getTime() / ROLLUP_EVERY_MS), () => rollupReadership(payload, { now }))
  out.retention = await onceInWindow(payload, 'job:read-retention', daySlot(now), async () => {
    const deleted = await applyReadRetention(payload, env.readRetentionDays, now)
    if (deleted) log.info({ deleted, days: env.readRetentionDays }, 'read events past retention deleted')
    return deleted
  })
  if (channelConfigured('wechat') && streetHour(now) >= WECHAT_IMPORT_HOUR) {
    out.wechat = await onceInWindow(payload, 'job:wechat-stats', daySlot(now), async () => {
      // Yesterday's figures, and the day before once more (WeChat may complete them late); upserts, so harmless.
      const today = streetDay(now)
      const results = []
      for (const day of [dayBefore(today, 2), dayBefore(today, 1)]) results.push(await importWechatDay(payload, wechatClient(), day))
      return results
    })
  }
  out.ran = [out.rollup, out.retention, out.wechat].filter((r) => r != null).length
  return out
}
