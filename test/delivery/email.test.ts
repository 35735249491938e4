import type { Payload } from 'payload'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'

import type { SubscriberDoc } from '../../src/collections/Subscribers'
import { closeDeliveryChannels } from '../../src/delivery/channels'
import { runDueJobs, startScheduler } from '../../src/jobs/scheduler'
import { readerKey, verifyTrack } from '../../src/readership/tokens'
import { findByRef, resolveToken, unsubscribe } from '../../src/subscribers/service'
import { smallStreet } from '../support/fixtures'
import { testPayload } from '../support/payload'
import { startSmtpServer, type ReceivedMail, type SmtpTestServer } from '../support/smtp-server'
import { headerOf, hrefsIn, linksIn } from '../subscribe/support'
import { addSubscribers, deliveriesOf, deliveryById, drain, publishIssue, richBody } from './support'

/** Email deliveries against a real SMTP server, messages parsed back. */
let payload: Payload
let street: Awaited<ReturnType<typeof smallStreet>>
let smtp: SmtpTestServer
let seq = 0

const emailDelivery = async (collection: string, id: string | number) => (await deliveriesOf(payload, collection, id)).find((d) => d.channel === 'email')!
const tokenOf = (url: string) => decodeURIComponent(new URL(url).pathname.split('/').pop()!)

beforeAll(async () => {
  payload = await testPayload()
  street = await smallStreet(payload)
  await payload.updateGlobal({ slug: 'site-settings', data: { streetName: '徐碧街道', periodicalName: '聚焦徐碧', hotline: '0831-1234567' } as never, overrideAccess: true })
  smtp = await startSmtpServer()
  Object.assign(process.env, {
    SMTP_URL: smtp.url,
    MAIL_FROM: '聚焦徐碧 <news@street.test>',
    DELIVERY_BATCH_SIZE: '3',
    DELIVERY_CONCURRENCY: '2',
    DELIVERY_RETRY_BASE_MS: '20',
    DELIVERY_RETRY_MAX_MS: '500',
    DELIVERY_MAX_ATTEMPTS: '3',
    DELIVERY_ERROR_BUDGET: '50',
  })
})

beforeEach(async () => {
  smtp.reset()
  // Each test its own recipients: earlier ones leave the street.
  await payload.db.updateMany({ collection: 'subscribers', where: { status: { equals: 'active' } }, data: { status: 'unsubscribed' } })
  seq++
})

afterAll(async () => {
  await closeDeliveryChannels()
  await smtp?.close()
  await payload?.destroy()
})

describe('email delivery', () => {
  it('sends one issue to every recipient once: both parts, inline CSS, absolute links, per-recipient links and RFC 8058 headers', async () => {
    const people = await addSubscribers(payload, 7, { grid: street.gridA1.id, prefix: `t${seq}-` })
    const issue = await publishIssue(payload, '第十二期：社区食堂开张')
    // One scheduler tick runs it (what node-cron calls).
    const tick = await runDueJobs(payload)
    expect(tick.deliveries.ran).toBe(1)
    expect(smtp.messages).toHaveLength(7)
    expect(new Set(smtp.messages.map((m) => m.envelope.to[0]))).toEqual(new Set(people.map((p) => p.email)))

    const byRef = new Map<string, ReceivedMail>()
    for (const mail of smtp.messages) {
      const m = mail.parsed!
      expect(m.subject).toBe('第十二期：社区食堂开张')
      expect(m.text).toContain('甲一网格的居民朋友，您好')
      expect(m.text).toContain('第一篇：社区食堂开张')
      expect(m.html).toContain('社区食堂今天开张')
      expect(m.html).toContain('<p style="margin:0 0 14px;line-height:1.8;font-size:16px">')
      expect(m.html).not.toMatch(/<style/)
      // The page link carries this recipient's signed read token: email, their grid, their per-content reader key.
      const page = hrefsIn(mail).find((h) => h.startsWith(`http://127.0.0.1:3000/issues/${issue.number}?r=`))!
      const read = verifyTrack(new URL(page).searchParams.get('r'), 'read')
      const ref = people.find((p) => p.email === mail.envelope.to[0])!.ref
      expect(read).toEqual({ ok: true, token: { channel: 'email', contentType: 'issues', contentId: String(issue.id), grid: String(street.gridA1.id), reader: readerKey('issues', String(issue.id), ref) } })
      expect(m.html).toMatch(/<img src="http:\/\/127\.0\.0\.1:3000\/t\/o\/[A-Za-z0-9_.-]+\.gif" width="1" height="1"/)
      const unsub = headerOf(mail, 'List-Unsubscribe')!
      expect(unsub).toMatch(/^<http:\/\/127\.0\.0\.1:3000\/subscribe\/unsubscribe\/[^>]+>$/)
      expect(headerOf(mail, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click')
      const unsubUrl = unsub.slice(1, -1)
      expect(linksIn(mail)).toContain(unsubUrl)
      expect(hrefsIn(mail)).toContain(unsubUrl)
      // The link names this recipient, signed: it resolves to the subscriber the mail went to.
      const resolved = await resolveToken(payload, tokenOf(unsubUrl), 'unsub')
      expect(resolved.ok && resolved.subscriber.email).toBe(mail.envelope.to[0])
      const prefs = hrefsIn(mail).find((h) => h.includes('/subscribe/preferences'))!
      const p = await resolveToken(payload, new URL(prefs).searchParams.get('t'), 'prefs')
      expect(p.ok && p.subscriber.email).toBe(mail.envelope.to[0])
      byRef.set(unsubUrl, mail)
    }
    expect(byRef.size).toBe(7)
    const d = await emailDelivery('issues', issue.id)
    expect(d).toMatchObject({ status: 'done', total: 7, submitted: 7, failed: 0, gone: 0, inFlightLimit: 2, maxDuplicates: 0, resumes: 0 })
    expect((d as unknown as { progress: string }).progress).toBe('已提交 7 / 7，失败 0，失效 0')
    // Nothing more on a later tick.
    await drain(payload)
    expect(smtp.messages).toHaveLength(7)
  })

  it('an unsubscribe takes effect before the next batch', async () => {
    const people = await addSubscribers(payload, 6, { grid: street.gridA1.id, prefix: `t${seq}-` })
    // The last recipient leaves right after the first batch (3) was sent, before the second is read:
    // the adapter's find is wrapped only to run the resident's unsubscribe at exactly that moment.
    const leaving = (await findByRef(payload, people[5].ref)) as SubscriberDoc
    const find = payload.db.find
    let left = false
    payload.db.find = async function (this: unknown, args: Parameters<typeof find>[0]) {
      if (!left && args.collection === 'subscribers' && JSON.stringify(args.where).includes('greater_than')) {
        left = true
        expect(smtp.messages).toHaveLength(3)
        await unsubscribe(payload, leaving, 'link')
      }
      return find.call(this, args)
    } as typeof find
    const issue = await publishIssue(payload, '退订生效')
    try {
      await drain(payload)
    } finally {
      payload.db.find = find
    }
    expect(left).toBe(true)
    expect(smtp.messages.map((m) => m.envelope.to[0]).sort()).toEqual(people.slice(0, 5).map((p) => p.email))
    expect(await emailDelivery('issues', issue.id)).toMatchObject({ status: 'done', submitted: 5, total: 6 })
  })

  it('SMTP faults: 550 suppresses the address; 451 and a dropped connection are retried; a lasting 451 fails that recipient', async () => {
    const people = await addSubscribers(payload, 6, { grid: street.gridA1.id, prefix: `t${seq}-` })
    smtp.failRecipient(people[0].email, 550, 'No such user')
    smtp.failRecipient(people[1].email, 451, 'Try again later')
    smtp.failNext(1, 421, 'rcpt', 'Closing')
    smtp.dropNext(1, 'data')
    const issue = await publishIssue(payload, '故障')
    await drain(payload)
    const got = smtp.messages.map((m) => m.envelope.to[0]).sort()
    expect(got).toEqual(people.slice(2).map((p) => p.email))
    const d = await emailDelivery('issues', issue.id)
    expect(d).toMatchObject({ status: 'partial', submitted: 4, gone: 1, failed: 1 })
    expect(d.lastErrors!.map((e) => e.message).join(' ')).toContain('已多次重试仍失败（451）')
    expect(d.lastErrors!.map((e) => e.message)).toContain('收件地址或设备已失效，已停止向其发送（550）')
    const gone = (await findByRef(payload, people[0].ref))!
    expect(gone.status).toBe('suppressed')
    expect(gone.suppressedReason).toContain('550')

    // Retry failed recipients: only the failed one is tried again.
    smtp.reset()
    await payload.update({ collection: 'deliveries', id: d.id, data: { status: 'queued' } as never, user: street.editor, overrideAccess: false })
    await drain(payload)
    expect(smtp.messages.map((m) => m.envelope.to[0])).toEqual([people[1].email])
    expect(await deliveryById(payload, d.id)).toMatchObject({ status: 'done', submitted: 5, failed: 0, gone: 1 })
  })

  it('a refused sender pauses the delivery with the reason in Chinese; resuming finishes it with no one sent twice', async () => {
    const people = await addSubscribers(payload, 4, { grid: street.gridA1.id, prefix: `t${seq}-` })
    smtp.failNext(1, 553, 'mail', 'Sender address rejected')
    const issue = await publishIssue(payload, '配置错误')
    await drain(payload)
    const d = await emailDelivery('issues', issue.id)
    expect(d.status).toBe('paused')
    // One sentence: what happened, the code once, what to do (the server's own text is in the log).
    expect(d.reason).toBe('邮件服务器拒绝了发件地址（553），已暂停，没有停发任何收件人。请检查发件地址（MAIL_FROM）设置后点击继续。')
    await payload.update({ collection: 'deliveries', id: d.id, data: { status: 'queued' } as never, user: street.editor, overrideAccess: false })
    await drain(payload)
    const to = smtp.messages.map((m) => m.envelope.to[0]).sort()
    expect(to).toEqual(people.map((p) => p.email))
    expect(await deliveryById(payload, d.id)).toMatchObject({ status: 'done', submitted: 4 })
  })

  it('a delivery that keeps failing is paused by the error budget, the reason one sentence naming the code once', async () => {
    process.env.DELIVERY_ERROR_BUDGET = '3'
    try {
      const people = await addSubscribers(payload, 8, { grid: street.gridA1.id, prefix: `t${seq}-` })
      // A greylisting server's reply repeats its code in the text, as many do.
      for (const p of people) smtp.failRecipient(p.email, 451, '451 4.7.1 Greylisted, try again later (451)')
      const issue = await publishIssue(payload, '错误预算')
      await drain(payload)
      const d = await emailDelivery('issues', issue.id)
      expect(d.status).toBe('paused')
      expect(d.reason).toBe('连续失败过多（3 次），最近一次为临时拒收（451），已暂停。')
      expect(d.failed).toBeGreaterThanOrEqual(3)
      expect(d.failed).toBeLessThan(8)
      expect(smtp.messages).toHaveLength(0)
    } finally {
      process.env.DELIVERY_ERROR_BUDGET = '50'
    }
  })

  it('never sends: a withdrawn content, an event that has ended; past the start window it waits for a go-ahead', async () => {
    const people = await addSubscribers(payload, 2, { grid: street.gridA1.id, prefix: `t${seq}-` })
    const withdrawn = await publishIssue(payload, '撤回')
    await payload.update({ collection: 'issues', id: withdrawn.id, data: { _status: 'draft' } as never, overrideAccess: true })
    const ended = await payload.create({
      collection: 'events',
      data: { title: '已结束的活动', startsAt: new Date(Date.now() - 3 * 3600_000).toISOString(), endsAt: new Date(Date.now() - 3600_000).toISOString(), location: '广场', _status: 'published' } as never,
      overrideAccess: true,
    })
    const late = await publishIssue(payload, '停机之后', { publishedAt: new Date(Date.now() - 2 * 3600_000).toISOString() })
    await drain(payload)
    expect(smtp.messages).toHaveLength(0)
    expect((await emailDelivery('issues', withdrawn.id)).status).toBe('cancelled')
    const e = await emailDelivery('events', ended.id)
    expect(e.status).toBe('cancelled')
    expect(e.reason).toContain('活动已结束')
    const l = await emailDelivery('issues', late.id)
    expect(l.status).toBe('paused')
    expect(l.reason).toContain('60 分钟内未能开始发送')
    await payload.update({ collection: 'deliveries', id: l.id, data: { status: 'queued' } as never, user: street.editor, overrideAccess: false })
    await drain(payload)
    expect(smtp.messages.map((m) => m.envelope.to[0]).sort()).toEqual(people.map((p) => p.email))
  })

  it('event and policy mails carry their own facts', async () => {
    await addSubscribers(payload, 1, { grid: street.gridA2.id, prefix: `t${seq}-` })
    const ev = await payload.create({
      collection: 'events',
      data: { title: '义诊活动', startsAt: new Date(Date.now() + 86400_000).toISOString(), location: '甲社区卫生站', organiser: '甲社区', wholeStreet: false, grids: [street.gridA2.id], body: richBody('免费测血压'), _status: 'published' } as never,
      overrideAccess: true,
    })
    await payload.create({
      collection: 'policies',
      data: { title: '高龄津贴解读', issuingBody: '区民政局', documentNumber: '民发〔2026〕3号', summary: '八十岁以上老人每月领取津贴', body: richBody('申请材料：身份证'), qa: [{ question: '去哪里申请？', answer: '社区服务站' }], _status: 'published' } as never,
      overrideAccess: true,
    })
    await drain(payload)
    expect(smtp.messages).toHaveLength(2)
    const event = smtp.messages.find((m) => m.parsed!.subject === '义诊活动')!.parsed!
    expect(event.text).toContain('地点：甲社区卫生站')
    expect(event.html).toContain('免费测血压')
    expect(event.html).toContain(`/events/${ev.id}`)
    const policy = smtp.messages.find((m) => m.parsed!.subject === '高龄津贴解读')!.parsed!
    expect(policy.html).toContain('民发〔2026〕3号')
    expect(policy.html).toContain('去哪里申请？')
  })

  it('a publish starts its deliveries at once in a process that runs the scheduler, without waiting for the cron tick', async () => {
    const people = await addSubscribers(payload, 2, { grid: street.gridA1.id, prefix: `t${seq}-` })
    // A cron expression that does not fire during the test: only the publish's nudge can run the delivery.
    const scheduler = startScheduler(payload, '0 0 0 1 1 *')
    try {
      const issue = await publishIssue(payload, '立即发送')
      await smtp.waitFor(2, 10_000)
      expect(smtp.messages.map((m) => m.envelope.to[0]).sort()).toEqual(people.map((p) => p.email))
      // Let the nudged tick finish before the scheduler stops and the database closes.
      for (let i = 0; i < 100 && (await emailDelivery('issues', issue.id)).status !== 'done'; i++) await new Promise((r) => setTimeout(r, 100))
      expect((await emailDelivery('issues', issue.id)).status).toBe('done')
    } finally {
      scheduler.stop()
    }
  })
})
