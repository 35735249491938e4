import http from 'node:http'
import type { AddressInfo } from 'node:net'

import type { Payload } from 'payload'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'

import { inspectionReport } from '../../src/content/inspection'
import { LINK_WATCH_SCOPE, linkWatchRunning, startLinkWatchJob, watchExternalLinks } from '../../src/jobs/linkWatch'
import { doc, link, p } from '../../src/seed/lexical'
import { body, PASSWORD, smallStreet, type Id } from '../support/fixtures'
import { rest, tokenFor } from '../support/http'
import { testPayload } from '../support/payload'

/**
 * The link watch (issue 16, "external links are checked in the background"):
 * once a street day every published content's external links are checked
 * against a local site reached through LINK_CHECK_TRUSTED_ORIGINS; dead ones
 * are recorded for the inspection report (死链), and closed as fixed once they
 * open again. Drafts and withdrawn content are not checked. Both legs.
 */
let payload: Payload
let site: http.Server
let origin = ''
const seen: string[] = []
let goneIsBack = false
let policy: { id: Id }
let editorToken = ''
const DAY = 86_400_000

type View = { kind: string; severity: string; what: string; match: string }
/** The dead links the content's checks panel lists when opened (no link check asked for). */
const panelDeadLinks = async (): Promise<View[]> => {
  const r = await rest('POST', 'policies/checks', { token: editorToken, body: { id: policy.id } })
  expect(r.status).toBe(200)
  return (r.body.findings as View[]).filter((f) => f.kind === 'dead-link')
}

type RecordRow = { contentType: string; contentId: string; kind: string; text?: string | null; external?: boolean | null; fixedAt?: string | null }

const records = async (): Promise<RecordRow[]> =>
  (await payload.find({ collection: 'check-records' as never, where: { kind: { equals: 'dead-link' } }, limit: 0, pagination: false, depth: 0, overrideAccess: true })).docs as unknown as RecordRow[]

beforeAll(async () => {
  site = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`)
    if (req.url === '/ok' || (req.url === '/gone' && goneIsBack)) return res.end('fine')
    res.writeHead(404).end()
  })
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', () => resolve()))
  origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`
  process.env.LINK_CHECK_TRUSTED_ORIGINS = origin
  process.env.LINK_CHECK_TIMEOUT_MS = '2000'

  payload = await testPayload()
  const street = await smallStreet(payload)
  editorToken = await tokenFor(payload, street.editor.email, PASSWORD)
  const create = async (collection: string, data: Record<string, unknown>) =>
    (await payload.create({ collection: collection as never, data: data as never, overrideAccess: true })) as unknown as { id: Id }
  policy = await create('policies', {
    title: '已发布的政策',
    issuingBody: '区民政局',
    summary: '要点。',
    body: doc(p('原文见', link(`${origin}/gone`, '民政局网站'), '，办事指南见', link(`${origin}/ok`, '指南'), '。')),
    _status: 'published',
  })
  await create('announcements', { title: '已发布的公告', grids: [street.gridA1.id], body: doc(p('详见', link(`${origin}/ok`, '通知'), '。')), _status: 'published' })
  await create('events', { title: '草稿活动', startsAt: '2026-12-20T01:00:00.000Z', location: '社区活动室', wholeStreet: true, body: doc(p('报名：', link(`${origin}/draft-only`, '报名页'))) })
  const withdrawn = await create('announcements', {
    title: '已撤回的公告',
    grids: [street.gridA1.id],
    body: doc(p('旧链接', link(`${origin}/withdrawn-only`, '旧页面'))),
    _status: 'published',
  })
  // Withdrawn: unpublished (the lifecycle hook marks withdrawnAt).
  const after = (await payload.update({ collection: 'announcements', id: withdrawn.id, data: { _status: 'draft' } as never, overrideAccess: true })) as unknown as { withdrawnAt?: string | null }
  expect(after.withdrawnAt).toBeTruthy()
  await create('issues', { title: '没有外链的一期', _status: 'published', articles: [{ title: '第一篇', body: body('正文。') }] })
})

afterAll(async () => {
  delete process.env.LINK_CHECK_TRUSTED_ORIGINS
  delete process.env.LINK_CHECK_TIMEOUT_MS
  delete process.env.LINK_WATCH_HOUR
  site.closeAllConnections()
  await new Promise<void>((resolve) => site.close(() => resolve()))
})

beforeEach(() => {
  seen.length = 0
})

describe('the daily link watch over published content', () => {
  it('checks each published external link once, records the dead one for the inspection report, and leaves drafts and withdrawn content alone', async () => {
    const run = await watchExternalLinks(payload)
    expect(run).toMatchObject({ contents: 2, links: 2, dead: 1, opened: 1, fixed: 0 })
    expect(seen.filter((s) => s.startsWith('HEAD')).sort()).toEqual(['HEAD /gone', 'HEAD /ok'])
    expect(seen.some((s) => s.includes('draft-only') || s.includes('withdrawn-only'))).toBe(false)

    const rows = await records()
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ contentType: 'policies', contentId: String(policy.id), text: `${origin}/gone`, external: true })
    expect(rows[0].fixedAt ?? null).toBeNull()

    const report = await inspectionReport(payload, { from: new Date(Date.now() - DAY), to: new Date(Date.now() + DAY) })
    expect(report.deadLinks.map((d) => [d.collection, d.id, d.text, d.state])).toEqual([['policies', String(policy.id), `${origin}/gone`, 'open']])
    expect(report.totals.deadLinksFound).toBe(1)

    // The editor sees it in the content's checks panel, without checking the links again.
    const seenBefore = seen.length
    const listed = await panelDeadLinks()
    expect(listed).toHaveLength(1)
    expect(listed[0]).toMatchObject({ severity: 'warning' })
    expect(listed[0].what).toContain('每日链接巡检')
    expect(JSON.stringify(listed[0])).toContain(`${origin}/gone`)
    expect(seen.length).toBe(seenBefore)
  })

  it('a second run opens nothing twice; once the page opens again the record is closed as fixed', async () => {
    expect(await watchExternalLinks(payload)).toMatchObject({ dead: 1, opened: 0, fixed: 0 })
    goneIsBack = true
    expect(await watchExternalLinks(payload)).toMatchObject({ dead: 0, opened: 0, fixed: 1 })
    const rows = await records()
    expect(rows).toHaveLength(1)
    expect(rows[0].fixedAt).toBeTruthy()
    const report = await inspectionReport(payload, { from: new Date(Date.now() - DAY), to: new Date(Date.now() + DAY) })
    expect(report.totals.deadLinksFixed).toBe(1)
    expect(await panelDeadLinks()).toEqual([])
    goneIsBack = false
  })

  it('a stopping process (its signal aborted) fetches and records nothing', async () => {
    const before = (await records()).length
    const run = await watchExternalLinks(payload, { signal: AbortSignal.abort() })
    expect(run).toMatchObject({ contents: 0, links: 0, opened: 0, fixed: 0 })
    expect(seen).toEqual([])
    expect((await records()).length).toBe(before)
  })

  it('stops at the link cap without judging a content whose links were not all checked', async () => {
    const before = (await records()).length
    const run = await watchExternalLinks(payload, { maxLinks: 1 })
    expect(run.links).toBe(1)
    expect(run.contents).toBeLessThanOrEqual(1)
    // The policy has two links: with one checked it is not judged, so /gone (dead again) opens no record.
    expect((await records()).length).toBe(before)
  })
})

describe('the scheduler’s part', () => {
  it('is off with LINK_WATCH_HOUR=off (as in every test), waits for its hour, and runs once a street day across processes', async () => {
    // 2026-12-08 02:00 in Asia/Shanghai (18:00 UTC the day before).
    const early = new Date('2026-12-07T18:00:00.000Z')
    const later = new Date('2026-12-07T22:00:00.000Z') // 06:00 on the street
    process.env.LINK_WATCH_HOUR = 'off'
    expect(await startLinkWatchJob(payload, later)).toBe(false)
    process.env.LINK_WATCH_HOUR = '4'
    expect(await startLinkWatchJob(payload, early)).toBe(false)
    expect(await startLinkWatchJob(payload, later)).toBe(true)
    const run = await linkWatchRunning()
    expect(run).toMatchObject({ links: 2, dead: 1 })
    // The same street day: claimed already (this process and any other).
    expect(await startLinkWatchJob(payload, new Date('2026-12-08T03:00:00.000Z'))).toBe(false)
    const claims = await payload.find({ collection: 'claims' as never, where: { scope: { equals: LINK_WATCH_SCOPE } }, limit: 0, depth: 0, overrideAccess: true })
    expect(claims.docs).toHaveLength(1)
  })
})
