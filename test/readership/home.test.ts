import type { Payload, PayloadRequest } from 'payload'
import { renderToStaticMarkup } from 'react-dom/server'
import { beforeAll, describe, expect, it } from 'vitest'

import { HomeBody, homeData } from '../../src/components/HomeBody'
import { DeliveriesReadOnly, ownAnnouncementDeliveries } from '../../src/components/DeliveriesPanelReadOnly'
import { bestAndWorst, Definitions, Headline } from '../../src/components/ReadershipHeadline'
import { t } from '../../src/i18n/messages'
import { dashboardData } from '../../src/readership/dashboard'
import { countText, editorHome, leaderHome } from '../../src/readership/home'
import { setupChecklist } from '../../src/readership/homeSetup'
import { body, smallStreet, type Id } from '../support/fixtures'
import { testPayload } from '../support/payload'

/**
 * The admin home's data per role, on a small street with rollup rows written
 * straight into the database: an editor's queue, deliveries and plain result
 * lines (the same figures as the readership dashboard), a grid leader's own
 * grid only, the admin's checklist; and no setting name in front of an editor.
 */
// Channels not configured here, whatever the shell running the tests has set.
for (const name of ['SMTP_URL', 'MAIL_FROM', 'VAPID_PUBLIC_KEY', 'VAPID_PRIVATE_KEY', 'VAPID_SUBJECT', 'WECHAT_APP_ID', 'WECHAT_APP_SECRET']) delete process.env[name]

type Street = Awaited<ReturnType<typeof smallStreet>>
let payload: Payload
let street: Street
let issue: { id: Id; number: number }
let annA: { id: Id }
const SETTING_NAMES = /SMTP_URL|MAIL_FROM|VAPID_|WECHAT_APP|[A-Z]{2,}_[A-Z]{2,}/

const reqOf = (user: unknown) => ({ payload, user, context: {}, i18n: { language: 'zh' } }) as unknown as PayloadRequest

async function rollup(id: Id, grid: Id, channel: string, submitted: number, readers: number) {
  await payload.create({
    collection: 'read-rollups',
    data: { key: `issues:${id}:${grid}:${channel}:2026-11-20`, contentType: 'issues', contentId: String(id), grid: String(grid), channel, day: '2026-11-20', submitted, readers, reads: readers, opens: 0, openReaders: 0 } as never,
    overrideAccess: true,
  })
}

beforeAll(async () => {
  payload = await testPayload()
  street = await smallStreet(payload)
  issue = (await payload.create({
    collection: 'issues',
    data: { title: '第一期', summary: '本期说说加装电梯。', articles: [{ title: '加装电梯', body: body('正文') }], _status: 'published' } as never,
    overrideAccess: true,
  })) as unknown as { id: Id; number: number }
  // A-01: 40 submitted, 10 readers (8 by a message); A-02: 20, 5 (5); B-01: 30, 6 (6).
  for (const [grid, submitted, readers, message] of [
    [street.gridA1.id, 40, 10, 8],
    [street.gridA2.id, 20, 5, 5],
    [street.gridB1.id, 30, 6, 6],
  ] as const) {
    await rollup(issue.id, grid, 'all', submitted, readers)
    await rollup(issue.id, grid, 'messages', submitted, message)
  }
  // Leader A submits an announcement for review; B-01 has one of its own.
  annA = await payload.create({
    collection: 'announcements',
    data: { title: '甲一网格电梯说明会', grids: [street.gridA1.id], body: body('周六上午在活动室。'), review: { status: 'pending' }, _status: 'draft' } as never,
    user: street.leaderA as never,
    overrideAccess: false,
    draft: true,
  }) as unknown as { id: Id }
  await payload.create({
    collection: 'announcements',
    data: { title: '乙一网格停水通知', grids: [street.gridB1.id], body: body('停水'), review: { status: 'pending' }, _status: 'draft' } as never,
    user: street.leaderB as never,
    overrideAccess: false,
    draft: true,
  })
  // Deliveries: one email failed for want of settings (its reason names them), one push paused, one done.
  const delivery = (channel: string, status: string, reason: string | null) =>
    payload.create({
      collection: 'deliveries',
      data: { key: `home-test:${channel}`, title: '第一期', contentType: 'issues', contentId: String(issue.id), channel, audience: 'street', status, reason, total: 90, submitted: status === 'done' ? 90 : 12 } as never,
      overrideAccess: true,
    })
  await delivery('email', 'failed', t('delivery.reason.notConfigured.email'))
  await delivery('webpush', 'paused', t('delivery.reason.pausedByEditor'))
  await delivery('wechat', 'done', null)
})

describe('editor home', () => {
  it('lists what awaits review, the deliveries to watch with their buttons, and a plain line per content', async () => {
    const home = (await editorHome(reqOf(street.editor), 'zh'))!
    expect(home.awaiting.total).toBe(2)
    expect(home.awaiting.items.map((i) => i.title).sort()).toEqual(['乙一网格停水通知', '甲一网格电梯说明会'])

    const byChannel = Object.fromEntries(home.deliveries.map((d) => [d.channel, d]))
    expect(Object.keys(byChannel).sort()).toEqual(['email', 'webpush'])
    expect(byChannel.email.status).toBe('failed')
    expect(byChannel.email.actions).toEqual(['queued'])
    expect(byChannel.email.reason).toBe('邮件通道未配置，请联系管理员。')
    expect(byChannel.webpush.actions).toEqual(['queued', 'cancelled'])
    expect(byChannel.webpush.reason).toBe('编辑已暂停发送。')
    expect(byChannel.webpush.progress).toContain('12')

    // The line, in the glossary's words, with the dashboard's own figures for this content.
    const line = home.results.find((r) => String(r.content.id) === String(issue.id))!
    expect(line.line).toBe('已提交 90 人 · 阅读 21 人（阅读率 21.1%）· 触达率 1.7%')
    const dash = await dashboardData(payload, street.editor, { contentType: 'issues', contentId: issue.id })
    const total = dash.content!.total
    expect(line.line).toContain(`已提交 ${countText(total.submitted)} 人`)
    expect(line.line).toContain(`阅读 ${countText(total.readers)} 人（阅读率 ${total.readRate.display}）`)
    expect(line.line).toContain(`触达率 ${total.reach.display}`)
  })

  it('shows an editor no setting names: channels and reasons say to ask the administrator', async () => {
    const data = await homeData(reqOf(street.editor), 'zh')
    expect(data.setup).toBeNull()
    expect(data.leader).toBeNull()
    // The freshness watch is the editors' (no content published here: every column is listed, none mailed).
    expect(data.freshness?.columns.length).toBeGreaterThan(0)
    expect(data.write).toEqual(['issues', 'events', 'policies', 'announcements'])
    const html = renderToStaticMarkup(HomeBody({ data }))
    expect(html).not.toMatch(SETTING_NAMES)
    expect(html).toContain('邮件通道未配置，请联系管理员。')
    expect(html).toContain('微信公众号通道未配置，请联系管理员。')
    expect(html).toContain('已提交 90 人 · 阅读 21 人（阅读率 21.1%）· 触达率 1.7%')
    expect(html).toContain('/admin/collections/issues/create')
  })

  it('names a fallback delivery as the deliveries panel does: 补发（渠道）, its round after the first', async () => {
    const fallback = (round: number) =>
      payload.create({
        collection: 'deliveries',
        data: { key: `home-test:fallback:${round}`, title: '第一期', contentType: 'issues', contentId: String(issue.id), channel: 'sms', audience: 'street', kind: 'fallback', round, status: 'paused', reason: t('delivery.reason.pausedByEditor'), total: 3, submitted: 0 } as never,
        overrideAccess: true,
      }) as unknown as Promise<{ id: Id }>
    const made = [await fallback(1), await fallback(2)]
    try {
      const data = await homeData(reqOf(street.editor), 'zh')
      const listed = data.editor!.deliveries.filter((d) => made.some((m) => String(m.id) === String(d.id)))
      expect(listed.map((d) => [d.kind, d.round]).sort()).toEqual([['fallback', 1], ['fallback', 2]])
      const html = renderToStaticMarkup(HomeBody({ data }))
      const item = (id: Id) => html.match(new RegExp(`<li data-delivery="${String(id)}"[^>]*>.*?</li>`))?.[0] ?? ''
      expect(item(made[0].id)).toContain('补发（短信） · ')
      expect(item(made[0].id)).not.toContain('#1')
      expect(item(made[1].id)).toContain('补发（短信） #2 · ')
    } finally {
      for (const m of made) await payload.delete({ collection: 'deliveries', id: m.id, overrideAccess: true })
    }
  })
})

describe('grid leader home', () => {
  it("sees only their grid: its figures, their own announcement, results over their grid", async () => {
    const home = (await leaderHome(reqOf(street.leaderA), 'zh'))!
    expect(home.grids.map((g) => g.code)).toEqual(['A-01'])
    expect(home.grids[0].households).toBe(400)
    expect(home.submissions.map((s) => s.title)).toEqual(['甲一网格电梯说明会'])
    expect(home.submissions[0].state).toBe('待审核')
    const line = home.results.find((r) => String(r.content.id) === String(issue.id))!
    expect(line.line).toBe('已提交 40 人 · 阅读 10 人（阅读率 20.0%）· 触达率 2.5%')
    const dash = await dashboardData(payload, street.leaderA, { contentType: 'issues', contentId: issue.id })
    expect(line.reach.display).toBe(dash.content!.total.reach.display)
    // This month: the issue's readers in A-01 (published today).
    expect(home.month).toEqual({ readers: '10', contents: 1, small: false })

    expect(await editorHome(reqOf(street.leaderA), 'zh')).toBeNull()
    expect(await setupChecklist(reqOf(street.leaderA), 'zh')).toBeNull()
  })

  it('renders their home with their grid and its subscribe QR code only, and no setting names', async () => {
    const data = await homeData(reqOf(street.leaderA), 'zh')
    expect(data.editor).toBeNull()
    expect(data.freshness).toBeNull()
    expect(data.write).toEqual(['announcements'])
    expect(data.kits.map((k) => k.code)).toEqual(['A-01'])
    const html = renderToStaticMarkup(HomeBody({ data }))
    expect(html).toContain('/api/grids/A-01/share-qr.svg')
    expect(html).not.toContain('B-01')
    expect(html).not.toContain('乙一网格停水通知')
    expect(html).not.toMatch(SETTING_NAMES)
    expect(html).toContain(`/admin/readership/share?content=${encodeURIComponent(`issues:${issue.id}`)}`)
  })

  it('community staff see their community’s grids', async () => {
    const home = (await leaderHome(reqOf(street.staffA), 'zh'))!
    expect(home.grids.map((g) => g.code)).toEqual(['A-01', 'A-02'])
    expect(home.results.find((r) => String(r.content.id) === String(issue.id))!.line).toBe('已提交 60 人 · 阅读 15 人（阅读率 21.7%）· 触达率 2.0%')
  })
})

describe("the leader's own announcement", () => {
  it('shows its deliveries read-only to its grid leader, in words without setting names; to nobody else', async () => {
    await payload.create({
      collection: 'deliveries',
      data: { key: `home-test:ann:email`, title: '甲一网格电梯说明会', contentType: 'announcements', contentId: String(annA.id), channel: 'email', audience: `grids:${street.gridA1.id}`, status: 'skipped', reason: t('delivery.reason.notConfigured.email') } as never,
      overrideAccess: true,
    })
    const mine = (await ownAnnouncementDeliveries(reqOf(street.leaderA), annA.id, 'zh'))!
    expect(mine.map((d) => [d.channel, d.status, d.reason])).toEqual([['email', 'skipped', '邮件通道未配置，请联系管理员。']])
    const html = renderToStaticMarkup(DeliveriesReadOnly({ deliveries: mine, published: true, lang: 'zh' }))
    expect(html).toContain('未发送（渠道未配置）')
    expect(html).not.toMatch(SETTING_NAMES)
    expect(html).not.toContain('<button')
    // Another grid's leader, and editors (who have the full panel), get none of this.
    expect(await ownAnnouncementDeliveries(reqOf(street.leaderB), annA.id, 'zh')).toBeNull()
    expect(await ownAnnouncementDeliveries(reqOf(street.editor), annA.id, 'zh')).toBeNull()
  })
})

describe('readership headline', () => {
  it("puts the dashboard's own figures first, with the grids of best and lowest reach, and folds the definitions", async () => {
    const dash = await dashboardData(payload, street.editor, { contentType: 'issues', contentId: issue.id })
    const ends = bestAndWorst(dash.content!.rows)!
    expect([ends.best.grid!.code, ends.best.reach.display, ends.worst.grid!.code, ends.worst.reach.display]).toEqual(['A-01', '2.5%', 'B-01', '1.3%'])
    const html = renderToStaticMarkup(Headline({ report: dash.content!, lang: 'zh', latest: false }))
    const figure = (name: string) => new RegExp(`data-figure="${name}"><dt>[^<]+</dt><dd[^>]*>([^<]+)</dd>`).exec(html)?.[1]
    expect([figure('submitted'), figure('readers'), figure('readRate'), figure('reach')]).toEqual(['90', '21', '21.1%', '1.7%'])
    expect(figure('best')).toBe('A-01 甲一网格（2.5%）')
    expect(figure('worst')).toBe('B-01 乙一网格（1.3%）')
    // A leader of one grid has no best and worst.
    const mine = await dashboardData(payload, street.leaderA, { contentType: 'issues', contentId: issue.id })
    expect(bestAndWorst(mine.content!.rows)).toBeNull()
    const defs = renderToStaticMarkup(Definitions({ lang: 'zh', k: 3 }))
    expect(defs).toMatch(/^<details[^>]*><summary>指标说明<\/summary>/)
    expect(defs).toContain('阅读率：消息读者 ÷ 已提交人数')
  })
})

describe('admin home', () => {
  it('has the set-up checklist, naming the settings to the administrator', async () => {
    const items = (await setupChecklist(reqOf(street.admin), 'zh'))!
    const byKey = Object.fromEntries(items.map((i) => [i.key, i]))
    expect(byKey['channel-email'].done).toBe(false)
    expect(byKey['channel-email'].detail).toContain('SMTP_URL')
    expect(byKey.settings.done).toBe(false)
    expect(byKey.settings.detail).toContain('ICP备案号')
    expect(byKey.street.detail).toBe('2 个社区、3 个网格、0 个楼栋已录入。')
    expect(byKey.street.done).toBe(false)
    // A-02 has no leader.
    expect(byKey.staff.detail).toContain('A-02')
    expect(byKey.staff.done).toBe(false)

    await payload.updateGlobal({ slug: 'site-settings', data: { streetName: '徐碧街道', hotline: '138 0000 0000', icp: '沪ICP备00000000号', psb: '沪公网安备00000000000000号' } as never, overrideAccess: true })
    const after = (await setupChecklist(reqOf(street.admin), 'zh'))!
    expect(after.find((i) => i.key === 'settings')!.done).toBe(true)
    const data = await homeData(reqOf(street.admin), 'zh')
    expect(data.editor).not.toBeNull()
    expect(renderToStaticMarkup(HomeBody({ data }))).toContain('上线准备清单')
  })
})
