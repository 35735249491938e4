import type { Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { freshnessList, overdue } from '../../src/content/freshness'
import { runFreshnessJob, sendFreshnessAlerts } from '../../src/jobs/freshness'
import { closeStaffMail, staffMailIdle } from '../../src/server/staffMailer'
import { smallStreet } from '../support/fixtures'
import { testPayload } from '../support/payload'
import { type SmtpTestServer, startSmtpServer } from '../support/smtp-server'
import { DAY, publishedAt, wechatArticle } from './support'

/**
 * The freshness watch (issue 16) with a moved clock: days since the last
 * publication per column and for the WeChat account (published-only and
 * mass-sent articles apart), the warning from `freshnessWarnDays`, and the
 * alert mail from `freshnessAlertDays` to the admin and editors, once per
 * column per lapse, whatever the number of runs.
 */
let payload: Payload
let street: Awaited<ReturnType<typeof smallStreet>>
let smtp: SmtpTestServer
// A fixed start, well in the past, so "now" is ours to move.
const T0 = new Date('2026-03-02T02:00:00.000Z')
const at = (days: number, hours = 0) => new Date(T0.getTime() + days * DAY + hours * 3_600_000)

beforeAll(async () => {
  smtp = await startSmtpServer()
  process.env.SMTP_URL = smtp.url
  process.env.MAIL_FROM = '街道资讯 <noreply@street.test>'
  payload = await testPayload()
  street = await smallStreet(payload)
  await publishedAt(payload, 'issues', '第一期', at(0))
  await publishedAt(payload, 'events', '重阳节活动', at(-3))
  await publishedAt(payload, 'policies', '医保新规解读', at(0, 1))
  const notice = await publishedAt(payload, 'announcements', '楼道清理', at(-1), street.gridA1.id)
  // Older publications of the same columns do not count: the newest does.
  await publishedAt(payload, 'issues', '试刊', at(-30))
  const e = await publishedAt(payload, 'events', '社区义诊', at(-2))
  await wechatArticle(payload, notice, 'announcements', '仅发布的文章', at(-1))
  await wechatArticle(payload, e, 'events', '群发的文章', at(-5), at(-2))
}, 120_000)

afterAll(async () => {
  await closeStaffMail()
  await smtp?.close()
})

const col = (f: Awaited<ReturnType<typeof freshnessList>>, key: string) => f.columns.find((c) => c.key === key)!

async function mailsSettled(count: number) {
  await staffMailIdle()
  if (count) await smtp.waitFor(count, 20_000)
}

describe('freshness watch', () => {
  it('counts whole days since the newest publication of each column, WeChat articles apart', async () => {
    const f = await freshnessList(payload, { now: at(5) })
    expect([f.warnDays, f.alertDays]).toEqual([10, 14])
    expect(col(f, 'issues')).toMatchObject({ days: 5, level: 'ok', last: { title: '第一期' } })
    expect(col(f, 'events')).toMatchObject({ days: 7, level: 'ok', last: { title: '社区义诊' } })
    expect(col(f, 'policies')).toMatchObject({ days: 4, level: 'ok' })
    expect(col(f, `announcements:${street.gridA1.id}`)).toMatchObject({ days: 6, level: 'ok', grid: { code: 'A-01' } })
    // A grid that never published has no lapse to count.
    expect(col(f, `announcements:${street.gridB1.id}`)).toMatchObject({ days: null, level: 'none', last: null })
    const wechat = col(f, 'wechat')
    expect(wechat).toMatchObject({ days: 6, level: 'ok' })
    expect(wechat.wechat?.publishOnly?.title).toBe('仅发布的文章')
    expect(wechat.wechat?.massSent?.title).toBe('群发的文章')
    expect(wechat.wechat?.massSent?.at).toBe(at(-2).toISOString())
    // Content published after "now" is not yet counted (the clock is ours).
    expect(overdue(f)).toEqual([])
  })

  it('warns from the warning threshold, alerts from the alert one, both from site settings', async () => {
    const f = await freshnessList(payload, { now: at(11) })
    expect(col(f, 'issues').level).toBe('warn')
    expect(col(f, 'events')).toMatchObject({ days: 13, level: 'warn' })
    expect(col(f, 'wechat')).toMatchObject({ days: 12, level: 'warn' })
    expect(col(f, 'policies')).toMatchObject({ days: 10, level: 'warn' })
    expect(col(f, `announcements:${street.gridA1.id}`)).toMatchObject({ days: 12, level: 'warn' })

    await payload.updateGlobal({ slug: 'site-settings', data: { freshnessWarnDays: 3, freshnessAlertDays: 5 } as never, overrideAccess: true })
    try {
      const g = await freshnessList(payload, { now: at(4) })
      expect([g.warnDays, g.alertDays]).toEqual([3, 5])
      expect(col(g, 'issues').level).toBe('warn')
      expect(col(g, 'events').level).toBe('alert')
      // Most overdue first.
      expect(overdue(g)[0].key).toBe('events')
    } finally {
      await payload.updateGlobal({ slug: 'site-settings', data: { freshnessWarnDays: 10, freshnessAlertDays: 14 } as never, overrideAccess: true })
    }
  })

  it('the warning lists the overdue columns and nothing when every column is fresh', async () => {
    const { renderToStaticMarkup } = await import('react-dom/server')
    const { FreshnessWarning } = await import('../../src/components/FreshnessWarning')
    const html = renderToStaticMarkup(FreshnessWarning({ freshness: await freshnessList(payload, { now: at(11) }), lang: 'zh' })!)
    expect(html).toContain('更新提醒')
    expect(html).toContain('期刊：11 天未更新（上次：')
    expect(html).toContain('网格公告 · A-01 甲一网格：12 天未更新')
    expect(html).not.toContain('B-01')
    expect(FreshnessWarning({ freshness: await freshnessList(payload, { now: at(5) }), lang: 'zh' })).toBeNull()
  })

  it('mails the admin and editors once per column per lapse, and again after a new publication lapses', async () => {
    // Below the alert threshold: nothing.
    expect(await sendFreshnessAlerts(payload, at(11))).toEqual({ alerted: [], recipients: 0 })
    const first = await sendFreshnessAlerts(payload, at(14, 2))
    // issues 14, events 16, policies 14 (published an hour later), wechat 15, grid A-01 15.
    expect(first.alerted.sort()).toEqual(['events', 'issues', 'policies', 'wechat', `announcements:${street.gridA1.id}`].sort())
    expect(first.recipients).toBe(2)
    await mailsSettled(2)
    expect(smtp.messages.map((m) => m.envelope.to[0]).sort()).toEqual([street.admin.email, street.editor.email].sort())
    const mail = smtp.messages[0].parsed!
    expect(mail.subject).toBe('更新提醒：5 个栏目已 14 天以上没有发布')
    expect(mail.text).toContain('· 期刊：14 天未更新（上次：')
    expect(mail.text).toContain('《第一期》')
    expect(mail.text).toContain('· 微信公众号：15 天未更新')
    expect(mail.text).toContain('/admin/inspection')

    // Later runs in the same lapse, a day later, and the hourly job: no second mail.
    expect((await sendFreshnessAlerts(payload, at(14, 3))).alerted).toEqual([])
    expect((await sendFreshnessAlerts(payload, at(20))).alerted).toEqual([])
    expect((await runFreshnessJob(payload, at(21)))?.alerted).toEqual([])
    await mailsSettled(0)
    expect(smtp.messages).toHaveLength(2)

    // A new issue ends that lapse; when it lapses in turn, one more mail, about issues only.
    await publishedAt(payload, 'issues', '第二期', at(22))
    expect((await sendFreshnessAlerts(payload, at(30))).alerted).toEqual([])
    const again = await runFreshnessJob(payload, at(36, 1))
    expect(again?.alerted).toEqual(['issues'])
    await mailsSettled(4)
    expect(smtp.messages).toHaveLength(4)
    expect(smtp.messages[3].parsed!.subject).toBe('更新提醒：1 个栏目已 14 天以上没有发布')
    expect(smtp.messages[3].parsed!.text).toContain('《第二期》')
    // The hourly job runs once per hour window.
    expect(await runFreshnessJob(payload, at(36, 1))).toBeNull()
  })

  it('runs from the job runner’s tick, and mails nothing for lapses already mailed', async () => {
    const { runDueJobs } = await import('../../src/jobs/scheduler')
    const before = smtp.messages.length
    const ticked = await runDueJobs(payload)
    expect(ticked.freshness).toEqual({ ran: 1, tookOver: 0 })
    await mailsSettled(0)
    expect(smtp.messages).toHaveLength(before)
  })
})
