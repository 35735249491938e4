import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'

import { t } from '../../src/i18n/messages'
import { api, dismissToasts, docStatus, focusRichText, leaveDocument, submit, typeRichText } from './support/admin'
import { artifactsOnFailure, baseUrl, DEMO, launchBrowser, login, shot, staffContext } from './support/browser'

/**
 * One announcement's way through review, as the people involved do it in the
 * admin: the steps run in order and share the announcement.
 */
describe('a grid leader publishes an announcement for their grid, after an editor approves it', () => {
  const run = Date.now().toString(36)
  const title = `楼道杂物清理通知 ${run}`
  const body = '本周六上午九点，请各位居民清理楼道内堆放的杂物，保持消防通道畅通。'
  let browser: Browser
  let leaderContext: BrowserContext
  let leader: Page
  let id: string

  beforeAll(async () => {
    browser = await launchBrowser()
    leaderContext = await staffContext(browser)
    leader = await leaderContext.newPage()
    await login(leader, DEMO.leader1)
  })
  afterEach((ctx) => artifactsOnFailure(browser, ctx))
  afterAll(async () => {
    await browser?.close()
  })

  test('the leader writes it for their own grid (preset: the only grid they lead) and submits it for review', async () => {
    const me = (await api(leader, '/api/users/me')).body as { user: { grids: { code: string; name: string }[] } }
    expect(me.user.grids.map((g) => g.code)).toEqual(['XB-01'])

    await leader.goto('/admin/collections/announcements/create')
    await leader.locator('#field-title').fill(title)
    // A leader of one grid does not pick it: it is already chosen.
    await expect.poll(() => leader.locator('#field-grids').innerText(), { timeout: 15_000 }).toContain(me.user.grids[0].name)
    await focusRichText(leader, 'body')
    await typeRichText(leader, body)
    await shot(leader, 'c1-leader-announcement-draft')

    const saved = await submit(leader, '#action-save-draft', 'announcements')
    expect(saved.status(), await saved.text()).toBe(201)
    expect(await saved.text()).toContain(body)
    id = String(((await saved.json()) as { doc: { id: string | number } }).doc.id)
    await leader.waitForURL(`**/admin/collections/announcements/${id}`)
    expect(await docStatus(leader)).toBe('草稿')

    // 提交审核 in the review panel: the one button the leader has.
    await leader.locator('.review-panel__submit').waitFor()
    const submitted = await submit(leader, '.review-panel__submit', 'announcements')
    expect(submitted.status(), await submitted.text()).toBe(200)
    await expect.poll(() => leader.locator('.review-panel__state').innerText()).toBe('待初审（第 1/1 步）')
    expect(await leader.locator('.review-panel__withdraw').count()).toBe(1)
  })

  test('publishing before approval is refused, with the reason in Chinese', async () => {
    // Publishing it as it stands (what 发布 sends) is refused, and says why, in Chinese.
    const refused = await api(leader, `/api/announcements/${id}?draft=false`, { method: 'PATCH', body: { _status: 'published' } })
    expect(refused.status).toBe(400)
    expect(JSON.stringify(refused.body)).toContain(t('review.error.needsApproval', 'zh'))
    await shot(leader, 'c2-leader-publish-refused')
  })

  test('nothing was published by the refused attempt', async () => {
    expect(id).toBeTruthy()
    const anonymous = await browser.newContext({ baseURL: baseUrl() })
    const page = await anonymous.newPage()
    expect((await page.goto(`/announcements/${id}`))!.status()).toBe(404)
    expect(await (await page.goto('/grids/XB-01'))!.text()).not.toContain(title)
    await anonymous.close()
  })

  test('an editor approves it （通过）', async () => {
    const context = await staffContext(browser)
    const editor = await context.newPage()
    await login(editor, DEMO.editor)
    await editor.goto(`/admin/collections/announcements/${id}`)
    await editor.locator('#field-title').waitFor()
    await expect.poll(() => editor.locator('.review-panel__state').innerText()).toBe('待初审（第 1/1 步）')
    const approved = await submit(editor, '.review-panel__approve', 'announcements')
    expect(approved.status(), await approved.text()).toBe(200)
    await expect.poll(() => editor.locator('.review-panel__state').innerText()).toBe(t('review.approved', 'zh'))
    await shot(editor, 'c3-editor-approved')
    await leaveDocument(editor, 'announcements', id)
    await context.close()
  })

  test('the leader publishes it', async () => {
    await leader.goto(`/admin/collections/announcements/${id}`)
    await leader.locator('#field-title').waitFor()
    await expect.poll(() => leader.locator('.review-panel__state').innerText()).toBe(t('review.approved', 'zh'))
    await dismissToasts(leader)
    const published = await submit(leader, '#action-save', 'announcements')
    expect(published.status(), await published.text()).toBe(200)
    await expect.poll(() => docStatus(leader)).toBe('已发布')
    await shot(leader, 'c4-leader-published')
  })

  test('residents see it on grid XB-01 and at its own address, and not on grid XB-02', async () => {
    const resident = await browser.newContext({ baseURL: baseUrl(), locale: 'zh-CN' })
    const page = await resident.newPage()

    expect((await page.goto('/grids/XB-01'))!.status()).toBe(200)
    expect(await page.locator('main').innerText()).toContain(title)
    await shot(page, 'c5-grid-XB-01')

    expect((await page.goto(`/announcements/${id}`))!.status()).toBe(200)
    expect(await page.locator('main').innerText()).toContain(body)

    expect((await page.goto('/grids/XB-02'))!.status()).toBe(200)
    expect(await page.locator('main').innerText()).not.toContain(title)
    await shot(page, 'c6-grid-XB-02')
    await resident.close()
  })

  test('the other grid leader does not see it in the admin or the API', async () => {
    const context = await staffContext(browser)
    const other = await context.newPage()
    await login(other, DEMO.leader2)
    await other.goto('/admin/collections/announcements')
    await other.locator('.collection-list').waitFor()
    expect(await other.locator('.collection-list').innerText()).not.toContain(title)
    await shot(other, 'c7-leader2-announcements')

    // Opening it by address lands on the list with Payload's "not found or no access" notice.
    await other.goto(`/admin/collections/announcements/${id}`)
    await other.waitForURL((url) => url.searchParams.get('notFound') === id)
    await other.locator('.collection-list').waitFor()
    expect(await other.locator('#field-title').count()).toBe(0)
    expect(await other.locator('.collection-list').innerText()).not.toContain(title)
    await shot(other, 'c8-leader2-opens-it-by-address')
    expect((await api(other, '/api/users/me')).body.user.email).toBe(DEMO.leader2.email)
    expect((await api(other, `/api/announcements/${id}?draft=true`)).status).toBe(403)
    const list = await api(other, '/api/announcements?draft=true&limit=100')
    expect(list.status).toBe(200)
    const titles = (list.body.docs as { title: string }[]).map((d) => d.title)
    expect(titles).not.toContain(title)
    // ...while the leader's own list does hold it: the filter, not an empty list, hides it.
    expect(((await api(leader, '/api/announcements?draft=true&limit=100')).body.docs as { title: string }[]).map((d) => d.title)).toContain(title)
    await context.close()
  })
})
