import http from 'node:http'
import type { AddressInfo } from 'node:net'

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'

import {
  ChannelError,
  isFailure,
  type SendFailure,
  type SendResult,
} from '../../src/channels/types'
import {
  SMS_BATCH_MAX,
  SmsChannel,
  businessLimitWaitMs,
  capacityFor,
  fitTemplate,
  maskMobile,
  normalizeMobile,
  segmentsFor,
  smsEndpoint,
  smsErrorKind,
  smsTemplateText,
  type PreparedSms,
  type SmsConfig,
  type SmsMessage,
} from '../../src/channels/sms'
import { smsMissingSettings, smsSettings, SMS_REQUIRED_SETTINGS } from '../../src/server/smsEnv'
import { startSmsProvider, type RawRequest, type SmsProvider } from '../support/sms-provider'

const SIGN = '徐碧街道'
/** 24 characters: the notice template then has 50 fixed characters with an 8-character code. */
const LINK = 'https://xb.example.cn/s/'
/** 38 characters, for messages long enough to need three segments. */
const LONG_LINK = 'https://news.xubi-jiedao.example.cn/s/'
const T = { notice: 'SMS_465000001', urgent: 'SMS_465000002', longUrgent: 'SMS_465000003', narrow: 'SMS_465000004', extraParam: 'SMS_465000005' }

let provider: SmsProvider
let channel: SmsChannel

const config = (extra: Partial<SmsConfig> = {}): SmsConfig => ({
  accessKeyId: provider.accessKeyId,
  accessKeySecret: provider.accessKeySecret,
  signName: SIGN,
  templates: { notice: T.notice, urgent: T.urgent },
  linkBase: LINK,
  apiBase: provider.url,
  ...extra,
})
const notice = (to: string, title: string, code = 'Ab3dE9xY', maxSegments?: number): SmsMessage => ({ to, kind: 'notice', params: { title, code }, maxSegments })
const urgent = (to: string, title: string, detail: string, code = 'Ab3dE9xY', maxSegments?: number): SmsMessage => ({
  to,
  kind: 'urgent',
  params: { title, detail, code },
  maxSegments,
})
const expectFailure = (r: SendResult | PreparedSms | SendFailure): SendFailure => {
  expect(isFailure(r), JSON.stringify(r)).toBe(true)
  return r as SendFailure
}
const expectPrepared = (r: PreparedSms | SendFailure): PreparedSms => {
  expect(isFailure(r), JSON.stringify(r)).toBe(false)
  return r as PreparedSms
}
const chars = (s: string) => Array.from(s).length
const 街 = (n: number) => '街'.repeat(n)
const calls = (action: string) => provider.calls.filter((c) => c.action === action)

beforeAll(async () => {
  provider = await startSmsProvider({
    signNames: [SIGN, '徐碧街道办事处社区服务中'],
    templates: [
      { code: T.notice, text: smsTemplateText('notice', LINK) },
      { code: T.urgent, text: smsTemplateText('urgent', LINK) },
      { code: T.longUrgent, text: smsTemplateText('urgent', LONG_LINK) },
      // The provider's limits for a variable can be tighter than ours.
      { code: T.narrow, text: smsTemplateText('notice', LINK), paramMax: { title: 10 } },
      // A template whose approved text has a variable our code does not fill.
      { code: T.extraParam, text: '${title}，地点${place}，详见 ' + LINK + '${code} 回复TD退订' },
    ],
  })
  channel = new SmsChannel(config())
})
afterAll(async () => {
  await channel.close()
  await provider.close()
})
beforeEach(() => provider.reset())

describe('the stand-in checks the ACS3-HMAC-SHA256 signature as the service does', () => {
  /** Sends a captured request again, altered by `change`. */
  function replay(r: RawRequest, change: { body?: Buffer; url?: string; headers?: Record<string, string> } = {}) {
    return new Promise<{ status: number; body: { Code?: string; Message?: string } }>((resolve, reject) => {
      const headers = { ...r.headers, ...change.headers }
      delete headers['content-length']
      const req = http.request(provider.url + (change.url ?? r.url), { method: r.method, headers }, (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (c: string) => (text += c))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }))
      })
      req.on('error', reject)
      req.end(change.body ?? r.body)
    })
  }

  it('accepts the SDK’s signed calls, with query and form parameters holding Chinese and !\'()* characters', async () => {
    const single = await channel.send(notice('13800138000', "停水(A区)*!'通知"))
    expect(single.ok, JSON.stringify(single)).toBe(true)
    const batch = await channel.sendBatch([notice('13800138001', '第(12)期*出刊!'), notice('13800138002', "居民'议事会")])
    expect(batch.every((r) => r.ok), JSON.stringify(batch)).toBe(true)
    expect(provider.accepted.map((a) => a.params.title)).toEqual(["停水(A区)*!'通知", '第(12)期*出刊!', "居民'议事会"])
    const sent = provider.requests.find((r) => r.headers['x-acs-action'] === 'SendSms')!
    expect(sent.headers.authorization).toMatch(/^ACS3-HMAC-SHA256 Credential=LTAI\w+,SignedHeaders=[a-z0-9;-]+,Signature=[0-9a-f]{64}$/)
  })

  it('refuses a wrong secret and an unknown key, and records nothing', async () => {
    const wrongSecret = new SmsChannel(config({ accessKeySecret: provider.accessKeySecret + 'x' }))
    const r = expectFailure(await wrongSecret.send(notice('13800138000', '停水通知')))
    expect(r).toMatchObject({ kind: 'config', code: 'SignatureDoesNotMatch' })
    const unknownKey = new SmsChannel(config({ accessKeyId: 'LTAInotakey' }))
    expect(expectFailure(await unknownKey.send(notice('13800138000', '停水通知')))).toMatchObject({ kind: 'config', code: 'InvalidAccessKeyId.NotFound' })
    expect(provider.accepted).toHaveLength(0)
    expect(provider.calls.map((c) => [c.status, c.code])).toEqual([
      [400, 'SignatureDoesNotMatch'],
      [404, 'InvalidAccessKeyId.NotFound'],
    ])
  })

  it('refuses an altered body, an altered query, an unsigned x-acs header, a replayed nonce and a stale date', async () => {
    expect((await channel.sendBatch([notice('13800138001', '甲'), notice('13800138002', '乙')])).every((r) => r.ok)).toBe(true)
    const batchCall = provider.requests.at(-1)!
    expect(await channel.send(notice('13800138003', '丙'))).toMatchObject({ ok: true })
    const singleCall = provider.requests.at(-1)!
    expect(provider.accepted).toHaveLength(3)

    const body = Buffer.from(batchCall.body.toString('utf8').replace(encodeURIComponent('13800138002'), encodeURIComponent('13900139000')))
    expect(body.equals(batchCall.body)).toBe(false)
    expect(await replay(batchCall, { body })).toMatchObject({ status: 400, body: { Code: 'SignatureDoesNotMatch' } })
    // The body's hash sent along with it, so only the signature can tell.
    const { createHash } = await import('node:crypto')
    const hashed = { 'x-acs-content-sha256': createHash('sha256').update(body).digest('hex') }
    expect(await replay(batchCall, { body, headers: hashed })).toMatchObject({ status: 400, body: { Code: 'SignatureDoesNotMatch' } })

    const url = singleCall.url.replace('PhoneNumbers=13800138003', 'PhoneNumbers=13900139000')
    expect(url).not.toBe(singleCall.url)
    expect(await replay(singleCall, { url })).toMatchObject({ status: 400, body: { Code: 'SignatureDoesNotMatch' } })
    expect(await replay(singleCall, { headers: { 'x-acs-extra': '1' } })).toMatchObject({ status: 400, body: { Code: 'IncompleteSignature' } })
    expect(await replay(singleCall)).toMatchObject({ status: 400, body: { Code: 'SignatureNonceUsed' } })
    expect(provider.accepted).toHaveLength(3)

    provider.advance(16 * 60)
    expect(expectFailure(await channel.send(notice('13800138004', '丁')))).toMatchObject({ kind: 'config', code: 'InvalidTimeStamp.Expired' })
    expect(provider.accepted).toHaveLength(3)
  })
})

describe('sending', () => {
  it('sends one number a call with SendSms: the message the resident gets, its BizId, its segments', async () => {
    const prepared = expectPrepared(channel.prepare(notice('+86 138-0013-8000', '第12期《聚焦徐碧》出刊')))
    expect(prepared).toMatchObject({ phone: '13800138000', templateCode: T.notice, segments: 1, clipped: [] })
    expect(prepared.text).toBe(`【${SIGN}】第12期《聚焦徐碧》出刊，详见 ${LINK}Ab3dE9xY 回复TD退订`)
    const r = await channel.sendPrepared(prepared, 'delivery-7')
    expect(r.ok).toBe(true)
    expect(provider.accepted).toEqual([
      expect.objectContaining({
        action: 'SendSms',
        phone: '13800138000',
        signName: SIGN,
        templateCode: T.notice,
        params: { title: '第12期《聚焦徐碧》出刊', code: 'Ab3dE9xY' },
        content: prepared.text,
        segments: 1,
        outId: 'delivery-7',
        bizId: r.ok ? r.providerId : 'none',
      }),
    ])
  })

  it('sends a batch of notices in one SendBatchSms call, each number with its own parameters', async () => {
    const messages = Array.from({ length: SMS_BATCH_MAX }, (_, i) => notice(`1380013${String(8000 + i).padStart(4, '0')}`, `第${i}期出刊`, `c${i}`))
    const results = await channel.sendBatch(messages, 'batch-1')
    expect(results.every((r) => r.ok)).toBe(true)
    expect(calls('SendBatchSms')).toEqual([expect.objectContaining({ code: 'OK', numbers: 100 })])
    expect(calls('SendSms')).toHaveLength(0)
    expect(provider.accepted.map((a) => [a.phone, a.params.title, a.params.code])).toEqual(messages.map((m) => [m.to, m.params.title, m.params.code]))
    const bizIds = new Set(provider.accepted.map((a) => a.bizId))
    expect(bizIds.size).toBe(1)
    expect(results.map((r) => r.ok && r.providerId)).toEqual(messages.map(() => [...bizIds][0]))
    expect(provider.accepted.every((a) => a.outId === 'batch-1')).toBe(true)
  })

  it('sends urgent messages one number a call, even in a batch', async () => {
    const results = await channel.sendBatch([
      urgent('13800138001', '明日停水', 'A-01网格9:00至17:00停水', 'Ab3dE9xY', 2),
      urgent('13800138002', '明日停水', 'A-02网格9:00至17:00停水', 'Ab3dE9xY', 2),
    ])
    expect(results.every((r) => r.ok)).toBe(true)
    expect(calls('SendSms')).toHaveLength(2)
    expect(calls('SendBatchSms')).toHaveLength(0)
    // Two calls at once: they may arrive in either order.
    expect(provider.accepted.map((a) => a.content).sort()).toEqual([
      `【${SIGN}】紧急通知：明日停水。A-01网格9:00至17:00停水详见 ${LINK}Ab3dE9xY 回复TD退订`,
      `【${SIGN}】紧急通知：明日停水。A-02网格9:00至17:00停水详见 ${LINK}Ab3dE9xY 回复TD退订`,
    ])
  })

  it('keeps a number that is not a mobile number out of the call; the others go', async () => {
    const results = await channel.sendBatch([notice('13800138001', '甲'), notice('12345', '乙'), notice('+8613800138003', '丙')])
    expect(results[0].ok).toBe(true)
    expect(expectFailure(results[1])).toMatchObject({ kind: 'recipient-gone', code: 'invalid-number' })
    expect(results[2].ok).toBe(true)
    expect(calls('SendBatchSms')).toEqual([expect.objectContaining({ numbers: 2, code: 'OK' })])
    expect(normalizeMobile('0086 139 0013 9000')).toBe('13900139000')
    expect(normalizeMobile('8613900139000')).toBe('13900139000')
    expect(normalizeMobile('12900139000')).toBeNull()
    expect(normalizeMobile('1390013900')).toBeNull()
    expect(maskMobile('13812341234')).toBe('138****1234')
  })

  it('refuses a batch over 100 numbers or of two kinds before any call', async () => {
    const many = Array.from({ length: SMS_BATCH_MAX + 1 }, (_, i) => expectPrepared(channel.prepare(notice(`1390013${String(9000 + i)}`, '甲'))))
    await expect(channel.sendPreparedBatch(many)).rejects.toMatchObject({ kind: 'config', code: 'sms.batch-too-large' })
    const mixed = [expectPrepared(channel.prepare(notice('13800138001', '甲'))), expectPrepared(channel.prepare(urgent('13800138002', '乙', '丙')))]
    await expect(channel.sendPreparedBatch(mixed)).rejects.toBeInstanceOf(ChannelError)
    expect(provider.calls).toHaveLength(0)
    expect(await channel.sendPreparedBatch([])).toEqual([])
  })

  it('answers a batch refused for one number number by number: only that number fails', async () => {
    const limited = await startSmsProvider({
      accessKeys: { [provider.accessKeyId]: provider.accessKeySecret },
      signNames: [SIGN],
      templates: [{ code: T.notice, text: smsTemplateText('notice', LINK) }],
      numberLimits: { minute: 1 },
    })
    try {
      const ch = new SmsChannel(config({ apiBase: limited.url }))
      expect((await ch.send(notice('13800138001', '第一条'))).ok).toBe(true)
      const results = await ch.sendBatch([notice('13800138001', '第二条'), notice('13800138002', '第二条'), notice('13800138003', '第二条')])
      expect(expectFailure(results[0])).toMatchObject({ kind: 'retryable', code: 'isv.BUSINESS_LIMIT_CONTROL', retryAfterMs: 60_000 })
      expect(results[1].ok && results[2].ok).toBe(true)
      const log = limited.calls.map((c) => `${c.action}:${c.numbers}:${c.code}`)
      expect(log.slice(0, 2)).toEqual(['SendSms:1:OK', 'SendBatchSms:3:isv.BUSINESS_LIMIT_CONTROL'])
      expect(log.slice(2).sort()).toEqual(['SendSms:1:OK', 'SendSms:1:OK', 'SendSms:1:isv.BUSINESS_LIMIT_CONTROL'])
      // The refused batch sent nothing: each number got its message once.
      expect(limited.accepted.map((a) => `${a.phone}:${a.params.title}`).sort()).toEqual(['13800138001:第一条', '13800138002:第二条', '13800138003:第二条'])
    } finally {
      await limited.close()
    }
  })
})

describe('provider codes to the four kinds', () => {
  it('maps the real codes', () => {
    const table: [string, number, string][] = [
      ['isv.BUSINESS_LIMIT_CONTROL', 200, 'retryable'],
      ['isp.SYSTEM_ERROR', 200, 'retryable'],
      ['isp.GATEWAY_ERROR', 200, 'retryable'],
      ['Throttling', 400, 'retryable'],
      ['Throttling.User', 400, 'retryable'],
      ['Throttling.Api', 503, 'retryable'],
      ['ServiceUnavailable', 503, 'retryable'],
      ['SignatureNonceUsed', 400, 'retryable'],
      ['isv.AMOUNT_NOT_ENOUGH', 200, 'quota'],
      ['isv.OUT_OF_SERVICE', 200, 'quota'],
      ['isv.DAY_LIMIT_CONTROL', 200, 'quota'],
      ['isv.MONTH_LIMIT_CONTROL', 200, 'quota'],
      ['isv.MOBILE_NUMBER_ILLEGAL', 200, 'recipient-gone'],
      ['isv.SMS_TEMPLATE_ILLEGAL', 200, 'config'],
      ['isv.SMS_SIGNATURE_ILLEGAL', 200, 'config'],
      ['isv.TEMPLATE_MISSING_PARAMETERS', 200, 'config'],
      ['isv.PARAM_LENGTH_LIMIT', 200, 'config'],
      ['isv.PARAM_NOT_SUPPORT_URL', 200, 'config'],
      ['isv.INVALID_JSON_PARAM', 200, 'config'],
      ['isv.BLACK_KEY_CONTROL_LIMIT', 200, 'config'],
      ['isv.MOBILE_COUNT_OVER_LIMIT', 200, 'config'],
      ['isp.RAM_PERMISSION_DENY', 200, 'config'],
      ['InvalidAccessKeyId.NotFound', 404, 'config'],
      ['InvalidAccessKeyId.Inactive', 400, 'config'],
      ['SignatureDoesNotMatch', 400, 'config'],
      ['InvalidTimeStamp.Expired', 400, 'config'],
      ['isv.SOMETHING_NEW', 200, 'config'],
      ['Forbidden.Unknown', 403, 'config'],
      ['SomethingBroke', 502, 'retryable'],
    ]
    expect(table.map(([code, status]) => smsErrorKind(code, status))).toEqual(table.map(([, , kind]) => kind))
  })

  it('waits a minute, an hour or until the next China day after a number’s frequency limit', () => {
    expect(businessLimitWaitMs('触发分钟级流控Permits:1')).toBe(60_000)
    expect(businessLimitWaitMs('触发小时级流控Permits:5')).toBe(3_600_000)
    // 2026-12-04 23:30 in China is 15:30 UTC: half an hour to the provider's next day.
    expect(businessLimitWaitMs('触发天级流控Permits:10', Date.UTC(2026, 11, 4, 15, 30))).toBe(30 * 60_000)
  })

  it('gets each code from the stand-in and maps it', async () => {
    const one = () => channel.send(notice('13800138000', '停水通知'))

    provider.setOutOfService(true)
    expect(expectFailure(await one())).toMatchObject({ kind: 'quota', code: 'isv.OUT_OF_SERVICE' })
    provider.setOutOfService(false)

    provider.setBalance(0)
    expect(expectFailure(await one())).toMatchObject({ kind: 'quota', code: 'isv.AMOUNT_NOT_ENOUGH' })
    // A balance of one segment does not pay for a two-segment message.
    provider.setBalance(1)
    expect(expectFailure(await channel.send(notice('13800138000', 街(30), 'Ab3dE9xY', 2)))).toMatchObject({ kind: 'quota', code: 'isv.AMOUNT_NOT_ENOUGH' })
    expect((await one()).ok).toBe(true)
    expect(provider.balance).toBe(0)
    provider.setBalance(Infinity)

    provider.setTemplateStatus(T.notice, 'pending')
    expect(expectFailure(await one())).toMatchObject({ kind: 'config', code: 'isv.SMS_TEMPLATE_ILLEGAL' })
    provider.setTemplateStatus(T.notice, 'approved')

    const otherSign = new SmsChannel(config({ signName: '【某某街道】' }))
    expect(expectFailure(await otherSign.send(notice('13800138000', '停水通知')))).toMatchObject({ kind: 'config', code: 'isv.SMS_SIGNATURE_ILLEGAL' })

    const narrow = new SmsChannel(config({ templates: { notice: T.narrow, urgent: T.urgent } }))
    expect(expectFailure(await narrow.send(notice('13800138000', '一二三四五六七八九十十一')))).toMatchObject({ kind: 'config', code: 'isv.PARAM_LENGTH_LIMIT' })

    const extra = new SmsChannel(config({ templates: { notice: T.extraParam, urgent: T.urgent } }))
    expect(expectFailure(await extra.send(notice('13800138000', '议事会')))).toMatchObject({ kind: 'config', code: 'isv.TEMPLATE_MISSING_PARAMETERS' })

    expect(expectFailure(await channel.send(notice('13800138000', '详见www.example.com')))).toMatchObject({ kind: 'config', code: 'isv.PARAM_NOT_SUPPORT_URL' })

    provider.inject('isv.MOBILE_NUMBER_ILLEGAL')
    expect(expectFailure(await one())).toMatchObject({ kind: 'recipient-gone', code: 'isv.MOBILE_NUMBER_ILLEGAL' })
    provider.inject('isp.SYSTEM_ERROR')
    expect(expectFailure(await one())).toMatchObject({ kind: 'retryable', code: 'isp.SYSTEM_ERROR' })
    provider.inject('InternalError', { status: 500 })
    expect(expectFailure(await one())).toMatchObject({ kind: 'retryable', code: 'InternalError' })
    provider.inject('Forbidden.RAM', { status: 403, message: 'User not authorized to operate on the specified resource.' })
    expect(expectFailure(await one())).toMatchObject({ kind: 'config', code: 'Forbidden.RAM' })

    provider.setCallsPerSecond(0)
    const throttled = expectFailure(await one())
    expect(throttled).toMatchObject({ kind: 'retryable', code: 'Throttling.User' })
    expect(throttled.retryAfterMs).toBeGreaterThan(0)
    expect(throttled.retryAfterMs).toBeLessThanOrEqual(1000)
    provider.setCallsPerSecond(undefined)

    expect(provider.accepted).toHaveLength(1)
  })

  it('a frequency limit per number, per minute, hour and China day, from the stand-in’s own counting', async () => {
    const limited = await startSmsProvider({
      accessKeys: { [provider.accessKeyId]: provider.accessKeySecret },
      signNames: [SIGN],
      templates: [{ code: T.notice, text: smsTemplateText('notice', LINK) }],
      numberLimits: { minute: 1, hour: 2, day: 3 },
    })
    try {
      const ch = new SmsChannel(config({ apiBase: limited.url }))
      const send = () => ch.send(notice('13800138000', '通知'))
      expect((await send()).ok).toBe(true)
      expect(expectFailure(await send())).toMatchObject({ kind: 'retryable', code: 'isv.BUSINESS_LIMIT_CONTROL', retryAfterMs: 60_000 })
      limited.advance(61)
      expect((await send()).ok).toBe(true)
      limited.advance(61)
      expect(expectFailure(await send())).toMatchObject({ code: 'isv.BUSINESS_LIMIT_CONTROL', retryAfterMs: 3_600_000 })
      expect((await ch.send(notice('13800138001', '通知'))).ok).toBe(true)
    } finally {
      await limited.close()
    }
  })

  it('no answer: a refused connection and a timeout are retryable', async () => {
    const closed = await startSmsProvider()
    const url = closed.url
    await closed.close()
    const nowhere = new SmsChannel(config({ apiBase: url }))
    expect(expectFailure(await nowhere.send(notice('13800138000', '通知')))).toMatchObject({ kind: 'retryable', code: 'ECONNREFUSED' })

    provider.setLatency({ perCallMs: 400 })
    const impatient = new SmsChannel(config({ readTimeoutMs: 50 }))
    expect(expectFailure(await impatient.send(notice('13800138000', '通知')))).toMatchObject({ kind: 'retryable', code: 'timeout' })
    // The provider went on and sent it: why a retry after a timeout may send twice.
    await expect.poll(() => provider.accepted.length, { timeout: 10_000 }).toBe(1)
    provider.setLatency({})
  })
})

describe('segments as the provider counts them', () => {
  it('70 characters are one segment, 71 two, 134 two, 135 three', () => {
    expect([1, 70, 71, 134, 135, 201, 202].map(segmentsFor)).toEqual([1, 1, 2, 2, 3, 3, 4])
    expect([1, 2, 3, 8].map(capacityFor)).toEqual([70, 134, 201, 500])
  })

  it('counts the whole message, sign name and 回复TD退订 included, every character as one; the stand-in counts the same', async () => {
    const long = new SmsChannel(config({ templates: { notice: T.notice, urgent: T.longUrgent }, linkBase: LONG_LINK }))
    // Notice: 【徐碧街道】(6) + title + "，详见 "(4) + link (24) + code (8) + " 回复TD退订"(7) = 49 + title.
    // Urgent with the long link: 6 + "紧急通知："(5) + title + "。"(1) + detail + "详见 "(3) + 38 + 8 + 7 = 68 + title + detail.
    const cases: { message: SmsMessage; via: SmsChannel; chars: number; segments: number }[] = [
      { message: notice('13800138001', 'A1，b2(c)。（全角）' + 街(8), 'Ab3dE9xY', 3), via: channel, chars: 70, segments: 1 },
      { message: notice('13800138002', 'A1，b2(c)。（全角）' + 街(9), 'Ab3dE9xY', 3), via: channel, chars: 71, segments: 2 },
      { message: urgent('13800138003', 街(35), 'x'.repeat(31), 'Ab3dE9xY', 3), via: long, chars: 134, segments: 2 },
      { message: urgent('13800138004', 街(35), '，'.repeat(32), 'Ab3dE9xY', 3), via: long, chars: 135, segments: 3 },
    ]
    for (const c of cases) {
      const p = expectPrepared(c.via.prepare(c.message))
      expect(chars(p.text)).toBe(c.chars)
      expect([p.chars, p.segments, p.clipped]).toEqual([c.chars, c.segments, []])
      expect((await c.via.sendPrepared(p)).ok).toBe(true)
    }
    expect(provider.accepted.map((a) => [a.chars, a.segments])).toEqual(cases.map((c) => [c.chars, c.segments]))
    expect(provider.accepted.map((a) => a.content)).toEqual(cases.map((c) => expectPrepared(c.via.prepare(c.message)).text))
    expect(provider.accepted[0].content.startsWith(`【${SIGN}】`) && provider.accepted[0].content.endsWith('回复TD退订')).toBe(true)
  })

  it('a longer sign name takes its characters from the message', () => {
    const longSign = new SmsChannel(config({ signName: '徐碧街道办事处社区服务中' }))
    const a = expectPrepared(channel.prepare(notice('13800138000', 街(20), 'Ab3dE9xY', 2)))
    const b = expectPrepared(longSign.prepare(notice('13800138000', 街(20), 'Ab3dE9xY', 2)))
    expect(b.chars - a.chars).toBe(chars('徐碧街道办事处社区服务中') - chars(SIGN))
    expect([a.segments, b.segments]).toEqual([1, 2])
  })
})

describe('parameters clipped to the segments allowed', () => {
  it('shortens a notice’s title with "…" so the message fits one segment; the provider gets exactly that', async () => {
    const title = '关于开展2027年度城乡居民基本医疗保险集中参保缴费工作的通知'
    expect(chars(title)).toBe(31)
    const p = expectPrepared(channel.prepare(notice('13800138000', title, 'Ab3dE9xY', 1)))
    // 49 fixed characters leave 21: twenty of the title's and "…".
    expect(p.params.title).toBe(Array.from(title).slice(0, 20).join('') + '…')
    expect([p.chars, p.segments, p.clipped]).toEqual([70, 1, ['title']])
    expect((await channel.sendPrepared(p)).ok).toBe(true)
    expect(provider.accepted[0]).toMatchObject({ content: p.text, chars: 70, segments: 1 })

    // Two segments leave the title whole.
    expect(expectPrepared(channel.prepare(notice('13800138000', title, 'Ab3dE9xY', 2)))).toMatchObject({ params: { title }, chars: 80, segments: 2, clipped: [] })
  })

  it('cuts a parameter to the provider’s 35 characters whatever the segments', () => {
    const p = expectPrepared(channel.prepare(notice('13800138000', 街(50), 'Ab3dE9xY', 3)))
    expect(p.params.title).toBe(街(34) + '…')
    expect(p.clipped).toEqual(['title'])
  })

  it('shortens an urgent message’s detail before its title', () => {
    const p = expectPrepared(channel.prepare(urgent('13800138000', 街(30), '镇'.repeat(35), 'Ab3dE9xY', 1)))
    // 54 fixed characters leave 16: the detail goes down to one character and "…", then the title to 14.
    expect(p.params).toEqual({ title: 街(13) + '…', detail: '镇…', code: 'Ab3dE9xY' })
    expect([p.chars, p.segments, [...p.clipped].sort()]).toEqual([70, 1, ['detail', 'title']])
    const roomy = expectPrepared(channel.prepare(urgent('13800138000', 街(30), '镇'.repeat(35), 'Ab3dE9xY', 2)))
    expect(roomy.params).toEqual({ title: 街(30), detail: '镇'.repeat(35), code: 'Ab3dE9xY' })
  })

  it('never cuts a link code, and refuses what cannot fit, naming the field, before any call', async () => {
    expect(expectFailure(channel.prepare(notice('13800138000', '通知', 'Ab3dE9xY9')))).toMatchObject({ kind: 'config', code: 'sms.param-too-long' })
    expect(expectFailure(channel.prepare(notice('13800138000', '')))).toMatchObject({ kind: 'config', code: 'sms.missing-param' })
    const long = new SmsChannel(config({ templates: { notice: T.notice, urgent: T.longUrgent }, linkBase: LONG_LINK }))
    const tooLong = expectFailure(long.prepare(urgent('13800138000', '停水', '明日', 'Ab3dE9xY', 1)))
    expect(tooLong).toMatchObject({ kind: 'config', code: 'sms.too-long' })
    expect(tooLong.message).toMatch(/field title/)
    expect(expectFailure(await channel.send(notice('13800138000', '通知', 'Ab3dE9xY9')))).toMatchObject({ code: 'sms.param-too-long' })
    expect(provider.calls).toHaveLength(0)
  })

  it('fits by the same rule for any template text', () => {
    const fit = fitTemplate('【某街道】', '${a}与${b}', [{ name: 'a', max: 35, clip: 1 }, { name: 'b', max: 35, clip: 0 }], { a: '  多个\n空白   合并 ', b: 'B' }, 1)
    expect(fit).toMatchObject({ ok: true, params: { a: '多个 空白 合并', b: 'B' }, text: '【某街道】多个 空白 合并与B', segments: 1 })
  })
})

describe('delivery reports and replies pushed by the stand-in', () => {
  let receiver: http.Server
  let receiverUrl = ''
  let received: { path: string; body: unknown }[] = []
  let answer = { code: 0, msg: '接收成功' } as Record<string, unknown>

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      let text = ''
      req.setEncoding('utf8')
      req.on('data', (c: string) => (text += c))
      req.on('end', () => {
        received.push({ path: req.url ?? '', body: JSON.parse(text) })
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer))
      })
    })
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()))
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((r) => receiver.close(() => r())))
  afterEach(() => {
    received = []
    answer = { code: 0, msg: '接收成功' }
  })

  it('pushes SmsReport items with the documented fields, outcome per number, and repeats on request', async () => {
    const results = await channel.sendBatch([notice('13800138001', '甲', 'c1'), notice('13800138002', '乙', 'c2')], 'out-9')
    const bizId = results[0].ok ? results[0].providerId : ''
    provider.setOutcome('13800138002', { success: false, err_code: 'MK:0001', err_msg: '空号' })
    const [push] = await provider.pushReports(`${receiverUrl}/sms/report`)
    expect(push.ok).toBe(true)
    expect(received).toHaveLength(1)
    const items = received[0].body as Record<string, unknown>[]
    expect(items.map((i) => Object.keys(i).sort())).toEqual(
      items.map(() => ['biz_id', 'err_code', 'err_msg', 'out_id', 'phone_number', 'report_time', 'send_time', 'sms_size', 'success']),
    )
    expect(items).toEqual([
      expect.objectContaining({ phone_number: '13800138001', success: true, err_code: 'DELIVERED', err_msg: '用户接收成功', sms_size: '1', biz_id: bizId, out_id: 'out-9' }),
      expect.objectContaining({ phone_number: '13800138002', success: false, err_code: 'MK:0001', err_msg: '空号', sms_size: '1', biz_id: bizId }),
    ])
    expect(items[0].send_time).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/)

    // Already reported: nothing new; `again` pushes the same items once more, a minute later and
    // after the number's outcome changed, as the report that was made (report_time included).
    expect(await provider.pushReports(`${receiverUrl}/sms/report`)).toEqual([])
    provider.advance(60)
    provider.setOutcome('13800138002', null)
    await provider.pushReports(`${receiverUrl}/sms/report`, { again: true })
    expect(received[1].body).toEqual(received[0].body)

    answer = { code: 1, msg: 'busy' }
    const [refused] = await provider.pushReports(`${receiverUrl}/sms/report`, { again: true })
    expect(refused.ok).toBe(false)
  })

  it('pushes SmsUp replies with the documented fields', async () => {
    await channel.send(notice('13800138001', '甲'))
    const push = await provider.pushUplink(`${receiverUrl}/sms/up`, { phone: '13800138001', content: 'TD' })
    expect(push.ok).toBe(true)
    expect(received[0].body).toEqual([
      { phone_number: '13800138001', send_time: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/), content: 'TD', sign_name: SIGN, dest_code: '', sequence_id: expect.any(Number) },
    ])
  })

  it('reports every accepted message by itself when given a report URL', async () => {
    const auto = await startSmsProvider({
      accessKeys: { [provider.accessKeyId]: provider.accessKeySecret },
      signNames: [SIGN],
      templates: [{ code: T.notice, text: smsTemplateText('notice', LINK) }],
      reportUrl: `${receiverUrl}/sms/report`,
    })
    try {
      const ch = new SmsChannel(config({ apiBase: auto.url }))
      expect((await ch.sendBatch([notice('13800138001', '甲'), notice('13800138002', '乙')])).every((r) => r.ok)).toBe(true)
      await expect.poll(() => received.length, { timeout: 10_000 }).toBe(1)
      expect((received[0].body as { phone_number: string }[]).map((i) => i.phone_number)).toEqual(['13800138001', '13800138002'])
    } finally {
      await auto.close()
    }
  })

  it('takes the time it is told: a fixed part per call and a part per number', async () => {
    provider.setLatency({ perCallMs: 30, perNumberMs: 0.1 })
    const messages = Array.from({ length: 100 }, (_, i) => notice(`1390013${String(9000 + i)}`, '甲'))
    const started = performance.now()
    expect((await channel.sendBatch(messages)).every((r) => r.ok)).toBe(true)
    // At least 30 ms + 100 × 0.1 ms; the upper side depends on the machine's load and is not asserted.
    expect(performance.now() - started).toBeGreaterThanOrEqual(40)
    provider.setLatency({})
  })
})

describe('settings', () => {
  const saved: Record<string, string | undefined> = {}
  const names = [...SMS_REQUIRED_SETTINGS, 'SMS_API_BASE']
  beforeEach(() => names.forEach((n) => (saved[n] = process.env[n])))
  afterEach(() => names.forEach((n) => (saved[n] === undefined ? delete process.env[n] : (process.env[n] = saved[n]))))

  it('SMS is not configured until every required setting is there; then it sends through the stand-in', async () => {
    names.forEach((n) => delete process.env[n])
    expect(smsSettings()).toBeNull()
    expect(smsMissingSettings()).toEqual([...SMS_REQUIRED_SETTINGS])
    Object.assign(process.env, {
      SMS_ACCESS_KEY_ID: provider.accessKeyId,
      SMS_ACCESS_KEY_SECRET: provider.accessKeySecret,
      SMS_SIGN_NAME: `【${SIGN}】`,
      SMS_TEMPLATE_NOTICE: T.notice,
    })
    expect(smsSettings()).toBeNull()
    expect(smsMissingSettings()).toEqual(['SMS_TEMPLATE_URGENT', 'SMS_PRICE_PER_SEGMENT'])
    Object.assign(process.env, { SMS_TEMPLATE_URGENT: T.urgent, SMS_PRICE_PER_SEGMENT: '0.045', SMS_API_BASE: provider.url })
    const settings = smsSettings()!
    expect(settings).toMatchObject({ signName: SIGN, templates: { notice: T.notice, urgent: T.urgent }, pricePerSegment: 0.045, apiBase: provider.url })
    expect(settings.linkBase).toBe(`${process.env.PUBLIC_URL}/s/`)
    provider.addTemplate({ code: 'SMS_465000009', text: smsTemplateText('notice', settings.linkBase) })
    const fromEnv = new SmsChannel({ ...settings, templates: { ...settings.templates, notice: 'SMS_465000009' } })
    expect((await fromEnv.send(notice('13800138000', '通知'))).ok).toBe(true)
  })

  it('a value that is set but unusable stops with the variable named', () => {
    Object.assign(process.env, {
      SMS_ACCESS_KEY_ID: 'id',
      SMS_ACCESS_KEY_SECRET: 'secret',
      SMS_SIGN_NAME: SIGN,
      SMS_TEMPLATE_NOTICE: T.notice,
      SMS_TEMPLATE_URGENT: T.urgent,
      SMS_PRICE_PER_SEGMENT: '0.045',
    })
    delete process.env.SMS_API_BASE
    expect(smsSettings()?.apiBase).toBe('')
    for (const [name, value] of [
      ['SMS_PRICE_PER_SEGMENT', '四分五'],
      ['SMS_PRICE_PER_SEGMENT', '-1'],
      ['SMS_TEMPLATE_URGENT', '紧急通知模板'],
      ['SMS_SIGN_NAME', '徐'],
      ['SMS_API_BASE', 'http://127.0.0.1:8125/api'],
      ['SMS_API_BASE', 'dysmsapi'],
    ]) {
      const before = process.env[name]
      process.env[name] = value
      expect(() => smsSettings(), `${name}=${value}`).toThrow(name)
      if (before === undefined) delete process.env[name]
      else process.env[name] = before
    }
  })

  it('SMS_API_BASE becomes the SDK’s endpoint and protocol', () => {
    expect(smsEndpoint('http://127.0.0.1:8125')).toEqual({ endpoint: '127.0.0.1:8125', protocol: 'http' })
    expect(smsEndpoint('https://dysmsapi.aliyuncs.com/')).toEqual({ endpoint: 'dysmsapi.aliyuncs.com', protocol: 'https' })
    expect(() => smsEndpoint('ftp://x')).toThrow(/SMS_API_BASE/)
  })
})
