import http from 'node:http'
import type { AddressInfo } from 'node:net'

import { parse } from 'csv-parse/sync'
import type { Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { inspectionReport, type InspectionReport } from '../../src/content/inspection'
import { readPeriod } from '../../src/hooks/inspection'
import { doc, link, p } from '../../src/seed/lexical'
import { streetDay } from '../../src/templates/format'
import { body, PASSWORD, smallStreet, type Id } from '../support/fixtures'
import { gql, rest, tokenFor } from '../support/http'
import { testPayload } from '../support/payload'
import { DAY, draft, publishedAt, wechatArticle } from './support'

/**
 * The inspection report (issue 16) over seeded content, review steps, check
 * findings (fixed and overridden), dead links, corrections and withdrawals:
 * the numbers (counts, the longest gap), the CSV, and admins only (the view,
 * the JSON and the CSV over REST; an editor is refused).
 */
let payload: Payload
let street: Awaited<ReturnType<typeof smallStreet>>
let server: http.Server
let origin: string
let adminToken: string
let editorToken: string
let period: { fromDay: string; toDay: string; from: Date; to: Date }
let report: InspectionReport
const ids: Record<string, Id> = {}
const asUser = (u: { id: Id }) => ({ ...u, collection: 'users' }) as never

beforeAll(async () => {
  server = http.createServer((req, res) => {
    res.writeHead(req.url === '/ok' ? 200 : 404)
    res.end()
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  process.env.LINK_CHECK_TRUSTED_ORIGINS = origin
  payload = await testPayload()
  street = await smallStreet(payload)
  adminToken = await tokenFor(payload, street.admin.email, PASSWORD)
  editorToken = await tokenFor(payload, street.editor.email, PASSWORD)

  // The last 31 street days, today included.
  const today = streetDay(new Date())
  const fromDay = new Date(Date.parse(`${today}T00:00:00Z`) - 30 * DAY).toISOString().slice(0, 10)
  period = readPeriod(new URLSearchParams({ from: fromDay, to: today })).period!
  const at = (days: number) => new Date(period.from.getTime() + days * DAY)

  // Issues: two in the period (days 2 and 20), one before it, and a draft with a date typed ahead (not a publication).
  ids.issue1 = (await publishedAt(payload, 'issues', '第一期', at(2))).id
  ids.issue2 = (await publishedAt(payload, 'issues', '第二期', at(20))).id
  await publishedAt(payload, 'issues', '试刊', at(-5))
  await payload.create({ collection: 'issues', data: { title: '未发布', articles: [{ title: 'x', body: body('x') }], publishedAt: at(10).toISOString() } as never, overrideAccess: true })
  // A grid announcement through the review chain: submitted, returned, submitted again, approved, published.
  const upd = (by: { id: Id }, collection: 'announcements' | 'policies' | 'events', id: Id, data: Record<string, unknown>) =>
    payload.update({ collection, id, data: data as never, overrideAccess: false, user: asUser(by) })
  const notice = await payload.create({
    collection: 'announcements',
    data: { title: '停水通知', grids: [street.gridA1.id], body: body('周三停水。') } as never,
    overrideAccess: false,
    user: asUser(street.leaderA),
  })
  ids.notice = notice.id
  await upd(street.leaderA, 'announcements', notice.id, { review: { status: 'pending' } })
  await upd(street.editor, 'announcements', notice.id, { review: { status: 'returned', comment: '请写明停水时段。' } })
  await upd(street.leaderA, 'announcements', notice.id, { body: body('周三 9:00-12:00 停水。'), review: { status: 'pending' } })
  await upd(street.editor, 'announcements', notice.id, { review: { status: 'approved' } })
  await upd(street.leaderA, 'announcements', notice.id, { _status: 'published' })

  // A policy explainer with a serious finding (a wrong form of an official name), published by the admin with a reason.
  const policy = await draft(payload, 'policies', '国务阮新规解读')
  ids.policy = policy.id
  await upd(street.admin, 'policies', policy.id, { checksOverride: { reason: '引用原文标题，保留原样' } })
  await upd(street.admin, 'policies', policy.id, { _status: 'published' })
  // A correction published: a draft saved over it, then published again.
  await payload.update({ collection: 'policies', id: policy.id, data: { summary: '更正后的解读' }, draft: true, overrideAccess: false, user: asUser(street.editor) })
  await upd(street.admin, 'policies', policy.id, { _status: 'published' })

  // An event with a wrong character, fixed before publication.
  const event = await payload.create({
    collection: 'events',
    data: { title: '空调按装讲座', startsAt: new Date().toISOString(), location: '社区活动室', wholeStreet: true } as never,
    overrideAccess: false,
    user: asUser(street.editor),
  })
  ids.event = event.id
  await upd(street.editor, 'events', event.id, { title: '空调安装讲座' })
  await upd(street.editor, 'events', event.id, { _status: 'published' })

  // A dead external link, found when the editor checked the links, then fixed; another still dead.
  const linked = await payload.create({
    collection: 'announcements',
    data: { title: '办事指南', grids: [street.gridA2.id], body: doc(p(link(`${origin}/gone`, '旧链接'), '，', link(`${origin}/lost`, '另一个'), '。')) } as never,
    overrideAccess: false,
    user: asUser(street.editor),
  })
  ids.linked = linked.id
  const checked = await rest('POST', 'announcements/checks', { token: editorToken, body: { id: linked.id, links: true } })
  expect(checked.body.links).toEqual({ checked: 2, dead: 2 })
  await upd(street.editor, 'announcements', linked.id, { body: doc(p(link(`${origin}/ok`, '新链接'), '，', link(`${origin}/lost`, '另一个'), '。')) })

  // The second issue withdrawn; a draft deleted.
  await payload.update({ collection: 'issues', id: ids.issue2, data: { _status: 'draft' }, overrideAccess: false, user: asUser(street.editor) })
  const gone = await draft(payload, 'events', '取消的活动')
  await payload.delete({ collection: 'events', id: gone.id, overrideAccess: false, user: asUser(street.editor) })

  // WeChat: one article published only (day 3), one published (day 6) and mass-sent (day 7).
  await wechatArticle(payload, { id: ids.issue1 }, 'issues', '第一期', at(3))
  await wechatArticle(payload, { id: ids.issue1 }, 'issues', '第一期（群发）', at(6), at(7))

  report = await inspectionReport(payload, { from: period.from, to: period.to })
}, 180_000)

afterAll(async () => {
  await new Promise((r) => server?.close(r))
})

const column = (key: string) => report.columns.find((c) => c.key === key)!

describe('inspection report', () => {
  it('counts publications per column and finds the longest gap', () => {
    const start = period.from.getTime()
    const now = Date.now()
    expect(column('issues')).toMatchObject({ count: 2, longestGap: { days: 18, from: new Date(start + 2 * DAY).toISOString(), to: new Date(start + 20 * DAY).toISOString() } })
    // Nothing published: the whole period so far is one gap.
    expect(column('events').count).toBe(1)
    expect(column('policies').count).toBe(1)
    expect(column(`announcements:${street.gridA1.id}`).count).toBe(1)
    expect(column(`announcements:${street.gridB1.id}`)).toMatchObject({ count: 0, longestGap: { days: Math.floor((now - start) / DAY), from: period.from.toISOString() } })
    expect(column('wechat-publish')).toMatchObject({ count: 1, longestGap: { days: Math.floor((now - start - 3 * DAY) / DAY) } })
    expect(column('wechat-mass')).toMatchObject({ count: 1 })
    // 2 issues, 1 event, 1 policy, 1 grid notice; 2 WeChat articles. The unpublished draft with a date is no publication;
    // the announcement with the links was never published.
    expect(report.totals.publications).toBe(7)
  })

  it('lists each content’s review steps with who and when', () => {
    const notice = report.contents.find((c) => c.collection === 'announcements' && c.id === String(ids.notice))!
    expect(notice.steps.map((s) => [s.action, s.who])).toEqual([
      ['submit', 'leader-a'],
      ['return', 'editor'],
      ['submit', 'leader-a'],
      ['approve', 'editor'],
      ['publish', 'leader-a'],
    ])
    // The return's audit entry names the step it came from: the 三审 evidence.
    expect(notice.steps[1].detail).toBe('第 1 步（初审）；请写明停水时段。')
    expect(notice.steps.every((s) => !Number.isNaN(Date.parse(s.at)))).toBe(true)
    const issue2 = report.contents.find((c) => c.id === String(ids.issue2) && c.collection === 'issues')!
    expect(issue2.withdrawnAt).toBeTruthy()
  })

  it('lists findings fixed and overridden, the override’s reason, dead links, corrections and withdrawals', () => {
    const of = (collection: string, id: Id) => report.findings.filter((f) => f.collection === collection && f.id === String(id))
    expect(of('events', ids.event).map((f) => [f.kind, f.state, f.text])).toEqual([['typo', 'fixed', '按装']])
    expect(of('policies', ids.policy).filter((f) => f.kind === 'official-name').map((f) => [f.severity, f.state])).toEqual([['serious', 'overridden']])
    expect(report.overrides.map((o) => [o.collection, o.id, o.who])).toEqual([['policies', String(ids.policy), 'admin']])
    expect(report.overrides[0].detail).toContain('引用原文标题，保留原样')
    expect(report.deadLinks.map((d) => [d.id, d.text, d.state]).sort((a, b) => a[1].localeCompare(b[1]))).toEqual([
      [String(ids.linked), `${origin}/gone`, 'fixed'],
      [String(ids.linked), `${origin}/lost`, 'open'],
    ])
    expect(report.corrections.map((c) => [c.collection, c.id, c.who])).toEqual([['policies', String(ids.policy), 'admin']])
    expect(report.withdrawals.map((w) => [w.action, w.collection, w.title])).toEqual([
      ['unpublish', 'issues', '第二期'],
      ['delete', 'events', '取消的活动'],
    ])
    expect(report.totals).toMatchObject({ findingsFixed: 1, findingsOverridden: 1, deadLinksFound: 2, deadLinksFixed: 1, overrides: 1, corrections: 1, withdrawals: 2 })
  })

  it('serves JSON and a formula-safe CSV to admins only, and records the download', async () => {
    const q = `from=${period.fromDay}&to=${period.toDay}`
    for (const path of [`inspection/report?${q}`, `inspection/report.csv?${q}`]) {
      expect((await rest('GET', path, { token: editorToken })).status, path).toBe(403)
      expect((await rest('GET', path)).status, path).toBe(403)
    }
    expect((await rest('GET', 'inspection/report?from=2026-13-01', { token: adminToken })).status).toBe(400)
    const json = await rest('GET', `inspection/report?${q}`, { token: adminToken })
    expect(json.status).toBe(200)
    expect(json.body.totals).toEqual(report.totals)

    // A title that a spreadsheet would run as a formula.
    await publishedAt(payload, 'events', '=HYPERLINK("http://x","点我")', new Date(period.from.getTime() + DAY))
    const csv = await rest('GET', `inspection/report.csv?${q}`, { token: adminToken })
    expect(csv.status).toBe(200)
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(csv.headers.get('content-disposition')).toBe(`attachment; filename="inspection-${period.fromDay}-${period.toDay}.csv"`)
    const rows = parse((csv.body as string).replace(/^\ufeff/, ''), { relax_column_count: true, skip_empty_lines: true }) as string[][]
    expect(rows[0]).toEqual(['检查报告', `期间：${period.fromDay} 至 ${period.toDay}（含）`])
    const section = (title: string) => rows.findIndex((r) => r[0] === title && r.length === 1)
    const cols = section('栏目发布情况')
    expect(rows[cols + 1]).toEqual(['栏目', '发布数', '最长间隔（天）', '间隔开始', '间隔结束'])
    expect(rows[cols + 2].slice(0, 3)).toEqual(['期刊', '2', '18'])
    expect(rows.find((r) => r[0] === '网格公告 · A-01 甲一网格')?.[1]).toBe('1')
    expect(rows.find((r) => r[0] === '微信公众号（群发）')?.[1]).toBe('1')
    const review = rows.filter((r) => r[1] === String(ids.notice) && r[0] === '网格公告')
    expect(review.map((r) => [r[5], r[6]])).toEqual([
      ['提交审核', 'leader-a'],
      ['退回', 'editor'],
      ['提交审核', 'leader-a'],
      ['审核通过', 'editor'],
      ['发布', 'leader-a'],
    ])
    expect(rows.some((r) => r[2] === `'=HYPERLINK("http://x","点我")`)).toBe(true)
    expect(rows.some((r) => r[2] === '=HYPERLINK("http://x","点我")')).toBe(false)
    const overrides = section('检查放行记录')
    expect(rows[overrides + 2].slice(0, 4)).toEqual(['政策解读', String(ids.policy), '国务阮新规解读', 'admin'])
    // The download is an audit entry by the admin; the JSON is not.
    const { docs } = await payload.find({ collection: 'audit-log', where: { targetCollection: { equals: 'inspection' } }, overrideAccess: true, depth: 0 })
    expect(docs.map((d) => [d.action, String(d.actor), d.detail])).toEqual([['export', String(street.admin.id), `导出检查报告（${period.fromDay}~${period.toDay}）`]])
    // The checks' history is not readable by editors over the API either.
    expect((await rest('GET', 'check-records', { token: editorToken })).status).toBe(403)
    const g = await gql('{ CheckRecords { totalDocs } }', {}, { token: editorToken })
    expect(JSON.stringify(g.body)).not.toContain('"totalDocs"')
  })

  it('the admin page shows the report to admins and refuses an editor', async () => {
    const { renderToStaticMarkup } = await import('react-dom/server')
    const { InspectionPage } = await import('../../src/components/InspectionPage')
    const params = new URLSearchParams({ from: period.fromDay, to: period.toDay })
    const editorHtml = renderToStaticMarkup(await InspectionPage({ payload, user: street.editor as never, params, lang: 'zh' }))
    expect(editorHtml).toContain('检查报告仅管理员可以查看。')
    expect(editorHtml).not.toContain('栏目发布情况')
    const html = renderToStaticMarkup(await InspectionPage({ payload, user: street.admin as never, params, lang: 'zh' }))
    expect(html).toContain('栏目发布情况')
    expect(html).toContain(`/api/inspection/report.csv?from=${period.fromDay}&amp;to=${period.toDay}`)
    expect(html).toContain('停水通知')
    expect(html).toContain('引用原文标题，保留原样')
    const bad = renderToStaticMarkup(await InspectionPage({ payload, user: street.admin as never, params: new URLSearchParams({ from: '2026-02-30' }), lang: 'zh' }))
    expect(bad).toContain('日期应写成 2026-11-27 这样的格式。')
  })
})
