import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'

import { api } from './support/admin'
import { artifactsOnFailure, baseUrl, DEMO, launchBrowser, login, shot, staffContext, wechatPhone } from './support/browser'

/**
 * The grid leader's side of issue 18 on the real server (production build,
 * demo street): a head of the water cut's grid, not yet confirmed, opens
 * their link in WeChat at 390 px and confirms 已转发到楼栋群 and 已入户告知
 * 12 户; the grid leader (leader1, the grid's leader), logged into the admin
 * on a 390 px phone, finds the building done in 楼栋转达 (/admin/relay),
 * logs their own door-to-door and phone reach there, and the readership
 * dashboard shows the relay and offline figures apart from the readers.
 * Screenshots in test-results/e2e/ (relay-leader-*.png).
 *
 * Written without a run: the Next build fails in a worktree whose
 * node_modules is a symlink out of the project (Turbopack refuses it).
 */
let browser: Browser
const WATER_CUT = '12 月 3 日碧湖小区停水通知'
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }

beforeAll(async () => {
  browser = await launchBrowser()
})
afterEach((ctx) => artifactsOnFailure(browser, ctx))
afterAll(async () => {
  await browser?.close()
})

const noWiderThanPhone = async (page: Page) => expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)

describe('the grid leader after a head confirmed', () => {
  test('sees the building done in 楼栋转达 and the relay and offline figures on the dashboard, at 390 px', async () => {
    const leaderContext = await staffContext(browser, PHONE)
    const leader = await leaderContext.newPage()
    await login(leader, DEMO.leader1)

    // The water cut and a building of its grid with nothing confirmed yet and room for 12 households (every demo building has its head's link).
    const found = await api(leader, `/api/announcements?depth=0&limit=1&where[title][equals]=${encodeURIComponent(WATER_CUT)}`)
    expect(found.status).toBe(200)
    const content = `announcements:${found.body.docs[0].id}`
    const list = await api(leader, `/api/offline-reach/buildings?content=${encodeURIComponent(content)}`)
    expect(list.status).toBe(200)
    const grid = list.body.grids[0]
    const building = (grid.buildings as { code: string; status: string; households: number | null }[]).find((b) => b.status === 'none' && (b.households ?? 0) >= 12)!
    expect(building).toBeTruthy()
    const made = await api(leader, `/api/grids/relay/${encodeURIComponent(building.code)}`)
    expect(made.status).toBe(200)
    const link = new URL(made.body.link as string).pathname

    // The head, in WeChat: relayed to the group, then 12 households at the door.
    const headContext = await wechatPhone(browser, { baseURL: baseUrl() })
    const head = await headContext.newPage()
    await head.goto(link)
    const item = head.locator('article.relay-item', { hasText: WATER_CUT }).first()
    await item.getByRole('button', { name: '已转发到楼栋群' }).click()
    await head.waitForURL(/saved=1/)
    const again = head.locator('article.relay-item', { hasText: WATER_CUT }).first()
    await again.getByText(/✓ 已转发到楼栋群：/).waitFor()
    await again.getByLabel('已入户告知').fill('12')
    await again.getByRole('button', { name: '确认' }).click()
    await head.locator('article.relay-item', { hasText: WATER_CUT }).first().getByText(/✓ 已入户告知 12 户：/).waitFor()
    await headContext.close()

    // 楼栋转达: the building done, at the doors, with its 12 households.
    await leader.goto(`/admin/relay?content=${encodeURIComponent(content)}`)
    const row = leader.locator(`li[data-building="${building.code}"]`)
    await row.waitFor()
    expect(await row.getAttribute('data-status')).toBe('doors')
    const status = await row.locator('.relay-status').innerText()
    expect(status).toContain(`入户 12 / ${building.households} 户`)
    expect(status).toContain('已转发到楼栋群')
    await noWiderThanPhone(leader)
    await shot(leader, 'relay-leader-buildings')

    // The leader's own reach, by the plain form: 20 households at the door, 15 by phone, 6 posters.
    const form = leader.locator(`#relay-offline-${grid.grid.code}`)
    await form.locator('input[name="doorHouseholds"]').fill('20')
    await form.locator('input[name="phoneHouseholds"]').fill('15')
    await form.locator('input[name="posters"]').fill('6')
    await form.getByRole('button').click()
    await leader.waitForURL(/saved=/)
    await leader.locator(`#relay-offline-${grid.grid.code} [role="status"]`).waitFor()

    // The readership dashboard: readers, then relay and offline figures apart, per grid and building.
    await leader.goto(`/admin/readership?content=${encodeURIComponent(content)}`)
    const figures = leader.locator('#relay-figures')
    await figures.waitFor()
    expect(await figures.locator('h2').innerText()).toBe('阅读与线下分开统计')
    const gridRow = figures.locator(`tr.relay-grid-row[data-grid="${grid.grid.code}"]`)
    const cells = await gridRow.locator('td').allInnerTexts()
    // households, readers, link readers, reach, buildings relayed, heads' doors, leader's doors, phone, posters, coverage
    expect(cells[4]).toMatch(new RegExp(`^\\d+ / ${grid.buildings.length}`))
    expect(Number(cells[5])).toBeGreaterThanOrEqual(12)
    expect(cells.slice(6, 9)).toEqual(['20', '15', '6'])
    expect(cells[9]).toMatch(/%/)
    const buildingCells = await figures.locator(`tr.relay-building-row[data-building="${building.code}"] td`).allInnerTexts()
    expect(buildingCells[4]).toBe('已入户告知')
    expect(buildingCells[5]).toBe('12')
    await figures.scrollIntoViewIfNeeded()
    await shot(leader, 'relay-leader-dashboard')
    await leaderContext.close()
  })
})
