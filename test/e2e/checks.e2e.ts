import fs from 'node:fs'
import path from 'node:path'

import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'

import { t } from '../../src/i18n/messages'
import { api, choose, dismissToasts, docStatus, focusRichText, optionsOf, submit, typeRichText } from './support/admin'
import { artifactsOnFailure, DEMO, launchBrowser, login, shot, staffContext } from './support/browser'

/**
 * The pre-publish checks in the admin (issue 16): an editor writes a 公示 with
 * an unmasked ID number and mobile, sees the 严重 findings in the sidebar, is
 * refused when publishing, masks them with one click and publishes.
 */
describe('an editor sees a serious finding, masks it with one click and publishes', () => {
  const run = Date.now().toString(36)
  const title = `困难救助名单公示 ${run}`
  const ID = '350402198506120036'
  let browser: Browser
  let context: BrowserContext
  let editor: Page
  let id: string

  beforeAll(async () => {
    browser = await launchBrowser()
    context = await staffContext(browser)
    editor = await context.newPage()
    await login(editor, DEMO.editor)
  })
  afterEach((ctx) => artifactsOnFailure(browser, ctx))
  afterAll(async () => {
    await browser?.close()
  })

  test('the draft saves, and the sidebar lists the serious findings first', async () => {
    await editor.goto('/admin/collections/announcements/create')
    await editor.locator('#field-title').fill(title)
    const grids = await optionsOf(editor, '#field-grids')
    await choose(editor, '#field-grids', grids[0])
    await focusRichText(editor, 'body')
    await typeRichText(editor, `公示名单：张小三 ${ID}，电话13812345678。空调按装请预约。`)
    const saved = await submit(editor, '#action-save-draft', 'announcements')
    expect(saved.status(), await saved.text()).toBe(201)
    id = String(((await saved.json()) as { doc: { id: string | number } }).doc.id)
    await editor.waitForURL(`**/admin/collections/announcements/${id}`)

    const panel = editor.locator('#checks-panel')
    await panel.locator('.checks-panel__finding--serious').first().waitFor({ timeout: 20_000 })
    const findings = await panel.locator('.checks-panel__finding').allInnerTexts()
    expect(findings[0]).toContain(t('check.severity.serious', 'zh'))
    expect(findings.join('\n')).toContain(t('check.kind.id-number', 'zh'))
    expect(findings[findings.length - 1]).toContain(t('check.severity.warning', 'zh'))
    await shot(editor, 'k1-checks-sidebar')
  })

  test('publishing is refused, with the reason in Chinese', async () => {
    await dismissToasts(editor)
    const refused = await submit(editor, '#action-save', 'announcements')
    expect(refused.status()).toBe(400)
    await editor.getByText('发布前检查发现严重问题', { exact: false }).first().waitFor({ timeout: 10_000 })
    expect(await docStatus(editor)).toBe('草稿')
  })

  test('一键脱敏 masks them in the form, and the content publishes', async () => {
    await dismissToasts(editor)
    await editor.locator('#checks-panel .checks-panel__mask').click()
    await editor.locator('#checks-panel .checks-panel__note').waitFor({ timeout: 20_000 })
    expect(await editor.locator('#checks-panel .checks-panel__note').innerText()).toContain('已遮盖 3 处')
    const body = editor.locator('[data-field-path="body"] [data-lexical-editor="true"]')
    await expect.poll(() => body.innerText()).toContain('3504**********0036')
    expect(await body.innerText()).toContain('张*三')
    await shot(editor, 'k2-masked')

    const published = await submit(editor, '#action-save', 'announcements')
    expect(published.status(), await published.text()).toBe(200)
    await expect.poll(() => docStatus(editor)).toBe('已发布')
    const stored = await api(editor, `/api/announcements/${id}?depth=0`)
    const text = JSON.stringify(stored.body.body)
    expect(text).toContain('138****5678')
    expect(text).not.toContain(ID)
    // Only the warning is left, after the save's re-run.
    await expect.poll(() => editor.locator('#checks-panel .checks-panel__finding--serious').count()).toBe(0)
    await expect.poll(() => editor.locator('#checks-panel .checks-panel__note').count()).toBe(0)
    await shot(editor, 'k3-published')
  })

  test("a policy document's file is read in the built server's reader thread: a DOCX naming a person with an ID number is refused, masked", async () => {
    const docx = fs.readFileSync(path.join(process.cwd(), 'test', 'fixtures', 'personal.docx')).toString('base64')
    const refused = await editor.evaluate(async (base64) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))
      const form = new FormData()
      form.append('file', new Blob([bytes], { type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' }), 'personal.docx')
      form.append('_payload', JSON.stringify({ title: '低保名单（附件）', issuingBody: '某街道办事处' }))
      const res = await fetch('/api/policy-documents', { method: 'POST', credentials: 'same-origin', body: form })
      return { status: res.status, body: (await res.json()) as { errors?: { data?: { errors?: { path: string; message: string }[] } }[] } }
    }, docx)
    expect(refused.status).toBe(400)
    const errors = refused.body.errors?.[0]?.data?.errors ?? []
    expect(errors.map((e) => e.path)).toEqual(['file'])
    expect(errors[0].message).toContain('身份证号码“1101**********002X”')
    expect(errors[0].message).not.toMatch(/\d{5}/)
  })
})
