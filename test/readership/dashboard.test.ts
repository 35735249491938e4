import { REST_GET } from '@payloadcms/next/routes'
import { parse } from 'csv-parse/sync'
import type { Payload } from 'payload'
import { beforeAll, describe, expect, it } from 'vitest'

import config from '../../src/payload.config'
import { buildReport, type DashboardData, dashboardData, DashboardError, type DashboardRow, type GridInfo } from '../../src/readership/dashboard'
import { shareKits } from '../../src/readership/shareKit'
import { verifyTrack } from '../../src/readership/tokens'
import type { ReadChannel } from '../../src/collections/Readership'
import { body, PASSWORD, smallStreet, type Id } from '../support/fixtures'
import { rest, tokenFor } from '../support/http'
import { testPayload } from '../support/payload'

/**
 * The readership dashboard against rollup rows written straight into the
 * database (the tracking and the rollup job that fill them are tested on
 * their own): the figures, the small-group rule, who sees which grids through
 * the Local API and REST, the CSV export and the share kits.
 */
type Street = Awaited<ReturnType<typeof smallStreet>>
let payload: Payload
let street: Street
let issue: { id: Id; number: number }
let issue2: { id: Id; number: number }
let annB: { id: Id }
let tokens: Record<'admin' | 'editor' | 'staffA' | 'leaderA' | 'leaderB', string>

const TITLE = '=HYPERLINK("http://x","点我"),第一期'

async function rollup(content: { type: string; id: Id }, grid: Id | '', channel: string, day: string, f: { submitted?: number; readers?: number; openReaders?: number; opens?: number; reads?: number }) {
  const g = String(grid)
  await payload.create({
    collection: 'read-rollups',
    data: {
      key: `${content.type}:${content.id}:${g}:${channel}:${day}`,
      contentType: content.type,
      contentId: String(content.id),
      grid: g,
      channel,
      day,
      submitted: f.submitted ?? 0,
      opens: f.opens ?? 0,
      openReaders: f.openReaders ?? 0,
      reads: f.reads ?? f.readers ?? 0,
      readers: f.readers ?? 0,
    } as never,
    overrideAccess: true,
  })
}

async function subscribers(grid: Id, active: number, other = 0) {
  for (let i = 0; i < active + other; i++) {
    await payload.create({
      collection: 'subscribers',
      data: { email: `r${grid}-${i}@example.org`, grid, channels: ['email'], topics: ['issues'], status: i < active ? 'active' : 'unsubscribed' } as never,
      overrideAccess: true,
    })
  }
}

const rowOf = (data: DashboardData, code: string) => data.content!.rows.find((r) => r.grid?.code === code)
const shown = (r: DashboardRow) => ({
  subscribers: r.subscribers.display,
  submitted: r.submitted.display,
  readers: r.readers.display,
  messageReaders: r.messageReaders.display,
  readRate: r.readRate.display,
  reach: r.reach.display,
  email: r.channels.email.display,
  webpush: r.channels.webpush.display,
  share: r.channels.share.display,
  site: r.channels.site.display,
  opens: r.opens.display,
})

beforeAll(async () => {
  payload = await testPayload()
  street = await smallStreet(payload)
  const mk = async (collection: string, data: Record<string, unknown>) =>
    (await payload.create({ collection: collection as never, data: { ...data, _status: 'published' } as never, overrideAccess: true })) as unknown as { id: Id; number: number }
  issue = await mk('issues', { title: TITLE, summary: '本期聚焦老旧小区加装电梯。', articles: [{ title: '加装电梯', body: body('正文') }] })
  issue2 = await mk('issues', { title: '第二期', articles: [{ title: '垃圾分类', body: body('正文') }] })
  annB = await mk('announcements', { title: '乙一网格停水通知', grids: [street.gridB1.id], body: body('停水') })

  await subscribers(street.gridA1.id, 5, 2)
  await subscribers(street.gridA2.id, 4)
  await subscribers(street.gridB1.id, 3)

  const c = { type: 'issues', id: issue.id }
  const { gridA1: A1, gridA2: A2, gridB1: B1 } = street
  // 40 submitted, 12 readers over two days (email 7, push 3, share 3, site 3: some read twice),
  // 9 of them recipients who read through a message (email or push, one by both), 20 opened.
  await rollup(c, A1.id, 'all', '2026-11-20', { submitted: 40, readers: 10 })
  await rollup(c, A1.id, 'all', '2026-11-21', { readers: 2 })
  await rollup(c, A1.id, 'messages', '2026-11-20', { submitted: 40, readers: 8 })
  await rollup(c, A1.id, 'messages', '2026-11-21', { readers: 1 })
  await rollup(c, A1.id, 'email', '2026-11-20', { submitted: 30, readers: 6, openReaders: 15, opens: 31 })
  await rollup(c, A1.id, 'email', '2026-11-21', { readers: 1, openReaders: 5, opens: 6 })
  await rollup(c, A1.id, 'webpush', '2026-11-20', { submitted: 10, readers: 3 })
  await rollup(c, A1.id, 'share', '2026-11-20', { readers: 1 })
  await rollup(c, A1.id, 'share', '2026-11-21', { readers: 2 })
  await rollup(c, A1.id, 'site', '2026-11-20', { readers: 3 })
  // 20 submitted, 5 readers, all by email; 9 opened.
  await rollup(c, A2.id, 'all', '2026-11-20', { submitted: 20, readers: 5 })
  await rollup(c, A2.id, 'messages', '2026-11-20', { submitted: 20, readers: 5 })
  await rollup(c, A2.id, 'email', '2026-11-20', { submitted: 20, readers: 5, openReaders: 9 })
  // B-01: 30 submitted, 1 reader.
  await rollup(c, B1.id, 'all', '2026-11-20', { submitted: 30, readers: 1 })
  await rollup(c, B1.id, 'messages', '2026-11-20', { submitted: 30, readers: 1 })
  await rollup(c, B1.id, 'email', '2026-11-20', { submitted: 30, readers: 1 })
  // Unattributed: 4 readers on the site.
  await rollup(c, '', 'all', '2026-11-20', { readers: 4 })
  await rollup(c, '', 'site', '2026-11-20', { readers: 4 })
  // Issue 2: A-01 8 readers of 40, A-02 2 of 20, B-01 9 of 30.
  const c2 = { type: 'issues', id: issue2.id }
  for (const [grid, submitted, readers] of [[A1.id, 40, 8], [A2.id, 20, 2], [B1.id, 30, 9]] as const) {
    for (const channel of ['all', 'messages', 'email']) await rollup(c2, grid, channel, '2026-11-25', { submitted, readers })
  }
  // WeChat, street-wide: two days of one article.
  for (const [statDate, readUsers, shares] of [['2026-11-20', 120, 7], ['2026-11-21', 30, 1]] as const) {
    await payload.create({
      collection: 'wechat-article-stats',
      data: { key: `m1:${statDate}`, contentType: 'issues', contentId: String(issue.id), msgid: 'm1', refDate: '2026-11-20', statDate, title: TITLE, readUsers, reads: readUsers + 10, shareUsers: shares, shares } as never,
      overrideAccess: true,
    })
  }
  tokens = {
    admin: await tokenFor(payload, street.admin.email, PASSWORD),
    editor: await tokenFor(payload, street.editor.email, PASSWORD),
    staffA: await tokenFor(payload, street.staffA.email, PASSWORD),
    leaderA: await tokenFor(payload, street.leaderA.email, PASSWORD),
    leaderB: await tokenFor(payload, street.leaderB.email, PASSWORD),
  }
})

describe('freshness', () => {
  it('says when the figures were last rolled up and how often, in the JSON and the admin view', async () => {
    const { renderToStaticMarkup } = await import('react-dom/server')
    const { RollupNote } = await import('../../src/components/ReadershipRollupNote')
    const { rollupReadership } = await import('../../src/readership/rollup')
    const note = (data: DashboardData) => renderToStaticMarkup(RollupNote({ rollup: data.rollup, lang: 'zh' }))
    const before = await dashboardData(payload, street.editor, {})
    expect(before.rollup).toEqual({ lastAt: null, everyMinutes: 5 })
    expect(note(before)).toContain('统计数据每 5 分钟汇总一次，目前尚未汇总过')

    const started = Date.now()
    await rollupReadership(payload)
    const ended = Date.now()
    const after = await dashboardData(payload, street.leaderA, {})
    const at = new Date(after.rollup.lastAt!).getTime()
    expect(at).toBeGreaterThanOrEqual(started)
    expect(at).toBeLessThanOrEqual(ended)
    const { formatDateTime } = await import('../../src/templates/format')
    expect(note(after)).toContain(`统计数据每 5 分钟汇总一次，最近一次汇总于 ${formatDateTime(after.rollup.lastAt)}`)
    // Every viewer gets the same time, through REST too; a second run moves it on and leaves one record.
    const json = await rest('GET', 'read-rollups/dashboard', { token: tokens.staffA })
    expect(json.body.rollup).toEqual(after.rollup)
    await rollupReadership(payload)
    const again = await dashboardData(payload, street.editor, {})
    expect(new Date(again.rollup.lastAt!).getTime()).toBeGreaterThanOrEqual(at)
    expect(await payload.db.count({ collection: 'claims', where: { scope: { equals: 'state:read-rollup-finished' } } })).toEqual({ totalDocs: 1 })
  })
})

describe('figures', () => {
  it('an editor sees every grid, the unattributed reads and the total, with the small-group rule applied', async () => {
    const data = await dashboardData(payload, street.editor, { contentType: 'issues', contentId: issue.id })
    expect(data.minGroupSize).toBe(3)
    expect(data.content!.rows.map((r) => r.grid?.code ?? r.kind)).toEqual(['A-01', 'A-02', 'B-01', 'unattributed'])
    const A1 = shown(rowOf(data, 'A-01')!)
    // 9 of the 40 recipients read it through their message (22.5%); the 3 share and 3 site readers count for
    // reach only: 12 readers of 400 households (3.0%). Unsubscribed residents are not subscribers.
    expect(A1).toMatchObject({ subscribers: '5', submitted: '40', readers: '12', messageReaders: '9', readRate: '22.5%', reach: '3.0%', opens: '20' })
    // A-01's push readers are hidden (the other grids' are 0): its email readers are hidden with them, since
    // message readers − email readers would give the push readers (exactly, when nobody read by both).
    expect(A1).toMatchObject({ webpush: '—', email: '—' })
    // B-01's single reader shows as <3, and so do its rates' sources; the rates are hidden. Nobody opened: 0 is shown.
    expect(shown(rowOf(data, 'B-01')!)).toMatchObject({ subscribers: '3', submitted: '30', readers: '<3', messageReaders: '<3', readRate: '—', reach: '—', email: '<3', opens: '0' })
    // 15 − 9 − would give B-01's 1 message reader: A-02's (5, the smallest other) is hidden beside it, and its rate.
    expect(rowOf(data, 'A-02')!.messageReaders).toEqual({ value: null, display: '—', state: 'hidden' })
    expect(rowOf(data, 'A-02')!.readRate.state).toBe('hidden')
    // The unattributed reads were sent to nobody: no message readers, no read rate.
    expect(data.content!.rows[3]).toMatchObject({ kind: 'unattributed', messageReaders: { state: 'na' }, readRate: { state: 'na' } })
    const total = data.content!.total
    expect(total.readers.display).toBe('22')
    expect(total.subscribers.display).toBe('12')
    expect(total.submitted.display).toBe('90')
    expect(total.households).toBe(400 + 350 + 480)
    expect(total.messageReaders.display).toBe('15')
    expect(total.readRate.display).toBe(`${((15 / 90) * 100).toFixed(1)}%`)
    expect(total.reach.display).toBe(`${((22 / 1230) * 100).toFixed(1)}%`)
    // 22 − 12 − (A-02) − (unattributed) would give B-01's 1: a second row of the column is hidden.
    const column = data.content!.rows.map((r) => r.readers)
    expect(column.filter((f) => f.state !== 'shown').length).toBeGreaterThanOrEqual(2)
    expect(column.filter((f) => f.state === 'hidden').every((f) => f.value === null && f.display === '—')).toBe(true)
    // Email opens are apart from reads: 20 opened in A-01, never counted as readers.
    expect(rowOf(data, 'A-01')!.opens.value).toBe(20)
  })

  it('read rate counts only recipients who read through their message: share-link and site readers cannot push it past 100%', () => {
    const content = { type: 'issues' as const, id: 'x', title: 'x', number: null, publishedAt: null, summary: '', grids: null }
    const row = (grid: string, channel: ReadChannel, submitted: number, readers: number) => ({ grid, channel, submitted, readers, openReaders: 0 })
    const grid = (id: number, households: number): GridInfo => ({ id, code: `G-${id}`, name: `网格${id}`, community: '甲社区', households })
    // All 3 recipients read it (by mail, and by push too); 6 neighbours came through the share link, 4 through the site.
    const busy = buildReport(
      content,
      [row('1', 'all', 3, 13), row('1', 'messages', 3, 3), row('1', 'email', 3, 3), row('1', 'webpush', 3, 3), row('1', 'share', 0, 6), row('1', 'site', 0, 4)],
      [grid(1, 300)],
      new Map([['1', 3]]),
      { unattributed: false, k: 3, lang: 'zh' },
    )
    // Readers over submitted would be 13 of 3 (433.3%); reach still counts every reader.
    expect(shown(busy.rows[0])).toMatchObject({ submitted: '3', readers: '13', messageReaders: '3', readRate: '100.0%', reach: '4.3%' })
    expect(busy.total.readRate.display).toBe('100.0%')

    // The small-group rule on the new cell: G-2's 2 message readers show as "<3"; G-1's would give them away
    // from the total (10 − 8), so they are hidden too; the rates built on them are not shown; the total is
    // (G-1's 4 share readers keep "readers − message readers" from being a small group).
    const two = buildReport(
      content,
      [
        ...[row('1', 'all', 20, 12), row('1', 'messages', 20, 8), row('1', 'email', 20, 8), row('1', 'share', 0, 4)],
        ...[row('2', 'all', 10, 2), row('2', 'messages', 10, 2), row('2', 'email', 10, 2)],
      ],
      [grid(1, 300), grid(2, 300)],
      new Map([['1', 20], ['2', 10]]),
      { unattributed: false, k: 3, lang: 'zh' },
    )
    const [g1, g2] = two.rows
    expect(g2.messageReaders).toEqual({ value: null, display: '<3', state: 'small' })
    expect(g1.messageReaders).toEqual({ value: null, display: '—', state: 'hidden' })
    for (const r of [g1, g2]) expect(r.readRate).toMatchObject({ value: null, display: '—', state: 'hidden' })
    expect(two.total.messageReaders.display).toBe('10')
    expect(two.total.readRate.display).toBe('33.3%')
    expect(JSON.stringify(two.rows)).not.toMatch(/"messageReaders":\{"value":[0-9]/)
  })

  it('the JSON never carries a hidden value', async () => {
    const r = await rest('GET', `read-rollups/dashboard?content=issues:${issue.id}`, { token: tokens.editor })
    expect(r.status).toBe(200)
    const b01 = (r.body as DashboardData).content!.rows.find((x) => x.grid?.code === 'B-01')!
    expect(b01.readers).toEqual({ value: null, display: '<3', state: 'small' })
    const text = JSON.stringify(r.body)
    // B-01's true reader count (1) appears nowhere as its readers figure.
    expect(text).not.toMatch(/"readers":\{"value":1,/)
  })

  it('the trend and heatmap show reach per issue, oldest first, cut from the same suppressed tables', async () => {
    const data = await dashboardData(payload, street.editor, {})
    expect(data.trend.map((p) => p.issue.number)).toEqual([issue.number, issue2.number])
    expect(data.trend[0].readers.display).toBe('22')
    expect(data.trend[1].readers.display).toBe('19')
    expect(data.trend[1].reach.display).toBe(`${((19 / 1230) * 100).toFixed(1)}%`)
    expect(data.heatmap.grids.map((g) => g.code)).toEqual(['A-01', 'A-02', 'B-01'])
    expect(data.heatmap.cells[0][0].display).toBe('3.0%')
    // Issue 2: A-02 had 2 readers (<3), so its reach is not shown; 19 − 9 − A-01 would give A-02 away,
    // so A-01 (8, the smaller other grid) is hidden beside it; B-01's 9 of 480 households shows.
    expect(data.heatmap.cells[1][1].state).not.toBe('shown')
    expect(data.heatmap.cells[0][1]).toMatchObject({ state: 'hidden', value: null, display: '—' })
    expect(data.heatmap.cells[2][1].display).toBe('1.9%')
    // The overview's line for issue 1 is the content table's total row.
    const line = data.contents.find((c) => c.content.type === 'issues' && String(c.content.id) === String(issue.id))!
    expect(line.total.readers.display).toBe('22')
    expect(data.content).toBeNull()
  })

  it('from/to choose the contents listed and trended by their publication day (street time)', async () => {
    const { streetDay } = await import('../../src/templates/format')
    const today = streetDay(new Date())
    const tomorrow = streetDay(new Date(Date.now() + 86_400_000))
    const now = await dashboardData(payload, street.editor, { from: today, to: today })
    expect(now.contents.length).toBe(3)
    expect(now.trend).toHaveLength(2)
    const later = await dashboardData(payload, street.editor, { from: tomorrow })
    expect(later.contents).toEqual([])
    expect(later.trend).toEqual([])
    // A content's own table covers all its days, whatever the range.
    const table = await dashboardData(payload, street.editor, { contentType: 'issues', contentId: issue.id, from: tomorrow })
    expect(table.content!.total.readers.display).toBe('22')
    const r = await rest('GET', 'read-rollups/dashboard?from=2026-02-30', { token: tokens.editor })
    expect(r.status).toBe(400)
    expect(r.body.errors[0]).toMatchObject({ field: 'from' })
    expect(r.body.message).toMatch(/YYYY-MM-DD/)
  })

  it('WeChat figures sit beside, summed over days, with the small-group rule', async () => {
    const data = await dashboardData(payload, street.leaderA, { contentType: 'issues', contentId: issue.id })
    expect(data.content!.wechat).toMatchObject({ readUsers: { display: '150' }, reads: { display: '170' }, shares: { display: '8' }, shareUsers: { display: '8' }, days: 2 })
    const none = await dashboardData(payload, street.editor, { contentType: 'issues', contentId: issue2.id })
    expect(none.content!.wechat).toBeNull()
  })

  it('bad options are refused with the field named', async () => {
    await expect(dashboardData(payload, street.editor, { from: '2026-13-01' })).rejects.toMatchObject({ status: 400, field: 'from' })
    await expect(dashboardData(payload, street.editor, { from: '2026-11-20', to: '2026-11-01' })).rejects.toMatchObject({ status: 400, field: 'from' })
    await expect(dashboardData(payload, street.editor, { contentType: 'posts', contentId: 1 })).rejects.toMatchObject({ status: 400, field: 'content' })
    const bad = await rest('GET', 'read-rollups/dashboard?content=issues', { token: tokens.editor })
    expect(bad.status).toBe(400)
    expect(bad.body.errors[0].field).toBe('content')
    expect(bad.body.message).toMatch(/类型：编号/)
    const missing = await rest('GET', 'read-rollups/dashboard?content=issues:999999', { token: tokens.editor })
    expect(missing.status).toBe(404)
    expect(missing.body.message).toMatch(/找不到/)
    const issues = await rest('GET', 'read-rollups/dashboard?issues=99', { token: tokens.editor })
    expect(issues.status).toBe(400)
    expect(issues.body.errors[0].field).toBe('issues')
  })
})

describe('scoping', () => {
  it('Local API: a grid leader gets only their grid, and the total is theirs; nothing unattributed', async () => {
    const data = await dashboardData(payload, street.leaderA, { contentType: 'issues', contentId: issue.id })
    expect(data.scope.all).toBe(false)
    expect(data.content!.rows.map((r) => r.grid?.code ?? r.kind)).toEqual(['A-01'])
    // Alone in view, A-01's channels are all at least 3: shown.
    expect(shown(data.content!.rows[0])).toMatchObject({ readers: '12', email: '7', webpush: '3', share: '3', site: '3' })
    expect(data.content!.total.readers.display).toBe('12')
    expect(data.content!.total.households).toBe(400)
    expect(data.heatmap.grids.map((g) => g.code)).toEqual(['A-01'])
  })

  it('Local API: a single grid with a small figure hides the total too (the total would be that grid)', async () => {
    const data = await dashboardData(payload, street.leaderB, { contentType: 'issues', contentId: issue.id })
    expect(data.content!.rows.map((r) => r.grid!.code)).toEqual(['B-01'])
    expect(data.content!.rows[0].readers.display).toBe('<3')
    expect(data.content!.total.readers.display).toBe('<3')
    expect(data.content!.total.readers.value).toBeNull()
  })

  it('REST: community staff see their community’s grids; each grid leader theirs; the anonymous nothing', async () => {
    const codes = async (who: keyof typeof tokens) => {
      const r = await rest('GET', `read-rollups/dashboard?content=issues:${issue.id}`, { token: tokens[who] })
      expect(r.status).toBe(200)
      return (r.body as DashboardData).content!.rows.map((x) => x.grid?.code ?? x.kind)
    }
    expect(await codes('editor')).toEqual(['A-01', 'A-02', 'B-01', 'unattributed'])
    expect(await codes('admin')).toEqual(['A-01', 'A-02', 'B-01', 'unattributed'])
    expect(await codes('staffA')).toEqual(['A-01', 'A-02'])
    expect(await codes('leaderA')).toEqual(['A-01'])
    expect(await codes('leaderB')).toEqual(['B-01'])
    const anon = await rest('GET', `read-rollups/dashboard?content=issues:${issue.id}`)
    expect(anon.status).toBe(403)
    expect(anon.body.message).toMatch(/工作人员/)
  })

  it('REST: a grid leader cannot see another grid’s announcement; its own grid leader can', async () => {
    expect((await rest('GET', `read-rollups/dashboard?content=announcements:${annB.id}`, { token: tokens.leaderA })).status).toBe(404)
    const b = await rest('GET', `read-rollups/dashboard?content=announcements:${annB.id}`, { token: tokens.leaderB })
    expect(b.status).toBe(200)
    expect((b.body as DashboardData).content!.rows.map((x) => x.grid!.code)).toEqual(['B-01'])
    const overview = await rest('GET', 'read-rollups/dashboard', { token: tokens.leaderA })
    expect((overview.body as DashboardData).contents.map((c) => c.content.type)).not.toContain('announcements')
  })

  it('community staff of a community with no grids see no grid and no figure, without an error', async () => {
    const commC = await payload.create({ collection: 'communities', data: { code: 'C', name: '丙社区' } as never, overrideAccess: true })
    const staffC = await payload.create({
      collection: 'users',
      data: { email: 'staff-c@test.local', password: PASSWORD, name: 'staff-c', role: 'community-staff', community: commC.id } as never,
      overrideAccess: true,
    })
    const data = await dashboardData(payload, { ...(staffC as unknown as { id: Id; role: string }), collection: 'users' } as never, { contentType: 'issues', contentId: issue.id })
    expect(data.scope).toEqual({ all: false, grids: [] })
    expect(data.content!.rows).toEqual([])
    // No grid, so nobody: a zero identifies no one and is shown.
    expect(data.content!.total.readers.display).toBe('0')
    expect(data.heatmap.grids).toEqual([])
  })

  it('raw rollup rows (exact small counts) are for editors only', async () => {
    expect((await rest('GET', 'read-rollups?limit=1', { token: tokens.editor })).status).toBe(200)
    expect((await rest('GET', 'read-rollups?limit=1', { token: tokens.leaderA })).status).toBe(403)
    expect((await rest('GET', 'wechat-article-stats?limit=1', { token: tokens.leaderA })).status).toBe(403)
    expect((await rest('GET', 'read-rollups?limit=1')).status).toBe(403)
  })
})

describe('CSV export', () => {
  const get = REST_GET(config)
  const csv = async (query: string, token: string) => {
    const url = new URL(`/api/read-rollups/dashboard.csv${query}`, 'http://127.0.0.1:3000')
    const res = await get(new Request(url, { headers: { Authorization: `JWT ${token}` } }), { params: Promise.resolve({ slug: ['read-rollups', 'dashboard.csv'] }) })
    return { res, bytes: Buffer.from(await res.arrayBuffer()) }
  }

  it('one line per grid, UTF-8 with a byte-order mark, cells safe from formulas, the export audited', async () => {
    const before = await payload.count({ collection: 'audit-log', where: { action: { equals: 'export' } }, overrideAccess: true })
    const { res, bytes } = await csv(`?content=issues:${issue.id}`, tokens.editor)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="readership-issues-/)
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const text = bytes.subarray(3).toString('utf8')
    // The title begins with "=": written as text ('=...), quoted because of its comma and quotes.
    expect(text).toContain(`"'=HYPERLINK(""http://x"",""点我""),第一期"`)
    const rows = parse(text) as string[][]
    expect(rows[0].slice(0, 11)).toEqual(['内容', '网格编码', '网格', '社区', '户数', '订阅人数', '已提交', '阅读人数', '消息读者', '阅读率', '触达率'])
    expect(rows.map((r) => r[1] || r[2])).toEqual(['网格编码', 'A-01', 'A-02', 'B-01', '未归属网格', '合计'])
    expect(rows[1].slice(1, 11)).toEqual(['A-01', '甲一网格', '甲社区', '400', '5', '40', '12', '9', '22.5%', '3.0%'])
    expect(rows[3][7]).toBe('<3')
    expect(rows[3][8]).toBe('<3')
    expect(rows[5][7]).toBe('22')
    expect(rows[0]).toContain('打开（估算）')
    const after = await payload.find({ collection: 'audit-log', where: { action: { equals: 'export' } }, sort: '-createdAt', limit: 1, overrideAccess: true })
    expect(after.totalDocs).toBe(before.totalDocs + 1)
    const entry = after.docs[0] as unknown as { targetCollection: string; targetId: string; actor: unknown; detail: string }
    expect(entry.targetCollection).toBe('read-rollups')
    expect(entry.targetId).toBe(String(issue.id))
    expect(String((entry.actor as { id?: Id })?.id ?? entry.actor)).toBe(String(street.editor.id))
    expect(entry.detail).toMatch(/5 行/)
  })

  it('a grid leader’s export holds their grid only; the overview has one line per content', async () => {
    const { res, bytes } = await csv(`?content=issues:${issue.id}`, tokens.leaderA)
    expect(res.status).toBe(200)
    const rows = parse(bytes.subarray(3).toString('utf8')) as string[][]
    expect(rows.map((r) => r[1] || r[2])).toEqual(['网格编码', 'A-01', '合计'])
    const overview = parse((await csv('', tokens.editor)).bytes.subarray(3).toString('utf8')) as string[][]
    expect(overview[0].slice(0, 3)).toEqual(['类型', '内容', '发布日期'])
    expect(overview.slice(1).map((r) => r[1]).sort()).toEqual([`'${TITLE}`, '乙一网格停水通知', '第二期'].sort())
    expect((await csv('', 'not-a-token')).res.status).toBe(403)
  })
})

describe('share kits', () => {
  it('every grid for an editor, one per grid leader; each link signed for its grid and the content', async () => {
    const editor = await shareKits(payload, street.editor, 'issues', issue.id)
    expect(editor.kits.map((k) => k.grid.code)).toEqual(['A-01', 'A-02', 'B-01'])
    const leader = await shareKits(payload, street.leaderA, 'issues', issue.id)
    expect(leader.kits.map((k) => k.grid.code)).toEqual(['A-01'])
    const kit = leader.kits[0]
    const token = new URL(kit.link).pathname.split('/').pop()!
    const v = verifyTrack(token, 'click')
    expect(v.ok && v.token).toMatchObject({ channel: 'share', contentType: 'issues', contentId: String(issue.id), grid: String(street.gridA1.id) })
    expect(kit.qrSvg).toMatch(/^<svg[^>]*>/)
    expect(kit.text).toBe(`【甲一网格】${TITLE}\n本期聚焦老旧小区加装电梯。\n点击阅读全文：${kit.link}`)
  })

  it('a grid leader gets no kit for another grid’s announcement; staff with no grid role nothing', async () => {
    await expect(shareKits(payload, street.leaderA, 'announcements', annB.id)).rejects.toBeInstanceOf(DashboardError)
    const own = await shareKits(payload, street.leaderB, 'announcements', annB.id)
    expect(own.kits.map((k) => k.grid.code)).toEqual(['B-01'])
    const editor = await shareKits(payload, street.editor, 'announcements', annB.id)
    expect(editor.kits.map((k) => k.grid.code)).toEqual(['B-01'])
    await expect(shareKits(payload, null, 'issues', issue.id)).rejects.toMatchObject({ status: 403 })
  })
})

describe('withdrawn content', () => {
  it('keeps its figures for staff after it is unpublished; a draft that never went out has none', async () => {
    await payload.update({ collection: 'issues', id: issue2.id, data: { _status: 'draft' } as never, overrideAccess: true })
    const data = await dashboardData(payload, street.editor, { contentType: 'issues', contentId: issue2.id })
    expect(data.content!.total.readers.display).toBe('19')
    const draft = (await payload.create({ collection: 'issues', data: { title: '草稿', articles: [{ title: 'a', body: body('x') }] } as never, overrideAccess: true })) as unknown as { id: Id }
    await expect(dashboardData(payload, street.editor, { contentType: 'issues', contentId: draft.id })).rejects.toMatchObject({ status: 404, field: 'content' })
  })
})
