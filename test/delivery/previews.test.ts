import type { Payload } from 'payload'
import { beforeAll, describe, expect, it } from 'vitest'

import { wechatText } from '../../src/delivery/wechat/checks'
import { doc, image, link, p } from '../../src/seed/lexical'
import type { smallStreet } from '../support/fixtures'
import { rest } from '../support/http'
import type { WechatEmulator } from '../support/wechat-emulator'
import { deliveryById, richBody, wechatWorld } from './support'
import { callsTo, photo, runUntilSettled, stateOf, wechatOf } from './wechat-support'

/**
 * Previews before publishing (issue 14) and the checks over the WeChat HTML
 * (issue 16): the real templates and converter, the WeChat stand-in emulator.
 */
const world = wechatWorld()
let payload: Payload
let street: Awaited<ReturnType<typeof smallStreet>>
let emu: WechatEmulator
let editor: string
let leader: string

beforeAll(() => void ({ payload, street, emu, editor, leader } = world))

const preview = (collection: string, id: string | number, token: string | null = editor) => rest('GET', `${collection}/previews?id=${id}`, { token })

describe('previews', () => {
  it('shows the email, the push notification and the WeChat article as residents get them, with what the conversion changes', async () => {
    const pic = await photo(payload, 'street-map', { format: 'png', width: 400, height: 300 })
    const title = '关于调整徐碧街道社区食堂老年人助餐服务时间、用餐地点和报名方式的通知（请各位居民相互转告）'
    const event = (await payload.create({
      collection: 'events',
      data: {
        title,
        summary: '助餐时间调整',
        startsAt: '2026-12-20T02:00:00.000Z',
        location: '社区服务中心一楼',
        wholeStreet: false,
        grids: [street.gridA2.id],
        body: doc(p('助餐点搬到服务中心一楼。'), p(link('https://example.org/menu', '本周菜单')), image(pic.id), p('欢迎老人就餐。')),
      } as never,
      draft: true,
      overrideAccess: true,
    })) as { id: string | number }

    expect(Array.from(title).length).toBeGreaterThan(32)
    const r = await preview('events', event.id)
    expect(r.status).toBe(200)
    const { email, push, wechat } = r.body
    // The email: the real template for a sample resident of the content's grid, every link inert.
    expect(email.subject).toBe(title)
    expect(email.greeting).toContain('甲二网格')
    expect(email.html).toContain('助餐点搬到服务中心一楼。')
    expect(email.html).toContain('甲二网格的居民朋友')
    expect(email.html).not.toMatch(/<a\b[^>]*\shref=/)
    expect(email.html).toContain('data-href="https://example.org/menu"')
    expect(email.html).not.toContain('/t/o/')
    expect(email.text).toContain('助餐点搬到服务中心一楼。')
    expect(email.links).toEqual(['https://example.org/menu'])
    // The push notification as templates/push.ts builds it.
    expect(push.title).toBe(title)
    expect(push.body).toContain('社区服务中心一楼')
    expect(push.icon).toMatch(/\/icons\/icon-192\.png$/)
    expect(push.url).toMatch(new RegExp(`/events/${event.id}`))
    expect(push.bytes).toBeLessThan(push.maxBytes)
    // The WeChat article from the real converter: no link left, the image kept (shown from the site).
    expect(wechat.articles).toHaveLength(1)
    const article = wechat.articles[0]
    expect(article.html).not.toMatch(/<a\b/)
    expect(article.html).toContain('本周菜单')
    expect(article.html).toContain('/api/media/file/street-map')
    expect(Array.from(article.title as string).length).toBeLessThanOrEqual(32)
    const notes = wechat.notes as { kind: string; article: number | null; text: string }[]
    const of = (kind: string) => notes.filter((n) => n.kind === kind)
    expect(of('link-removed')).toHaveLength(1)
    expect(of('link-removed')[0]).toMatchObject({ article: 1 })
    expect(of('link-removed')[0].text).toContain('https://example.org/menu')
    expect(of('image-upload')).toHaveLength(1)
    expect(of('image-upload')[0].text).toContain('street-map')
    expect(of('clipped')[0].text).toContain('32')
    expect(of('source-url')[0].text).toContain(`/events/${event.id}`)
    expect(of('cover')).toHaveLength(1)
    expect(wechat).toMatchObject({ blocked: false, serious: 0 })

    // The panel's three previews, drawn from this answer.
    const { renderToStaticMarkup } = await import('react-dom/server')
    const { EmailTab, PushTab, WechatTab } = await import('../../src/components/PreviewsPanelTabs')
    const mailTab = renderToStaticMarkup(EmailTab({ p: r.body, lang: 'zh' }))
    expect(mailTab).toContain('sandbox=""')
    expect(mailTab).toContain('预览中的链接不可点击')
    const pushTab = renderToStaticMarkup(PushTab({ p: r.body, lang: 'zh' }))
    expect(pushTab).toContain('社区服务中心一楼')
    const wechatTab = renderToStaticMarkup(WechatTab({ p: r.body, lang: 'zh' }))
    expect(wechatTab).toContain('链接“本周菜单”将被去掉')
    expect(wechatTab).toContain('将上传到公众号')
    expect(wechatTab).toContain('公众号文本未发现问题。')
    expect(wechatTab).not.toMatch(/<a\b/)
    // Nothing went to WeChat.
    expect(emu.calls.filter((c) => c.path !== '/cgi-bin/stable_token')).toHaveLength(0)
  })

  it('is for staff who may edit the content; an announcement has no WeChat article', async () => {
    const policy = (await payload.create({
      collection: 'policies',
      data: { title: '预览权限', issuingBody: '街道办事处', summary: '要点', body: richBody('正文。') } as never,
      draft: true,
      overrideAccess: true,
    })) as { id: string | number }
    expect((await preview('policies', policy.id, leader)).status).toBe(403)
    expect((await preview('policies', policy.id, null)).status).toBe(401)
    expect((await preview('policies', 999_999)).status).toBe(404)

    const note = (await payload.create({
      collection: 'announcements',
      data: { title: '停水通知', summary: '明天停水', grids: [street.gridA1.id], body: richBody('明天上午停水。') } as never,
      draft: true,
      overrideAccess: true,
    })) as { id: string | number }
    const own = await preview('announcements', note.id, leader)
    expect(own.status).toBe(200)
    expect(own.body.wechat).toBeNull()
    expect(own.body.email.greeting).toContain('甲一网格')
  })

  it('reads the WeChat HTML as text one block a line', () => {
    expect(wechatText('<section><p>甲<strong>乙</strong></p><p>丙</p><table><tr><td>丁</td><td>戊</td></tr></table></section>')).toBe('甲乙\n丙\n丁\n戊')
  })
})

describe('checks on the WeChat HTML', () => {
  const setWrongName = (rows: { correct: string; wrong: string }[]) =>
    payload.updateGlobal({ slug: 'site-settings', data: { officialNames: rows } as never, overrideAccess: true })

  it('a serious finding in the WeChat text stops the send before any WeChat call, shows in the preview, and says why', async () => {
    await setWrongName([])
    const policy = (await payload.create({
      collection: 'policies',
      data: { title: '东壶社区养老服务补贴政策解读', issuingBody: '街道办事处', summary: '要点', body: richBody('补贴标准见下。'), _status: 'published' } as never,
      overrideAccess: true,
    })) as { id: string | number }
    // The street adds the wrong form to its dictionary after publishing, before the WeChat stages run.
    await setWrongName([{ correct: '东湖社区', wrong: '东壶社区' }])
    const before = emu.calls.filter((c) => c.path !== '/cgi-bin/stable_token').length
    const d = await runUntilSettled(payload, (await wechatOf(payload, 'policies', policy.id)).id)
    expect(d.status).toBe('paused')
    expect(d.reason).toContain('严重问题')
    expect(d.reason).toContain('东壶社区')
    expect(d.lastErrors?.at(-1)).toMatchObject({ code: 'checks.serious' })
    expect(emu.calls.filter((c) => c.path !== '/cgi-bin/stable_token')).toHaveLength(before)
    expect(callsTo(emu, '/cgi-bin/draft/add')).toHaveLength(0)

    const r = await preview('policies', policy.id)
    expect(r.body.wechat.blocked).toBe(true)
    expect(r.body.wechat.serious).toBeGreaterThan(0)
    const finding = r.body.wechat.findings.find((f: { kind: string }) => f.kind === 'official-name')
    expect(finding).toMatchObject({ severity: 'serious', match: '东壶社区', where: '公众号图文 1' })
    const { renderToStaticMarkup } = await import('react-dom/server')
    const { WechatTab } = await import('../../src/components/PreviewsPanelTabs')
    const shown = renderToStaticMarkup(WechatTab({ p: r.body, lang: 'zh' }))
    expect(shown).toContain('data-blocked="true"')
    expect(shown).toContain('公众号发布和群发将被暂停')
    expect(shown).toContain('东壶社区')

    // Fixed (the dictionary entry removed here; an editor would correct the text): resume sends it.
    await setWrongName([])
    const resumed = await rest('PATCH', `deliveries/${d.id}?depth=0`, { token: editor, body: { status: 'queued' } })
    expect(resumed.status).toBe(200)
    const done = await runUntilSettled(payload, d.id)
    expect(done.status).toBe('done')
    expect(stateOf(await deliveryById(payload, d.id)).stage).toBe('published')

    // The mass send checks again: refused before the day is claimed or anything is recorded.
    await setWrongName([{ correct: '东湖社区', wrong: '东壶社区' }])
    const sends = callsTo(emu, '/cgi-bin/message/mass/sendall').length
    const mass = await rest('POST', `deliveries/${d.id}/mass-send`, { token: editor, body: { confirm: true } })
    expect(mass.status).toBe(409)
    expect(mass.body).toMatchObject({ ok: false, code: 'checks.serious' })
    expect(mass.body.message).toContain('东壶社区')
    expect(callsTo(emu, '/cgi-bin/message/mass/sendall')).toHaveLength(sends)
    expect(stateOf(await deliveryById(payload, d.id)).massSend).toBeUndefined()
    expect((await rest('GET', 'deliveries/wechat-quota', { token: editor })).body.massSentToday).toBe(false)
    await setWrongName([])
  })

  it('leaves alone the numbers the editor marked as the content\'s public contacts, and flags them unmarked', async () => {
    const mobiles = (r: { body: { wechat: { findings: { kind: string; match: string }[] } } }) => r.body.wechat.findings.filter((f) => f.kind === 'mobile').map((f) => f.match)
    const data = { title: '咨询方式', issuingBody: '街道办事处', summary: '咨询方式', body: richBody('咨询电话 139 1234 5678。') }
    // Unmarked (a draft: the publish gate would refuse it), the number is a serious finding in the WeChat text.
    const unmarked = (await payload.create({ collection: 'policies', data: data as never, draft: true, overrideAccess: true })) as { id: string | number }
    const flagged = await preview('policies', unmarked.id)
    expect(flagged.status).toBe(200)
    expect(mobiles(flagged)).toEqual(['139 1234 5678'])
    expect(flagged.body.wechat.blocked).toBe(true)

    const policy = (await payload.create({
      collection: 'policies',
      data: { ...data, publicContacts: '139 1234 5678', _status: 'published' } as never,
      overrideAccess: true,
    })) as { id: string | number }
    const r = await preview('policies', policy.id)
    expect(r.status).toBe(200)
    expect(mobiles(r)).toEqual([])
    expect(r.body.wechat.blocked).toBe(false)
  })
})
