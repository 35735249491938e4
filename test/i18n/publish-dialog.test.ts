import fs from 'node:fs'
import path from 'node:path'

import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { type DialogMode, PublishDialog, type Report } from '../../src/components/PublishDialog'
import { t } from '../../src/i18n/messages'
import { launchBrowser, SHOTS } from '../e2e/support/browser'

/**
 * The publish dialog as a 390 px phone shows it, in Chinese: every line in the
 * catalogue's words, nothing wider than the screen, a screenshot of each mode
 * (the admin flow itself: test/e2e/audience.e2e.ts).
 */
const report: Report = {
  audience: 'grids:1,2',
  wholeStreet: false,
  urgent: true,
  grids: [
    { id: '1', name: '徐碧一网格' },
    { id: '2', name: '徐碧二网格' },
  ],
  channels: [
    { channel: 'email', ticked: true, configured: true, recipients: 1234, suppressed: 12, noticeRecipients: 1180, delivery: { status: 'done' } },
    { channel: 'webpush', ticked: true, configured: true, recipients: 310, devices: 342, noticeRecipients: 330, delivery: { status: 'done' } },
    { channel: 'wechat', ticked: false, configured: false, delivery: { status: 'done' } },
  ],
  published: false,
  corrections: 0,
  withdrawals: 0,
}

const html = (mode: DialogMode) =>
  '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">' +
  '<style>:root{--theme-bg:#fff;--theme-elevation-100:#eee;--theme-elevation-600:#666}body{margin:0;font-family:"Noto Sans CJK SC",sans-serif}</style></head><body>' +
  renderToStaticMarkup(createElement(PublishDialog, { mode, url: '', lang: 'zh', initial: report, onConfirm: () => {}, onCancel: () => {} })) +
  '</body></html>'

let browser: Awaited<ReturnType<typeof launchBrowser>>
beforeAll(async () => {
  browser = await launchBrowser()
  fs.mkdirSync(SHOTS, { recursive: true })
})
afterAll(async () => {
  await browser?.close()
})

describe('the publish dialog on a phone', () => {
  it.each(['publish', 'correction', 'withdrawal'] as const)('%s: Chinese, within 390 px', async (mode) => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' })
    await page.setContent(html(mode))
    const text = await page.locator('.publish-dialog').innerText()
    if (mode === 'publish') {
      expect(text).toContain(t('audience.dialog.title'))
      expect(text).toContain(t('audience.grids.some', 'zh', { names: ['徐碧一网格', '徐碧二网格'].join(t('format.listSeparator')) }))
      expect(text).toContain(t('audience.urgent.on'))
      expect(text).toContain(t('audience.channel.email', 'zh', { count: 1234 }) + t('audience.channel.emailSuppressed', 'zh', { count: 12 }))
      expect(text).toContain(t('audience.channel.webpush', 'zh', { devices: 342, recipients: 310 }))
      expect(await page.locator('.publish-dialog__channel--wechat input').isChecked()).toBe(false)
    }
    if (mode === 'correction') {
      expect(text).toContain(t('audience.correction.noResend'))
      expect(text).toContain(t('audience.correction.notice', 'zh', { email: 1180, devices: 330 }))
      expect(text).toContain(t('audience.wechat.cannotReplace'))
      expect(await page.locator('.publish-dialog__notice input').isChecked()).toBe(false)
    }
    if (mode === 'withdrawal') expect(text).toContain(t('audience.withdraw.ask', 'zh', { email: 1180, devices: 330 }))
    expect(text).not.toMatch(/audience\./)
    const overflow = await page.evaluate(() => Math.max(document.documentElement.scrollWidth, ...[...document.querySelectorAll('.publish-dialog *')].map((e) => e.getBoundingClientRect().right)))
    expect(overflow).toBeLessThanOrEqual(390)
    await page.screenshot({ path: path.join(SHOTS, `publish-dialog-${mode}-390.png`), fullPage: true })
    await page.close()
  })
})
