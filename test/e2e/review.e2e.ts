import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'

import { t } from '../../src/i18n/messages'
import { api, focusRichText, leaveDocument, submit, typeRichText } from './support/admin'
import { artifactsOnFailure, DEMO, launchBrowser, login, shot, staffContext } from './support/browser'

/**
 * Review as buttons on a phone (390 px): with a two-step chain for
 * announcements (初审 by an editor, 复审 by a review-only leader), a grid
 * leader submits, an editor approves, and the 审核领导 finds it under 待审核
 * and approves it with a button. The chain is set back afterwards.
 */
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }
const REVIEWER = { email: `reviewer-${Date.now().toString(36)}@demo.street`, password: 'demo-reviewer-2026' }

describe('a two-step review on a phone', () => {
  const title = `周末停车调整 ${Date.now().toString(36)}`
  let browser: Browser
  let adminContext: BrowserContext
  let admin: Page
  let id: string

  beforeAll(async () => {
    browser = await launchBrowser()
    adminContext = await staffContext(browser)
    admin = await adminContext.newPage()
    await login(admin, DEMO.admin)
    const chain = await api(admin, '/api/globals/site-settings', {
      method: 'POST',
      body: { reviewChains: { announcements: { custom: true, editorsToo: false, steps: [{ name: '初审', by: 'role', role: 'editor' }, { name: '复审', by: 'role', role: 'reviewer' }] } } },
    })
    expect(chain.status, JSON.stringify(chain.body)).toBe(200)
    const made = await api(admin, '/api/users', { method: 'POST', body: { ...REVIEWER, name: '审核领导', role: 'reviewer' } })
    expect(made.status, JSON.stringify(made.body)).toBe(201)
  })
  afterEach((ctx) => artifactsOnFailure(browser, ctx))
  afterAll(async () => {
    await api(admin, '/api/globals/site-settings', { method: 'POST', body: { reviewChains: { announcements: { custom: false, steps: [] } } } }).catch(() => null)
    await browser?.close()
  })

  test('the grid leader writes and submits it on the phone', async () => {
    const context = await staffContext(browser, PHONE)
    const leader = await context.newPage()
    await login(leader, DEMO.leader1)
    await leader.goto('/admin/collections/announcements/create')
    await leader.locator('#field-title').fill(title)
    await focusRichText(leader, 'body')
    const body = '本周六起小区东门临时停车位调整，请按指示牌停放。'
    await typeRichText(leader, body)
    const saved = await submit(leader, '#action-save-draft', 'announcements')
    expect(saved.status(), await saved.text()).toBe(201)
    expect(await saved.text()).toContain(body)
    id = String(((await saved.json()) as { doc: { id: string | number } }).doc.id)
    await leader.waitForURL(`**/admin/collections/announcements/${id}`)
    const submitted = await submit(leader, '.review-panel__submit', 'announcements')
    expect(submitted.status(), await submitted.text()).toBe(200)
    await expect.poll(() => leader.locator('.review-panel__state').innerText()).toBe('待初审（第 1/2 步）')
    await leader.locator('#review-panel').scrollIntoViewIfNeeded()
    await shot(leader, 'r1-leader-submitted-390')
    // Nothing wider than the phone.
    expect(await leader.evaluate(() => document.querySelector('#review-panel')!.getBoundingClientRect().right)).toBeLessThanOrEqual(390)
    await leaveDocument(leader, 'announcements', id)
    await context.close()
  })

  test('an editor approves 初审', async () => {
    const context = await staffContext(browser)
    const editor = await context.newPage()
    await login(editor, DEMO.editor)
    await editor.goto(`/admin/collections/announcements/${id}`)
    const approved = await submit(editor, '.review-panel__approve', 'announcements')
    expect(approved.status(), await approved.text()).toBe(200)
    await expect.poll(() => editor.locator('.review-panel__state').innerText()).toBe('待复审（第 2/2 步）')
    // The step is no longer the editor's: no buttons left.
    expect(await editor.locator('.review-panel button').count()).toBe(0)
    await leaveDocument(editor, 'announcements', id)
    await context.close()
  })

  test('the 审核领导 sees 待审核 in the navigation and approves 复审 with a button on the phone', async () => {
    const context = await staffContext(browser, PHONE)
    const reviewer = await context.newPage()
    await login(reviewer, REVIEWER)
    await reviewer.goto('/admin')
    const link = reviewer.locator('#nav-review-announcements')
    await link.waitFor({ state: 'attached' })
    expect(await reviewer.locator('#nav-review-awaiting .nav-group__label').textContent()).toContain(`${t('review.nav.awaiting', 'zh')}（`)
    await reviewer.goto(`/admin/collections/announcements/${id}`)
    await expect.poll(() => reviewer.locator('.review-panel__state').innerText()).toBe('待复审（第 2/2 步）')
    // Read-only staff: the document cannot be saved or published by them.
    expect(await reviewer.locator('#action-save').count()).toBe(0)
    await reviewer.locator('#review-panel').scrollIntoViewIfNeeded()
    await shot(reviewer, 'r2-reviewer-before-approve-390')
    const approved = await submit(reviewer, '.review-panel__approve', 'announcements')
    expect(approved.status(), await approved.text()).toBe(200)
    await expect.poll(() => reviewer.locator('.review-panel__state').innerText()).toBe(t('review.approved', 'zh'))
    await expect.poll(() => reviewer.locator('.review-panel__history li').count()).toBe(3)
    await shot(reviewer, 'r3-reviewer-approved-390')
    await context.close()
  })
})
