import type { AddressInfo } from 'node:net'

import type { Browser } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'

import { artifactsOnFailure, launchBrowser, shot, wechatPhone } from './support/browser'
import { closeInProcess, inProcessEnv } from './support/inProcess'

/**
 * 我的楼栋 on a building head's phone (issue 18): WeChat's browser at 390 px
 * against the Express app on a fresh database with the demo street (every
 * demo building has its head's link). The head opens the link, copies the
 * forwarding text of the urgent water cut, confirms 已转发到楼栋群 and
 * 已入户告知 12 户 with the plain forms; screenshots saved.
 */
const dataDir = inProcessEnv('relay')

type Mod = { payload: import('payload').Payload; server: import('node:http').Server; base: string }
let m: Mod
let browser: Browser
let link: string
const WATER_CUT = '12 月 3 日碧湖小区停水通知'

beforeAll(async () => {
  const { initPayload } = await import('../../src/server/payload')
  const { createApp, listen } = await import('../../src/server/app')
  const { seedDemo } = await import('../../src/seed/demo')
  const { relayPath, relayToken } = await import('../../src/relay/links')
  const payload = await initPayload()
  await seedDemo(payload)
  const server = await listen(payload, createApp(payload), 0, '127.0.0.1')
  m = { payload, server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }
  // A building of the grid the water cut is for (the demo's first grid), with enough households for 12.
  const { docs } = await payload.find({ collection: 'announcements', where: { title: { equals: WATER_CUT } }, limit: 1, depth: 0, overrideAccess: true })
  const gridId = (docs[0] as unknown as { grids: (string | number)[] }).grids[0]
  const grid = (await payload.findByID({ collection: 'grids', id: gridId, depth: 0, overrideAccess: true })) as unknown as { buildings: { code: string; households: number; relayVersion: number }[] }
  const building = grid.buildings.find((b) => b.households >= 12)!
  link = relayPath(relayToken(building.code, building.relayVersion))
  browser = await launchBrowser()
})
afterEach((ctx) => artifactsOnFailure(browser, ctx))
afterAll(() => closeInProcess(dataDir, { browser, ...m }))

describe('a building head in WeChat', () => {
  test('opens the link, copies the text, confirms the relay and 12 households at the door', async () => {
    const context = await wechatPhone(browser, { baseURL: m.base })
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: m.base })
    const page = await context.newPage()
    await page.goto(link)
    expect(await page.locator('h1').textContent()).toBe('我的楼栋')
    await page.getByText('请勿转发此链接', { exact: false }).waitFor()
    // Nothing wider than the phone.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
    const first = page.locator('article.relay-item').first()
    expect(await first.locator('h2').textContent()).toContain(WATER_CUT)
    expect(await first.getAttribute('class')).toContain('urgent')
    await shot(page, 'relay-head-page')

    await first.getByRole('button', { name: '复制转发文案' }).click()
    await first.getByText('已复制，可粘贴到楼栋群。').waitFor()
    const copied = await page.evaluate(() => navigator.clipboard.readText())
    expect(copied).toContain(WATER_CUT)
    expect(copied).toContain('/t/c/')
    expect(copied).not.toContain('/relay/')

    await first.getByRole('button', { name: '已转发到楼栋群' }).click()
    await page.waitForURL(/saved=1/)
    const again = page.locator('article.relay-item').first()
    await again.getByText(/✓ 已转发到楼栋群：/).waitFor()
    await again.getByLabel('已入户告知').fill('12')
    await again.getByRole('button', { name: '确认' }).click()
    await page.locator('article.relay-item').first().getByText(/✓ 已入户告知 12 户：/).waitFor()
    await shot(page, 'relay-head-confirmed')

    const { docs } = await m.payload.find({ collection: 'relay-confirmations', limit: 5, overrideAccess: true })
    expect(docs).toHaveLength(1)
    expect(docs[0]).toMatchObject({ contentType: 'announcements', doorHouseholds: 12 })
    expect((docs[0] as unknown as { relayedAt: string | null }).relayedAt).toBeTruthy()

    // The poster page, as it prints.
    await page.goto(`${link}/poster/announcements/${(docs[0] as unknown as { contentId: string }).contentId}`)
    expect(await page.locator('h1').textContent()).toBe(WATER_CUT)
    await page.emulateMedia({ media: 'print' })
    await shot(page, 'relay-poster')
    await context.close()
  })
})
