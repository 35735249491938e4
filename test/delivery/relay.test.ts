import type { Payload } from 'payload'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'

import type { DeliveryDoc } from '../../src/collections/Deliveries'
import type { SubscriberDoc } from '../../src/collections/Subscribers'
import { closeDeliveryChannels } from '../../src/delivery/channels'
import { PASSWORD, smallStreet, type Id } from '../support/fixtures'
import { rest, tokenFor } from '../support/http'
import { testPayload } from '../support/payload'
import { startSmtpServer, type SmtpTestServer } from '../support/smtp-server'
import { addSubscribers, deliveriesOf, deliveryById, drain, publishIssue } from './support'

/**
 * A refused relay is not a refused resident (issue 13): SMTP refusals of the
 * whole sending pause the delivery and suppress nobody; only a reply that
 * names one mailbox suppresses it; the same reply for many in a row is undone
 * by the pipeline; an admin restores one delivery's suppressions by code.
 * Against a real SMTP server.
 */
let payload: Payload
let street: Awaited<ReturnType<typeof smallStreet>>
let smtp: SmtpTestServer
let seq = 0
const tokens: Record<'admin' | 'editor' | 'leader', string> = { admin: '', editor: '', leader: '' }

const emailDelivery = async (id: Id) => (await deliveriesOf(payload, 'issues', id)).find((d) => d.channel === 'email')!
const resume = (d: DeliveryDoc) => payload.update({ collection: 'deliveries', id: d.id, data: { status: 'queued' } as never, user: street.editor, overrideAccess: false })
const subscribersOf = async (people: { id: Id }[]) =>
  (await payload.find({ collection: 'subscribers', where: { id: { in: people.map((p) => p.id) } }, limit: 0, overrideAccess: true, sort: 'id' })).docs as unknown as SubscriberDoc[]
const suppressedBy = async (d: DeliveryDoc) =>
  (await payload.count({ collection: 'subscribers', where: { suppressedBy: { equals: String(d.id) } }, overrideAccess: true })).totalDocs
const goneReceipts = async (d: DeliveryDoc) =>
  (await payload.db.count({ collection: 'delivery-receipts', where: { and: [{ delivery: { equals: String(d.id) } }, { status: { equals: 'gone' } }] } })).totalDocs
/** How many messages each address got so far. */
const received = () => {
  const n = new Map<string, number>()
  for (const m of smtp.messages) n.set(m.envelope.to[0], (n.get(m.envelope.to[0]) ?? 0) + 1)
  return n
}

beforeAll(async () => {
  payload = await testPayload()
  street = await smallStreet(payload)
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
  tokens.admin = await tokenFor(payload, street.admin.email, PASSWORD)
  tokens.editor = await tokenFor(payload, street.editor.email, PASSWORD)
  tokens.leader = await tokenFor(payload, street.leaderA.email, PASSWORD)
})

beforeEach(async () => {
  smtp.reset()
  // Each test its own recipients: earlier ones leave the street.
  await payload.db.updateMany({ collection: 'subscribers', where: { status: { in: ['active', 'suppressed'] } }, data: { status: 'unsubscribed' } })
  seq++
})

afterAll(async () => {
  await closeDeliveryChannels()
  await smtp?.close()
  await payload?.destroy()
})

describe('SMTP refusals of the whole sending pause the delivery and suppress nobody', () => {
  it('a relay that refuses every recipient with 550 5.7.1: paused with the plain reason; a resume after the fix reaches everyone once', async () => {
    const people = await addSubscribers(payload, 5, { grid: street.gridA1.id, prefix: `relay${seq}-` })
    for (const p of people) smtp.failRecipient(p.email, 550, `5.7.1 <${p.email}>: Relay access denied`)
    const issue = await publishIssue(payload, '转发被拒')
    await drain(payload)
    const d = await emailDelivery(issue.id)
    expect(d).toMatchObject({ status: 'paused', gone: 0, submitted: 0 })
    expect(d.reason).toBe('邮件服务器拒绝转发本次邮件（550），已暂停，没有停发任何收件人。请联系邮件服务商确认发信权限后点击继续。')
    expect(await suppressedBy(d)).toBe(0)
    expect((await subscribersOf(people)).map((s) => s.status)).toEqual(people.map(() => 'active'))
    expect(d.lastErrors!.map((e) => e.message)).toContain('邮件服务器拒绝了这次发送，没有停发任何收件人（550）')

    smtp.reset()
    await resume(d)
    await drain(payload)
    expect([...received()].sort()).toEqual(people.map((p) => [p.email, 1]))
    expect(await deliveryById(payload, d.id)).toMatchObject({ status: 'done', submitted: 5, gone: 0 })
  })

  it('554 after DATA (a content filter): paused with the plain reason, nobody suppressed', async () => {
    const people = await addSubscribers(payload, 4, { grid: street.gridA1.id, prefix: `data${seq}-` })
    smtp.failNext(100, 554, 'data', 'Transaction failed: message content rejected')
    const issue = await publishIssue(payload, '内容被拒')
    await drain(payload)
    const d = await emailDelivery(issue.id)
    expect(d).toMatchObject({ status: 'paused', gone: 0, submitted: 0 })
    expect(d.reason).toBe('邮件服务器拒收了这封邮件的内容（554），已暂停，没有停发任何收件人。请检查内容或联系邮件服务商后点击继续。')
    expect(await suppressedBy(d)).toBe(0)
    expect(await goneReceipts(d)).toBe(0)
    expect((await subscribersOf(people)).every((s) => s.status === 'active' && !s.suppressedReason)).toBe(true)
    expect(smtp.messages).toHaveLength(0)
  })

  it('a 5xx at MAIL FROM: paused with the plain reason, nobody suppressed', async () => {
    const people = await addSubscribers(payload, 4, { grid: street.gridA1.id, prefix: `mail${seq}-` })
    smtp.failNext(100, 550, 'mail', 'Sender address rejected: not owned by user')
    const issue = await publishIssue(payload, '发件地址被拒')
    await drain(payload)
    const d = await emailDelivery(issue.id)
    expect(d).toMatchObject({ status: 'paused', gone: 0, submitted: 0 })
    expect(d.reason).toBe('邮件服务器拒绝了发件地址（550），已暂停，没有停发任何收件人。请检查发件地址（MAIL_FROM）设置后点击继续。')
    expect(await suppressedBy(d)).toBe(0)
    expect((await subscribersOf(people)).every((s) => s.status === 'active')).toBe(true)
  })
})

describe('only a reply that names the mailbox suppresses it', () => {
  it('one address answers 550 5.1.1, the rest are accepted: only that one is suppressed, with the delivery and code kept; the delivery is done', async () => {
    const people = await addSubscribers(payload, 5, { grid: street.gridA1.id, prefix: `mix${seq}-` })
    smtp.failRecipient(people[2].email, 550, `5.1.1 <${people[2].email}>: Recipient address rejected: User unknown`)
    const issue = await publishIssue(payload, '一个地址失效')
    await drain(payload)
    const d = await emailDelivery(issue.id)
    expect(d).toMatchObject({ status: 'done', submitted: 4, gone: 1, failed: 0 })
    const after = await subscribersOf(people)
    expect(after.map((s) => s.status)).toEqual(['active', 'active', 'suppressed', 'active', 'active'])
    const gone = after[2]
    expect(gone).toMatchObject({ suppressedBy: String(d.id), suppressedCode: '550', suppressedReason: '邮件被收件服务器永久拒收（550）' })
    expect(Math.abs(Date.now() - new Date(gone.suppressedAt!).getTime())).toBeLessThan(10 * 60_000)
    expect([...received().keys()].sort()).toEqual(people.filter((_, i) => i !== 2).map((p) => p.email))
  })

  it('10 recipients in a row refused with the same bare 550 (each reply naming its address): paused, all of them restored, and a resume reaches them', async () => {
    // Twelve refused alike, then two that would be accepted: the streak spans batches of three.
    // (An acceptance answered in between would break the row: "in a row" is in the order the server answered.)
    const people = await addSubscribers(payload, 14, { grid: street.gridA1.id, prefix: `streak${seq}-` })
    const refused = people.slice(0, 12)
    for (const p of refused) smtp.failRecipient(p.email, 550, `<${p.email}>: Recipient address rejected: Access denied`)
    const issue = await publishIssue(payload, '连续拒收')
    await drain(payload)
    const d = await emailDelivery(issue.id)
    expect(d.status).toBe('paused')
    // The guard trips at the tenth; an answer in flight then (concurrency 2) joins the streak.
    const restored = Number(/^连续 (\d+) 位/.exec(d.reason ?? '')?.[1])
    expect(restored).toBeGreaterThanOrEqual(10)
    expect(restored).toBeLessThanOrEqual(11)
    expect(d.reason).toBe(`连续 ${restored} 位收件人被同一答复拒收（550），更像是邮件服务器的问题，已暂停，这 ${restored} 位已恢复订阅。请联系邮件服务商后点击继续。`)
    expect(d.gone).toBe(0)
    expect(await goneReceipts(d)).toBe(0)
    expect(await suppressedBy(d)).toBe(0)
    const after = await subscribersOf(people)
    expect(after.every((s) => s.status === 'active' && !s.suppressedReason && !s.suppressedBy && !s.suppressedCode && !s.suppressedAt)).toBe(true)
    expect(smtp.messages).toHaveLength(0)

    // The relay is fixed: the resume sends to the restored (their receipts are gone), and to nobody twice.
    const early = received()
    smtp.reset()
    await resume(d)
    await drain(payload)
    const late = received()
    expect(people.map((p) => (early.get(p.email) ?? 0) + (late.get(p.email) ?? 0))).toEqual(people.map(() => 1))
    expect(await deliveryById(payload, d.id)).toMatchObject({ status: 'done', submitted: 14, gone: 0, failed: 0 })
  })

  it('different replies do not make a streak: nine alike, then another, then nine alike suppress all eighteen and the delivery is done', async () => {
    process.env.DELIVERY_CONCURRENCY = '1'
    try {
      const people = await addSubscribers(payload, 19, { grid: street.gridA1.id, prefix: `nostreak${seq}-` })
      people.forEach((p, i) => smtp.failRecipient(p.email, i === 9 ? 551 : 550, i === 9 ? 'User not local' : 'Mailbox unavailable'))
      const issue = await publishIssue(payload, '不同的拒收')
      await drain(payload)
      const d = await emailDelivery(issue.id)
      expect(d).toMatchObject({ status: 'done', gone: 19, submitted: 0 })
      expect(await suppressedBy(d)).toBe(19)
    } finally {
      process.env.DELIVERY_CONCURRENCY = '2'
    }
  })
})

describe('the admin restores the residents one delivery suppressed with one code', () => {
  const restore = (id: Id | string, body: unknown, token: string | null = tokens.admin) => rest('POST', `deliveries/${id}/restore-suppressed`, { token, body })
  const summary = (id: Id | string, token: string | null = tokens.admin) => rest('GET', `deliveries/${id}/suppressed`, { token })

  it('restores exactly that episode, writes one audit entry, and a resume of the paused delivery reaches the restored once', async () => {
    const people = await addSubscribers(payload, 7, { grid: street.gridA1.id, prefix: `restore${seq}-` })
    // Batch 1 (0-2): two unknown users and one 551; batch 2 (3-5): a relay refusal pauses the delivery.
    smtp.failRecipient(people[0].email, 550, '5.1.1 User unknown')
    smtp.failRecipient(people[1].email, 550, '5.1.1 User unknown')
    smtp.failRecipient(people[2].email, 551, 'User not local')
    smtp.failRecipient(people[3].email, 550, '5.7.1 Relaying denied')
    const issue = await publishIssue(payload, '恢复停发')
    await drain(payload)
    const d = await emailDelivery(issue.id)
    expect(d).toMatchObject({ status: 'paused', gone: 3 })
    expect((await summary(d.id)).body).toEqual({ delivery: d.id, total: 3, reasons: [{ code: '550', count: 2 }, { code: '551', count: 1 }] })
    // Editors see the counts, never who.
    const seen = await summary(d.id, tokens.editor)
    expect(seen.status).toBe(200)
    expect(JSON.stringify(seen.body)).not.toContain('@')

    const r = await restore(d.id, { code: '550' })
    expect(r).toMatchObject({ status: 200, body: { ok: true, restored: 2, code: '550', message: '已恢复 2 位居民的订阅。' } })
    const after = await subscribersOf(people)
    expect(after.map((s) => s.status)).toEqual(['active', 'active', 'suppressed', 'active', 'active', 'active', 'active'])
    expect(after[0]).toMatchObject({ suppressedBy: null, suppressedCode: null, suppressedReason: null })
    expect(after[2]).toMatchObject({ suppressedBy: String(d.id), suppressedCode: '551' })
    expect((await summary(d.id)).body).toMatchObject({ total: 1, reasons: [{ code: '551', count: 1 }] })
    expect(await deliveryById(payload, d.id)).toMatchObject({ status: 'paused', gone: 1 })

    const log = await payload.find({
      collection: 'audit-log',
      where: { and: [{ targetCollection: { equals: 'deliveries' } }, { targetId: { equals: String(d.id) } }] },
      depth: 0,
      overrideAccess: true,
    })
    expect(log.docs).toHaveLength(1)
    expect(log.docs[0]).toMatchObject({ action: 'unsuppress', actor: street.admin.id, targetTitle: '恢复停发', detail: '恢复因拒收代码 550 停发的居民 2 位' })

    // The relay is fixed and the editor resumes: the restored get the mail, nobody gets it twice, the 551 stays suppressed.
    const early = received()
    smtp.reset()
    await resume(d)
    await drain(payload)
    const late = received()
    const got = people.map((p) => (early.get(p.email) ?? 0) + (late.get(p.email) ?? 0))
    expect(got).toEqual([1, 1, 0, 1, 1, 1, 1])
    expect(await deliveryById(payload, d.id)).toMatchObject({ status: 'done', submitted: 6, gone: 1 })
  })

  it('refuses with the status and a Chinese message naming the field: non-admins 403, unknown delivery 404, missing or unknown code', async () => {
    const people = await addSubscribers(payload, 2, { grid: street.gridA1.id, prefix: `refuse${seq}-` })
    smtp.failRecipient(people[0].email, 550, '5.1.1 User unknown')
    const issue = await publishIssue(payload, '拒绝恢复')
    await drain(payload)
    const d = await emailDelivery(issue.id)
    expect(d).toMatchObject({ status: 'done', gone: 1 })

    for (const token of [tokens.editor, tokens.leader, null]) {
      const r = await restore(d.id, { code: '550' }, token)
      expect(r).toMatchObject({ status: 403, body: { message: '只有管理员可以恢复被停发的居民。' } })
    }
    expect((await summary(d.id, tokens.leader)).status).toBe(403)
    const missingId = payload.db.name === 'mongoose' ? '0123456789abcdef01234567' : '999999'
    for (const id of [missingId, 'no-such-delivery']) {
      const r = await restore(id, { code: '550' })
      expect(r.status).toBe(404)
      expect(r.body).toEqual({ message: '找不到这条发送任务（id）。', errors: [{ field: 'id', message: '找不到这条发送任务（id）。' }] })
    }
    expect((await summary(missingId)).status).toBe(404)
    for (const body of [{}, { code: '' }, { code: 'x'.repeat(41) }, null]) {
      const r = await restore(d.id, body)
      expect(r.status).toBe(400)
      expect(r.body.errors).toEqual([{ field: 'code', message: '请填写要恢复的拒收代码（code）。' }])
    }
    const unknown = await restore(d.id, { code: '421' })
    expect(unknown.status).toBe(404)
    expect(unknown.body.errors).toEqual([{ field: 'code', message: '这条发送任务没有因拒收代码“421”停发任何居民（code）。' }])
    // A running delivery keeps its counts in memory: the restore waits for a pause.
    await payload.db.updateOne({ collection: 'deliveries', id: d.id, data: { status: 'running' }, req: { transactionID: undefined } as never })
    expect((await restore(d.id, { code: '550' })).status).toBe(409)
    await payload.db.updateOne({ collection: 'deliveries', id: d.id, data: { status: 'done' }, req: { transactionID: undefined } as never })

    // Nothing changed by any of these, and nothing audited.
    expect((await subscribersOf(people)).map((s) => s.status)).toEqual(['suppressed', 'active'])
    const log = await payload.count({ collection: 'audit-log', where: { and: [{ targetCollection: { equals: 'deliveries' } }, { targetId: { equals: String(d.id) } }] }, overrideAccess: true })
    expect(log.totalDocs).toBe(0)
    // A number is a code too.
    expect(await restore(d.id, { code: 550 })).toMatchObject({ status: 200, body: { restored: 1 } })
  })
})
