import type { Payload } from 'payload'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'

import { WECHAT_LIMITS } from '../../src/channels/wechat'
import { forgetWechatClient } from '../../src/delivery/wechat'
import { runDueJobs } from '../../src/jobs/scheduler'
import { doc, image, p } from '../../src/seed/lexical'
import { smallStreet } from '../support/fixtures'
import { testPayload } from '../support/payload'
import { startWechatEmulator, type WechatEmulator } from '../support/wechat-emulator'
import { deliveriesOf, deliveryById, publishIssue, richBody } from './support'
import { callsTo, photo, runUntilSettled, stateOf, useEmulator, wechatOf } from './wechat-support'

/** The WeChat stages of a delivery against the local API emulator: images → draft → publish → article URLs. */
let payload: Payload
let street: Awaited<ReturnType<typeof smallStreet>>
let emu: WechatEmulator

beforeAll(async () => {
  payload = await testPayload()
  street = await smallStreet(payload)
  emu = await startWechatEmulator()
  useEmulator(emu)
})

afterAll(async () => {
  await emu?.close()
  await payload?.destroy()
})

beforeEach(() => {
  emu.reset()
  forgetWechatClient()
  emu.setPublishOutcome(0, 1)
})

const publishPolicy = (title: string) =>
  payload.create({
    collection: 'policies',
    data: { title, issuingBody: '区民政局', summary: '高龄津贴按月发放。', body: richBody('年满80周岁的户籍老人可申请高龄津贴。'), _status: 'published' } as never,
    overrideAccess: true,
  }) as Promise<{ id: string | number }>

describe('WeChat delivery stages', () => {
  it('an issue becomes one draft of its articles in order, images uploaded once, thumb under 64 KB, published with the article URLs stored', async () => {
    const cover = await photo(payload, 'cover', { width: 1600, height: 1000 })
    const pic = await photo(payload, 'canteen', { format: 'png', width: 500, height: 400 })
    const webp = await photo(payload, 'square', { format: 'webp', width: 600, height: 600 })
    const issue = await publishIssue(payload, '聚焦徐碧 第12期', {
      cover: cover.id,
      articles: [
        { title: '社区食堂开张', author: '街道宣传科', body: doc(p('社区食堂今天开张。'), image(pic.id), p('欢迎老人就餐。')) },
        { title: '垃圾分类新规', body: doc(p('新规自下月起施行。'), image(pic.id), image(webp.id)) },
        { title: '网格员风采', body: richBody('网格员王芳走访独居老人。') },
      ],
    })
    const queued = await wechatOf(payload, 'issues', issue.id)
    expect(queued.status).toBe('queued')
    expect(queued.reason ?? null).toBeNull()

    const d = await runUntilSettled(payload, queued.id)
    expect(d.status).toBe('done')
    const st = stateOf(d)
    expect(st.stage).toBe('published')
    expect(st.articleId).toBeTruthy()
    expect(st.articleUrls).toHaveLength(3)
    expect(st.articleUrls!.every((u) => u.startsWith(`${emu.url}/s/`))).toBe(true)
    expect(d.reason).toContain('3 篇')

    // One draft (it left the draft box when published), one publish with the articles in order.
    expect(callsTo(emu, '/cgi-bin/draft/add')).toHaveLength(1)
    expect(callsTo(emu, '/cgi-bin/freepublish/submit')).toHaveLength(1)
    const [pub] = [...emu.publishes.values()]
    expect(pub.articles.map((a) => a.title)).toEqual(['社区食堂开张', '垃圾分类新规', '网格员风采'])
    expect(pub.articles[0].author).toBe('街道宣传科')
    expect(pub.articles[0].content_source_url).toBe(`${process.env.PUBLIC_URL}/issues/${issue.number}#a1`)
    expect(pub.articles[2].content_source_url).toBe(`${process.env.PUBLIC_URL}/issues/${issue.number}#a3`)
    // Each distinct body image uploaded once (the PNG twice in the content), the WebP converted; all kept by WeChat.
    expect(callsTo(emu, '/cgi-bin/media/uploadimg')).toHaveLength(2)
    expect(st.images).toHaveLength(2)
    const body = pub.articles.map((a) => a.content).join('')
    expect(body.match(new RegExp(`${emu.url}/mmbiz/`, 'g'))).toHaveLength(3)
    expect(body).not.toContain('/api/media/')
    expect(emu.snapshot().drafts).toEqual([])
    // The cover became the thumb: one add_material, a JPEG under 64 KB, the same for every article.
    expect(callsTo(emu, '/cgi-bin/material/add_material')).toHaveLength(1)
    const [thumb] = [...emu.materials.values()]
    expect(thumb.bytes).toBeLessThan(WECHAT_LIMITS.thumbBytes)
    expect(st.thumbOf).toBe(cover.filename)
    expect(new Set(pub.articles.map((a) => a.thumb_media_id))).toEqual(new Set([st.thumbMediaId]))
  })

  it('an event notice or policy is one article whose source is its resident page; a content without a picture gets a plain cover', async () => {
    const policy = await publishPolicy('高龄津贴政策解读')
    const d = await runUntilSettled(payload, (await wechatOf(payload, 'policies', policy.id)).id)
    expect(d.status).toBe('done')
    const [pub] = [...emu.publishes.values()]
    expect(pub.articles).toHaveLength(1)
    expect(pub.articles[0]).toMatchObject({ title: '高龄津贴政策解读', digest: '高龄津贴按月发放。', content_source_url: `${process.env.PUBLIC_URL}/policies/${policy.id}` })
    expect(pub.articles[0].content).toContain('区民政局')
    expect(stateOf(d).thumbOf).toBe('')
    expect(emu.materials.size).toBe(1)
  })

  it('an issue of more than 8 articles pauses with the reason before any draft; long titles are shortened for WeChat', async () => {
    const nine = Array.from({ length: 9 }, (_, i) => ({ title: `第 ${i + 1} 篇`, body: richBody(`正文 ${i + 1}`) }))
    const big = await publishIssue(payload, '九篇文章的一期', { articles: nine })
    const d = await runUntilSettled(payload, (await wechatOf(payload, 'issues', big.id)).id)
    expect(d.status).toBe('paused')
    expect(d.reason).toContain('一次最多 8 篇文章，现有 9 篇')
    expect(callsTo(emu, '/cgi-bin/draft/add')).toHaveLength(0)

    const long = '街道召开二〇二六年度老旧小区加装电梯工作推进会暨居民议事协商座谈会议'
    const issue = await publishIssue(payload, '长标题', { articles: [{ title: long, author: '街道城市管理办公室宣传组全体同志', body: richBody('正文') }] })
    expect((await runUntilSettled(payload, (await wechatOf(payload, 'issues', issue.id)).id)).status).toBe('done')
    const [pub] = [...emu.publishes.values()]
    expect(Array.from(pub.articles[0].title)).toHaveLength(32)
    expect(pub.articles[0].title.endsWith('…')).toBe(true)
    expect(pub.articles[0].title.startsWith(long.slice(0, 31))).toBe(true)
    expect(Array.from(pub.articles[0].author!).length).toBeLessThanOrEqual(16)
  })

  it('a grid announcement never gets a WeChat delivery', async () => {
    const ann = await payload.create({
      collection: 'announcements',
      data: { title: '停水通知', grids: [street.gridA1.id], body: richBody('明日停水'), _status: 'published' } as never,
      overrideAccess: true,
    })
    expect((await deliveriesOf(payload, 'announcements', ann.id)).map((d) => d.channel).sort()).toEqual(['email', 'webpush'])
  })

  it('a token invalidated mid-delivery is fetched again once and the delivery goes on', async () => {
    const policy = await publishPolicy('令牌中途失效')
    const id = (await wechatOf(payload, 'policies', policy.id)).id
    // The platform replaces the token (as a refresh elsewhere would), and one call says it expired.
    emu.inject(40001, { path: '/cgi-bin/draft/add' })
    const d = await runUntilSettled(payload, id)
    expect(d.status).toBe('done')
    const draftCalls = callsTo(emu, '/cgi-bin/draft/add')
    expect(draftCalls.map((c) => c.errcode)).toEqual([40001, 0])
    expect(emu.calls.filter((c) => c.errcode === 40001)).toHaveLength(1)
    expect(callsTo(emu, '/cgi-bin/stable_token')).toHaveLength(2)
    // A real rotation between two deliveries' calls: the cached token is refused once (40001), the new one is taken.
    const second = await publishPolicy('令牌被轮换')
    const id2 = (await wechatOf(payload, 'policies', second.id)).id
    emu.rotateToken()
    const mark = emu.calls.length
    const d2 = await runUntilSettled(payload, id2)
    expect(d2.status).toBe('done')
    const since = emu.calls.slice(mark)
    expect(since.filter((c) => c.errcode === 40001)).toHaveLength(1)
    expect(since.filter((c) => c.path === '/cgi-bin/stable_token')).toHaveLength(1)
    expect(since.filter((c) => c.errcode !== 0 && c.errcode !== 40001)).toEqual([])
    // An expired token (42001) the same way: fetched again once.
    const third = await publishPolicy('令牌过期')
    const id3 = (await wechatOf(payload, 'policies', third.id)).id
    emu.expireTokens()
    const mark3 = emu.calls.length
    expect((await runUntilSettled(payload, id3)).status).toBe('done')
    const since3 = emu.calls.slice(mark3)
    expect(since3.filter((c) => c.errcode === 42001)).toHaveLength(1)
    expect(since3.filter((c) => c.path === '/cgi-bin/stable_token')).toHaveLength(1)
  })

  it('45009 (daily API quota) defers the delivery to the street’s next day with the reason; nothing is lost', async () => {
    const policy = await publishPolicy('接口额度用完')
    const id = (await wechatOf(payload, 'policies', policy.id)).id
    emu.inject(45009, { path: '/cgi-bin/freepublish/submit' })
    const d = await runUntilSettled(payload, id)
    expect(d.status).toBe('queued')
    expect(d.reason).toContain('接口调用次数已达上限')
    expect(d.reason).toContain('45009')
    const next = new Date(d.nextAttemptAt!)
    const shanghaiMidnight = new Date(`${new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10)}T16:00:00Z`)
    expect(next.getTime()).toBeGreaterThan(Date.now())
    expect(Math.abs(next.getTime() - shanghaiMidnight.getTime())).toBeLessThanOrEqual(2 * 60_000)
    expect(d.lastErrors?.at(-1)).toMatchObject({ kind: 'quota', code: '45009' })
    expect(stateOf(d).stage).toBe('draft')
    expect(stateOf(d).draftMediaId).toBeTruthy()
    // The next day comes: the same draft is submitted (no second draft).
    await payload.db.updateOne({ collection: 'deliveries', id, data: { nextAttemptAt: new Date(Date.now() - 1000).toISOString() }, req: { transactionID: undefined } as never })
    const after = await runUntilSettled(payload, id)
    expect(after.status).toBe('done')
    expect(callsTo(emu, '/cgi-bin/draft/add')).toHaveLength(1)
  })

  it.each([
    [40164, 'IP 白名单'],
    [48001, '没有调用此接口的权限'],
  ])('%i pauses the delivery with plain Chinese advice and the code', async (code, words) => {
    const policy = await publishPolicy(`配置错误 ${code}`)
    const id = (await wechatOf(payload, 'policies', policy.id)).id
    emu.inject(code, { path: '/cgi-bin/draft/add' })
    const d = await runUntilSettled(payload, id)
    expect(d.status).toBe('paused')
    expect(d.reason).toContain(words)
    expect(d.reason).toContain(String(code))
    expect(d.lastErrors?.at(-1)).toMatchObject({ kind: 'config', code: String(code) })
    // The editor fixes the setting and resumes: the images are not uploaded again.
    const thumbs = emu.materials.size
    await payload.update({ collection: 'deliveries', id, data: { status: 'queued' } as never, user: street.editor, overrideAccess: false })
    const after = await runUntilSettled(payload, id)
    expect(after.status).toBe('done')
    expect(emu.materials.size).toBe(thumbs)
  })

  it('53503 (draft refused for publishing) pauses with the explanation; a resume makes a fresh draft', async () => {
    const policy = await publishPolicy('草稿未通过检查')
    const id = (await wechatOf(payload, 'policies', policy.id)).id
    emu.inject(53503, { path: '/cgi-bin/freepublish/submit' })
    const d = await runUntilSettled(payload, id)
    expect(d.status).toBe('paused')
    expect(d.reason).toContain('草稿未通过发布检查')
    await payload.update({ collection: 'deliveries', id, data: { status: 'queued' } as never, user: street.editor, overrideAccess: false })
    expect((await runUntilSettled(payload, id)).status).toBe('done')
    expect(callsTo(emu, '/cgi-bin/draft/add')).toHaveLength(2)
  })

  it.each([
    [2, 'failed', '原创校验未通过'],
    [3, 'paused', '常规失败'],
    [4, 'failed', '审核未通过'],
    [6, 'failed', '封禁'],
  ] as const)('publish_status %i ends as %s with its own explanation', async (status, outcome, words) => {
    emu.setPublishOutcome(status, 1)
    const policy = await publishPolicy(`发布状态 ${status}`)
    const d = await runUntilSettled(payload, (await wechatOf(payload, 'policies', policy.id)).id)
    expect(d.status).toBe(outcome)
    expect(d.reason).toContain(words)
    expect(stateOf(d)).toMatchObject({ stage: 'failed', publishStatus: status })
    expect(d.lastErrors?.at(-1)?.code).toBe(`publish_status:${status}`)
  })

  it('withdrawing published content deletes the article on WeChat through a job, and records it', async () => {
    const policy = await publishPolicy('将被撤回的解读')
    const id = (await wechatOf(payload, 'policies', policy.id)).id
    expect((await runUntilSettled(payload, id)).status).toBe('done')
    const articleId = stateOf(await deliveryById(payload, id)).articleId
    await payload.update({ collection: 'policies', id: policy.id, data: { _status: 'draft' } as never, overrideAccess: true })
    // The hook only queued the job: nothing was deleted yet.
    expect(callsTo(emu, '/cgi-bin/freepublish/delete')).toHaveLength(0)
    await runDueJobs(payload)
    expect(callsTo(emu, '/cgi-bin/freepublish/delete')).toHaveLength(1)
    const [pub] = [...emu.publishes.values()]
    expect(pub).toMatchObject({ articleId, status: 5 })
    const d = await deliveryById(payload, id)
    expect(stateOf(d)).toMatchObject({ deleted: true, publishStatus: 5 })
    expect(d.reason).toContain('已从公众号删除')
  })

  it('a deletion WeChat refuses is recorded on the delivery with the explanation for the editor', async () => {
    const policy = await publishPolicy('删除被拒绝')
    const id = (await wechatOf(payload, 'policies', policy.id)).id
    expect((await runUntilSettled(payload, id)).status).toBe('done')
    emu.inject(48001, { path: '/cgi-bin/freepublish/delete' })
    await payload.update({ collection: 'policies', id: policy.id, data: { _status: 'draft' } as never, overrideAccess: true })
    await runDueJobs(payload)
    const d = await deliveryById(payload, id)
    expect(stateOf(d).deleted).toBeFalsy()
    expect(stateOf(d).deleteError).toContain('48001')
    expect(d.reason).toContain('请在公众平台手动删除')
    expect([...emu.publishes.values()][0].status).toBe(0)
  })

  it('deleting content that is still publishing cancels its delivery and deletes the article once WeChat has published it', async () => {
    emu.setPublishOutcome(0, 3)
    const policy = await publishPolicy('发布中被删除')
    const id = (await wechatOf(payload, 'policies', policy.id)).id
    const { drain } = await import('./support')
    await drain(payload)
    expect(stateOf(await deliveryById(payload, id)).stage).toBe('publishing')
    await payload.delete({ collection: 'policies', id: policy.id, overrideAccess: true })
    expect((await deliveryById(payload, id)).status).toBe('cancelled')
    for (let i = 0; i < 40 && !callsTo(emu, '/cgi-bin/freepublish/delete').length; i++) {
      await runDueJobs(payload)
      await new Promise((r) => setTimeout(r, 250))
    }
    expect(callsTo(emu, '/cgi-bin/freepublish/delete')).toHaveLength(1)
    expect(stateOf(await deliveryById(payload, id))).toMatchObject({ deleted: true })
  }, 60_000)
})
