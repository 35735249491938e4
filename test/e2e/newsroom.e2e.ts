import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'

import { t } from '../../src/i18n/messages'
import { api, dismissToasts, docStatus, focusRichText, leaveDocument, submit, typeRichText } from './support/admin'
import { artifactsOnFailure, DEMO, launchBrowser, login, shot, staffContext } from './support/browser'

/**
 * The newsroom (issue 14), one announcement from a grid leader's phone to
 * their results: the leader writes and submits it at 390 px; the editor finds
 * it under 待审核, sends it back with a comment; the leader reads the returned
 * notice first on their home (未读通知 in the navigation), opens it (marked
 * read), corrects and submits again; the editor previews the email, push and
 * WeChat article, approves, sees the audience dialog and publishes; the leader
 * finds the approval notice and the announcement published on their home,
 * with their grid's results. Screenshots in test-results/e2e (n1-…).
 */
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }

describe('one announcement through the newsroom, from a grid leader’s phone', () => {
  const run = Date.now().toString(36)
  const title = `电梯维保停运通知 ${run}`
  const comment = '请写明停运的具体时段。'
  let browser: Browser
  let leaderContext: BrowserContext
  let leader: Page
  let editorContext: BrowserContext
  let editor: Page
  let id: string

  /** The leader's unread notices, as the API gives them to the leader. */
  const unread = async () => (await api(leader, `/api/staff-notices?depth=0&where[contentId][equals]=${id}&where[readAt][exists]=false`)).body?.docs as { id: string; kind: string }[]
  const sideways = (p: Page) => p.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)

  beforeAll(async () => {
    browser = await launchBrowser()
    leaderContext = await staffContext(browser, PHONE)
    leader = await leaderContext.newPage()
    await login(leader, DEMO.leader1)
    editorContext = await staffContext(browser)
    editor = await editorContext.newPage()
    await login(editor, DEMO.editor)
  })
  afterEach((ctx) => artifactsOnFailure(browser, ctx))
  afterAll(async () => {
    await browser?.close()
  })

  test('the leader writes it on the phone and submits it for review', async () => {
    await leader.goto('/admin/collections/announcements/create')
    await leader.locator('#field-title').fill(title)
    await focusRichText(leader, 'body')
    const body = '本周三电梯例行维保，期间停运，请居民合理安排出行。'
    await typeRichText(leader, body)
    const saved = await submit(leader, '#action-save-draft', 'announcements')
    expect(saved.status(), await saved.text()).toBe(201)
    expect(await saved.text()).toContain(body)
    id = String(((await saved.json()) as { doc: { id: string | number } }).doc.id)
    await leader.waitForURL(`**/admin/collections/announcements/${id}`)
    await leader.locator('.review-panel__submit').waitFor()
    const submitted = await submit(leader, '.review-panel__submit', 'announcements')
    expect(submitted.status(), await submitted.text()).toBe(200)
    await expect.poll(() => leader.locator('.review-panel__state').innerText()).toBe('待初审（第 1/1 步）')
    await leader.locator('#review-panel').scrollIntoViewIfNeeded()
    await shot(leader, 'n1-leader-submitted-390')
    expect(await leader.evaluate(() => document.querySelector('#review-panel')!.getBoundingClientRect().right)).toBeLessThanOrEqual(390)
    await leaveDocument(leader, 'announcements', id)
  })

  test('the editor finds it under 待审核 and sends it back with a comment', async () => {
    await editor.goto('/admin')
    await editor.locator('#nav-review-announcements').waitFor({ state: 'attached' })
    await editor.locator('#home-awaiting').waitFor()
    expect(await editor.locator('#home-awaiting').innerText()).toContain(title)
    await editor.goto(`/admin/collections/announcements/${id}`)
    await expect.poll(() => editor.locator('.review-panel__state').innerText()).toBe('待初审（第 1/1 步）')
    await editor.locator('.review-panel__comment').fill(comment)
    const returned = await submit(editor, '.review-panel__return', 'announcements')
    expect(returned.status(), await returned.text()).toBe(200)
    await expect.poll(() => editor.locator('.review-panel__state').innerText()).toBe(t('review.returned', 'zh'))
    await shot(editor, 'n2-editor-returned')
    await leaveDocument(editor, 'announcements', id)
  })

  test('the leader reads the returned notice first on their phone home, opens it (marked read), corrects and submits again', async () => {
    await leader.goto('/admin')
    const card = leader.locator('#home-notices')
    await card.waitFor()
    // The first card of the leader's home.
    expect(await leader.locator('.home-cards > section').first().getAttribute('id')).toBe('home-notices')
    const item = card.locator('li[data-kind="returned"][data-unread="yes"]').filter({ hasText: title })
    await item.waitFor()
    expect(await item.innerText()).toContain(`意见：${comment}`)
    expect(await leader.locator('#nav-staff-notices-link').textContent()).toMatch(/^未读通知（\d+）$/)
    expect(await sideways(leader)).toBe(true)
    await shot(leader, 'n3-leader-home-returned-390')
    expect((await unread()).map((n) => n.kind)).toEqual(['returned'])

    await item.locator('a').click()
    await leader.waitForURL(`**/admin/collections/announcements/${id}`)
    expect(await unread()).toHaveLength(0)
    await focusRichText(leader, 'body')
    await leader.keyboard.press('Control+End')
    await typeRichText(leader, '停运时段：上午九点至十一点。')
    const saved = await submit(leader, '#action-save-draft', 'announcements')
    expect(saved.status(), await saved.text()).toBe(200)
    const submitted = await submit(leader, '.review-panel__submit', 'announcements')
    expect(submitted.status(), await submitted.text()).toBe(200)
    await expect.poll(() => leader.locator('.review-panel__state').innerText()).toBe('待初审（第 1/1 步）')
    await leaveDocument(leader, 'announcements', id)
  })

  test('the editor previews the email and the push (no WeChat article for a grid announcement), approves, sees the audience and publishes', async () => {
    await editor.goto(`/admin/collections/announcements/${id}`)
    await expect.poll(() => editor.locator('.review-panel__state').innerText()).toBe('待初审（第 1/1 步）')
    const previews = editor.locator('.previews-panel')
    await previews.scrollIntoViewIfNeeded()
    await previews.locator('.previews-panel__open').click()
    await previews.locator('.previews-panel__email-frame').waitFor()
    expect(await previews.locator('.previews-panel__subject').innerText()).toContain(title)
    await shot(editor, 'n4-editor-preview-email')
    await previews.locator('.previews-panel__tab--push').click()
    await previews.locator('.previews-panel__push-title').waitFor()
    expect(await previews.locator('.previews-panel__push').innerText()).toContain(title)
    // A grid announcement never goes to the street's WeChat account: the panel offers no WeChat article.
    expect(await previews.locator('.previews-panel__tab').allInnerTexts()).toEqual([t('previews.tab.email', 'zh'), t('previews.tab.push', 'zh')])
    await shot(editor, 'n5-editor-preview-push')

    const approved = await submit(editor, '.review-panel__approve', 'announcements')
    expect(approved.status(), await approved.text()).toBe(200)
    await expect.poll(() => editor.locator('.review-panel__state').innerText()).toBe(t('review.approved', 'zh'))
    await dismissToasts(editor)

    await editor.locator('#action-save').click()
    const dialog = editor.locator('.publish-dialog')
    await dialog.locator('.publish-dialog__channel--email').waitFor()
    expect(await dialog.innerText()).toContain(t('audience.dialog.title', 'zh'))
    await shot(editor, 'n6-editor-publish-dialog')
    const published = editor.waitForResponse((r) => new URL(r.url()).pathname === `/api/announcements/${id}` && r.request().method() === 'PATCH')
    await dialog.locator('.publish-dialog__confirm').click()
    expect((await published).status()).toBe(200)
    await expect.poll(() => docStatus(editor)).toBe('已发布')
    await leaveDocument(editor, 'announcements', id)
  })

  test('the leader sees the approval notice, the announcement published and their results on the phone', async () => {
    await leader.goto('/admin')
    const card = leader.locator('#home-notices')
    await card.waitFor()
    const item = card.locator('li[data-kind="approved"][data-unread="yes"]').filter({ hasText: title })
    await item.waitFor()
    expect(await item.innerText()).toContain('已通过全部审核')
    // The returned one, opened earlier, is read.
    expect(await card.locator('li[data-kind="returned"]').filter({ hasText: title }).getAttribute('data-unread')).toBe('no')
    const mine = leader.locator('#home-submissions li[data-state="published"]').filter({ hasText: title })
    await mine.waitFor()
    await leader.locator('#home-results').waitFor()
    expect(await sideways(leader)).toBe(true)
    await shot(leader, 'n7-leader-home-approved-390')
    await item.locator('a').click()
    await leader.waitForURL(`**/admin/collections/announcements/${id}`)
    expect(await unread()).toHaveLength(0)
    await expect.poll(() => docStatus(leader)).toBe('已发布')
    await shot(leader, 'n8-leader-published-390')
    await leaveDocument(leader, 'announcements', id)
  })
})
