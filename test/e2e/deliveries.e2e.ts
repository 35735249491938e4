import net from 'node:net'

import type { Browser, Page } from 'playwright-core'
import webpush from 'web-push'
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest'

import { t } from '../../src/i18n/messages'
import { doc, p } from '../../src/seed/lexical'
import { formatDateTime } from '../../src/templates/format'
import { startPushService, type PushService } from '../support/push-service'
import { startSmtpServer, type SmtpTestServer } from '../support/smtp-server'
import { startWechatEmulator, type WechatEmulator } from '../support/wechat-emulator'
import { api, submit } from './support/admin'
import { artifactsOnFailure, DEMO, launchBrowser, login, shot, staffContext, stubPushManagerScript } from './support/browser'
import { type E2EServer, startServer } from './support/server'

/**
 * The deliveries panel on a content's edit page, against a server of its own
 * whose email goes to a real SMTP server in this process (behind a gate that
 * can hold the server's replies, so a delivery stays running while the editor
 * acts) and whose test push goes to the local push service.
 *
 * WeChat goes to the local emulator of the official-account API, with mass-send
 * protection (群发保护) on, so a mass send waits for an administrator there.
 *
 * Stubbed: only PushManager.subscribe, whose real push service cannot be
 * reached from here; it answers with a subscription of the local push
 * service, which then checks the VAPID signature and decrypts the message.
 */

/** A TCP relay to the SMTP server that can hold the server's replies, in order, until released. */
type Gate = { port: number; hold(): void; release(): void; close(): Promise<void> }
async function smtpGate(target: number): Promise<Gate> {
  let held = false
  let queued: (() => void)[] = []
  const sockets = new Set<net.Socket>()
  const server = net.createServer((client) => {
    const upstream = net.connect(target, '127.0.0.1')
    for (const s of [client, upstream]) {
      sockets.add(s)
      s.on('close', () => sockets.delete(s))
      s.on('error', () => (client.destroy(), upstream.destroy()))
    }
    client.pipe(upstream)
    upstream.on('data', (chunk: Buffer) => (held ? queued.push(() => client.write(chunk)) : client.write(chunk)))
    upstream.on('end', () => (held ? queued.push(() => client.end()) : client.end()))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  return {
    port: (server.address() as net.AddressInfo).port,
    hold: () => void (held = true),
    release() {
      held = false
      const pending = queued
      queued = []
      for (const write of pending) write()
    },
    close: () => {
      for (const s of sockets) s.destroy()
      return new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

const VAPID = webpush.generateVAPIDKeys()
let smtp: SmtpTestServer
let gate: Gate
let push: PushService
let wechat: WechatEmulator
let server: E2EServer
let browser: Browser

beforeAll(async () => {
  smtp = await startSmtpServer()
  gate = await smtpGate(smtp.port)
  push = await startPushService()
  wechat = await startWechatEmulator({ massProtection: true })
  server = await startServer({
    name: 'deliveries-server',
    env: {
      SMTP_URL: `smtp://127.0.0.1:${gate.port}`,
      MAIL_FROM: '聚焦徐碧 <news@street.test>',
      VAPID_PUBLIC_KEY: VAPID.publicKey,
      VAPID_PRIVATE_KEY: VAPID.privateKey,
      VAPID_SUBJECT: 'mailto:news@street.test',
      // The local push service is plain http on 127.0.0.1: trusted by name, as an operator would.
      PUSH_TRUSTED_ORIGINS: push.origin,
      // One message at a time, two per batch: a pause takes effect after two recipients.
      DELIVERY_CONCURRENCY: '1',
      DELIVERY_BATCH_SIZE: '2',
      // A temporary refusal fails its recipient quickly (two attempts), so the delivery ends partial.
      DELIVERY_MAX_ATTEMPTS: '2',
      DELIVERY_RETRY_BASE_MS: '100',
      DELIVERY_RETRY_MAX_MS: '1000',
      WECHAT_APP_ID: wechat.appId,
      WECHAT_APP_SECRET: wechat.appSecret,
      WECHAT_API_BASE: wechat.url,
      WECHAT_POLL_FIRST_SECONDS: '1',
      WECHAT_POLL_MAX_SECONDS: '2',
    },
  })
  browser = await launchBrowser()
}, 240_000)
afterEach(async (ctx) => {
  await artifactsOnFailure(browser, ctx)
  // A test that failed while holding the SMTP replies must not stall the next one's deliveries.
  gate?.release()
})
afterAll(async () => {
  await browser?.close()
  await server?.stop()
  gate?.release()
  await gate?.close()
  await push?.close()
  await wechat?.close()
  await smtp?.close()
})

const panelRow = (page: Page, channel: string) => page.locator(`#deliveries-panel .deliveries-panel__delivery--${channel}`)
const statusOf = (page: Page, channel: string) => panelRow(page, channel).getAttribute('data-status', { timeout: 5_000 }).catch(() => null)

test('an editor publishes, follows the delivery in the panel, pauses, resumes and retries it, and sends a test email and a test push', async () => {
  const run = Date.now().toString(36)
  const title = `养老服务补贴政策解读 ${run}`
  const gone = `gone-${run}@mail.test`
  const busy = `busy-${run}@mail.test`
  const residents = [0, 1, 2, 3].map((i) => `resident${i}-${run}@mail.test`)

  // An administrator adds six subscribers of policy explainers: one address is refused for good (550), one for now (451).
  const adminCtx = await staffContext(browser, { baseURL: server.baseUrl })
  const admin = await adminCtx.newPage()
  await login(admin, DEMO.admin)
  // The demo content published at seeding is never sent (its deliveries are recorded as skipped): nothing waits.
  expect((await api(admin, '/api/deliveries?where[status][in]=queued,running,paused&limit=1&depth=0')).body.totalDocs).toBe(0)
  const grid = (await api(admin, '/api/grids?limit=1&depth=0')).body.docs[0] as { id: string | number }
  for (const email of [...residents, gone, busy]) {
    const r = await api(admin, '/api/subscribers', {
      method: 'POST',
      body: { email, grid: grid.id, channels: ['email'], topics: ['policies'], status: 'active', source: 'admin' },
    })
    expect(r.status, JSON.stringify(r.body)).toBe(201)
  }
  smtp.failRecipient(gone, 550, 'No such user')
  smtp.failRecipient(busy, 451, 'Mailbox busy, try later')
  await adminCtx.close()

  // The editor's browser: notifications allowed, and a device of the local push service.
  const device = push.subscribe({ applicationServerKey: VAPID.publicKey })
  const context = await staffContext(browser, { baseURL: server.baseUrl })
  await context.grantPermissions(['notifications'], { origin: server.baseUrl })
  await context.addInitScript(stubPushManagerScript(device))
  const page = await context.newPage()
  await login(page, DEMO.editor)
  const draft = await api(page, '/api/policies?draft=true', {
    method: 'POST',
    body: { title, issuingBody: '区民政局', summary: '年满八十周岁的老人每月可领养老服务补贴，由社区代为申请。', body: doc(p('申请材料：身份证、户口簿。')), _status: 'draft' },
  })
  expect(draft.status, JSON.stringify(draft.body)).toBe(201)
  const id = draft.body.doc.id as string | number

  // A draft: nothing is sent yet, and the panel says when sending starts.
  await page.goto(`/admin/collections/policies/${id}`)
  const panel = page.locator('#deliveries-panel')
  await panel.waitFor()
  expect(await panel.locator('h3').innerText()).toBe(t('panel.title'))
  await expect.poll(() => panel.locator('.deliveries-panel__note').innerText()).toBe(t('panel.unpublished'))

  // Test email to one address: it arrives at the SMTP server, marked as a test.
  await panel.locator('#deliveries-panel-test-to').fill('Editor@Street.test')
  await panel.locator('.deliveries-panel__test-email').click()
  await expect.poll(() => panel.locator('.deliveries-panel__test-result').innerText()).toBe(t('testSend.sent', 'zh', { to: 'editor@street.test' }))
  await smtp.waitFor(1, 15_000)
  expect(smtp.messages[0].envelope.to).toEqual(['editor@street.test'])
  expect(smtp.messages[0].parsed!.subject).toBe(`【测试】${title}`)

  // Test push to this device: the service worker is registered, and the push service gets the decrypted message.
  await panel.locator('.deliveries-panel__test-push').click()
  await expect.poll(() => panel.locator('.deliveries-panel__test-result').innerText(), { timeout: 20_000 }).toBe(t('testSend.pushSent'))
  expect(push.rejections).toEqual([])
  expect(push.messages).toHaveLength(1)
  expect(JSON.parse(push.messages[0].payload!)).toMatchObject({ title: `【测试】${title}`, url: `${server.baseUrl}/policies/${id}` })
  expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration('/'))?.active?.scriptURL)).toBe(`${server.baseUrl}/sw.js`)

  // Publish with the SMTP server's replies held: the email delivery starts and stays running.
  gate.hold()
  const published = await submit(page, '#action-save', 'policies')
  expect(published.status(), await published.text()).toBe(200)
  await expect.poll(() => statusOf(page, 'email'), { timeout: 30_000 }).toBe('running')
  const email = panelRow(page, 'email')
  expect(await email.locator('.deliveries-panel__status').innerText()).toBe(t('delivery.status.running'))
  await expect.poll(() => email.locator('.deliveries-panel__progress').innerText()).toContain(t('delivery.progress', 'zh', { submitted: 0, total: 6, failed: 0, gone: 0 }))
  expect(await email.locator('[role="progressbar"]').getAttribute('aria-valuemax')).toBe('6')
  // Running: pause and cancel are offered, resume is not.
  expect(await email.locator('.deliveries-panel__pause').isVisible()).toBe(true)
  expect(await email.locator('.deliveries-panel__cancel').isVisible()).toBe(true)
  expect(await email.locator('.deliveries-panel__resume').count()).toBe(0)
  await shot(page, 'd1-deliveries-running')

  // Pause: the panel shows it at once; the batch in flight finishes, and nothing more is sent.
  await email.locator('.deliveries-panel__pause').click()
  await expect.poll(() => statusOf(page, 'email')).toBe('paused')
  expect(await email.locator('.deliveries-panel__status').innerText()).toBe(t('delivery.status.paused'))
  expect(await email.locator('.deliveries-panel__reason').innerText()).toBe(t('delivery.reason.pausedByEditor'))
  expect(await email.locator('.deliveries-panel__pause').count()).toBe(0)
  gate.release()
  const deliveryOf = async () =>
    (await api(page, `/api/deliveries?where[contentType][equals]=policies&where[contentId][equals]=${id}&where[channel][equals]=email&depth=0`)).body.docs[0] as {
      status: string
      submitted: number
    }
  await expect.poll(async () => (await deliveryOf()).submitted, { timeout: 30_000 }).toBe(2)
  expect((await deliveryOf()).status).toBe('paused')
  // The test email and the first batch of two: the runner read the pause before taking the next batch.
  expect(smtp.accepted()).toBe(3)

  // Resume: it runs to the end. The address refused for good is counted as gone; the one refused
  // for now failed after its retries, which the panel explains in plain Chinese with the server's code.
  await email.locator('.deliveries-panel__resume').click()
  await expect.poll(() => statusOf(page, 'email'), { timeout: 60_000 }).toBe('partial')
  expect(await email.locator('.deliveries-panel__status').innerText()).toBe(t('delivery.status.partial'))
  expect(await email.locator('.deliveries-panel__progress').innerText()).toBe(t('delivery.progress', 'zh', { submitted: 4, total: 6, failed: 1, gone: 1 }))
  expect(await email.locator('[role="progressbar"]').getAttribute('aria-valuenow')).toBe('6')
  const errors = await email.locator('.deliveries-panel__errors li').allInnerTexts()
  const withCode = (code: string) => errors.find((e) => e.includes(t('panel.errorCode', 'zh', { code })))
  expect(withCode('451'), errors.join('\n')).toContain(t('delivery.error.retryable'))
  // The address refused for good is listed too, not only counted.
  expect(withCode('550'), errors.join('\n')).toContain(t('delivery.error.gone'))
  expect(await email.locator('.deliveries-panel__pause').count()).toBe(0)
  expect(await email.locator('.deliveries-panel__resume').innerText()).toBe(t('panel.action.retry'))
  await smtp.waitFor(5, 15_000)
  expect(smtp.messages.slice(1).flatMap((m) => m.envelope.to).sort()).toEqual([...residents].sort())
  await shot(page, 'd2-deliveries-partial')

  // The mailbox takes mail again: retry the failed recipient only.
  smtp.reset()
  await email.locator('.deliveries-panel__resume').click()
  await expect.poll(() => statusOf(page, 'email'), { timeout: 60_000 }).toBe('done')
  expect(await email.locator('.deliveries-panel__progress').innerText()).toBe(t('delivery.progress', 'zh', { submitted: 5, total: 6, failed: 0, gone: 1 }))
  expect(await email.locator('button').count()).toBe(0)
  await smtp.waitFor(1, 15_000)
  expect(smtp.messages.map((m) => m.envelope.to)).toEqual([[busy]])
  // Web push had no subscribers for it: done at once, 0 of 0.
  expect(await statusOf(page, 'webpush')).toBe('done')
  await shot(page, 'd3-deliveries-done')
  await context.close()
})

test('cancelling asks first; a refused change shows the server\'s reason; grid leaders get no controls', async () => {
  const run = Date.now().toString(36)
  const context = await staffContext(browser, { baseURL: server.baseUrl })
  const page = await context.newPage()
  await login(page, DEMO.editor)
  const draft = await api(page, '/api/policies?draft=true', {
    method: 'POST',
    body: { title: `垃圾分类新规解读 ${run}`, issuingBody: '区城管局', summary: '下月起施行，厨余垃圾单独投放。', body: doc(p('厨余垃圾请沥干后投放。')), _status: 'draft' },
  })
  expect(draft.status, JSON.stringify(draft.body)).toBe(201)
  const id = draft.body.doc.id as string | number
  await page.goto(`/admin/collections/policies/${id}`)
  await page.locator('#deliveries-panel').waitFor()

  gate.hold()
  try {
    expect((await submit(page, '#action-save', 'policies')).status()).toBe(200)
    await expect.poll(() => statusOf(page, 'email'), { timeout: 30_000 }).toBe('running')
    const email = panelRow(page, 'email')

    // While one is running the panel reads the deliveries every 3 s, but not in a hidden tab; shown again, it reads at once.
    let reads = 0
    page.on('request', (r) => void (r.method() === 'GET' && new URL(r.url()).pathname === '/api/deliveries' && reads++))
    await expect.poll(() => reads, { timeout: 10_000 }).toBeGreaterThan(0)
    const setVisibility = (state: 'hidden' | 'visible') =>
      page.evaluate((v) => {
        Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => v })
        document.dispatchEvent(new Event('visibilitychange'))
      }, state)
    await setVisibility('hidden')
    // A read already on its way may still land: count from a quiet moment, over more than two polling periods.
    await page.waitForTimeout(500)
    reads = 0
    await page.waitForTimeout(7_000)
    expect(reads).toBe(0)
    await setVisibility('visible')
    await expect.poll(() => reads, { timeout: 2_000 }).toBeGreaterThan(0)

    await email.locator('.deliveries-panel__cancel').click()
    const confirm = email.locator('.deliveries-panel__cancel-confirm')
    expect(await confirm.innerText()).toContain(t('panel.cancel.confirm', 'zh', { channel: t('channel.email') }))
    // Changing one's mind sends nothing and changes nothing.
    await confirm.locator('.deliveries-panel__cancel-no').click()
    expect(await confirm.count()).toBe(0)
    expect(await statusOf(page, 'email')).toBe('running')
    await email.locator('.deliveries-panel__cancel').click()
    await confirm.locator('.deliveries-panel__cancel-yes').click()
    await expect.poll(() => statusOf(page, 'email')).toBe('cancelled')
    expect(await email.locator('.deliveries-panel__reason').innerText()).toBe(t('delivery.reason.cancelledByEditor'))
    expect(await email.locator('button').count()).toBe(0)
    await shot(page, 'd4-deliveries-cancelled')

    // A second content, its email waiting behind the first: paused here, then cancelled by someone else
    // (another editor, through the API) while this page still offers to resume it.
    const other = await api(page, '/api/policies', {
      method: 'POST',
      body: { title: `旧衣回收点启用 ${run}`, issuingBody: '街道办事处', summary: '每个小区设一个回收箱。', body: doc(p('请把衣物洗净打包。')), _status: 'published' },
    })
    expect(other.status, JSON.stringify(other.body)).toBe(201)
    await page.goto(`/admin/collections/policies/${other.body.doc.id}`)
    const second = panelRow(page, 'email')
    await second.locator('.deliveries-panel__pause').click()
    await expect.poll(() => statusOf(page, 'email')).toBe('paused')
    const row = (await api(page, `/api/deliveries?where[contentType][equals]=policies&where[contentId][equals]=${other.body.doc.id}&where[channel][equals]=email&depth=0`)).body.docs[0]
    expect((await api(page, `/api/deliveries/${row.id}`, { method: 'PATCH', body: { status: 'cancelled' } })).status).toBe(200)
    // The panel does not poll a paused delivery: it still offers 继续发送, and the server refuses it in its own words.
    await second.locator('.deliveries-panel__resume').click()
    const refusal = t('delivery.error.transition', 'zh', { from: t('delivery.status.cancelled'), to: t('delivery.status.queued') })
    await expect.poll(() => second.locator('.deliveries-panel__error').innerText()).toBe(t('panel.actionFailed', 'zh', { detail: refusal }))
    // ...and reads it again: cancelled, with nothing left to do.
    await expect.poll(() => statusOf(page, 'email')).toBe('cancelled')
    expect(await second.locator('button').count()).toBe(0)
  } finally {
    gate.release()
  }
  await context.close()

  // A grid leader opens an announcement of their grid: the edit page, without the panel's controls (their own announcement shows its deliveries read-only).
  const leaderCtx = await staffContext(browser, { baseURL: server.baseUrl })
  const leader = await leaderCtx.newPage()
  await login(leader, DEMO.leader1)
  const mine = (await api(leader, '/api/announcements?limit=1&depth=0&draft=true')).body.docs[0] as { id: string | number } | undefined
  expect(mine).toBeDefined()
  await leader.goto(`/admin/collections/announcements/${mine!.id}`)
  await leader.locator('#field-title').waitFor()
  expect(await leader.locator('#deliveries-panel:not(.deliveries-panel--read-only)').count()).toBe(0)
  expect(await leader.locator('#deliveries-panel button').count()).toBe(0)
  await leaderCtx.close()
})

test('WeChat: the published article is linked; a mass send shows the quota and warnings first; a second one the same day is refused', async () => {
  const run = Date.now().toString(36)
  const titles = [`冬季用电安全提示 ${run}`, `社区食堂开张 ${run}`]
  const context = await staffContext(browser, { baseURL: server.baseUrl })
  const page = await context.newPage()
  await login(page, DEMO.editor)
  const ids: (string | number)[] = []
  for (const title of titles) {
    const r = await api(page, '/api/policies', {
      method: 'POST',
      body: { title, issuingBody: '街道办事处', summary: '取暖器不要整夜使用，出门前关闭电源。', body: doc(p('请检查电线是否老化。')), _status: 'published' },
    })
    expect(r.status, JSON.stringify(r.body)).toBe(201)
    ids.push(r.body.doc.id)
  }

  const openPublished = async (id: string | number) => {
    await page.goto(`/admin/collections/policies/${id}`)
    const row = panelRow(page, 'wechat')
    // Images, draft, publish, and the publish status polled until final: the panel follows it.
    await expect.poll(() => row.locator('.deliveries-panel__wechat').getAttribute('data-stage', { timeout: 5_000 }).catch(() => null), { timeout: 90_000 }).toBe('published')
    await expect.poll(() => statusOf(page, 'wechat')).toBe('done')
    return row
  }

  const row = await openPublished(ids[0])
  expect(await row.innerText()).toContain(t('panel.wechat.stage', 'zh', { stage: t('panel.wechat.stage.published') }))
  const links = await row.locator('.deliveries-panel__articles a').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href))
  expect(links).toHaveLength(1)
  expect(links[0].startsWith(`${wechat.url}/s/`)).toBe(true)
  expect(wechat.snapshot().massSends).toEqual([])

  // The button asks first: today's quota (unused), that every follower is notified for good, and the 30 minutes.
  await row.locator('.deliveries-panel__mass-send').click()
  const confirm = row.locator('.deliveries-panel__mass-confirm')
  await confirm.locator('.deliveries-panel__mass-yes').waitFor()
  const day = wechat.snapshot().day
  const asked = await confirm.innerText()
  expect(asked).toContain(t('panel.wechat.quota', 'zh', { day }) + t('panel.wechat.quotaFree'))
  expect(asked).toContain(t('panel.wechat.warning'))
  expect(asked).toContain(t('panel.wechat.protection'))
  // Not now: nothing is sent.
  await confirm.locator('.deliveries-panel__mass-no').click()
  expect(await confirm.count()).toBe(0)
  expect(wechat.snapshot().massSends).toEqual([])

  await row.locator('.deliveries-panel__mass-send').click()
  await confirm.locator('.deliveries-panel__mass-yes').click()
  const result = row.locator('.deliveries-panel__mass-result')
  await result.waitFor()
  expect(await result.getAttribute('class')).toContain('deliveries-panel__mass-result--ok')
  expect(await result.innerText()).toContain(t('wechat.mass.submitted'))
  expect(wechat.snapshot().massSends).toHaveLength(1)
  // Sent, waiting for the administrator's confirmation in WeChat (群发保护): the deadline is shown, the button is gone.
  await expect.poll(() => row.locator('.deliveries-panel__mass').getAttribute('data-mass', { timeout: 5_000 }).catch(() => null)).toBe('sending')
  const stored = (await api(page, `/api/deliveries?where[contentType][equals]=policies&where[contentId][equals]=${ids[0]}&where[channel][equals]=wechat&depth=0`)).body
    .docs[0] as { wechat: { massSend: { confirmBy: string } } }
  expect(await row.locator('.deliveries-panel__confirm-by').innerText()).toBe(t('panel.wechat.confirmBy', 'zh', { time: formatDateTime(stored.wechat.massSend.confirmBy) }))
  expect(await row.locator('.deliveries-panel__mass-send').count()).toBe(0)
  await shot(page, 'd5-wechat-mass-sent')

  // The second content the same day: the quota shows as used, by the first, and the server refuses before any WeChat call.
  const second = await openPublished(ids[1])
  await second.locator('.deliveries-panel__mass-send').click()
  const confirm2 = second.locator('.deliveries-panel__mass-confirm')
  await confirm2.locator('.deliveries-panel__mass-yes').waitFor()
  expect(await confirm2.innerText()).toContain(`《${titles[0]}》`)
  await confirm2.locator('.deliveries-panel__mass-yes').click()
  const refused = second.locator('.deliveries-panel__mass-result')
  await refused.waitFor()
  expect(await refused.getAttribute('class')).toContain('deliveries-panel__mass-result--failed')
  // The server's own words, shown as they are (asked again: the refusal is the same and sends nothing).
  const again = await api(page, `/api/deliveries/${(await api(page, `/api/deliveries?where[contentType][equals]=policies&where[contentId][equals]=${ids[1]}&where[channel][equals]=wechat&depth=0`)).body.docs[0].id}/mass-send`, {
    method: 'POST',
    body: { confirm: true },
  })
  expect(again.status).toBe(409)
  expect(await refused.innerText()).toBe(again.body.message)
  expect(again.body.message).toContain(titles[0])
  expect(wechat.snapshot().massSends).toHaveLength(1)
  await shot(page, 'd6-wechat-mass-refused')
  await context.close()
})
