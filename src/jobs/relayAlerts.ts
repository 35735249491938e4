import type { Payload } from 'payload'

import { type Id, idOf, sameId } from '../access'
import { SmsChannel } from '../channels/sms'
import { t } from '../i18n/messages'
import { type LateContent, lateRelays } from '../readership/relayLate'
import { publicUrl } from '../server/env'
import { smsSettings } from '../server/smsEnv'
import { claimSlot } from '../store/claims'
import { processOwner } from '../store/leases'
import { onceInWindow } from './periodic'
import { staffMobile, textStaff } from './staffSms'

/**
 * The grid leader's alert (issue 18): a content whose buildings' heads have
 * not confirmed within relayConfirmMinutes (site settings) of publication
 * gets each leader of those grids told once: by SMS where the SMS channel is
 * configured and the leader has a mobile number (their phone, else their
 * work phone), otherwise by email. A text
 * is checked against the monthly SMS budget first (over it: by email, as
 * without SMS) and counted in the month's spend (an sms-messages row, content
 * type `relay-leaders`), as the building heads' texts are (jobs/relayTell.ts). Once
 * per content and leader, whatever the runs and processes: the alert is
 * claimed in the database (relay-alert:<type>:<id>:<leader>) before it is
 * sent, so a failed send is not repeated (it is logged). Checked every
 * minute from the scheduler's tick (jobs/scheduler.ts), the run itself
 * claimed once per minute across processes.
 */
export const RELAY_ALERTS_EVERY_MS = 60_000
/** The month's SMS spend counts leaders' alerts under this type (label: col.relay-leaders.plural). */
export const RELAY_ALERT_SMS_TYPE = 'relay-leaders'

type Leader = { id: Id; email?: string | null; name?: string | null; phone?: string | null; workPhone?: string | null; grids?: (Id | { id: Id })[] | null }
export type RelayAlertRun = { alerted: { content: string; leader: string; by: 'sms' | 'email' | 'none' }[] }

/** The leader's building list of the content (the admin view /admin/relay). */
const buildingListPath = (c: LateContent) => `/admin/relay?content=${encodeURIComponent(`${c.type}:${String(c.id)}`)}`
const scopeOf = (c: LateContent, leader: Leader) => `relay-alert:${c.type}:${String(c.id)}:${String(leader.id)}`

function mailOf(c: LateContent, leader: Leader, grids: LateContent['grids']) {
  const name = leader.name || leader.email || ''
  const link = `${publicUrl()}${buildingListPath(c)}`
  const lines = grids.flatMap((g) => g.buildings.map((b) => t('relayLeaders.alert.line', 'zh', { grid: g.name, building: b.name || b.code, head: b.head, phone: b.headPhone ?? '' }).trim()))
  const text = [t('relayLeaders.alert.intro', 'zh', { name, title: c.title, minutes: c.minutes }), '', ...lines, '', t('relayLeaders.alert.link', 'zh', { link })].join('\n')
  const esc = (s: string) => s.replace(/[&<>"]/g, (ch) => `&#${ch.charCodeAt(0)};`)
  const html = `<p>${esc(t('relayLeaders.alert.intro', 'zh', { name, title: c.title, minutes: c.minutes }))}</p><ul>${grids
    .flatMap((g) => g.buildings.map((b) => `<li>${esc(`${g.name} ${b.name || b.code}，${b.head}`)}${b.headPhone ? ` <a href="tel:${esc(b.headPhone.replace(/[^\d+]/g, ''))}">${esc(b.headPhone)}</a>` : ''}</li>`))
    .join('')}</ul><p><a href="${esc(link)}">${esc(t('relayLeaders.view.title', 'zh'))}</a></p>`
  return { subject: t('relayLeaders.alert.subject', 'zh', { title: c.title }), text, html }
}

/** Text one leader (jobs/staffSms.ts), with the urgent template and a short link to the building list; 'none' when not sent (email then). */
async function bySms(payload: Payload, sms: SmsChannel, c: LateContent, leader: Leader, phone: string, count: number, log: Payload['logger']): Promise<'sms' | 'none'> {
  const content = `${c.type}:${String(c.id)}`
  const result = await textStaff(payload, sms, {
    // Only urgent content is late (readership/relayLate.ts): never held by the quiet hours.
    urgent: true,
    // The urgent template ends in PUBLIC_URL/s/<code>: a short link of its own leads to the content's building list.
    prepare: (channel, code) => channel.prepare({ to: phone, kind: 'urgent', params: { title: c.title, detail: t('relayLeaders.alert.smsDetail', 'zh', { n: count }), code } }),
    link: { key: scopeOf(c, leader), target: buildingListPath(c) },
    count: { delivery: `relay-alert:${content}`, to: `leader:${String(leader.id)}`, contentType: RELAY_ALERT_SMS_TYPE },
  })
  if ('held' in result) return 'none' // not for an urgent text
  if (result.ok) return 'sms'
  if (result.code === 'budget') log.warn({ leader: leader.id, content, reason: result.reason }, 'relay alert not texted: the monthly SMS budget would be passed; trying email')
  else log.error({ leader: leader.id, content, kind: result.kind, code: result.code }, 'relay alert SMS not sent; trying email')
  return 'none'
}

/** Alert the leaders of grids with overdue buildings; returns who was alerted, how. */
export async function sendRelayAlerts(payload: Payload, now = new Date()): Promise<RelayAlertRun> {
  const log = payload.logger.child({ component: 'relay-alerts' })
  const late = await lateRelays(payload, null, now)
  if (!late.length) return { alerted: [] }
  const { docs } = await payload.find({
    collection: 'users',
    where: { role: { equals: 'grid-leader' } },
    limit: 0,
    pagination: false,
    depth: 0,
    overrideAccess: true,
    select: { email: true, name: true, phone: true, workPhone: true, grids: true },
  })
  const leaders = docs as unknown as Leader[]
  const settings = smsSettings()
  const sms = settings ? new SmsChannel(settings) : null
  const alerted: RelayAlertRun['alerted'] = []
  try {
    for (const c of late) {
      for (const leader of leaders) {
        const grids = c.grids.filter((g) => (leader.grids ?? []).some((x) => sameId(idOf(x), g.gridId)))
        if (!grids.length) continue
        if (!(await claimSlot(payload, { scope: scopeOf(c, leader), slot: 0, owner: processOwner }))) continue
        const count = grids.reduce((n, g) => n + g.buildings.length, 0)
        // The first of their numbers that can be texted, as a head's (a landline is never sent to the provider).
        const phone = staffMobile(leader.phone, leader.workPhone)
        let by: 'sms' | 'email' | 'none' = 'none'
        if (sms && phone) by = await bySms(payload, sms, c, leader, phone, count, log)
        if (by === 'none' && leader.email) {
          const mail = mailOf(c, leader, grids)
          await payload
            .sendEmail({ to: leader.email, subject: mail.subject, html: mail.html, text: mail.text })
            .then(() => (by = 'email'))
            .catch((err: unknown) => log.error({ err, leader: leader.id }, 'relay alert not mailed'))
        }
        alerted.push({ content: `${c.type}:${String(c.id)}`, leader: String(leader.id), by })
        log.warn({ content: `${c.type}:${String(c.id)}`, leader: leader.id, buildings: count, by }, 'buildings without their head’s confirmation; grid leader alerted')
      }
    }
  } finally {
    await sms?.close()
  }
  return { alerted }
}

/** The run every minute, claimed once per minute across processes. */
export function runRelayAlertsJob(payload: Payload, now = new Date()): Promise<RelayAlertRun | null> {
  return onceInWindow(payload, 'job:relay-alerts', Math.floor(now.getTime() / RELAY_ALERTS_EVERY_MS), () => sendRelayAlerts(payload, now))
}
