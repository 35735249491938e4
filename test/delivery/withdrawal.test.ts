import type { Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { DeliveryDoc } from '../../src/collections/Deliveries'
import { runDelivery } from '../../src/delivery/pipeline'
import { forgetWechatClient } from '../../src/delivery/wechat'
import { QUEUES } from '../../src/jobs/scheduler'
import { runQueue } from '../../src/jobs/runner'
import { pollWechatPublishStatus } from '../../src/jobs/wechat'
import { WECHAT_RETRACT_TASK } from '../../src/jobs/wechatRetract'
import { dashboardData } from '../../src/readership/dashboard'
import { type Id, PASSWORD, smallStreet } from '../support/fixtures'
import { rest, tokenFor } from '../support/http'
import { testPayload } from '../support/payload'
import { startSmtpServer, type SmtpTestServer } from '../support/smtp-server'
import { startWechatEmulator, type WechatEmulator } from '../support/wechat-emulator'
import { startSite, type Site } from '../site/support'
import { addSubscribers, deliveriesOf, deliveryById, drain, richBody } from './support'
import { callsTo, stateOf } from './wechat-support'

/**
 * Withdrawal (取消发布) whatever drafts were saved before it: every way of
 * unpublishing published content, after 0, 1 or 2 saved draft corrections
 * (保存草稿), withdraws it: the withdrawn mark, the 410 notice, out of lists
 * and feeds, its unfinished deliveries cancelled before their next batch, the
 * WeChat article deleted, the audit entry, its readership figures kept. And
 * the reverse: a saved draft is not a withdrawal, and a republish clears the
 * mark and creates no delivery again.
 */
let payload: Payload
let street: Awaited<ReturnType<typeof smallStreet>>
let site: Site
let smtp: SmtpTestServer
let emu: WechatEmulator
const tokens: Record<string, string> = {}

type Collection = 'policies' | 'announcements'
type Method = 'admin' | 'rest' | 'schedule' | 'leader'
type Doc = { id: Id; title: string; _status: string; withdrawnAt?: string | null; publishedAt?: string | null }
type Actor = { id: Id; email: string }

const asUser = (u: { id: Id }) => ({ ...u, collection: 'users' }) as never
const main = async (collection: Collection, id: Id) =>
  (await payload.findByID({ collection, id, overrideAccess: true, depth: 0 })) as unknown as Doc
const byChannel = async (collection: Collection, id: Id) =>
  Object.fromEntries((await deliveriesOf(payload, collection, id)).map((d) => [d.channel, d])) as Record<string, DeliveryDoc>
const auditOf = async (action: string, collection: Collection, id: Id) =>
  (
    await payload.find({
      collection: 'audit-log',
      where: { and: [{ action: { equals: action } }, { targetCollection: { equals: collection } }, { targetId: { equals: String(id) } }] },
      sort: 'createdAt',
      overrideAccess: true,
      depth: 0,
    })
  ).docs as unknown as { actor: Id | null }[]
const retractJobs = async (deliveryId: Id) =>
  (
    await payload.find({ collection: 'payload-jobs' as never, where: { taskSlug: { equals: WECHAT_RETRACT_TASK } }, limit: 0, overrideAccess: true, depth: 0 })
  ).docs.filter((j) => String((j as { input?: { delivery?: unknown } }).input?.delivery) === String(deliveryId))
// Mail to residents about the content; the review notices to staff (待审核, 审核通过) are not a delivery.
const staffAddress = (to: string[]) => to.some((a) => a.endsWith('@test.local'))
const mailsAbout = (tag: string) => smtp.messages.filter((m) => m.parsed?.subject?.includes(tag) && !staffAddress(m.envelope.to)).length

/** A page of the resident site: status and body. */
async function page(path: string) {
  const res = await site.get(path)
  return { status: res.status, body: await res.text() }
}
const pathOf = (collection: Collection, id: Id) => `/${collection}/${id}`
/** Where a content is listed: its type's list (announcements: its grid's page) and the street or grid feed. */
const listsOf = (collection: Collection) =>
  collection === 'policies' ? ['/policies', '/feed.xml', '/'] : ['/grids/A-01', '/grids/A-01/feed.xml']
const linksTo = (html: string, collection: Collection, id: Id) => new RegExp(`/${collection}/${id}(?![0-9a-fA-F])`).test(html)

/** Published by its author: a policy by the editor, an announcement by grid A-01's leader after the editor's approval. */
async function publish(collection: Collection, tag: string): Promise<Doc> {
  if (collection === 'policies') {
    return (await payload.create({
      collection,
      data: { title: `${tag} 政策解读`, issuingBody: '区民政局', summary: '要点', body: richBody('正文'), _status: 'published' } as never,
      user: asUser(street.editor),
      overrideAccess: false,
    })) as unknown as Doc
  }
  const leader = asUser(street.leaderA)
  const a = (await payload.create({
    collection,
    data: { title: `${tag} 网格公告`, grids: [street.gridA1.id], body: richBody('周六停水') } as never,
    user: leader,
    overrideAccess: false,
  })) as unknown as Doc
  await payload.update({ collection, id: a.id, data: { review: { status: 'pending' } } as never, user: leader, overrideAccess: false })
  await payload.update({ collection, id: a.id, data: { review: { status: 'approved' } } as never, user: asUser(street.editor), overrideAccess: false })
  return (await payload.update({ collection, id: a.id, data: { _status: 'published' } as never, user: leader, overrideAccess: false })) as unknown as Doc
}

/** Drive a content's WeChat delivery (only that one) until WeChat has published the article. */
async function wechatPublished(collection: Collection, id: Id): Promise<DeliveryDoc> {
  const w = (await byChannel(collection, id)).wechat
  await runDelivery(payload, await deliveryById(payload, w.id))
  for (let i = 0; i < 60; i++) {
    const d = await deliveryById(payload, w.id)
    if (d.status !== 'running' && d.status !== 'queued') return d
    await pollWechatPublishStatus(payload)
    await new Promise((r) => setTimeout(r, 60))
  }
  return deliveryById(payload, w.id)
}

/** A correction saved as a draft (保存草稿), the way the actor's client saves one. */
async function saveDraft(collection: Collection, id: Id, title: string, method: Method) {
  if (method === 'rest') {
    const r = await rest('PATCH', `${collection}/${id}?depth=0&draft=true&fallback-locale=null`, { token: tokens.editor, body: { title, _status: 'draft' } })
    expect(r.status).toBe(200)
    return
  }
  const by = method === 'leader' ? street.leaderA : street.editor
  await payload.update({ collection, id, data: { title } as never, draft: true, user: asUser(by), overrideAccess: false })
}

/**
 * The scheduler's job queues, and only them: the readership rollup that runDueJobs also starts (once per
 * time window) would rebuild today's figures from read events and drop the rows `readers` wrote by hand
 * whenever a window turns mid-test, and a later `readersShown` would then see none.
 */
async function runJobQueues() {
  for (const queue of QUEUES) await runQueue(payload, queue)
}

/** 取消发布, four ways. */
async function unpublish(collection: Collection, id: Id, method: Method): Promise<Actor> {
  if (method === 'admin') {
    await payload.update({ collection, id, data: { _status: 'draft' } as never, user: asUser(street.editor), overrideAccess: false })
    return street.editor
  }
  if (method === 'rest') {
    // Exactly the request of the admin's 取消发布 button (@payloadcms/ui UnpublishButton).
    const r = await rest('PATCH', `${collection}/${id}?depth=0&fallback-locale=null&unpublishAllLocales=false`, { token: tokens.editor, body: { _status: 'draft' } })
    expect(r.status).toBe(200)
    return street.editor
  }
  if (method === 'schedule') {
    // What the schedule drawer queues for 取消发布, due now; run by the scheduler's job runner.
    await payload.jobs.queue({
      task: 'schedulePublish',
      input: { type: 'unpublish', doc: { relationTo: collection, value: String(id) }, user: { relationTo: 'users', value: street.editor.id } },
      waitUntil: new Date(Date.now() - 1000),
    } as never)
    await runJobQueues()
    return street.editor
  }
  await payload.update({ collection, id, data: { _status: 'draft' } as never, user: asUser(street.leaderA), overrideAccess: false })
  return street.leaderA
}

/** Readers recorded for the content (rollup rows, as the rollup job writes them): the figures it must keep. */
async function readers(collection: Collection, id: Id, n: number) {
  const day = new Date().toISOString().slice(0, 10)
  for (const channel of ['all', 'site']) {
    await payload.create({
      collection: 'read-rollups',
      data: {
        key: `${collection}:${id}:${street.gridA1.id}:${channel}:${day}`,
        contentType: collection,
        contentId: String(id),
        grid: String(street.gridA1.id),
        channel,
        day,
        submitted: 0,
        opens: 0,
        openReaders: 0,
        reads: n,
        readers: n,
      } as never,
      overrideAccess: true,
    })
  }
}
const readersShown = async (collection: Collection, id: Id) =>
  (await dashboardData(payload, street.editor, { contentType: collection, contentId: id })).content!.total.readers.display

async function expectPublished(collection: Collection, id: Id) {
  const stored = await main(collection, id)
  expect(stored._status).toBe('published')
  expect(stored.withdrawnAt ?? null).toBeNull()
  expect((await page(pathOf(collection, id))).status).toBe(200)
  for (const list of listsOf(collection)) expect(linksTo((await page(list)).body, collection, id), list).toBe(true)
}

/** Everything a withdrawal must do, checked from outside. */
async function expectWithdrawn(collection: Collection, id: Id, o: { since: number; actor: Actor; unpublishes: number; tag: string; wechat?: DeliveryDoc }) {
  const stored = await main(collection, id)
  expect(stored._status).toBe('draft')
  expect(Date.parse(stored.withdrawnAt ?? '')).toBeGreaterThanOrEqual(o.since - 1000)
  // The resident page answers the withdrawn notice; lists and feeds no longer carry it.
  const notice = await page(pathOf(collection, id))
  expect(notice.status).toBe(410)
  expect(notice.body).toContain('撤回')
  for (const list of listsOf(collection)) expect(linksTo((await page(list)).body, collection, id), list).toBe(false)
  // Its unfinished email delivery was cancelled by the withdrawal itself (not found gone by the pipeline later).
  const email = (await byChannel(collection, id)).email
  expect(email.status).toBe('cancelled')
  expect(email.reason).toContain('撤回')
  await drain(payload)
  expect(mailsAbout(o.tag)).toBe(0)
  // The audit entry, by whoever unpublished it.
  const entries = await auditOf('unpublish', collection, id)
  expect(entries).toHaveLength(o.unpublishes)
  expect(String(entries.at(-1)!.actor)).toBe(String(o.actor.id))
  // Its figures stay for staff.
  expect(await readersShown(collection, id)).toBe('5')
  // The WeChat article is deleted by a job the withdrawal queued.
  if (o.wechat) {
    const articleId = stateOf(o.wechat).articleId
    for (let i = 0; i < 3 && !stateOf(await deliveryById(payload, o.wechat.id)).deleted; i++) await runJobQueues()
    const after = await deliveryById(payload, o.wechat.id)
    expect(stateOf(after)).toMatchObject({ deleted: true })
    expect([...emu.publishes.values()].find((p) => p.articleId === articleId)?.status).toBe(5)
  }
}

beforeAll(async () => {
  payload = await testPayload()
  street = await smallStreet(payload)
  smtp = await startSmtpServer()
  emu = await startWechatEmulator()
  Object.assign(process.env, {
    SMTP_URL: smtp.url,
    MAIL_FROM: '聚焦徐碧 <news@street.test>',
    WECHAT_APP_ID: emu.appId,
    WECHAT_APP_SECRET: emu.appSecret,
    WECHAT_API_BASE: emu.url,
    WECHAT_POLL_FIRST_SECONDS: '0.05',
    WECHAT_POLL_MAX_SECONDS: '0.2',
    DELIVERY_RETRY_BASE_MS: '50',
  })
  for (const k of ['VAPID_PUBLIC_KEY', 'VAPID_PRIVATE_KEY', 'VAPID_SUBJECT']) delete process.env[k]
  forgetWechatClient()
  emu.setPublishOutcome(0, 1)
  await addSubscribers(payload, 3, { grid: street.gridA1.id, prefix: 'a1-' })
  site = await startSite(payload)
  tokens.editor = await tokenFor(payload, street.editor.email, PASSWORD)
})

afterAll(async () => {
  await site?.close()
  await smtp?.close()
  await emu?.close()
  await payload?.destroy()
})

const METHODS: Method[] = ['admin', 'rest', 'schedule', 'leader']

describe('withdrawal after saved drafts', () => {
  for (const drafts of [0, 1, 2]) {
    for (const method of METHODS) {
      const collection: Collection = method === 'leader' ? 'announcements' : 'policies'
      it(`${drafts} draft(s), then 取消发布 by ${method}`, async () => {
        const tag = `[撤回${drafts}${method}]`
        const doc = await publish(collection, tag)
        const wechat = collection === 'policies' ? await wechatPublished(collection, doc.id) : undefined
        if (wechat) expect(wechat.status).toBe('done')
        await readers(collection, doc.id, 5)
        expect((await byChannel(collection, doc.id)).email.status).toBe('queued')

        // Saved drafts are corrections in waiting, never a withdrawal.
        for (let i = 1; i <= drafts; i++) await saveDraft(collection, doc.id, `${tag} 更正稿 ${i}`, method)
        await expectPublished(collection, doc.id)
        expect((await byChannel(collection, doc.id)).email.status).toBe('queued')
        expect(await auditOf('unpublish', collection, doc.id)).toHaveLength(0)
        if (wechat) expect(await retractJobs(wechat.id)).toHaveLength(0)

        const since = Date.now()
        const actor = await unpublish(collection, doc.id, method)
        // The hook queues the deletion (the scheduled path may already have run it).
        if (wechat && method !== 'schedule') expect(await retractJobs(wechat.id)).toHaveLength(1)
        await expectWithdrawn(collection, doc.id, { since, actor, unpublishes: 1, tag, wechat })
      })
    }
  }

  it('unpublish → republish → draft → unpublish: the mark comes and goes, no delivery is made again', async () => {
    const tag = '[撤回再发布]'
    const doc = await publish('policies', tag)
    const wechat = await wechatPublished('policies', doc.id)
    await readers('policies', doc.id, 5)
    const before = await deliveriesOf(payload, 'policies', doc.id)

    let since = Date.now()
    await unpublish('policies', doc.id, 'admin')
    await expectWithdrawn('policies', doc.id, { since, actor: street.editor, unpublishes: 1, tag, wechat })

    // Republished: the mark is cleared, the page is back, and no delivery is created or revived.
    await payload.update({ collection: 'policies', id: doc.id, data: { _status: 'published' } as never, user: asUser(street.editor), overrideAccess: false })
    await expectPublished('policies', doc.id)
    const again = await deliveriesOf(payload, 'policies', doc.id)
    expect(again.map((d) => [d.id, d.channel, d.status])).toEqual(before.map((d, i) => [d.id, d.channel, again[i].status]))
    expect(again.map((d) => d.status).sort()).toEqual(['cancelled', 'done', 'skipped'])
    await drain(payload)
    expect(mailsAbout(tag)).toBe(0)

    // A draft saved over the republished content, then a scheduled unpublish: withdrawn again.
    await saveDraft('policies', doc.id, `${tag} 再次更正`, 'admin')
    await expectPublished('policies', doc.id)
    since = Date.now()
    await unpublish('policies', doc.id, 'schedule')
    await expectWithdrawn('policies', doc.id, { since, actor: street.editor, unpublishes: 2, tag })
    expect(await deliveriesOf(payload, 'policies', doc.id)).toHaveLength(3)
    // The article was deleted once; nothing is left to delete.
    expect(callsTo(emu, '/cgi-bin/freepublish/delete')).toHaveLength(METHODS.length * 3 - 3 + 1)
  })

  it('a withdrawn content keeps its mark through later saves until it is published again; a request cannot set the mark', async () => {
    const doc = await publish('policies', '[标记保持]')
    await unpublish('policies', doc.id, 'admin')
    const mark = (await main('policies', doc.id)).withdrawnAt
    expect(mark).toBeTruthy()
    // A save of the withdrawn content that is not a draft save (REST without ?draft) keeps the notice.
    const r = await rest('PATCH', `policies/${doc.id}?depth=0`, { token: tokens.editor, body: { summary: '撤回后修改摘要', withdrawnAt: null } })
    expect(r.status).toBe(200)
    expect((await main('policies', doc.id)).withdrawnAt).toBe(mark)
    expect((await page(pathOf('policies', doc.id))).status).toBe(410)
    // A draft that was never published cannot be marked withdrawn by a request.
    const draft = (await payload.create({
      collection: 'policies',
      data: { title: '从未发布', issuingBody: '区民政局', summary: '要点', body: richBody('正文'), withdrawnAt: new Date().toISOString() } as never,
      user: asUser(street.editor),
      overrideAccess: false,
    })) as unknown as Doc
    expect((await main('policies', draft.id)).withdrawnAt ?? null).toBeNull()
    expect((await page(pathOf('policies', draft.id))).status).toBe(404)
  })
})
