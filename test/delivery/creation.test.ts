import type { Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { type DeliveryDoc, progressText } from '../../src/collections/Deliveries'
import { audienceWhere } from '../../src/delivery/audience'
import { smallStreet } from '../support/fixtures'
import { testPayload } from '../support/payload'
import { addSubscribers, deliveriesOf, publishIssue, richBody } from './support'

/** Deliveries are created on the transition to published, once, for the right audience. */
let payload: Payload
let street: Awaited<ReturnType<typeof smallStreet>>

const byChannel = (ds: DeliveryDoc[]) => Object.fromEntries(ds.map((d) => [d.channel, d]))

beforeAll(async () => {
  payload = await testPayload()
  street = await smallStreet(payload)
  process.env.SMTP_URL = 'smtp://127.0.0.1:1'
  process.env.MAIL_FROM = '聚焦徐碧 <news@street.test>'
  // Web push and WeChat are not configured here.
  for (const k of ['VAPID_PUBLIC_KEY', 'VAPID_PRIVATE_KEY', 'VAPID_SUBJECT', 'WECHAT_APP_ID', 'WECHAT_APP_SECRET']) delete process.env[k]
})

afterAll(async () => {
  await payload?.destroy()
})

describe('deliveries on publish', () => {
  it('a draft creates none; publishing creates one per channel; a channel not configured is recorded as skipped with the reason', async () => {
    const draft = await payload.create({
      collection: 'issues',
      data: { title: '草稿', articles: [{ title: 'a', body: richBody('x') }], _status: 'draft' } as never,
      overrideAccess: true,
      draft: true,
    })
    expect(await deliveriesOf(payload, 'issues', draft.id)).toHaveLength(0)
    await payload.update({ collection: 'issues', id: draft.id, data: { _status: 'published' } as never, overrideAccess: true })
    const ds = byChannel(await deliveriesOf(payload, 'issues', draft.id))
    expect(Object.keys(ds).sort()).toEqual(['email', 'webpush', 'wechat'])
    expect(ds.email.status).toBe('queued')
    expect(ds.email.audience).toBe('street')
    expect(ds.webpush.status).toBe('skipped')
    expect(ds.webpush.reason).toContain('VAPID')
    expect(ds.wechat.status).toBe('skipped')
    expect(ds.wechat.reason).toContain('WECHAT_APP_ID')
  })

  it('a re-save of published content creates nothing; nor does a later re-publish', async () => {
    const issue = await publishIssue(payload, '再次保存')
    expect(await deliveriesOf(payload, 'issues', issue.id)).toHaveLength(3)
    await payload.update({ collection: 'issues', id: issue.id, data: { title: '再次保存（改）', _status: 'published' } as never, overrideAccess: true })
    await payload.update({ collection: 'issues', id: issue.id, data: { summary: '只改摘要' } as never, overrideAccess: true })
    expect(await deliveriesOf(payload, 'issues', issue.id)).toHaveLength(3)
  })

  it('the database refuses a second delivery with the same key', async () => {
    const issue = await publishIssue(payload, '唯一键')
    const [d] = (await deliveriesOf(payload, 'issues', issue.id)).filter((x) => x.channel === 'email')
    await expect(
      payload.db.create({
        collection: 'deliveries',
        data: { key: d.key, contentType: 'issues', contentId: String(issue.id), channel: 'email', audience: 'street', status: 'queued' },
      }),
    ).rejects.toThrow()
  })

  it('concurrent publishes of one draft create one delivery per channel', async () => {
    const draft = await payload.create({
      collection: 'policies',
      data: { title: '并发发布', issuingBody: '区民政局', summary: '要点', body: richBody('正文'), _status: 'draft' } as never,
      overrideAccess: true,
      draft: true,
    })
    const results = await Promise.allSettled(
      Array.from({ length: 4 }, () => payload.update({ collection: 'policies', id: draft.id, data: { _status: 'published' } as never, overrideAccess: true })),
    )
    expect(results.some((r) => r.status === 'fulfilled')).toBe(true)
    const ds = await deliveriesOf(payload, 'policies', draft.id)
    expect(ds.map((d) => d.channel).sort()).toEqual(['email', 'webpush', 'wechat'])
  })

  it('audiences: events to their grids or the street, announcements to their grids only and never WeChat', async () => {
    const start = new Date(Date.now() + 86400_000).toISOString()
    const gridEvent = await payload.create({
      collection: 'events',
      data: { title: '网格活动', startsAt: start, location: '甲一网格活动室', wholeStreet: false, grids: [street.gridA2.id, street.gridA1.id], _status: 'published' } as never,
      overrideAccess: true,
    })
    const streetEvent = await payload.create({
      collection: 'events',
      data: { title: '全街道活动', startsAt: start, location: '街道广场', wholeStreet: true, _status: 'published' } as never,
      overrideAccess: true,
    })
    const ann = await payload.create({
      collection: 'announcements',
      data: { title: '停水通知', grids: [street.gridB1.id], body: richBody('明日停水'), _status: 'published' } as never,
      overrideAccess: true,
    })
    const ge = byChannel(await deliveriesOf(payload, 'events', gridEvent.id))
    expect(ge.email.audience).toBe(`grids:${[String(street.gridA1.id), String(street.gridA2.id)].sort().join(',')}`)
    expect(ge.wechat).toBeDefined()
    expect(byChannel(await deliveriesOf(payload, 'events', streetEvent.id)).email.audience).toBe('street')
    const an = byChannel(await deliveriesOf(payload, 'announcements', ann.id))
    expect(Object.keys(an).sort()).toEqual(['email', 'webpush'])
    expect(an.email.audience).toBe(`grids:${street.gridB1.id}`)
  })

  it('recipients are filtered by status, channel, topic (urgent ignores topics) and grid', async () => {
    await addSubscribers(payload, 2, { grid: street.gridA1.id, prefix: 'a1-all-' })
    await addSubscribers(payload, 1, { grid: street.gridA1.id, prefix: 'a1-push-', channels: ['webpush'] })
    await addSubscribers(payload, 1, { grid: street.gridA1.id, prefix: 'a1-noann-', topics: ['issues'] })
    await addSubscribers(payload, 1, { grid: street.gridA1.id, prefix: 'a1-unsub-', status: 'unsubscribed' })
    await addSubscribers(payload, 1, { grid: street.gridA1.id, prefix: 'a1-pending-', status: 'pending' })
    await addSubscribers(payload, 3, { grid: street.gridB1.id, prefix: 'b1-all-' })
    const count = async (d: Parameters<typeof audienceWhere>[0]) =>
      (await payload.find({ collection: 'subscribers', where: audienceWhere(d), limit: 0, overrideAccess: true })).docs.map((s) => s.email as string).sort()
    const annA1 = await count({ channel: 'email', contentType: 'announcements', urgent: false, audience: `grids:${street.gridA1.id}` })
    expect(annA1).toEqual(['a1-all-00000@mail.test', 'a1-all-00001@mail.test'])
    const urgentA1 = await count({ channel: 'email', contentType: 'announcements', urgent: true, audience: `grids:${street.gridA1.id}` })
    expect(urgentA1).toEqual(['a1-all-00000@mail.test', 'a1-all-00001@mail.test', 'a1-noann-00000@mail.test'])
    const issuesStreet = await count({ channel: 'email', contentType: 'issues', urgent: false, audience: 'street' })
    expect(issuesStreet).toHaveLength(6)
    const pushStreet = await count({ channel: 'webpush', contentType: 'issues', urgent: false, audience: 'street' })
    expect(pushStreet).toEqual(['a1-push-00000@mail.test'])
  })

  it('unpublishing cancels unfinished deliveries with the reason; finished and skipped ones stay', async () => {
    const issue = await publishIssue(payload, '将被撤回')
    await payload.update({ collection: 'issues', id: issue.id, data: { _status: 'draft' } as never, overrideAccess: true })
    const ds = byChannel(await deliveriesOf(payload, 'issues', issue.id))
    expect(ds.email.status).toBe('cancelled')
    expect(ds.email.reason).toContain('撤回')
    expect(ds.webpush.status).toBe('skipped')
  })

  it('editors may pause, resume and cancel; a finished delivery cannot be changed back, with the reason in Chinese', async () => {
    const issue = await publishIssue(payload, '编辑操作')
    const d = byChannel(await deliveriesOf(payload, 'issues', issue.id)).email
    const paused = await payload.update({ collection: 'deliveries', id: d.id, data: { status: 'paused' } as never, user: street.editor, overrideAccess: false })
    expect(paused.status).toBe('paused')
    const resumed = await payload.update({ collection: 'deliveries', id: d.id, data: { status: 'queued', total: 999 } as never, user: street.editor, overrideAccess: false })
    expect(resumed.status).toBe('queued')
    expect(resumed.goAhead).toBe(true)
    expect(resumed.total).toBe(0)
    await payload.update({ collection: 'deliveries', id: d.id, data: { status: 'cancelled' } as never, user: street.editor, overrideAccess: false })
    const refused = await payload
      .update({ collection: 'deliveries', id: d.id, data: { status: 'queued' } as never, user: street.editor, overrideAccess: false })
      .then(() => null, (err: { data?: { errors?: { path: string; message: string }[] } }) => err)
    expect(refused?.data?.errors?.[0]).toMatchObject({ path: 'status', message: '发送任务不能从“已取消”改为“排队中”。' })
    await expect(
      payload.update({ collection: 'deliveries', id: d.id, data: { status: 'paused' } as never, user: street.leaderA as never, overrideAccess: false }),
    ).rejects.toThrow()
  })

  it('progress reads submitted / total with failures, and the time left while running', () => {
    const now = Date.parse('2026-11-26T10:10:00Z')
    const running = { status: 'running' as const, startedAt: '2026-11-26T10:00:00Z', total: 1000, submitted: 240, failed: 5, gone: 5 }
    expect(progressText(running, now)).toBe('已提交 240 / 1000，失败 5，失效 5 · 预计还需约 30 分钟')
    expect(progressText({ ...running, status: 'paused' }, now)).toBe('已提交 240 / 1000，失败 5，失效 5')
    expect(progressText({ status: 'queued', total: 0 }, now)).toBe('已提交 0 / 0，失败 0，失效 0')
  })
})
