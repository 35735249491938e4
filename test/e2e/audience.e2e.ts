import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'

import { t } from '../../src/i18n/messages'
import { doc, p } from '../../src/seed/lexical'
import { api, docStatus } from './support/admin'
import { artifactsOnFailure, DEMO, launchBrowser, login, shot, staffContext } from './support/browser'

/**
 * The publish dialog (issue 14) on a 390 px phone, in Chinese: before a first
 * publication it shows who will receive the content per channel (the counts
 * the audience endpoint gives), the editor unticks web push and publishes,
 * and no web push delivery is created; a correction republish shows that
 * nothing is sent again, with the notice box off, and creates no delivery.
 */
describe('an editor publishes with a clear audience, on a phone', () => {
  const run = Date.now().toString(36)
  let browser: Browser
  let context: BrowserContext
  let editor: Page
  let id: string

  const deliveries = async () =>
    (await api(editor, `/api/deliveries?depth=0&limit=50&where[contentType][equals]=policies&where[contentId][equals]=${id}`)).body.docs as { channel: string; kind?: string }[]

  beforeAll(async () => {
    browser = await launchBrowser()
    context = await staffContext(browser, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })
    editor = await context.newPage()
    await login(editor, DEMO.editor)
    const created = await api(editor, '/api/policies?draft=true&depth=0', {
      method: 'POST',
      body: { title: `旧衣回收点启用 ${run}`, issuingBody: '街道办事处', summary: '每个小区设一个回收箱。', body: doc(p('请把衣物洗净打包。')), _status: 'draft' },
    })
    expect(created.status).toBe(201)
    id = String(created.body.doc.id)
  })
  afterEach((ctx) => artifactsOnFailure(browser, ctx))
  afterAll(async () => {
    await browser?.close()
  })

  test('发布 shows who receives it per channel; an unticked channel gets no delivery', async () => {
    await editor.goto(`/admin/collections/policies/${id}`)
    const expected = (await api(editor, `/api/policies/${id}/audience`)).body as { channels: { channel: string; recipients?: number; devices?: number }[]; grids: unknown[] }
    await editor.locator('#action-save').click()
    const dialog = editor.locator('.publish-dialog')
    await dialog.locator('.publish-dialog__channel--email').waitFor()
    const text = await dialog.innerText()
    expect(text).toContain(t('audience.dialog.title', 'zh'))
    expect(text).toContain(t('audience.grids.street', 'zh', { count: expected.grids.length }))
    const email = expected.channels.find((c) => c.channel === 'email')!
    expect(text).toContain(t('audience.channel.email', 'zh', { count: email.recipients ?? 0 }))
    expect(text).toContain('微信公众号')
    // The dialog fits the phone: nothing wider than the screen.
    const width = await dialog.locator('> div').evaluate((el) => el.getBoundingClientRect().width)
    expect(width).toBeLessThanOrEqual(390)
    await shot(editor, 'p1-publish-dialog-390')

    await dialog.locator('.publish-dialog__channel--webpush input').uncheck()
    const published = editor.waitForResponse((r) => new URL(r.url()).pathname === `/api/policies/${id}` && r.request().method() === 'PATCH')
    await dialog.locator('.publish-dialog__confirm').click()
    expect((await published).status()).toBe(200)
    await expect.poll(() => docStatus(editor)).toBe('已发布')
    const channels = (await deliveries()).map((d) => d.channel).sort()
    expect(channels).toEqual(['email', 'wechat'])
  })

  test('a correction says nothing is sent again; without the notice it creates no delivery', async () => {
    await editor.locator('#field-summary').fill('每个小区设一个回收箱，周六清运。')
    await editor.locator('#action-save').click()
    const dialog = editor.locator('.publish-dialog')
    await dialog.locator('.publish-dialog__notice').waitFor()
    expect(await dialog.innerText()).toContain(t('audience.correction.noResend', 'zh'))
    expect(await dialog.locator('.publish-dialog__notice input').isChecked()).toBe(false)
    await shot(editor, 'p2-correction-dialog-390')
    const published = editor.waitForResponse((r) => new URL(r.url()).pathname === `/api/policies/${id}` && r.request().method() === 'PATCH')
    await dialog.locator('.publish-dialog__confirm').click()
    expect((await published).status()).toBe(200)
    expect(await deliveries()).toHaveLength(2)
  })
})
