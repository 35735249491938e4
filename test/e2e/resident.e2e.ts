import fs from 'node:fs'
import path from 'node:path'

import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'

import { t } from '../../src/i18n/messages'
import { artifactsOnFailure, baseUrl, launchBrowser, shot, SHOTS, wechatPhone } from './support/browser'

const PHONE = { width: 375, height: 667 }

let browser: Browser
beforeAll(async () => {
  browser = await launchBrowser()
})
afterEach((ctx) => artifactsOnFailure(browser, ctx))
afterAll(async () => {
  await browser?.close()
})

const phone = (options: { javaScriptEnabled?: boolean } = {}): Promise<BrowserContext> => wechatPhone(browser, { baseURL: baseUrl(), viewport: PHONE, ...options })

/** Nothing on the page is wider than the phone: no sideways scrolling. */
async function pageWidth(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth)
}

/** The root font size the page is laid out with, in CSS pixels. */
async function rootFontSize(page: Page): Promise<number> {
  return page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize))
}

/** Fetch and decode every image (lazy ones are scrolled to), then report the widest one. */
async function widestImage(page: Page): Promise<number> {
  let widest = 0
  for (const img of await page.locator('main img').all()) {
    await img.scrollIntoViewIfNeeded()
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0), { timeout: 10_000 }).toBe(true)
    widest = Math.max(widest, (await img.boundingBox())!.width)
  }
  return widest
}

describe('resident pages on a phone, in WeChat', () => {
  test('home and an issue fit a 375 px screen, in Chinese', async () => {
    const context = await phone()
    const page = await context.newPage()

    const home = await page.goto('/')
    expect(home!.status()).toBe(200)
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN')
    expect(await page.locator('meta[name="viewport"]').getAttribute('content')).toContain('width=device-width')
    await page.locator('main').waitFor()
    // The demo street's periodical, and the way to the latest issue.
    expect(await page.locator('header').first().innerText()).toContain('聚焦徐碧')
    expect(await page.locator('main a[href^="/issues/"]').count()).toBeGreaterThan(0)
    expect(await pageWidth(page)).toBeLessThanOrEqual(PHONE.width)
    await shot(page, 'e1-phone-home')

    const issue = await page.goto('/issues/1')
    expect(issue!.status()).toBe(200)
    await page.locator('article.issue').waitFor()
    expect(await page.locator('article.issue section.article').count()).toBeGreaterThanOrEqual(2)
    expect(await widestImage(page)).toBeLessThanOrEqual(PHONE.width)
    expect(await pageWidth(page)).toBeLessThanOrEqual(PHONE.width)
    await shot(page, 'e2-phone-issue')
    await context.close()
  })

  test('large text switches on and off without JavaScript', async () => {
    const context = await phone({ javaScriptEnabled: false })
    const page = await context.newPage()
    await page.goto('/issues/1')
    await page.locator('article.issue').waitFor()
    const normal = await rootFontSize(page)
    expect(await page.locator('html.lt').count()).toBe(0)

    // A plain link: the server sets a cookie and sends the reader back to the same page.
    const toggle = page.locator('a.textsize')
    expect((await toggle.innerText()).trim()).toBe(t('site.largeText', 'zh'))
    await Promise.all([page.waitForURL('**/issues/1'), toggle.click()])
    await page.locator('html.lt').waitFor({ state: 'attached' })
    const large = await rootFontSize(page)
    expect(large).toBeGreaterThan(normal)
    expect(await pageWidth(page)).toBeLessThanOrEqual(PHONE.width)
    await shot(page, 'e3-phone-issue-large-text')

    // The choice holds on the next page, until switched back.
    await page.goto('/')
    expect(await rootFontSize(page)).toBe(large)
    await page.goto('/issues/1')
    expect((await toggle.innerText()).trim()).toBe(t('site.normalText', 'zh'))
    await Promise.all([page.waitForURL('**/issues/1'), toggle.click()])
    expect(await page.locator('html.lt').count()).toBe(0)
    expect(await rootFontSize(page)).toBe(normal)
    await context.close()
  })

  test('an issue prints cleanly: no navigation or switches, articles kept', async () => {
    const context = await browser.newContext({ baseURL: baseUrl(), locale: 'zh-CN', viewport: { width: 794, height: 1123 } })
    const page = await context.newPage()
    await page.goto('/issues/1')
    await page.locator('article.issue').waitFor()
    await page.emulateMedia({ media: 'print' })
    for (const hidden of ['.site-head nav', 'a.textsize']) {
      expect(await page.locator(hidden).first().isVisible(), `${hidden} is hidden in print`).toBe(false)
    }
    expect(await page.locator('article.issue h1, h1').first().isVisible()).toBe(true)
    expect(await page.locator('article.issue section.article').first().isVisible()).toBe(true)
    expect(await widestImage(page)).toBeLessThanOrEqual(794)
    await shot(page, 'e4-issue-print')
    // The A4 PDF a notice-board printout would be, kept beside the screenshots.
    const pdf = await page.pdf({ format: 'A4', printBackground: false })
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-')
    fs.writeFileSync(path.join(SHOTS, 'e4-issue-print.pdf'), pdf)
    await context.close()
  })
})
