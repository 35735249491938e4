import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import type { Browser, BrowserContext, Page } from 'playwright-core'
import type { Payload, Where } from 'payload'
import webpush from 'web-push'
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest'

import { body } from '../support/fixtures'
import { startPushService, type PushService } from '../support/push-service'
import { startSmtpServer, type SmtpTestServer } from '../support/smtp-server'
import { api } from './support/admin'
import { artifactsOnFailure, DEMO, launchBrowser, login, shot, staffContext, WECHAT_UA } from './support/browser'
import { type E2EServer, startServer } from './support/server'

/**
 * Readership end to end, on a server of its own: an issue goes out by email
 * (to a real SMTP server in this process) and web push (to the local push
 * service); residents open the tracked link in their mail, the URL of their
 * push notification and a grid's share link from the share kit; the rollup
 * runs; the grid leader's 阅读统计 shows the reads under their grid, and the
 * editor's the street's total.
 *
 * The rollup job is run here, in this process, against the server's own
 * database (SQLite in the data directory we give it): the server runs it only
 * once per 5-minute window, and the function is the job's own.
 */
const VAPID = webpush.generateVAPIDKeys()
/** A resident's phone browser (HeadlessChrome would be taken for a bot and not counted). */
const PHONE_UA = 'Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36'

let smtp: SmtpTestServer
let push: PushService
let server: E2EServer
let browser: Browser
let payload: Payload
let dataDir: string

beforeAll(async () => {
  smtp = await startSmtpServer()
  push = await startPushService()
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'street-news-readership-e2e-'))
  server = await startServer({
    name: 'readership-server',
    env: {
      DATA_DIR: dataDir,
      MEDIA_DIR: path.join(dataDir, 'media'),
      SMTP_URL: smtp.url,
      MAIL_FROM: '聚焦徐碧 <news@street.test>',
      VAPID_PUBLIC_KEY: VAPID.publicKey,
      VAPID_PRIVATE_KEY: VAPID.privateKey,
      VAPID_SUBJECT: 'mailto:news@street.test',
      PUSH_TRUSTED_ORIGINS: push.origin,
      WECHAT_APP_ID: '',
      WECHAT_APP_SECRET: '',
    },
  })
  // This process's Payload on the server's database (same file, same generated secret beside it).
  process.env.DATA_DIR = dataDir
  process.env.MEDIA_DIR = path.join(dataDir, 'media')
  process.env.DATABASE_URI = `file:${path.join(dataDir, 'street-news.db')}`
  delete process.env.PAYLOAD_SECRET
  process.env.PUBLIC_URL = server.baseUrl
  payload = await (await import('../../src/server/payload')).initPayload()
  browser = await launchBrowser()
}, 240_000)
afterEach((ctx) => artifactsOnFailure(browser, ctx))
afterAll(async () => {
  await browser?.close()
  await payload?.destroy?.().catch(() => {})
  await server?.stop()
  await push?.close()
  await smtp?.close()
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true })
})

async function resident(ua = PHONE_UA): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: server.baseUrl, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, userAgent: ua, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
  context.setDefaultTimeout(20_000)
  return context
}

const gridId = async (code: string) => {
  const { docs } = await payload.find({ collection: 'grids', where: { code: { equals: code } }, limit: 1, depth: 0, overrideAccess: true })
  return docs[0].id
}

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await fn()
    if (v) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 250))
  }
}

const cell = (page: Page, grid: string, column: number) => page.locator(`#readership-table tr[data-grid="${grid}"] > :nth-child(${column})`).innerText()
// Columns: grid, community, households, subscribers, submitted, readers, message readers, read rate, reach, email, push, share, site, opened.
const COL = { submitted: 5, readers: 6, messageReaders: 7, readRate: 8, reach: 9, email: 10, webpush: 11, share: 12, site: 13, opens: 14 }

test('reads from an email link, a push notification and a grid share link appear under the right grid', async () => {
  const run = Date.now().toString(36)
  const title = `网格里的阅读 ${run}`
  const XB01 = await gridId('XB-01')
  const XB02 = await gridId('XB-02')

  // Residents: two of XB-01 by email, one of XB-01 by push on a device, one of XB-02 by email.
  const mk = (email: string, grid: unknown, channels: string[]) =>
    payload.create({ collection: 'subscribers', data: { email, grid, channels, topics: ['issues'], status: 'active', source: 'admin' } as never, overrideAccess: true })
  const mailA = `a-${run}@mail.test`
  const mailB = `b-${run}@mail.test`
  const mailD = `d-${run}@mail.test`
  await mk(mailA, XB01, ['email'])
  await mk(mailB, XB01, ['email'])
  await mk(mailD, XB02, ['email'])
  const pusher = await mk(`c-${run}@mail.test`, XB01, ['webpush'])
  const device = push.subscribe({ applicationServerKey: VAPID.publicKey })
  await payload.create({ collection: 'push-subscriptions', data: { endpoint: device.endpoint, keys: device.keys, subscriber: pusher.id, userAgent: PHONE_UA } as never, overrideAccess: true })

  // The editor publishes an issue: email and push deliveries run on the server.
  const editorCtx = await staffContext(browser, { baseURL: server.baseUrl })
  const editor = await editorCtx.newPage()
  await login(editor, DEMO.editor)
  const created = await api(editor, '/api/issues', {
    method: 'POST',
    body: { title, summary: '本期说说网格里的新鲜事。', articles: [{ title: '楼栋长的一天', body: body('楼栋长每天走一遍楼道。') }], _status: 'published' },
  })
  expect(created.status).toBe(201)
  const issue = created.body.doc as { id: number; number: number }

  // Residents may be sent other content too (the demo street's urgent announcement ignores topics): pick this issue's.
  const issueLink = new RegExp(`href="([^"]*/issues/${issue.number}\\?r=[^"]+)"`)
  const linkFor = async (to: string) => {
    const mail = await until(`the issue's mail to ${to}`, async () => smtp.messages.find((m) => m.envelope.to.includes(to) && issueLink.test(String(m.parsed?.html))), 60_000)
    return issueLink.exec(String(mail.parsed!.html))![1].replace(/&amp;/g, '&')
  }
  const ofThisIssue = (payload: string | null | undefined) => !!payload && (JSON.parse(payload) as { url?: string }).url?.includes(`/issues/${issue.number}?r=`)
  const pushUrl = (await until('the push message', async () => push.messages.find((m) => m.subscriptionId === device.id && ofThisIssue(m.payload)), 60_000)).payload
  const notification = JSON.parse(pushUrl!) as { url: string; title: string }
  expect(notification.url).toContain(`/issues/${issue.number}?r=`)

  // Residents open their links, each in their own browser: A and B their mail, C the notification, D their mail.
  for (const url of [await linkFor(mailA), await linkFor(mailB), notification.url, await linkFor(mailD)]) {
    const ctx = await resident()
    const page = await ctx.newPage()
    const res = await page.goto(url)
    expect(res!.status()).toBe(200)
    await expect(page.locator('h1').first().innerText()).resolves.toContain(title)
    await ctx.close()
  }

  // The grid leader of XB-01 hands out the grid's share link; a neighbour opens it in WeChat.
  const leaderCtx = await staffContext(browser, { baseURL: server.baseUrl })
  const leader = await leaderCtx.newPage()
  await login(leader, DEMO.leader1)
  await leader.goto(`/admin/readership/share?content=issues:${issue.id}`)
  const kits = leader.locator('#readership-kits .rs-kit')
  await expect(kits.count()).resolves.toBe(1)
  await expect(kits.first().getAttribute('data-grid')).resolves.toBe('XB-01')
  const shareLink = await kits.first().locator('input').inputValue()
  await expect(kits.first().locator('textarea').inputValue()).resolves.toContain(shareLink)
  const neighbour = await resident(WECHAT_UA)
  const shared = await neighbour.newPage()
  await shared.goto(shareLink)
  expect(new URL(shared.url()).pathname).toBe(`/issues/${issue.number}`)
  await expect(shared.locator('h1').first().innerText()).resolves.toContain(title)
  await neighbour.close()

  // The server writes read events in batches (every second); then the rollup job runs.
  const contentWhere: Where = { and: [{ contentType: { equals: 'issues' } }, { contentId: { equals: String(issue.id) } }] }
  await until('five reads recorded', async () => (await payload.count({ collection: 'read-events' as never, where: contentWhere, overrideAccess: true })).totalDocs >= 5)
  const { rollupReadership } = await import('../../src/readership/rollup')
  await rollupReadership(payload)

  // The grid leader's dashboard: XB-01 only, 4 readers (2 by email, 1 by push, 1 by the share link) of 3 recipients.
  await leader.goto(`/admin/readership?content=issues:${issue.id}`)
  await leader.locator('#readership-table').waitFor()
  await expect(leader.locator('#readership-table tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-grid')))).resolves.toEqual(['XB-01', 'total'])
  expect(await cell(leader, 'XB-01', COL.submitted)).toBe('3')
  expect(await cell(leader, 'XB-01', COL.readers)).toBe('4')
  // Read rate is message readers (3: the recipients who read by mail or push) ÷ submitted, never readers ÷ submitted
  // (4 of 3, as it once was). Here those 3 beside the 4 readers would give away the share link's single reader
  // (4 − 3), so the message readers are hidden ("—"), and the rate built on them with them.
  expect(await cell(leader, 'XB-01', COL.messageReaders)).toBe('—')
  expect(await cell(leader, 'XB-01', COL.readRate)).toBe('—')
  expect(await cell(leader, 'XB-01', COL.reach)).toMatch(/%$/)
  // Each channel below 3 shows as "<3".
  for (const c of [COL.email, COL.webpush, COL.share]) expect(await cell(leader, 'XB-01', c)).toBe('<3')
  expect(await cell(leader, 'total', COL.readers)).toBe('4')
  await expect(leader.locator('#readership-reach g[data-grid="XB-01"] title').textContent()).resolves.toMatch(/XB-01.*%/)
  await expect(leader.locator('#readership-wechat').innerText()).resolves.toContain('不分网格')
  await shot(leader, 'readership-dashboard-grid-leader')

  // The same figures through the REST endpoint, scoped the same way.
  const json = await api(leader, `/api/read-rollups/dashboard?content=issues:${issue.id}`)
  expect(json.status).toBe(200)
  expect(json.body.content.rows.map((r: { grid: { code: string } }) => r.grid.code)).toEqual(['XB-01'])
  expect(json.body.content.rows[0].readers.value).toBe(4)
  expect(json.body.content.rows[0].messageReaders).toEqual({ value: null, display: '—', state: 'hidden' })

  // The editor sees every grid: the street's 5 readers in total, XB-02's single reader as "<3".
  await editor.goto(`/admin/readership?content=issues:${issue.id}`)
  await editor.locator('#readership-table').waitFor()
  expect(await cell(editor, 'total', COL.readers)).toBe('5')
  expect(await cell(editor, 'XB-02', COL.readers)).toBe('<3')
  expect(await editor.locator('#readership-table tbody tr').count()).toBe(34 + 1)
  await shot(editor, 'readership-dashboard-editor')
  await editorCtx.close()
  await leaderCtx.close()
})
