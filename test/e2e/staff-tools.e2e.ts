import fs from 'node:fs'

import iconv from 'iconv-lite'
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest'

import { api } from './support/admin'
import { artifactsOnFailure, DEMO, launchBrowser, login, shot, staffContext } from './support/browser'

/**
 * The staff tools inside the real admin: a grid leader opens the share kits
 * from the navigation and gets their grid's subscribe link and QR code (and
 * no other grid's); an admin checks and imports a CSV file in 订阅者导入与导出
 * and downloads the export. Everything goes through the admin's own session.
 */
let browser: Browser
beforeAll(async () => {
  browser = await launchBrowser()
})
afterEach((ctx) => artifactsOnFailure(browser, ctx))
afterAll(async () => {
  await browser?.close()
})

/** A file fetched from inside the page, with the page's session. */
const fetchIn = (page: Page, path: string) =>
  page.evaluate(async (p) => {
    const r = await fetch(p, { credentials: 'same-origin' })
    return { status: r.status, type: r.headers.get('content-type'), size: (await r.arrayBuffer()).byteLength }
  }, path)

test('a grid leader opens the share kits from the navigation: their grid’s subscribe link and QR code only', async () => {
  const context = await staffContext(browser)
  const page = await context.newPage()
  await login(page, DEMO.leader1)
  expect(await page.locator('#nav-subscriber-tools').count()).toBe(0)
  // The navigation may be folded away (inert) at this window size: follow its link as a click would.
  expect((await page.locator('#nav-share-kits').textContent())?.trim()).toBe('网格订阅码')
  await page.goto((await page.locator('#nav-share-kits').getAttribute('href'))!)
  expect(new URL(page.url()).pathname).toBe('/admin/readership/share')
  const kits = page.locator('#subscribe-kits .sk-kit')
  await kits.first().waitFor()
  await expect(kits.evaluateAll((els) => els.map((e) => e.getAttribute('data-grid')))).resolves.toEqual(['XB-01'])
  expect(await kits.first().locator('input').inputValue()).toMatch(/^https?:\/\/[^/]+\/subscribe\?grid=XB-01$/)

  // The QR code shown and both downloads come from the API with the leader's session.
  const img = kits.first().locator('img.sk-qr')
  expect(await img.getAttribute('src')).toBe('/api/grids/XB-01/share-qr.svg')
  await expect(fetchIn(page, '/api/grids/XB-01/share-qr.svg')).resolves.toMatchObject({ status: 200, type: 'image/svg+xml; charset=utf-8' })
  await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete)).toBe(true)
  const [png] = await Promise.all([page.waitForEvent('download'), kits.first().locator('a[href="/api/grids/XB-01/share-qr.png?download=1"]').click()])
  expect(png.suggestedFilename()).toBe('subscribe-XB-01.png')
  const file = await png.path()
  expect(fs.readFileSync(file!).subarray(1, 4).toString('latin1')).toBe('PNG')
  await shot(page, 's1-leader-share-kits')

  // Another grid's QR code is refused, in Chinese.
  const other = await api(page, '/api/grids/XB-02/share-qr.svg')
  expect(other.status).toBe(403)
  expect(other.body.message).toBe('网格“XB-02”不是您负责的网格。')

  // An old bookmark lands on the same view, narrowed to the grid.
  await page.goto('/admin-tools/share/XB-01')
  expect(page.url()).toMatch(/\/admin\/readership\/share\?grid=XB-01$/)
  await page.locator('#subscribe-kits .sk-kit[data-grid="XB-01"]').waitFor()

  // The subscriber tools are for admins.
  await page.goto('/admin/subscriber-tools')
  await page.locator('#subscriber-tools-forbidden').waitFor()
  expect(await page.locator('#import-form').count()).toBe(0)
  expect((await api(page, '/api/subscribers/export.csv')).status).toBe(403)
  await context.close()
})

test('an admin checks and imports a CSV file in 订阅者导入与导出, then downloads the export', async () => {
  const context = await staffContext(browser)
  const page = await context.newPage()
  await login(page, DEMO.admin)
  expect((await page.locator('#nav-subscriber-tools').textContent())?.trim()).toBe('订阅者导入与导出')
  await page.goto((await page.locator('#nav-subscriber-tools').getAttribute('href'))!)
  expect(new URL(page.url()).pathname).toBe('/admin/subscriber-tools')
  await page.locator('#import-form').waitFor()

  // A GBK file with a bad row: the check names line, column and reason, and writes nothing.
  const address = `import-${Date.now()}@example.org`
  const bad = iconv.encode(`邮箱,网格,栏目,同意时间,同意凭证\r\n${address},CG-06,本网格公告,2026-10-08,纸质登记表第1页\r\nbad-address,CG-06,本网格公告,2026-10-08,纸质登记表第2页\r\n`, 'gbk')
  await page.locator('#import-file').setInputFiles({ name: 'subscribers.csv', mimeType: 'text/csv', buffer: bad })
  await page.locator('#import-submit').click()
  await page.locator('#import-summary').waitFor()
  expect(await page.locator('#import-summary').innerText()).toContain('发现问题，未写入任何数据')
  await expect(page.locator('#import-problems tbody tr').evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent)))).resolves.toEqual([
    ['3', '邮箱', '邮箱格式不正确，应类似 zhangsan@example.com，请检查是否有空格或漏了“@”。'],
  ])
  await shot(page, 's2-admin-import-problems')

  // The good row alone, imported: the report, the progress and the outcome arrive through the real server.
  const good = iconv.encode(`邮箱,网格,栏目,同意时间,同意凭证\r\n${address},CG-06,本网格公告,2026-10-08,纸质登记表第1页\r\n`, 'gbk')
  await page.locator('#import-file').setInputFiles({ name: 'subscribers.csv', mimeType: 'text/csv', buffer: good })
  await page.locator('input[name="mode"][value="import"]').check()
  await page.locator('#import-submit').click()
  await page.locator('#import-done').waitFor()
  expect(await page.locator('#import-summary').innerText()).toBe('检查完毕：共 1 行（编码 gbk），正在导入 1 行，跳过 0 行。')
  await expect(page.locator('.import-progress').allInnerTexts()).resolves.toEqual(['已导入 1 / 1'])
  expect(await page.locator('#import-done').innerText()).toContain('导入完成：新增 1 位订阅者')
  await shot(page, 's3-admin-import-done')

  // Files up to 5 MB pass the server's cap on API bodies (2 MB for forms); a larger one gets the import's own answer.
  const sized = await page.evaluate(async () => {
    const post = async (bytes: number) => {
      const fd = new FormData()
      fd.append('mode', 'dry-run')
      fd.append('file', new Blob([`phone\r\n${'1'.repeat(bytes)}\r\n`], { type: 'text/csv' }), 'big.csv')
      const r = await fetch('/api/subscribers/import', { method: 'POST', body: fd, credentials: 'same-origin' })
      return { status: r.status, body: await r.json() }
    }
    return [await post(3 * 1024 * 1024), await post(6 * 1024 * 1024)]
  })
  expect(sized[0].status).toBe(422)
  expect(sized[0].body.problems[0].reason).toContain('不认识的列“phone”')
  expect(sized[1].status).toBe(413)
  expect(sized[1].body.message).toBe('文件超过 5 MB，请分成几个文件上传。')

  // The export, downloaded from the page, holds the imported address.
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#export-utf8').click()])
  expect(download.suggestedFilename()).toMatch(/^subscribers-\d{4}-\d{2}-\d{2}\.csv$/)
  const text = fs.readFileSync((await download.path())!, 'utf8')
  expect(text.startsWith('\ufeffemail,grid,channels,topics,')).toBe(true)
  expect(text).toContain(`\r\n${address},CG-06,email,announcements,`)
  await context.close()
})
