/**
 * A stand-in for the Alibaba Cloud SMS API (Dysmsapi 2017-05-25) as a real
 * local HTTP server, for tests, the benchmark and development:
 *
 *   npx tsx test/support/sms-provider.ts --port 8125 [--report-url URL] [--public-url URL] [--sign-name NAME]
 *
 * then SMS_API_BASE=http://127.0.0.1:8125 with the printed key, sign name and
 * template codes.
 *
 * What it does as the service does:
 * - Authentication: ACS3-HMAC-SHA256, the signature the SDK sends by default
 *   (@alicloud/openapi-core doRequest): the canonical request (method, path,
 *   query sorted and RFC 3986-encoded, the signed headers lower-cased and
 *   trimmed, the signed header names, the body's SHA-256) is hashed and signed
 *   with the key's secret, and compared in constant time. The body must match
 *   x-acs-content-sha256, host and every x-acs-* header must be signed,
 *   x-acs-date must be within 15 minutes, a nonce may be used once. Refusals
 *   are the gateway's: HTTP 400 SignatureDoesNotMatch / IncompleteSignature /
 *   InvalidTimeStamp.Expired / SignatureNonceUsed, 404
 *   InvalidAccessKeyId.NotFound, 400 Throttling.User past the calls per second
 *   allowed (with x-acs-retry-after in ms, the header the SDK reads).
 * - SendSms (PhoneNumbers up to 1,000, comma-separated, one parameter set) and
 *   SendBatchSms (PhoneNumberJson up to 100, SignNameJson and
 *   TemplateParamJson of the same length): HTTP 200 with Code "OK" and a BizId,
 *   or a business code, the call refused whole: isv.OUT_OF_SERVICE,
 *   isv.SMS_SIGNATURE_ILLEGAL (sign name not approved),
 *   isv.SMS_TEMPLATE_ILLEGAL (unknown or not approved template),
 *   isv.MOBILE_COUNT_OVER_LIMIT, isv.MOBILE_NUMBER_ILLEGAL,
 *   isv.INVALID_PARAMETERS, isv.INVALID_JSON_PARAM (values must be strings),
 *   isv.TEMPLATE_MISSING_PARAMETERS, isv.PARAM_LENGTH_LIMIT (35 characters a
 *   parameter unless the template says less), isv.PARAM_NOT_SUPPORT_URL,
 *   isv.BUSINESS_LIMIT_CONTROL (a number's frequency limit per minute, hour or
 *   China day, with the service's messages), isv.AMOUNT_NOT_ENOUGH (the
 *   balance, counted in segments, does not cover the call). Anything else
 *   (isp.SYSTEM_ERROR…) can be injected.
 * - Length as the service bills it, counted here on its own: 【sign】 plus the
 *   filled template, ≤ 70 characters one segment, else 67 a segment.
 * - Delivery reports (SmsReport) and replies (SmsUp) pushed in the HTTP batch
 *   push format: a JSON array with the documented field names, answered
 *   {"code":0,…} when received; with `reportUrl` every accepted message is
 *   reported by itself after `reportDelayMs`.
 * Where the documentation is silent the stand-in's choice is marked: a batch
 * call with a number over its frequency limit is refused whole, like one with
 * an illegal number.
 *
 * Control endpoints, under /__provider/: GET state; POST inject {code, times?,
 * action?, status?, message?}, balance {segments}, out-of-service {on},
 * template {code, status}, outcome {phone, success, err_code, err_msg},
 * latency {perCallMs, perNumberMs}, report {url, phones?}, uplink {url, phone,
 * content}, reset. The same controls are methods of the object
 * startSmsProvider() returns.
 */
import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { pathToFileURL } from 'node:url'

export type TemplateStatus = 'approved' | 'pending' | 'rejected'
export type StandInTemplate = {
  code: string
  /** The approved text, parameters written ${name}. */
  text: string
  status?: TemplateStatus
  /** Characters a parameter may have, where less than the default 35. */
  paramMax?: Record<string, number>
}

export type ReportOutcome = { success: boolean; err_code: string; err_msg: string }

export type SmsProviderOptions = {
  port?: number
  /** Access key id → secret (default one generated pair). */
  accessKeys?: Record<string, string>
  /** Approved sign names, without 【】. */
  signNames?: string[]
  templates?: StandInTemplate[]
  /** Segments the account can still pay for (default unlimited). */
  balanceSegments?: number
  /** Messages a number may get per minute, hour and China day (default unlimited). */
  numberLimits?: { minute?: number; hour?: number; day?: number }
  /** API calls a second per access key (default unlimited). */
  callsPerSecond?: number
  /** Time the service takes: a fixed part per call plus a part per number (default none). */
  latency?: { perCallMs?: number; perNumberMs?: number }
  /** Push every accepted message's delivery report here, after reportDelayMs. */
  reportUrl?: string
  reportDelayMs?: number
}

export type AcceptedSms = {
  action: 'SendSms' | 'SendBatchSms'
  phone: string
  signName: string
  templateCode: string
  params: Record<string, string>
  /** What the resident receives: 【sign】 and the filled template. */
  content: string
  chars: number
  segments: number
  bizId: string
  outId?: string
  extendCode?: string
  requestId: string
  at: number
  reported: number
  /** The delivery report, fixed when first pushed (outcome and report_time): a repeated push carries it unchanged. */
  report?: Record<string, unknown>
}

/** An API request as it arrived, for tests that replay or alter it. */
export type RawRequest = { method: string; url: string; headers: http.IncomingHttpHeaders; body: Buffer }
export type ProviderCall = { action: string; status: number; code: string; numbers: number; accessKeyId?: string }
export type Push = { kind: 'report' | 'up'; url: string; items: Record<string, unknown>[]; status: number; answer: string; ok: boolean }

type Injection = { code: string; times: number; action?: string; status: number; message?: string }
type Reply = { status: number; body: Record<string, unknown>; headers?: Record<string, string> }

const API_VERSION = '2017-05-25'
const CLOCK_SKEW_MS = 15 * 60_000
const PARAM_MAX = 35
const CHINA_OFFSET_MS = 8 * 3600_000

/** The service's messages for its business codes. */
const MESSAGE: Record<string, string> = {
  OK: 'OK',
  'isv.OUT_OF_SERVICE': '业务停机',
  'isv.SMS_SIGNATURE_ILLEGAL': '该账号下找不到对应签名',
  'isv.SMS_TEMPLATE_ILLEGAL': '该账号下找不到对应模板',
  'isv.MOBILE_NUMBER_ILLEGAL': '非法手机号',
  'isv.MOBILE_COUNT_OVER_LIMIT': '手机号码数量超过限制',
  'isv.INVALID_PARAMETERS': '参数异常',
  'isv.INVALID_JSON_PARAM': 'JSON参数不合法，只接受字符串值',
  'isv.TEMPLATE_MISSING_PARAMETERS': '模板变量缺少对应参数值',
  'isv.PARAM_LENGTH_LIMIT': '参数超出长度限制',
  'isv.PARAM_NOT_SUPPORT_URL': '不支持url为变量',
  'isv.AMOUNT_NOT_ENOUGH': '账户余额不足',
  'isp.SYSTEM_ERROR': '系统出现错误，请重新调用',
  'isv.DAY_LIMIT_CONTROL': '触发日发送限额',
}

// Counted here on its own, not with the client's code, so a test compares two countings.
const charCount = (s: string) => Array.from(s).length
const segmentCount = (chars: number) => (chars <= 70 ? 1 : Math.ceil(chars / 67))
const rfc3986 = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())
const sha256hex = (data: Buffer | string) => createHash('sha256').update(data).digest('hex')
const MOBILE = /^(?:\+?86|0086)?(1[3-9]\d{9})$/

/** "2026-12-04 18:00:00" in China time, as the pushes write times. */
export function chinaTime(ms: number): string {
  return new Date(ms + CHINA_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ')
}

/**
 * Checks an ACS3-HMAC-SHA256 signed request as the gateway does. Returns the
 * access key id, or the gateway's refusal.
 */
export function verifyAcs3(
  req: { method: string; headers: http.IncomingHttpHeaders; url: string },
  body: Buffer,
  secrets: Record<string, string>,
  now: number,
): { ok: true; accessKeyId: string } | { ok: false; status: number; code: string; message: string } {
  const refuse = (status: number, code: string, message: string) => ({ ok: false as const, status, code, message })
  const auth = String(req.headers.authorization ?? '')
  const m = /^(\S+) Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]+)$/.exec(auth)
  if (!m) return refuse(400, 'IncompleteSignature', 'The request signature does not conform to Aliyun standards.')
  const [, algorithm, accessKeyId, signedList, signature] = m
  if (algorithm !== 'ACS3-HMAC-SHA256') return refuse(400, 'IncompleteSignature', `The signature algorithm ${algorithm} is not supported.`)
  for (const h of ['x-acs-action', 'x-acs-version', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-content-sha256']) {
    if (!req.headers[h]) return refuse(400, 'MissingParameter', `The input parameter "${h}" that is mandatory for processing this request is not supplied.`)
  }
  const signed = signedList.split(';')
  const mustSign = ['host', ...Object.keys(req.headers).filter((h) => h.startsWith('x-acs-'))]
  const unsigned = mustSign.filter((h) => !signed.includes(h))
  if (unsigned.length) return refuse(400, 'IncompleteSignature', `The request signature does not conform to Aliyun standards: ${unsigned.join(', ')} not signed.`)

  const secret = secrets[accessKeyId]
  if (secret === undefined) return refuse(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.')

  const date = String(req.headers['x-acs-date'])
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(date) || Number.isNaN(Date.parse(date))) {
    return refuse(400, 'InvalidTimeStamp.Format', 'Specified time stamp or date value is not well formatted.')
  }
  if (Math.abs(Date.parse(date) - now) > CLOCK_SKEW_MS) return refuse(400, 'InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.')

  const payloadHash = sha256hex(body)
  const [path, rawQuery = ''] = req.url.split('?')
  const query = rawQuery
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const i = pair.indexOf('=')
      const k = decodeURIComponent(i < 0 ? pair : pair.slice(0, i))
      const v = i < 0 ? '' : decodeURIComponent(pair.slice(i + 1))
      return [rfc3986(k), rfc3986(v)] as const
    })
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&')
  const canonicalHeaders = signed.map((h) => `${h}:${String(req.headers[h] ?? '').trim()}\n`).join('')
  const canonicalRequest = [req.method, path || '/', query, canonicalHeaders, signed.join(';'), payloadHash].join('\n')
  const stringToSign = `ACS3-HMAC-SHA256\n${sha256hex(canonicalRequest)}`
  const expected = createHmac('sha256', secret).update(stringToSign).digest()
  const given = Buffer.from(signature, 'hex')
  const headerHashOk = String(req.headers['x-acs-content-sha256']) === payloadHash
  if (!headerHashOk || given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return refuse(400, 'SignatureDoesNotMatch', `Specified signature does not match our calculation. server string to sign is:${stringToSign}`)
  }
  return { ok: true, accessKeyId }
}

export async function startSmsProvider(options: SmsProviderOptions = {}) {
  const defaultKeyId = `LTAI${randomBytes(10).toString('hex')}`
  const accessKeys = options.accessKeys ?? { [defaultKeyId]: randomBytes(15).toString('base64url') }
  const signNames = new Set(options.signNames ?? ['徐碧街道'])
  const templates = new Map<string, StandInTemplate>((options.templates ?? []).map((t) => [t.code, { status: 'approved' as const, ...t }]))
  let balance = options.balanceSegments ?? Infinity
  let outOfService = false
  let latency = { perCallMs: options.latency?.perCallMs ?? 0, perNumberMs: options.latency?.perNumberMs ?? 0 }
  let callsPerSecond = options.callsPerSecond
  let skewMs = 0
  const now = () => Date.now() + skewMs

  const state = {
    accepted: [] as AcceptedSms[],
    requests: [] as RawRequest[],
    calls: [] as ProviderCall[],
    pushes: [] as Push[],
    injections: [] as Injection[],
    nonces: new Map<string, number>(),
    perNumber: new Map<string, number[]>(),
    perSecond: new Map<string, { second: number; count: number }>(),
    outcomes: new Map<string, ReportOutcome>(),
    sequence: 1000,
  }
  const timers = new Set<NodeJS.Timeout>()
  let origin = ''

  const business = (code: string, message = MESSAGE[code] ?? code): Reply => ({ status: 200, body: { Code: code, Message: message } })
  const gateway = (status: number, code: string, message: string, headers?: Record<string, string>): Reply => ({
    status,
    body: { HostId: origin.replace(/^https?:\/\//, ''), Code: code, Message: message },
    headers,
  })

  function takeInjection(action: string): Injection | undefined {
    const i = state.injections.findIndex((x) => !x.action || x.action === action)
    if (i < 0) return undefined
    const inj = state.injections[i]
    if (--inj.times <= 0) state.injections.splice(i, 1)
    return inj
  }

  /** The frequency-limit message for a number that may not get another message now, or null. */
  function overLimit(phone: string, at: number): string | null {
    const limits = options.numberLimits
    if (!limits) return null
    const times = (state.perNumber.get(phone) ?? []).filter((t) => at - t < 86_400_000 * 2)
    const day = Math.floor((at + CHINA_OFFSET_MS) / 86_400_000)
    const count = (since: number) => times.filter((t) => t > since).length
    if (limits.minute !== undefined && count(at - 60_000) >= limits.minute) return `触发分钟级流控Permits:${limits.minute}`
    if (limits.hour !== undefined && count(at - 3600_000) >= limits.hour) return `触发小时级流控Permits:${limits.hour}`
    if (limits.day !== undefined && times.filter((t) => Math.floor((t + CHINA_OFFSET_MS) / 86_400_000) === day).length >= limits.day) {
      return `触发天级流控Permits:${limits.day}`
    }
    return null
  }

  type Item = { phone: string; signName: string; params: Record<string, string> }

  /** Checks one call's messages against the account, sign names, template and numbers; the reply refusing it, or the items filled. */
  function checkCall(action: AcceptedSms['action'], p: Record<string, string>): Reply | { items: (Item & { content: string; chars: number; segments: number })[]; template: StandInTemplate } {
    const batch = action === 'SendBatchSms'
    const required = batch ? ['PhoneNumberJson', 'SignNameJson', 'TemplateCode'] : ['PhoneNumbers', 'SignName', 'TemplateCode']
    for (const name of required) if (!p[name]) return gateway(400, `Missing${name}`, `${name} is mandatory for this action.`)
    if (outOfService) return business('isv.OUT_OF_SERVICE')

    const parseJson = (text: string | undefined): unknown => {
      try {
        return text === undefined ? undefined : JSON.parse(text)
      } catch {
        return Symbol.for('bad')
      }
    }
    let phones: unknown
    let signs: unknown
    let paramSets: unknown
    if (batch) {
      phones = parseJson(p.PhoneNumberJson)
      signs = parseJson(p.SignNameJson)
      paramSets = p.TemplateParamJson === undefined ? undefined : parseJson(p.TemplateParamJson)
      if (!Array.isArray(phones) || !Array.isArray(signs) || (paramSets !== undefined && !Array.isArray(paramSets))) return business('isv.INVALID_JSON_PARAM')
    } else {
      phones = p.PhoneNumbers.split(',')
      signs = (phones as string[]).map(() => p.SignName)
      const one = p.TemplateParam === undefined ? undefined : parseJson(p.TemplateParam)
      paramSets = one === undefined ? undefined : (phones as string[]).map(() => one)
    }
    const list = phones as unknown[]
    const signList = signs as unknown[]
    if (!list.length || list.length > (batch ? 100 : 1000)) return business('isv.MOBILE_COUNT_OVER_LIMIT')
    if (signList.length !== list.length || (paramSets !== undefined && (paramSets as unknown[]).length !== list.length)) return business('isv.INVALID_PARAMETERS')
    if (signList.some((s) => typeof s !== 'string' || !signNames.has(s))) return business('isv.SMS_SIGNATURE_ILLEGAL')
    const template = templates.get(p.TemplateCode)
    if (!template || template.status !== 'approved') return business('isv.SMS_TEMPLATE_ILLEGAL')
    const normalized = list.map((n) => (typeof n === 'string' ? MOBILE.exec(n.trim())?.[1] : undefined))
    if (normalized.some((n) => !n)) return business('isv.MOBILE_NUMBER_ILLEGAL')

    const names = [...new Set(Array.from(template.text.matchAll(/\$\{(\w+)\}/g), (x) => x[1]))]
    const items = []
    for (let i = 0; i < list.length; i++) {
      const set = paramSets === undefined ? {} : (paramSets as unknown[])[i]
      if (!set || typeof set !== 'object' || Array.isArray(set) || Object.values(set).some((v) => typeof v !== 'string')) return business('isv.INVALID_JSON_PARAM')
      const params = set as Record<string, string>
      for (const name of names) {
        const value = params[name]
        if (value === undefined || value === '') return business('isv.TEMPLATE_MISSING_PARAMETERS')
        if (charCount(value) > (template.paramMax?.[name] ?? PARAM_MAX)) return business('isv.PARAM_LENGTH_LIMIT')
        if (/https?:\/\/|www\.|\b[a-z0-9-]+\.(com|cn|net|org)\b/i.test(value)) return business('isv.PARAM_NOT_SUPPORT_URL')
      }
      const content = `【${signList[i]}】` + template.text.replace(/\$\{(\w+)\}/g, (_, n: string) => params[n])
      const chars = charCount(content)
      items.push({ phone: normalized[i]!, signName: signList[i] as string, params, content, chars, segments: segmentCount(chars) })
    }
    return { items, template }
  }

  async function api(action: string, p: Record<string, string>): Promise<Reply> {
    if (action !== 'SendSms' && action !== 'SendBatchSms') return gateway(404, 'InvalidAction.NotFound', 'Specified api is not found, please check your url and method.')
    const wait = latency.perCallMs + numbersIn(action, p) * latency.perNumberMs
    if (wait > 0) await new Promise((r) => setTimeout(r, wait))

    const injected = takeInjection(action)
    if (injected) {
      return injected.status === 200
        ? business(injected.code, injected.message)
        : gateway(injected.status, injected.code, injected.message ?? MESSAGE[injected.code] ?? injected.code)
    }
    const checked = checkCall(action, p)
    if ('status' in checked) return checked
    const at = now()
    for (const item of checked.items) {
      const limited = overLimit(item.phone, at)
      if (limited) return business('isv.BUSINESS_LIMIT_CONTROL', limited)
    }
    const cost = checked.items.reduce((n, x) => n + x.segments, 0)
    if (cost > balance) return business('isv.AMOUNT_NOT_ENOUGH')

    balance -= cost
    const bizId = `${String(at).slice(-10)}${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}^0`
    const requestId = randomUUID().toUpperCase()
    const accepted = checked.items.map((item) => {
      state.perNumber.set(item.phone, [...(state.perNumber.get(item.phone) ?? []), at])
      const record: AcceptedSms = {
        action: action as AcceptedSms['action'],
        phone: item.phone,
        signName: item.signName,
        templateCode: checked.template.code,
        params: item.params,
        content: item.content,
        chars: item.chars,
        segments: item.segments,
        bizId,
        ...(p.OutId ? { outId: p.OutId } : {}),
        ...(p.SmsUpExtendCode ? { extendCode: p.SmsUpExtendCode } : {}),
        requestId,
        at,
        reported: 0,
      }
      state.accepted.push(record)
      return record
    })
    if (options.reportUrl) {
      const t = setTimeout(() => {
        timers.delete(t)
        void pushReports(options.reportUrl!, { messages: accepted }).catch(() => undefined)
      }, options.reportDelayMs ?? 0)
      timers.add(t)
    }
    return { status: 200, body: { Code: 'OK', Message: 'OK', BizId: bizId }, headers: { 'x-acs-request-id': requestId } }
  }

  function throttled(accessKeyId: string): Reply | null {
    if (callsPerSecond === undefined) return null
    const at = now()
    const second = Math.floor(at / 1000)
    let slot = state.perSecond.get(accessKeyId)
    if (!slot || slot.second !== second) state.perSecond.set(accessKeyId, (slot = { second, count: 0 }))
    if (++slot.count <= callsPerSecond) return null
    return gateway(400, 'Throttling.User', 'Request was denied due to user flow control.', { 'x-acs-retry-after': String((second + 1) * 1000 - at) })
  }

  async function post(kind: Push['kind'], url: string, items: Record<string, unknown>[]): Promise<Push> {
    let status = 0
    let answer = ''
    try {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(items) })
      status = res.status
      answer = await res.text()
    } catch (e) {
      answer = (e as Error).message
    }
    let ok = false
    try {
      ok = status === 200 && (JSON.parse(answer) as { code?: unknown }).code === 0
    } catch {
      ok = false
    }
    const push = { kind, url, items, status, answer, ok }
    state.pushes.push(push)
    return push
  }

  /**
   * Pushes delivery reports (SmsReport) for accepted messages, 100 to a push:
   * by default every message not yet reported; `phones` or `bizId` select,
   * `messages` gives them. A message's outcome is the one set for its number
   * (setOutcome), else DELIVERED. Pushing the same messages again is what
   * the service does when it repeats a push: the same reports, byte for byte
   * (outcome and report_time as they were when first made).
   */
  async function pushReports(url: string, select: { phones?: string[]; bizId?: string; messages?: AcceptedSms[]; again?: boolean } = {}): Promise<Push[]> {
    const chosen =
      select.messages ??
      state.accepted.filter(
        (m) => (select.again || !m.reported) && (!select.phones || select.phones.includes(m.phone)) && (!select.bizId || m.bizId === select.bizId),
      )
    const pushes: Push[] = []
    for (let i = 0; i < chosen.length; i += 100) {
      const slice = chosen.slice(i, i + 100)
      const reportAt = now()
      const items = slice.map((m) => {
        m.reported++
        if (!m.report) {
          const outcome = state.outcomes.get(m.phone) ?? { success: true, err_code: 'DELIVERED', err_msg: '用户接收成功' }
          m.report = {
            phone_number: m.phone,
            send_time: chinaTime(m.at),
            report_time: chinaTime(reportAt),
            success: outcome.success,
            err_code: outcome.err_code,
            err_msg: outcome.err_msg,
            sms_size: String(m.segments),
            biz_id: m.bizId,
            out_id: m.outId ?? '',
          }
        }
        return m.report
      })
      pushes.push(await post('report', url, items))
    }
    return pushes
  }

  /** Pushes a resident's reply (SmsUp), as the service does when a number answers one of our messages. */
  async function pushUplink(url: string, reply: { phone: string; content: string; signName?: string; destCode?: string; sendTime?: number }): Promise<Push> {
    const last = [...state.accepted].reverse().find((m) => m.phone === reply.phone)
    const items = [
      {
        phone_number: reply.phone,
        send_time: chinaTime(reply.sendTime ?? now()),
        content: reply.content,
        sign_name: reply.signName ?? last?.signName ?? [...signNames][0] ?? '',
        dest_code: reply.destCode ?? last?.extendCode ?? '',
        sequence_id: ++state.sequence,
      },
    ]
    return post('up', url, items)
  }

  const controls = {
    /** Makes the next `times` calls (of `action`, or any) answer `code`: a business code on HTTP 200, or a gateway error with `status`. */
    inject(code: string, opts: { times?: number; action?: string; status?: number; message?: string } = {}) {
      state.injections.push({ code, times: opts.times ?? 1, action: opts.action, status: opts.status ?? 200, message: opts.message })
    },
    setBalance(segments: number) {
      balance = segments
    },
    setOutOfService(on: boolean) {
      outOfService = on
    },
    setTemplateStatus(code: string, status: TemplateStatus) {
      const t = templates.get(code)
      if (!t) throw new Error(`unknown template ${code}`)
      t.status = status
    },
    addTemplate(t: StandInTemplate) {
      templates.set(t.code, { status: 'approved', ...t })
    },
    /** The delivery report outcome for a number (e.g. { success: false, err_code: 'MK:0001', err_msg: '空号' }); null for DELIVERED. */
    setOutcome(phone: string, outcome: ReportOutcome | null) {
      if (outcome) state.outcomes.set(phone, outcome)
      else state.outcomes.delete(phone)
    },
    /** API calls a second per access key; undefined for no limit. */
    setCallsPerSecond(limit: number | undefined) {
      callsPerSecond = limit
    },
    setLatency(l: { perCallMs?: number; perNumberMs?: number }) {
      latency = { perCallMs: l.perCallMs ?? 0, perNumberMs: l.perNumberMs ?? 0 }
    },
    /** Moves the service's clock (frequency windows, the signature's 15 minutes). */
    advance(seconds: number) {
      skewMs += seconds * 1000
    },
    reset() {
      state.accepted = []
      state.requests = []
      state.calls = []
      state.pushes = []
      state.injections = []
      state.nonces.clear()
      state.perNumber.clear()
      state.perSecond.clear()
      state.outcomes.clear()
      balance = options.balanceSegments ?? Infinity
      callsPerSecond = options.callsPerSecond
      outOfService = false
      skewMs = 0
      for (const t of templates.values()) t.status = (options.templates ?? []).find((o) => o.code === t.code)?.status ?? 'approved'
    },
    pushReports,
    pushUplink,
    snapshot() {
      return {
        accepted: state.accepted.length,
        segments: state.accepted.reduce((n, m) => n + m.segments, 0),
        balance: Number.isFinite(balance) ? balance : null,
        outOfService,
        templates: [...templates.values()].map((t) => ({ code: t.code, status: t.status, text: t.text })),
        signNames: [...signNames],
        calls: state.calls.length,
        pushes: state.pushes.map((p) => ({ kind: p.kind, url: p.url, items: p.items.length, status: p.status, ok: p.ok })),
        latest: state.accepted.slice(-20),
      }
    },
  }

  async function control(action: string, body: Record<string, unknown>): Promise<unknown> {
    switch (action) {
      case 'state':
        return controls.snapshot()
      case 'inject':
        controls.inject(String(body.code), body as { times?: number; action?: string; status?: number; message?: string })
        return { ok: true }
      case 'balance':
        controls.setBalance(body.segments === null ? Infinity : Number(body.segments))
        return { ok: true }
      case 'out-of-service':
        controls.setOutOfService(!!body.on)
        return { ok: true }
      case 'template':
        controls.setTemplateStatus(String(body.code), body.status as TemplateStatus)
        return { ok: true }
      case 'outcome':
        controls.setOutcome(String(body.phone), body.success === undefined ? null : (body as unknown as ReportOutcome))
        return { ok: true }
      case 'latency':
        controls.setLatency(body as { perCallMs?: number; perNumberMs?: number })
        return { ok: true }
      case 'report':
        return pushReports(String(body.url), { phones: body.phones as string[] | undefined, again: !!body.again })
      case 'uplink':
        return pushUplink(String(body.url), { phone: String(body.phone), content: String(body.content) })
      case 'reset':
        controls.reset()
        return { ok: true }
      default:
        throw new Error(`Unknown control ${action}`)
    }
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size <= 2 * 1024 * 1024) chunks.push(c)
    })
    req.on('end', async () => {
      const raw = Buffer.concat(chunks)
      const url = new URL(req.url ?? '/', origin)
      const requestId = randomUUID().toUpperCase()
      const send = (reply: Reply, call?: Omit<ProviderCall, 'status' | 'code'>) => {
        if (call) state.calls.push({ ...call, status: reply.status, code: String(reply.body.Code ?? '') })
        const headers = { 'content-type': 'application/json;charset=utf-8', 'x-acs-request-id': requestId, ...reply.headers }
        const body = { RequestId: reply.headers?.['x-acs-request-id'] ?? requestId, ...reply.body }
        res.writeHead(reply.status, headers).end(JSON.stringify(body))
      }
      try {
        if (url.pathname.startsWith('/__provider/')) {
          const body = raw.length ? JSON.parse(raw.toString('utf8')) : {}
          return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(await control(url.pathname.slice('/__provider/'.length), body)))
        }
        const action = String(req.headers['x-acs-action'] ?? '')
        state.requests.push({ method: req.method ?? 'GET', url: req.url ?? '/', headers: { ...req.headers }, body: raw })
        if (state.requests.length > 50) state.requests.shift()
        const verified = verifyAcs3({ method: req.method ?? 'GET', headers: req.headers, url: req.url ?? '/' }, raw, accessKeys, now())
        if (!verified.ok) return send(gateway(verified.status, verified.code, verified.message), { action, numbers: 0 })

        // A nonce is good once within the signature's window.
        const nonce = String(req.headers['x-acs-signature-nonce'])
        const at = now()
        for (const [n, t] of state.nonces) if (at - t > CLOCK_SKEW_MS) state.nonces.delete(n)
        if (state.nonces.has(nonce)) return send(gateway(400, 'SignatureNonceUsed', 'Specified signature nonce was used already.'), { action, numbers: 0 })
        state.nonces.set(nonce, at)

        const limited = throttled(verified.accessKeyId)
        if (limited) return send(limited, { action, numbers: 0, accessKeyId: verified.accessKeyId })
        if (req.headers['x-acs-version'] !== API_VERSION) {
          return send(gateway(400, 'InvalidVersion', 'Specified parameter Version is not valid.'), { action, numbers: 0 })
        }

        // RPC parameters come in the query and, for POST, a form body.
        const params: Record<string, string> = {}
        for (const [k, v] of url.searchParams) params[k] = v
        if (/^application\/x-www-form-urlencoded/i.test(String(req.headers['content-type'] ?? ''))) {
          for (const [k, v] of new URLSearchParams(raw.toString('utf8'))) params[k] = v
        }
        const reply = await api(action, params)
        send(reply, { action, numbers: numbersIn(action, params), accessKeyId: verified.accessKeyId })
      } catch (e) {
        send(gateway(500, 'InternalError', `The request processing has failed due to some unknown error. ${(e as Error).message}`))
      }
    })
  })

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', () => resolve()))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const [accessKeyId, accessKeySecret] = Object.entries(accessKeys)[0]

  return {
    /** SMS_API_BASE for the client. */
    url: origin,
    accessKeyId,
    accessKeySecret,
    /** Every message accepted, in order. */
    get accepted() {
      return state.accepted
    },
    /** Segments the account can still pay for. */
    get balance() {
      return balance
    },
    /** The last 50 API requests as they arrived. */
    get requests() {
      return state.requests
    },
    /** Every API call answered (control endpoints excluded), with its code. */
    get calls() {
      return state.calls
    },
    /** Every push made, with what the receiver answered. */
    get pushes() {
      return state.pushes
    },
    ...controls,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t)
        timers.clear()
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** Numbers a call names (for its latency and the call log). */
function numbersIn(action: string, p: Record<string, string>): number {
  if (action === 'SendSms') return (p.PhoneNumbers ?? '').split(',').filter(Boolean).length
  try {
    const v = JSON.parse(p.PhoneNumberJson ?? '[]') as unknown
    return Array.isArray(v) ? v.length : 0
  } catch {
    return 0
  }
}

export type SmsProvider = Awaited<ReturnType<typeof startSmsProvider>>

// Run on its own for development:
//   npx tsx test/support/sms-provider.ts --port 8125 [--report-url URL] [--public-url URL] [--sign-name NAME]
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`)
    return i > 0 ? process.argv[i + 1] : undefined
  }
  const { smsTemplateText, SMS_VERIFY_TEMPLATE_TEXT } = await import('../../src/channels/sms/templates')
  const linkBase = `${(arg('public-url') ?? 'http://127.0.0.1:3000').replace(/\/+$/, '')}/s/`
  const provider = await startSmsProvider({
    port: Number(arg('port') ?? 8125),
    signNames: [arg('sign-name') ?? '徐碧街道'],
    templates: [
      { code: 'SMS_100000001', text: smsTemplateText('notice', linkBase) },
      { code: 'SMS_100000002', text: smsTemplateText('urgent', linkBase) },
      { code: 'SMS_100000003', text: SMS_VERIFY_TEMPLATE_TEXT, paramMax: { code: 6 } },
      { code: 'SMS_100000004', text: smsTemplateText('change', linkBase), paramMax: { change: 2 } },
    ],
    reportUrl: arg('report-url'),
    reportDelayMs: 1000,
  })
  process.stdout.write(
    `Alibaba Cloud SMS stand-in listening on ${provider.url}\n` +
      `  SMS_API_BASE=${provider.url}\n  SMS_ACCESS_KEY_ID=${provider.accessKeyId}\n  SMS_ACCESS_KEY_SECRET=${provider.accessKeySecret}\n` +
      `  SMS_SIGN_NAME=${arg('sign-name') ?? '徐碧街道'}\n  SMS_TEMPLATE_NOTICE=SMS_100000001\n  SMS_TEMPLATE_URGENT=SMS_100000002\n  SMS_TEMPLATE_CODE=SMS_100000003\n  SMS_TEMPLATE_CHANGE=SMS_100000004\n` +
      `  (templates written for PUBLIC_URL=${linkBase.slice(0, -3)})\n` +
      `  state: GET ${provider.url}/__provider/state\n`,
  )
  const stop = () => provider.close().then(() => process.exit(0))
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}
