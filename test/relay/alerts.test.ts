import { shortLinkPath } from '../../src/delivery/sms/links'
import type { Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { smsTemplateText } from '../../src/channels/sms'
import { RELAY_ALERT_SMS_TYPE, runRelayAlertsJob, sendRelayAlerts } from '../../src/jobs/relayAlerts'
import { smsSpend } from '../../src/readership/smsSpend'
import { lateRelays } from '../../src/readership/relayLate'
import { closeStaffMail, staffMailIdle } from '../../src/server/staffMailer'
import { smallStreet, type Id } from '../support/fixtures'
import { testPayload } from '../support/payload'
import { type SmsProvider, startSmsProvider } from '../support/sms-provider'
import { type SmtpTestServer, startSmtpServer } from '../support/smtp-server'
import { confirm, publishedAnnouncement, publishedIssue, type Street, withBuildings } from './support'

/**
 * The grid leader's alert with a moved clock: nothing before the minutes set
 * in site settings have passed; then each leader of a grid with overdue
 * buildings is told once per content, by email through the local SMTP
 * server, or by SMS through the provider's stand-in where SMS is configured
 * and the leader has a mobile number; never twice, even with two runs at
 * once (two worker processes).
 */
let payload: Payload
let street: Street
let smtp: SmtpTestServer
let provider: SmsProvider
const SMS_NAMES = ['SMS_ACCESS_KEY_ID', 'SMS_ACCESS_KEY_SECRET', 'SMS_SIGN_NAME', 'SMS_TEMPLATE_NOTICE', 'SMS_TEMPLATE_URGENT', 'SMS_PRICE_PER_SEGMENT', 'SMS_API_BASE']
const T0 = new Date('2026-03-02T02:00:00.000Z')
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000)
let issue: { type: string; id: Id }

beforeAll(async () => {
  for (const n of SMS_NAMES) delete process.env[n]
  smtp = await startSmtpServer()
  process.env.SMTP_URL = smtp.url
  process.env.MAIL_FROM = '街道资讯 <noreply@street.test>'
  payload = await testPayload()
  street = await smallStreet(payload)
  await withBuildings(payload, street)
  issue = { type: 'issues', id: (await publishedIssue(payload, '第一期', T0, { urgent: true })).id }
  // A1-1 relayed in time; A1-2 and A1-3 not (A1-4 has no head); B1-1 not.
  await confirm(payload, issue, street.gridA1.id, 'A1-1', { relayedAt: at(5), head: '张三' })
}, 120_000)

afterAll(async () => {
  for (const n of SMS_NAMES) delete process.env[n]
  await closeStaffMail()
  await smtp?.close()
  await provider?.close()
})

const mailsTo = (email: string) => smtp.messages.filter((m) => m.envelope.to.includes(email))

describe('urgent relay', () => {
  it('lists nothing before the set minutes, then the buildings whose head has not confirmed', async () => {
    expect(await lateRelays(payload, null, at(29))).toEqual([])
    expect((await sendRelayAlerts(payload, at(29))).alerted).toEqual([])
    // A content that is not urgent has no deadline: published as long ago, it is not listed.
    await publishedIssue(payload, '第零期（非紧急）', T0)
    const late = await lateRelays(payload, [street.gridA1.id], at(31))
    expect(late.map((c) => [c.title, c.grids.map((g) => [g.code, g.buildings.map((b) => b.code)])])).toEqual([['第一期', [['A-01', ['A1-2', 'A1-3']]]]])
  })

  it('mails each leader once per content, even with two runs at once', async () => {
    const [one, two] = await Promise.all([sendRelayAlerts(payload, at(31)), sendRelayAlerts(payload, at(31))])
    const all = [...one.alerted, ...two.alerted]
    expect(all.map((a) => [a.leader, a.by]).sort()).toEqual([
      [String(street.leaderA.id), 'email'],
      [String(street.leaderB.id), 'email'],
    ].sort())
    await staffMailIdle()
    await smtp.waitFor(2, 20_000)
    const [mail] = mailsTo('leader-a@test.local')
    expect(mail.parsed!.subject).toBe('楼栋长未确认：《第一期》')
    expect(mail.parsed!.text).toContain('甲一网格 2号楼，楼栋长 李四 13800000002')
    expect(mail.parsed!.text).toContain('甲一网格 3号楼，楼栋长 王五')
    expect(mail.parsed!.text).not.toContain('1号楼')
    expect(mail.parsed!.html).toContain('href="tel:13800000002"')
    expect(mailsTo('leader-b@test.local')[0].parsed!.text).toContain('乙1号楼，楼栋长 赵六 13800000006')
    // Later runs, and the job's own minute claim, send nothing more.
    expect((await sendRelayAlerts(payload, at(45))).alerted).toEqual([])
    await staffMailIdle()
    expect(smtp.messages).toHaveLength(2)
  })

  it('the job runs once a minute across processes', async () => {
    const first = await runRelayAlertsJob(payload, at(50))
    expect(first).toEqual({ alerted: [] })
    expect(await runRelayAlertsJob(payload, at(50))).toBeNull()
  })

  it('texts the leader where SMS is configured and the leader has a mobile number; email otherwise', async () => {
    provider = await startSmsProvider({ signNames: ['徐碧街道'], templates: [] })
    Object.assign(process.env, {
      SMS_ACCESS_KEY_ID: provider.accessKeyId,
      SMS_ACCESS_KEY_SECRET: provider.accessKeySecret,
      SMS_SIGN_NAME: '徐碧街道',
      SMS_TEMPLATE_NOTICE: 'SMS_465000001',
      SMS_TEMPLATE_URGENT: 'SMS_465000002',
      SMS_PRICE_PER_SEGMENT: '0.045',
      SMS_API_BASE: provider.url,
    })
    const linkBase = `${process.env.PUBLIC_URL}/s/`
    provider.addTemplate({ code: 'SMS_465000001', text: smsTemplateText('notice', linkBase) })
    provider.addTemplate({ code: 'SMS_465000002', text: smsTemplateText('urgent', linkBase) })
    await payload.update({ collection: 'users', id: street.leaderA.id, data: { phone: '138 0000 0000' } as never, overrideAccess: true })
    const notice = { type: 'announcements', id: (await publishedAnnouncement(payload, '甲一网格停水通知', street.gridA1.id, at(60), { urgent: true })).id }
    const before = smtp.messages.length
    const run = await sendRelayAlerts(payload, at(95))
    expect(run.alerted).toEqual([{ content: `announcements:${notice.id}`, leader: String(street.leaderA.id), by: 'sms' }])
    expect(provider.accepted).toHaveLength(1)
    expect(provider.accepted[0]).toMatchObject({ phone: '13800000000', templateCode: 'SMS_465000002' })
    expect(provider.accepted[0].content).toContain('紧急通知：甲一网格停水通知。3栋未确认。详见')
    // The text's short link leads to the content's building list.
    const code = provider.accepted[0].params.code
    expect(provider.accepted[0].content).toContain(`${linkBase}${code}`)
    expect(await shortLinkPath(payload, code)).toBe(`/admin/relay?content=${encodeURIComponent(`announcements:${notice.id}`)}`)
    expect((await sendRelayAlerts(payload, at(120))).alerted).toEqual([])
    expect(provider.accepted).toHaveLength(1)
    await staffMailIdle()
    expect(smtp.messages.length).toBe(before)
  })

  it('counts the text in the month\'s spend under its own type, and emails instead when the budget would be passed', async () => {
    // The text of the test before: one sms-messages row of the leaders' type, in the month's spend.
    const { docs } = await payload.find({ collection: 'sms-messages', where: { contentType: { equals: RELAY_ALERT_SMS_TYPE } }, overrideAccess: true, depth: 0 })
    expect(docs).toHaveLength(1)
    expect(docs[0]).toMatchObject({ subscriber: `leader:${String(street.leaderA.id)}`, bizId: provider.accepted[0].bizId })
    const spend = await smsSpend(payload)
    const row = spend.byType.find((r) => r.contentType === RELAY_ALERT_SMS_TYPE)
    expect(row).toMatchObject({ label: '网格长提醒', messages: 1, segments: docs[0].segments })
    expect(row!.segments).toBeGreaterThan(0)

    // A cap already reached: the next alert is mailed, nothing texted or counted.
    await payload.updateGlobal({ slug: 'site-settings', data: { smsBudget: { monthlyYuan: spend.cost } } as never, overrideAccess: true })
    try {
      const notice = { type: 'announcements', id: (await publishedAnnouncement(payload, '甲一网格停电通知', street.gridA1.id, at(130), { urgent: true })).id }
      const before = smtp.messages.length
      const run = await sendRelayAlerts(payload, at(165))
      expect(run.alerted).toEqual([{ content: `announcements:${notice.id}`, leader: String(street.leaderA.id), by: 'email' }])
      expect(provider.accepted).toHaveLength(1)
      await staffMailIdle()
      await smtp.waitFor(before + 1, 20_000)
      expect(mailsTo('leader-a@test.local').at(-1)!.parsed!.subject).toBe('楼栋长未确认：《甲一网格停电通知》')
      expect((await smsSpend(payload)).byType.find((r) => r.contentType === RELAY_ALERT_SMS_TYPE)).toMatchObject({ messages: 1 })
    } finally {
      await payload.updateGlobal({ slug: 'site-settings', data: { smsBudget: { monthlyYuan: null } } as never, overrideAccess: true })
    }
  })

  it('texts a leader whose own phone is a landline at their work phone when that is a mobile number', async () => {
    // The heads' texts take only a mobile number too (jobs/staffSms.ts, staffMobile): a landline is never sent to the provider.
    await payload.update({ collection: 'users', id: street.leaderB.id, data: { phone: '0598-8955018', workPhone: '138 0000 0009' } as never, overrideAccess: true })
    const notice = { type: 'announcements', id: (await publishedAnnouncement(payload, '乙一网格停气通知', street.gridB1.id, at(200), { urgent: true })).id }
    const texts = provider.accepted.length
    const run = await sendRelayAlerts(payload, at(235))
    expect(run.alerted).toEqual([{ content: `announcements:${notice.id}`, leader: String(street.leaderB.id), by: 'sms' }])
    expect(provider.accepted).toHaveLength(texts + 1)
    expect(provider.accepted.at(-1)).toMatchObject({ phone: '13800000009', templateCode: 'SMS_465000002' })
    expect(provider.accepted.at(-1)!.content).toContain('紧急通知：乙一网格停气通知。1栋未确认。详见')
  })
})
