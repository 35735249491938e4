import type { Payload } from 'payload'

import { columnLabel, freshnessList, type FreshnessColumn } from '../content/freshness'
import { publicUrl } from '../server/env'
import { claimSlot } from '../store/claims'
import { processOwner } from '../store/leases'
import { formatDate } from '../templates/format'
import { staffFreshnessMail } from '../templates/email/freshness'
import { onceInWindow } from './periodic'

/**
 * The freshness alert (issue 16): a column (or the WeChat account) that has
 * published nothing for `freshnessAlertDays` days gets the admin and editors
 * mailed, through the staff mail, once per lapse: the lapse is claimed in the
 * database as (column, its last publication), so another run, another process
 * or a restart never mails it again, and the next publication starts a new
 * lapse. Run hourly from the scheduler (jobs/scheduler.ts).
 */
export const FRESHNESS_EVERY_MS = 3_600_000

export type FreshnessAlertRun = { alerted: string[]; recipients: number }

type Staff = { id: string | number; email?: string | null; name?: string | null; role?: string | null }

/** The lapse's claim: one per column and last publication (seconds since the epoch). */
const lapseScope = (c: FreshnessColumn) => `freshness:${c.key}`
const lapseSlot = (c: FreshnessColumn) => Math.floor(Date.parse(c.last!.at) / 1000)

/** Mail the admin and editors about the columns newly past the alert threshold; returns which were mailed about. */
export async function sendFreshnessAlerts(payload: Payload, now = new Date()): Promise<FreshnessAlertRun> {
  const log = payload.logger.child({ component: 'freshness' })
  const f = await freshnessList(payload, { now })
  const lapsed: FreshnessColumn[] = []
  for (const c of f.columns) {
    if (c.level !== 'alert' || !c.last) continue
    if (await claimSlot(payload, { scope: lapseScope(c), slot: lapseSlot(c), owner: processOwner })) lapsed.push(c)
  }
  if (!lapsed.length) return { alerted: [], recipients: 0 }

  const { docs } = await payload.find({
    collection: 'users',
    where: { role: { in: ['admin', 'editor'] } },
    limit: 0,
    pagination: false,
    depth: 0,
    overrideAccess: true,
    select: { email: true, name: true, role: true },
  })
  const staff = (docs as unknown as Staff[]).filter((u) => u.email)
  const lang = 'zh'
  const items = lapsed.map((c) => ({ column: columnLabel(c, lang), days: c.days ?? 0, last: formatDate(c.last!.at), title: c.last!.title }))
  for (const user of staff) {
    const mail = staffFreshnessMail({ lang, name: user.name || user.email!, street: '', link: `${publicUrl()}/admin/inspection`, alertDays: f.alertDays, items })
    await payload.sendEmail({ to: user.email!, subject: mail.subject, html: mail.html, text: mail.text }).catch((err: unknown) => {
      log.error({ err, user: user.id }, 'freshness alert not mailed')
    })
  }
  const alerted = lapsed.map((c) => c.key)
  log.warn({ alerted, days: lapsed.map((c) => c.days), recipients: staff.length }, 'columns without a publication past the alert threshold; admin and editors mailed')
  return { alerted, recipients: staff.length }
}

/** The hourly run, claimed once per hour across processes. */
export function runFreshnessJob(payload: Payload, now = new Date()): Promise<FreshnessAlertRun | null> {
  return onceInWindow(payload, 'job:freshness', Math.floor(now.getTime() / FRESHNESS_EVERY_MS), () => sendFreshnessAlerts(payload, now))
}
