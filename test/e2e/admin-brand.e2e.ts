import type { Browser } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'

import { artifactsOnFailure, DEMO, launchBrowser, login, shot, staffContext } from './support/browser'

/**
 * The admin's own face (issue 14) in chromium, on the demo street: the
 * street's name and icon on the login page, in the header and the
 * navigation, never Payload's logo or icon, the tab title 街道资讯 · 管理;
 * the API tab for admins only; the edit-lock dialog, seen by a second user,
 * naming the first by name with the time in Chinese.
 */
let browser: Browser
beforeAll(async () => {
  browser = await launchBrowser()
})
afterEach((ctx) => artifactsOnFailure(browser, ctx))
afterAll(async () => {
  await browser?.close()
})

const STAFF = { email: 'staff@demo.street', password: 'demo-staff-2026' }

describe('admin branding', () => {
  test('the login page shows the street’s name and icon and the tab title, no Payload logo', async () => {
    const context = await staffContext(browser)
    const page = await context.newPage()
    await page.goto('/admin/login')
    await page.locator('#street-brand-login').waitFor()
    expect(await page.locator('#street-brand-login').innerText()).toContain('徐碧街道')
    expect(await page.locator('.graphic-logo, .graphic-icon').count()).toBe(0)
    expect(await page.title()).toBe('街道资讯 · 管理')
    const icons = await page.locator('link[rel="icon"]').evaluateAll((links) => links.map((l) => l.getAttribute('href') ?? ''))
    expect(icons.some((h) => h.endsWith('/icons/icon.svg'))).toBe(true)
    expect(icons.some((h) => /payload/i.test(h))).toBe(false)
    await shot(page, 'b1-login-brand')

    await login(page, STAFF)
    await page.locator('#street-brand-nav').waitFor()
    expect(await page.locator('#street-brand-nav').innerText()).toContain('徐碧街道')
    expect(await page.locator('#street-brand-icon').getAttribute('alt')).toBe('徐碧街道')
    expect(await page.locator('.graphic-logo, .graphic-icon').count()).toBe(0)
    await shot(page, 'b2-staff-dashboard-brand')
    await context.close()
  })
})

describe('the API tab', () => {
  test('an editor has none on a document; the admin has it', async () => {
    const tabsOf = async (who: { email: string; password: string }) => {
      const context = await staffContext(browser)
      const page = await context.newPage()
      await login(page, who)
      await page.goto('/admin/collections/policies/1')
      await page.locator('.doc-tabs__tabs, .doc-header').first().waitFor()
      const hrefs = await page.locator('.doc-tabs__tabs a').evaluateAll((links) => links.map((l) => l.getAttribute('href') ?? ''))
      await context.close()
      return hrefs
    }
    expect((await tabsOf(DEMO.editor)).some((h) => h.endsWith('/api'))).toBe(false)
    expect((await tabsOf(DEMO.admin)).some((h) => h.endsWith('/api'))).toBe(true)
  })
})

describe('the edit-lock dialog', () => {
  test('a second user sees who is editing, by name, and when they last edited, in Chinese', async () => {
    const first = await staffContext(browser)
    const holder = await first.newPage()
    await login(holder, DEMO.admin)
    // Opening the document takes the lock (Payload's form state, once the form is ready).
    await holder.goto('/admin/collections/events/1')
    await holder.locator('#field-title').waitFor()
    await holder.locator('#field-title').fill('“我们的节日”邻里节（修改中）')

    const second = await staffContext(browser)
    const page = await second.newPage()
    await login(page, DEMO.editor)
    await expect
      .poll(
        async () => {
          await page.goto('/admin/collections/events/1')
          return page.locator('.document-locked').waitFor({ timeout: 10_000 }).then(
            () => true,
            () => false,
          )
        },
        { timeout: 60_000, interval: 1000 },
      )
      .toBe(true)
    const who = page.locator('#lock-notice-who')
    await who.waitFor()
    expect(await who.innerText()).toContain('林晓峰')
    expect(await who.innerText()).not.toContain('@')
    expect(await page.locator('#lock-notice-since').innerText()).toMatch(/上次编辑：\d{4}年\d{1,2}月\d{1,2}日\s*\d{2}:\d{2}。/)
    // Payload's own lines (the email, a US-English date) are not shown.
    expect(await page.locator('.document-locked__content').innerText()).not.toMatch(/AM|PM|admin@demo\.street/)
    await shot(page, 'b3-edit-lock-dialog')
    await first.close()
    await second.close()
  })
})
