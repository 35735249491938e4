import type { Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { SubscriberDoc } from '../../src/collections/Subscribers'
import { SMS_VERIFY_TEMPLATE_TEXT } from '../../src/channels/sms/templates'
import { exportRows } from '../../src/subscribers/csv'
import { chineseNumber } from '../../src/subscribers/humanCheck'
import { mobileIndex } from '../../src/subscribers/phone'
import { testPayload } from '../support/payload'
import { startSmsProvider, type SmsProvider } from '../support/sms-provider'
import { Client, inputValue, setUpStreet, startWorld, stopWorld, subscribeForm, textOf, type World } from './support'

/**
 * Subscribing by mobile number (issue 17) over HTTP against the Express app,
 * with the codes texted through the real SMS client to the local stand-in of
 * the provider (which checks the signature and the approved template) and
 * read back from it: double opt-in by code, wrong/expired/used-up codes, the
 * human check, the limits per number, address and street day, the optional
 * address, preferences by code, and what staff and admins see of a number.
 */
let payload: Payload
let w: World
let provider: SmsProvider
let ipCounter = 1
let numberCounter = 1000
const client = () => new Client(w.site.base, `203.0.113.${ipCounter++}`)
const newNumber = () => `1390000${String(numberCounter++).padStart(4, '0')}`
const CODE_TEMPLATE = 'SMS_100000003'

const byNumber = async (mobile: string) =>
  (await payload.find({ collection: 'subscribers', where: { phoneIndex: { equals: mobileIndex(mobile) } }, overrideAccess: true, depth: 0 })).docs[0] as unknown as
    | (SubscriberDoc & { smsCode?: string; smsCodeExpiresAt?: string })
    | undefined

/** The last code the stand-in accepted for a number. */
function lastCode(mobile: string): string {
  const sms = [...provider.accepted].reverse().find((m) => m.phone === mobile)
  if (!sms) throw new Error(`no text to ${mobile}`)
  expect(sms.templateCode).toBe(CODE_TEMPLATE)
  return sms.params.code
}
const textsTo = (mobile: string) => provider.accepted.filter((m) => m.phone === mobile).length

/** The sum the page asks, worked out from its Chinese characters. */
function solve(html: string): string {
  const m = /人机验证：(.+?)加(.+?)等于几？/.exec(textOf(html))
  if (!m) throw new Error('no human check on the page')
  const value = (s: string) => {
    for (let n = 0; n < 100; n++) if (chineseNumber(n) === s) return n
    throw new Error(`not a number: ${s}`)
  }
  return String(value(m[1]) + value(m[2]))
}

/** Load the form and send it for SMS; answers the human check when the page shows one. */
async function askCode(c: Client, mobile: string, over: Record<string, string | string[]> = {}) {
  const form = await c.get('/subscribe')
  const csrf = inputValue(form.html, 'csrf')!
  const fields: Record<string, string | string[]> = { ...subscribeForm(csrf, { email: '', channels: ['sms'], mobile }), ...over }
  const challenge = inputValue(form.html, 'challenge')
  if (challenge && !('answer' in over)) Object.assign(fields, { challenge, answer: solve(form.html) })
  return c.post('/subscribe', fields)
}

async function sendCode(c: Client, page: string, code: string) {
  return c.post('/subscribe/sms/code', { csrf: inputValue(page, 'csrf')!, t: inputValue(page, 't')!, code })
}

beforeAll(async () => {
  payload = await testPayload()
  const street = await setUpStreet(payload)
  provider = await startSmsProvider({
    signNames: ['徐碧街道'],
    templates: [{ code: CODE_TEMPLATE, text: SMS_VERIFY_TEMPLATE_TEXT, paramMax: { code: 6 } }],
  })
  w = await startWorld(payload, street, {
    SMS_API_BASE: provider.url,
    SMS_ACCESS_KEY_ID: provider.accessKeyId,
    SMS_ACCESS_KEY_SECRET: provider.accessKeySecret,
    SMS_SIGN_NAME: '【徐碧街道】',
    SMS_TEMPLATE_NOTICE: 'SMS_100000001',
    SMS_TEMPLATE_URGENT: 'SMS_100000002',
    SMS_TEMPLATE_CODE: CODE_TEMPLATE,
    SMS_PRICE_PER_SEGMENT: '0.045',
    SMS_CODES_PER_DAY: undefined,
    RATE_SMS_CODE_IP: undefined,
    RATE_SMS_CODE_NUMBER: undefined,
  })
})
afterAll(async () => {
  if (w) await stopWorld(w)
  await provider?.close()
})

describe('subscribing by mobile number', () => {
  it('offers 手机短信 and a number field, texts a code through the provider, and the code confirms the subscription (no address needed)', async () => {
    const c = client()
    const form = await c.get('/subscribe')
    expect(form.html).toContain('name="channels" value="sms"')
    expect(form.html).toContain('手机短信')
    expect(form.html).toMatch(/<input type="tel" name="mobile"/)
    expect(form.html).not.toMatch(/name="email"[^>]*required/)
    const mobile = newNumber()
    const asked = await askCode(c, `+86 ${mobile.slice(0, 3)}-${mobile.slice(3, 7)}-${mobile.slice(7)}`)
    expect(asked.status).toBe(200)
    expect(textOf(asked.html)).toContain(`验证码已发送到 ${mobile.slice(0, 3)}****${mobile.slice(7)}`)
    expect(asked.html).not.toContain(mobile)
    const code = lastCode(mobile)
    expect(code).toMatch(/^\d{6}$/)
    const sms = provider.accepted.at(-1)!
    expect(sms.content).toBe(`【徐碧街道】您的验证码为${code}，10分钟内有效，用于订阅街道资讯。如非本人操作，请忽略本短信。`)

    const pending = (await byNumber(mobile))!
    expect(pending.status).toBe('pending')
    expect(pending.email ?? null).toBeNull()
    expect(pending.smsCode).not.toContain(code)
    expect(pending.consents).toEqual([])

    const done = await sendCode(c, asked.html, code)
    expect(done.status).toBe(303)
    const prefs = await c.get(done.res.headers.get('location')!)
    expect(prefs.status).toBe(200)
    expect(textOf(prefs.html)).toContain(`${mobile.slice(0, 3)}****${mobile.slice(7)}`)
    expect(prefs.html).toMatch(/name="channels" value="sms" checked/)
    const s = (await byNumber(mobile))!
    expect(s.status).toBe('active')
    expect(s.channels).toEqual(['sms'])
    // By text message only: the types ticked on the form are the ones texted (not urgent notices alone).
    expect(s.topics).toEqual(['issues', 'events'])
    expect(s.smsTopics).toEqual(['issues', 'events'])
    expect(s.smsCode ?? null).toBeNull()
    expect(s.consents?.map((x) => [x.purpose, x.granted])).toEqual([['content', true], ['statistics', false]])

    // The code is used up: the same page and code again change nothing and say so.
    const again = await sendCode(c, asked.html, code)
    expect(again.status).toBe(410)
    expect(textOf(again.html)).toContain('验证码：验证码已过期或已用完尝试次数')
  })

  it('refuses a wrong code with the tries left, and after five wrong tries the right code no longer works', async () => {
    const c = client()
    const mobile = newNumber()
    const asked = await askCode(c, mobile)
    const code = lastCode(mobile)
    const wrong = code === '000000' ? '111111' : '000000'
    const first = await sendCode(c, asked.html, wrong)
    expect(first.status).toBe(400)
    expect(textOf(first.html)).toContain('验证码：验证码不正确，还可以再试4次。')
    for (let i = 0; i < 3; i++) expect((await sendCode(c, asked.html, wrong)).status).toBe(400)
    const fifth = await sendCode(c, asked.html, wrong)
    expect(fifth.status).toBe(410)
    const right = await sendCode(c, asked.html, code)
    expect(right.status).toBe(410)
    expect((await byNumber(mobile))!.status).toBe('pending')
  })

  it('counts tries that arrive at once: nine simultaneous wrong codes use up the code, and the right one is refused after', async () => {
    const c = client()
    const mobile = newNumber()
    const asked = await askCode(c, mobile)
    const code = lastCode(mobile)
    const wrong = code === '999999' ? '888888' : '999999'
    // Nine: the tenth code check for one subscriber in ten minutes is the last RATE_CONFIRM_ADDRESS allows.
    const answers = await Promise.all(Array.from({ length: 9 }, () => sendCode(c, asked.html, wrong)))
    expect(answers.every((a) => a.status === 400 || a.status === 410)).toBe(true)
    const right = await sendCode(c, asked.html, code)
    expect(right.status).toBe(410)
    expect((await byNumber(mobile))!.status).toBe('pending')
  })

  it('refuses an expired code, and a code that is not six digits with a message naming the field', async () => {
    const c = client()
    const mobile = newNumber()
    const asked = await askCode(c, mobile)
    const code = lastCode(mobile)
    const blank = await sendCode(c, asked.html, 'abc')
    expect(blank.status).toBe(400)
    expect(textOf(blank.html)).toContain('验证码：请输入短信中的6位验证码。')
    const s = (await byNumber(mobile))!
    await payload.update({ collection: 'subscribers', id: s.id, data: { smsCodeExpiresAt: new Date(Date.now() - 1000).toISOString() } as never, overrideAccess: true })
    const late = await sendCode(c, asked.html, code)
    expect(late.status).toBe(410)
    expect((await byNumber(mobile))!.status).toBe('pending')
  })

  it('asks the human check from the second request of an address, as text; a wrong or reused answer is refused, the right one passes', async () => {
    const c = client()
    await askCode(c, newNumber())
    const form = await c.get('/subscribe')
    expect(textOf(form.html)).toMatch(/人机验证：[零一二三四五六七八九十]+加[零一二三四五六七八九十]+等于几？/)
    const csrf = inputValue(form.html, 'csrf')!
    const mobile = newNumber()
    const fields = subscribeForm(csrf, { email: '', channels: ['sms'], mobile })
    const missing = await c.post('/subscribe', fields)
    expect(missing.status).toBe(400)
    expect(textOf(missing.html)).toContain('人机验证：请回答下面的算术题。')
    const challenge = inputValue(form.html, 'challenge')!
    const answer = solve(form.html)
    const wrong = await c.post('/subscribe', { ...fields, challenge, answer: String(Number(answer) + 1) })
    expect(wrong.status).toBe(400)
    expect(textOf(wrong.html)).toContain('人机验证：答案不正确')
    const forged = await c.post('/subscribe', { ...fields, challenge: challenge.slice(0, -2) + 'xx', answer })
    expect(forged.status).toBe(400)
    expect(textOf(forged.html)).toContain('人机验证：答案不正确')
    expect(textsTo(mobile)).toBe(0)
    // Full-width digits are what a phone keyboard may give.
    const fullWidth = answer.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)))
    const right = await c.post('/subscribe', { ...fields, challenge, answer: fullWidth })
    expect(right.status).toBe(200)
    expect(textsTo(mobile)).toBe(1)
    const reused = await c.post('/subscribe', { ...fields, mobile: newNumber(), challenge, answer })
    expect(reused.status).toBe(400)
    expect(textOf(reused.html)).toContain('人机验证：答案不正确')
  })
})

describe('limits on texting codes', () => {
  it('texts a number at most once a minute, whoever asks', async () => {
    const mobile = newNumber()
    expect((await askCode(client(), mobile)).status).toBe(200)
    const again = await askCode(client(), mobile)
    expect(again.status).toBe(429)
    expect(textOf(again.html)).toMatch(/手机号码：这个号码获取验证码太频繁，请\d+分钟后再试。/)
    expect(textsTo(mobile)).toBe(1)
  })

  it('texts a number at most five times a day', async () => {
    process.env.RATE_SMS_CODE_NUMBER = '100/60'
    try {
      const mobile = newNumber()
      for (let i = 0; i < 5; i++) expect((await askCode(client(), mobile)).status).toBe(200)
      const sixth = await askCode(client(), mobile)
      expect(sixth.status).toBe(429)
      expect(textsTo(mobile)).toBe(5)
    } finally {
      delete process.env.RATE_SMS_CODE_NUMBER
    }
  })

  it('limits the codes one client address asks for', async () => {
    process.env.RATE_SMS_CODE_IP = '2/3600'
    try {
      const c = client()
      expect((await askCode(c, newNumber())).status).toBe(200)
      expect((await askCode(c, newNumber())).status).toBe(200)
      const mobile = newNumber()
      const third = await askCode(c, mobile)
      expect(third.status).toBe(429)
      expect(third.res.headers.get('retry-after')).toMatch(/^\d+$/)
      expect(textsTo(mobile)).toBe(0)
    } finally {
      delete process.env.RATE_SMS_CODE_IP
    }
  })

  it('stops texting codes street-wide once the day\'s allowance (SMS_CODES_PER_DAY) is used', async () => {
    process.env.SMS_CODES_PER_DAY = '0'
    try {
      const mobile = newNumber()
      const refused = await askCode(client(), mobile)
      expect(refused.status).toBe(429)
      expect(textOf(refused.html)).toContain('手机号码：今天的短信验证码已经发完')
      expect(textsTo(mobile)).toBe(0)
      expect(await byNumber(mobile)).toBeUndefined()
    } finally {
      delete process.env.SMS_CODES_PER_DAY
    }
  })
})

describe('the address beside a number', () => {
  it('is optional for SMS only, kept when given, and never a second record\'s: the unique index holds on this database', async () => {
    const c = client()
    const a = newNumber()
    await askCode(c, a, { email: 'sms-one@example.org' })
    expect((await byNumber(a))!.email).toBe('sms-one@example.org')
    const b = newNumber()
    expect((await askCode(client(), b, { email: 'SMS-one@example.org' })).status).toBe(200)
    // The second number's record does not take the address (and the page says nothing about it).
    expect((await byNumber(b))!.email ?? null).toBeNull()
    const owners = await payload.find({ collection: 'subscribers', where: { email: { equals: 'sms-one@example.org' } }, overrideAccess: true, depth: 0 })
    expect(owners.docs.map((d) => d.id)).toEqual([(await byNumber(a))!.id])
    // Two records without an address are fine; a second record with a taken address is refused by the database.
    const grid = w.street.gridA1.id
    const base = { grid, channels: ['sms'], topics: ['issues'], status: 'active', source: 'admin' }
    await payload.create({ collection: 'subscribers', data: { ...base, phone: newNumber() } as never, overrideAccess: true })
    await payload.create({ collection: 'subscribers', data: { ...base, phone: newNumber() } as never, overrideAccess: true })
    await expect(payload.create({ collection: 'subscribers', data: { ...base, email: 'sms-one@example.org' } as never, overrideAccess: true })).rejects.toThrow()
  })

  it('refuses SMS combined with email in one request, a bad number, and a bad address, naming each field and saving nothing', async () => {
    const c = client()
    const mobile = newNumber()
    const before = (await payload.count({ collection: 'subscribers', overrideAccess: true })).totalDocs
    const both = await askCode(c, mobile, { channels: ['sms', 'email'], email: 'both@example.org' })
    expect(both.status).toBe(400)
    expect(textOf(both.html)).toContain('接收方式：手机短信和电子邮件请分两次订阅')
    const bad = await askCode(c, '12345')
    expect(bad.status).toBe(400)
    expect(textOf(bad.html)).toContain('手机号码：请填写11位中国大陆手机号码')
    const none = await askCode(c, '')
    expect(textOf(none.html)).toContain('手机号码：选择手机短信时请填写手机号码。')
    const huge = await askCode(c, '1'.repeat(5000))
    expect(huge.status).toBe(400)
    expect(textOf(huge.html)).toContain('手机号码：请填写11位中国大陆手机号码')
    const badMail = await askCode(c, mobile, { email: 'not-an-address' })
    expect(badMail.status).toBe(400)
    expect(textOf(badMail.html)).toContain('邮箱地址')
    const forged = await c.post('/subscribe/sms/code', { csrf: c.cookies.get('sn_csrf') ? inputValue(bad.html, 'csrf')! : '', t: 'abc.def.ghi', code: '123456' })
    expect(forged.status).toBe(400)
    expect(textOf(forged.html)).toContain('验证码：验证码已过期')
    expect((await payload.count({ collection: 'subscribers', overrideAccess: true })).totalDocs).toBe(before)
    expect(textsTo(mobile)).toBe(0)
  })
})

describe('a number-only resident', () => {
  it('opens their preferences with a code, unsubscribes, and the number keeps its do-not-contact state until a code proves it again', async () => {
    // Codes for one number follow each other closely here: the once-a-minute limit is tested above.
    process.env.RATE_SMS_CODE_NUMBER = '100/60'
    const mobile = newNumber()
    const c = client()
    const asked = await askCode(c, mobile)
    await sendCode(c, asked.html, lastCode(mobile))
    expect((await byNumber(mobile))!.status).toBe('active')

    // Later, on another phone: the manage page.
    const m = client()
    const page = await m.get('/subscribe/sms/manage')
    expect(page.status).toBe(200)
    const codePage = await m.post('/subscribe/sms/manage', { csrf: inputValue(page.html, 'csrf')!, mobile })
    expect(codePage.status).toBe(200)
    const opened = await sendCode(m, codePage.html, lastCode(mobile))
    expect(opened.status).toBe(303)
    const prefs = await m.get(opened.res.headers.get('location')!)
    expect(prefs.status).toBe(200)
    expect(prefs.html).toMatch(/name="channels" value="sms" checked/)
    // The preferences form keeps SMS for a record with a number, and offers no email box it cannot use.
    const t = inputValue(prefs.html, 't')!
    const csrf = inputValue(prefs.html, 'csrf')!
    const saved = await m.post('/subscribe/preferences', { t, csrf, action: 'save', grid: 'B-01', channels: ['sms', 'email'], topics: ['events'] })
    expect(saved.status).toBe(303)
    const changed = (await byNumber(mobile))!
    expect([changed.channels, changed.topics, String(changed.grid)]).toEqual([['sms'], ['events'], String(w.street.gridB1.id)])
    const none = await m.post('/subscribe/preferences', { t, csrf, action: 'save', grid: 'B-01', channels: ['email'], topics: ['events'] })
    expect(none.status).toBe(400)
    expect(textOf(none.html)).toContain('接收方式：请至少选择一种。')
    const unsubHref = /href="(\/subscribe\/unsubscribe\/[^"]+)"/.exec(prefs.html)![1]
    expect((await m.post(unsubHref, {})).status).toBe(200)
    expect((await byNumber(mobile))!.status).toBe('unsubscribed')

    // A new request by the number does not bring it back; its code does (the owner proved the number).
    const r = client()
    const again = await askCode(r, mobile)
    expect(again.status).toBe(200)
    expect((await byNumber(mobile))!.status).toBe('unsubscribed')
    const code = lastCode(mobile)
    expect((await sendCode(client(), again.html, code)).status).toBe(403) // another browser: no CSRF cookie, nothing changes
    expect((await byNumber(mobile))!.status).toBe('unsubscribed')
    expect((await sendCode(r, again.html, code)).status).toBe(303)
    const back = (await byNumber(mobile))!
    expect(back.status).toBe('active')
    expect(back.consents?.filter((x) => x.purpose === 'content').map((x) => x.granted)).toEqual([true, false, true])
    delete process.env.RATE_SMS_CODE_NUMBER
  })

  it('gets the same page for a number nobody subscribed, and no text is sent', async () => {
    const m = client()
    const page = await m.get('/subscribe/sms/manage')
    const mobile = newNumber()
    const res = await m.post('/subscribe/sms/manage', { csrf: inputValue(page.html, 'csrf')!, mobile })
    expect(res.status).toBe(200)
    expect(textOf(res.html)).toContain('验证码已发送到')
    expect(textsTo(mobile)).toBe(0)
  })
})

describe('what staff see of a number', () => {
  it('editors see it masked, grid leaders see no residents, and the admins\' export has it in full', async () => {
    const mobile = newNumber()
    const s = await payload.create({
      collection: 'subscribers',
      data: { phone: mobile, grid: w.street.gridA1.id, channels: ['sms'], topics: ['issues'], status: 'active', source: 'admin' } as never,
      overrideAccess: true,
    })
    const editor = await payload.findByID({ collection: 'subscribers', id: s.id, user: w.street.editor as never, overrideAccess: false, depth: 0 })
    expect((editor as { phoneMasked?: string }).phoneMasked).toBe(`${mobile.slice(0, 3)}****${mobile.slice(7)}`)
    expect((editor as { phone?: string }).phone).toBeUndefined()
    expect((editor as { phoneIndex?: string }).phoneIndex).toBeUndefined()
    expect(JSON.stringify(editor)).not.toContain(mobile)
    await expect(payload.findByID({ collection: 'subscribers', id: s.id, user: w.street.leaderA as never, overrideAccess: false, depth: 0 })).rejects.toThrow()
    let csv = ''
    for await (const line of exportRows(payload)) csv += line
    expect(csv.split('\r\n')[0]).toMatch(/,mobile$/)
    expect(csv).toContain(`,admin,${mobile}`)
  })
})
