import fs from 'node:fs'
import type { AddressInfo } from 'node:net'

import type { Browser } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'

import { artifactsOnFailure, launchBrowser, shot, wechatPhone } from './support/browser'
import { inProcessEnv } from './support/inProcess'

/**
 * Subscribing by mobile number in WeChat's browser on a phone (390 px),
 * against the Express app (the resident pages need no Next) on a fresh
 * database, with the codes texted through the real SMS client to the local
 * stand-in of the provider: the address's first request (a number nobody
 * subscribed, on 用短信验证码管理订阅) uses its free code request, so the
 * subscribe form then asks the human check (a sum in Chinese characters);
 * the resident answers it, gets the code from the stand-in and confirms.
 */
const dataDir = inProcessEnv('subscribe-sms')

type Mod = {
  payload: import('payload').Payload
  provider: import('../support/sms-provider').SmsProvider
  server: import('node:http').Server
  base: string
}
let m: Mod
let browser: Browser
const WIDTH = 390
const CODE_TEMPLATE = 'SMS_100000003'
const NUMBER = '13900001234'

beforeAll(async () => {
  const { startSmsProvider } = await import('../support/sms-provider')
  const { SMS_VERIFY_TEMPLATE_TEXT } = await import('../../src/channels/sms/templates')
  const provider = await startSmsProvider({ signNames: ['徐碧街道'], templates: [{ code: CODE_TEMPLATE, text: SMS_VERIFY_TEMPLATE_TEXT, paramMax: { code: 6 } }] })
  Object.assign(process.env, {
    SMS_API_BASE: provider.url,
    SMS_ACCESS_KEY_ID: provider.accessKeyId,
    SMS_ACCESS_KEY_SECRET: provider.accessKeySecret,
    SMS_SIGN_NAME: '【徐碧街道】',
    SMS_TEMPLATE_NOTICE: 'SMS_100000001',
    SMS_TEMPLATE_URGENT: 'SMS_100000002',
    SMS_TEMPLATE_CODE: CODE_TEMPLATE,
    SMS_PRICE_PER_SEGMENT: '0.045',
  })
  const { initPayload } = await import('../../src/server/payload')
  const { createApp, listen } = await import('../../src/server/app')
  const { smallStreet } = await import('../support/fixtures')
  const payload = await initPayload()
  await smallStreet(payload)
  await payload.updateGlobal({ slug: 'site-settings', data: { streetName: '徐碧街道', periodicalName: '聚焦徐碧' } as never, overrideAccess: true })
  const server = await listen(payload, createApp(payload), 0, '127.0.0.1')
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  process.env.PUBLIC_URL = base
  m = { payload, provider, server, base }
  browser = await launchBrowser()
})
afterEach((ctx) => artifactsOnFailure(browser, ctx))
afterAll(async () => {
  await browser?.close()
  if (m) {
    m.server.closeAllConnections()
    await new Promise((r) => m.server.close(r))
    await m.provider.close()
    await m.payload.destroy?.()
  }
  fs.rmSync(dataDir, { recursive: true, force: true })
})

/** The sum the human check asks, from its Chinese characters (二十三加十四等于几？). */
async function solve(question: string): Promise<string> {
  const { chineseNumber } = await import('../../src/subscribers/humanCheck')
  const q = /(\S+?)加(\S+?)等于几？/.exec(question)
  if (!q) throw new Error(`no sum in "${question}"`)
  const value = (s: string) => {
    for (let n = 0; n < 100; n++) if (chineseNumber(n) === s.replace(/^.*：/, '')) return n
    throw new Error(`not a number: ${s}`)
  }
  return String(value(q[1]) + value(q[2]))
}

describe('subscribing by mobile number in WeChat on a phone', () => {
  test('number, human check, the code from the provider, confirmed; nothing wider than the phone', async () => {
    const context = await wechatPhone(browser, { baseURL: m.base })
    const page = await context.newPage()

    // This address's free code request: a number nobody subscribed gets no text, but the same code page.
    await page.goto('/subscribe/sms/manage')
    await page.locator('#f-mobile').fill('138 0000 0000')
    await page.locator('form.subscribe button[type="submit"]').click()
    await page.locator('#f-code').waitFor()
    expect(m.provider.accepted).toHaveLength(0)

    await page.goto('/subscribe?grid=A-01')
    await page.locator('#f-channel-sms').waitFor()
    // From the second request on, the form asks the human check before a code goes out.
    const question = (await page.locator('label[for="f-challenge"]').textContent()) ?? ''
    expect(question).toMatch(/等于几？/)
    if (await page.locator('#f-channel-email').isChecked()) await page.locator('#f-channel-email').uncheck()
    await page.locator('#f-channel-sms').check()
    await page.locator('#f-mobile').fill('139 0000 1234')
    await page.locator('#f-challenge').fill(await solve(question))
    await page.locator('input[name="consent"]').check()
    await shot(page, 'subscribe-sms-form')
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(WIDTH)
    await page.locator('#subscribe-form button[type="submit"]').click()

    // The code page names the number masked; the code comes from the stand-in, from the approved template.
    await page.locator('#f-code').waitFor()
    expect(await page.locator('body').textContent()).toContain('139****1234')
    await expect.poll(() => m.provider.accepted.filter((a) => a.phone === NUMBER).length).toBe(1)
    const sms = m.provider.accepted.find((a) => a.phone === NUMBER)!
    expect(sms.templateCode).toBe(CODE_TEMPLATE)
    expect(sms.content.startsWith('【徐碧街道】您的验证码为')).toBe(true)
    await page.locator('#f-code').fill(sms.params.code)
    await shot(page, 'subscribe-sms-code')
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(WIDTH)
    await page.locator('form.subscribe button[type="submit"]').click()

    await page.getByText('订阅成功！').waitFor()
    await shot(page, 'subscribe-sms-confirmed')
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(WIDTH)
    const { mobileIndex } = await import('../../src/subscribers/phone')
    const found = (await m.payload.find({ collection: 'subscribers', where: { phoneIndex: { equals: mobileIndex(NUMBER) } }, overrideAccess: true, depth: 0 })).docs as unknown as {
      status: string
      channels: string[]
      email?: string | null
    }[]
    expect(found).toHaveLength(1)
    expect(found[0].status).toBe('active')
    expect(found[0].channels).toContain('sms')
    expect(found[0].email ?? '').toBe('')
    await context.close()
  })
})
