import type { Browser } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'

import { t } from '../../src/i18n/messages'
import { api, choose } from './support/admin'
import { artifactsOnFailure, DEMO, launchBrowser, login, shot, staffContext } from './support/browser'

let browser: Browser
beforeAll(async () => {
  browser = await launchBrowser()
})
afterEach((ctx) => artifactsOnFailure(browser, ctx))
afterAll(async () => {
  await browser?.close()
})

/** The navigation's collection labels, as the user reads them. */
async function navLabels(page: import('playwright-core').Page) {
  return (await page.locator('nav a[id^="nav-"]').allTextContents()).map((s) => s.trim())
}

describe('admin language', () => {
  test('an editor on an English-language browser gets the admin in Chinese', async () => {
    const context = await staffContext(browser, { locale: 'en-US', extraHTTPHeaders: { 'Accept-Language': 'en-US,en;q=0.9' } })
    const page = await context.newPage()
    await page.goto('/admin/login')
    await page.locator('#field-email').waitFor()
    // The login form itself is in Chinese.
    expect(await page.locator('label[for="field-password"]').innerText()).toContain('密码')
    await shot(page, 'a1-login-zh')

    await login(page, DEMO.editor)
    const labels = await navLabels(page)
    for (const key of ['col.issues.plural', 'col.events.plural', 'col.policies.plural', 'col.announcements.plural'] as const) {
      expect(labels).toContain(t(key, 'zh'))
    }
    expect(labels).not.toContain(t('col.issues.plural', 'en'))
    expect(await page.locator('.dashboard').innerText()).toContain(t('group.content', 'zh'))
    expect(await page.locator('html').getAttribute('lang')).toBe('zh')
    await shot(page, 'a1-dashboard-zh')
    await context.close()
  })

  test('English is available: a user chooses it in their account settings', async () => {
    const context = await staffContext(browser)
    const page = await context.newPage()
    await login(page, DEMO.editor)
    await page.goto('/admin/account')
    await choose(page, '.payload-settings__language', 'English')
    // The choice is kept in Payload's language cookie and wins over the Chinese default.
    await expect.poll(async () => (await context.cookies()).find((c) => c.name === 'payload-lng')?.value).toBe('en')
    await page.goto('/admin')
    await page.locator('.dashboard').waitFor()
    const labels = await navLabels(page)
    expect(labels).toContain(t('col.issues.plural', 'en'))
    expect(labels).not.toContain(t('col.issues.plural', 'zh'))
    await shot(page, 'a2-dashboard-en')
    await context.close()
  })
})

describe('a grid leader cannot reach issues', () => {
  test('no 期刊 in the navigation, no access to the list, a document or the API', async () => {
    const context = await staffContext(browser)
    const page = await context.newPage()
    await login(page, DEMO.leader1)

    const labels = await navLabels(page)
    expect(labels).toContain(t('col.announcements.plural', 'zh'))
    expect(labels).not.toContain(t('col.issues.plural', 'zh'))
    expect(await page.locator('#nav-issues').count()).toBe(0)
    await shot(page, 'a3-leader-dashboard')

    const list = await page.goto('/admin/collections/issues')
    expect([403, 404]).toContain(list!.status())
    await page.locator('.not-found, .unauthorized').first().waitFor()
    expect(await page.locator('.collection-list, table').count()).toBe(0)
    await shot(page, 'a4-leader-issues-list')

    // The demo street's published issue (id 1 on a fresh database) is not shown either.
    const one = await page.goto('/admin/collections/issues/1')
    expect([403, 404]).toContain(one!.status())
    await page.locator('.not-found, .unauthorized').first().waitFor()
    expect(await page.locator('#field-title').count()).toBe(0)
    await shot(page, 'a5-leader-issue-doc')

    // The API, called with the leader's own session, refuses with 403, drafts included.
    expect((await api(page, '/api/users/me')).body.user.email).toBe(DEMO.leader1.email)
    expect((await api(page, '/api/issues?draft=true')).status).toBe(403)
    expect((await api(page, '/api/issues/1?draft=true')).status).toBe(403)
    const create = await api(page, '/api/issues', { method: 'POST', body: { title: '越权创建', articles: [{ title: 'x' }] } })
    expect(create.status).toBe(403)
    await context.close()
  })
})
