import type { AddressInfo } from 'node:net'

import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'

import { artifactsOnFailure, launchBrowser, shot, wechatPhone } from './support/browser'
import { closeInProcess, inProcessEnv } from './support/inProcess'

/**
 * 我的网格 on a phone in WeChat's browser (390 px), against the Express app
 * (the resident pages need no Next) on a fresh database with the demo street,
 * whose 徐碧第1网格 (XB-01) has an urgent water-cut notice: the building
 * finder on the subscribe page, the grid page, 设为我的网格, the home page's
 * 我的网格 and the urgent banner on another page, then 不再记住; and on a
 * desktop (1366 px): the grid list by community, the grid remembered, the
 * banner on a reading page, 不是我的网格？更换.
 */
const dataDir = inProcessEnv('mygrid')

type Mod = { payload: import('payload').Payload; server: import('node:http').Server; base: string }
let m: Mod
let browser: Browser
const WIDTH = 390

beforeAll(async () => {
  const { initPayload } = await import('../../src/server/payload')
  const { createApp, listen } = await import('../../src/server/app')
  const { seedDemo } = await import('../../src/seed/demo')
  const payload = await initPayload()
  await seedDemo(payload)
  const server = await listen(payload, createApp(payload), 0, '127.0.0.1')
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  m = { payload, server, base }
  browser = await launchBrowser()
})
afterEach((ctx) => artifactsOnFailure(browser, ctx))
afterAll(() => closeInProcess(dataDir, { browser, ...m }))

const wechat = (): Promise<BrowserContext> => wechatPhone(browser, { baseURL: m.base, viewport: { width: WIDTH, height: 844 } })

const width = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth)
const WATER_CUT = '12 月 3 日碧湖小区停水通知'

describe('my grid in WeChat on a phone', () => {
  test('finds the building, remembers the grid, shows its urgent notice on other pages, and forgets it', async () => {
    const context = await wechat()
    const page = await context.newPage()

    // The finder, as the page's script asks it while the resident types.
    await page.goto('/subscribe')
    await page.locator('#q').fill('碧湖小区 3栋')
    const found = page.locator('#search-results a').first()
    await expect.poll(() => found.textContent()).toBe('碧湖小区3号楼 → XB-01 · 徐碧第1网格（徐碧社区）')
    await shot(page, 'mygrid-finder-390')
    await found.click()
    await expect.poll(() => page.locator('#f-grid').inputValue()).toBe('XB-01')

    // The grid page: its buildings, its leader, subscribe and 设为我的网格.
    await page.goto('/grids/XB-01')
    await page.getByRole('heading', { name: 'XB-01 · 徐碧第1网格' }).waitFor()
    expect(await page.locator('.grid-buildings dt').first().textContent()).toBe('碧湖小区')
    expect(await page.locator('.leader-name').first().textContent()).toBe('黄建华')
    expect(await page.locator('.grid-leader a[href^="tel:"]').count()).toBe(0)
    expect(await page.getByRole('link', { name: '订阅本网格的消息' }).getAttribute('href')).toBe('/subscribe?grid=XB-01')
    expect(await width(page)).toBeLessThanOrEqual(WIDTH)
    await shot(page, 'mygrid-grid-page-390')
    await page.getByRole('link', { name: '设为我的网格' }).click()

    // Home: 我的网格 with the grid's latest announcements, and the urgent banner.
    await page.waitForURL(`${m.base}/`)
    await page.getByRole('heading', { name: '我的网格：XB-01 · 徐碧第1网格' }).waitFor()
    expect(await page.locator('.my-grid').textContent()).toContain(WATER_CUT)
    expect(await page.locator('.urgent-banner').textContent()).toContain(WATER_CUT)
    expect(await width(page)).toBeLessThanOrEqual(WIDTH)
    await shot(page, 'mygrid-home-390')

    // Another page carries the banner too; its link opens the notice.
    await page.goto('/policies')
    const banner = page.locator('.urgent-banner')
    expect(await banner.textContent()).toContain('XB-01 · 徐碧第1网格紧急通知')
    expect(await width(page)).toBeLessThanOrEqual(WIDTH)
    await shot(page, 'mygrid-banner-policies-390')
    await banner.getByRole('link', { name: WATER_CUT }).click()
    await page.getByRole('heading', { name: WATER_CUT }).waitFor()

    // 不再记住: no section, no banner.
    await page.locator('.urgent-banner').getByRole('link', { name: '不再记住' }).click()
    await page.waitForURL(`${m.base}/`)
    expect(await page.locator('.my-grid').count()).toBe(0)
    expect(await page.locator('.urgent-banner').count()).toBe(0)
    expect((await context.cookies()).some((c) => c.name === 'sn_mygrid')).toBe(false)
    await context.close()
  })

  test('works without JavaScript: the finder by its button, 设为我的网格 by its link', async () => {
    const context = await wechatPhone(browser, { baseURL: m.base, viewport: { width: WIDTH, height: 844 }, javaScriptEnabled: false })
    const page = await context.newPage()
    await page.goto('/subscribe')
    await page.locator('#q').fill('碧湖 三号楼')
    await page.getByRole('button', { name: '查找' }).click()
    await page.getByRole('link', { name: '碧湖小区3号楼 → XB-01 · 徐碧第1网格（徐碧社区）' }).click()
    expect(await page.locator('input[name="grid"][type="hidden"]').inputValue()).toBe('XB-01')
    await page.goto('/grids/XB-01')
    await page.getByRole('link', { name: '设为我的网格' }).click()
    await page.getByRole('heading', { name: '我的网格：XB-01 · 徐碧第1网格' }).waitFor()
    const cookie = (await context.cookies()).find((c) => c.name === 'sn_mygrid')
    expect(cookie).toMatchObject({ value: 'XB-01', httpOnly: true, sameSite: 'Lax' })
    await context.close()
  })
})

describe('my grid on a desktop (1366 px)', () => {
  const DESKTOP = 1366

  test('from the grid list by community to the grid page, remembered: 我的网格 on the home page, the urgent banner on a reading page, 不是我的网格？更换 back to the list', async () => {
    const context = await browser.newContext({ baseURL: m.base, viewport: { width: DESKTOP, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
    context.setDefaultTimeout(20_000)
    const page = await context.newPage()

    // The grid list, grouped by community: 徐碧社区's section lists 徐碧第1网格.
    await page.goto('/grids')
    const community = page.locator('section.community').filter({ has: page.getByRole('heading', { name: /^徐碧社区/ }) })
    expect(await page.locator('section.community').count()).toBe(5)
    await community.getByRole('link', { name: /XB-01 · 徐碧第1网格/ }).click()
    await page.getByRole('heading', { name: 'XB-01 · 徐碧第1网格' }).waitFor()
    expect(await width(page)).toBeLessThanOrEqual(DESKTOP)
    await shot(page, 'mygrid-grid-page-1366')

    // Remembered from the grid page, by the keyboard: 设为我的网格 is a link reached with Tab.
    const set = page.getByRole('link', { name: '设为我的网格' })
    await set.focus()
    await page.keyboard.press('Enter')
    await page.waitForURL(`${m.base}/`)
    await page.getByRole('heading', { name: '我的网格：XB-01 · 徐碧第1网格' }).waitFor()
    expect(await page.locator('.my-grid').textContent()).toContain(WATER_CUT)
    expect(await page.locator('.urgent-banner').textContent()).toContain(WATER_CUT)
    expect(await width(page)).toBeLessThanOrEqual(DESKTOP)
    await shot(page, 'mygrid-home-1366')

    // A reading page of another type carries the grid's urgent banner above its article.
    await page.goto('/events')
    await page.locator('main a[href^="/events/"]').first().click()
    await page.locator('main h1').waitFor()
    const banner = page.locator('.urgent-banner')
    expect(await banner.textContent()).toContain('XB-01 · 徐碧第1网格紧急通知')
    expect(await banner.getByRole('link', { name: WATER_CUT }).isVisible()).toBe(true)
    const [bannerBox, mainBox] = await Promise.all([banner.boundingBox(), page.locator('main').boundingBox()])
    expect(bannerBox!.y).toBeLessThan(mainBox!.y)
    await shot(page, 'mygrid-banner-event-1366')

    // 不是我的网格？更换 leads back to the list, the grid still remembered until another is set.
    await banner.getByRole('link', { name: '不是我的网格？更换' }).click()
    await page.waitForURL(`${m.base}/grids`)
    expect((await context.cookies()).find((c) => c.name === 'sn_mygrid')?.value).toBe('XB-01')
    await context.close()
  })
})
