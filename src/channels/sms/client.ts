/**
 * Text messages through Alibaba Cloud SMS (@alicloud/dysmsapi20170525, which
 * signs each call with ACS3-HMAC-SHA256). Two calls:
 * - SendSms, one number a call: urgent notices always go this way, as the
 *   provider advises for alerts (batch calls may be delayed);
 * - SendBatchSms, up to 100 numbers a call, each with its own parameters (so
 *   each resident gets their own short link).
 *
 * A message is a template kind with parameters (the provider refuses free
 * text); prepare() normalises the number and fits the parameters to the
 * segments allowed (segments.ts) without any network traffic.
 */
import * as dysms from '@alicloud/dysmsapi20170525'

import { ChannelError, failure, isFailure, ok, type SendFailure, type SendResult } from '../types'
import { NUMBER_LEVEL_CODES, mapSmsError, smsFailure } from './errors'
import { bareSignName, fitTemplate } from './segments'
import { SMS_KINDS, SMS_RELAY_MAX_SEGMENTS, SMS_RELAY_TEMPLATE, SMS_REQUIRED_KINDS, SMS_TEMPLATES, smsRelayTemplateText, smsTemplateText, type SmsKind } from './templates'

/** The provider's endpoint; SMS_API_BASE points elsewhere (the local stand-in in tests and development). */
export const SMS_API_BASE = 'https://dysmsapi.aliyuncs.com'
/** Numbers one SendBatchSms call takes. */
export const SMS_BATCH_MAX = 100

// The SDK is CommonJS with its class on `exports.default`: Node's ESM loader hands
// over the whole exports object as the default import, vitest the class itself.
type DysmsClient = InstanceType<typeof dysms.default>
const DysmsClient = ((dysms.default as unknown as { default?: typeof dysms.default }).default ?? dysms.default) as typeof dysms.default

export type SmsConfig = {
  accessKeyId: string
  accessKeySecret: string
  /** The approved sign name (签名), with or without 【】. */
  signName: string
  /** Approved template codes per message kind (SMS_TEMPLATE_NOTICE, SMS_TEMPLATE_URGENT; SMS_TEMPLATE_CHANGE optional). */
  templates: Record<'notice' | 'urgent', string> & { change?: string | null }
  /** Where short links start, written into the templates: e.g. https://street.example/s/ */
  linkBase: string
  /** SMS_API_BASE: scheme, host and port only (default the provider's endpoint). */
  apiBase?: string
  connectTimeoutMs?: number
  readTimeoutMs?: number
  /** Segments a message may take when the message says nothing (default 1). */
  maxSegments?: number
}

export type SmsMessage = {
  /** A mainland mobile number, with or without +86/0086/86, spaces or dashes. */
  to: string
  kind: SmsKind
  /** The template's parameters (see templates.ts): notice {title, code}, urgent {title, detail, code}, change {change, title, code}. */
  params: Record<string, string | undefined>
  /** Segments this message may take (the editor's choice); its parameters are shortened to fit. */
  maxSegments?: number
}

/** A message checked and filled: what is sent, and what it costs. */
export type PreparedSms = {
  phone: string
  /** 'relay': the building heads' template (prepareRelay), sent one number a call. */
  kind: SmsKind | 'relay'
  templateCode: string
  params: Record<string, string>
  /** The message as the resident receives it, sign name first. */
  text: string
  chars: number
  segments: number
  /** Parameters that were shortened. */
  clipped: string[]
}

import { normalizeMobile } from '../../model/mobile'

// The rule lives in the model, which residents' numbers (src/subscribers/phone.ts) read without the client.
export { normalizeMobile } from '../../model/mobile'

/** A number as staff and logs may see it: 138****1234. */
export const maskMobile = (phone: string): string => (phone.length >= 11 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : '****')

/** SMS_API_BASE as the SDK wants it: a host[:port] endpoint and a protocol. */
export function smsEndpoint(apiBase: string): { endpoint: string; protocol: 'http' | 'https' } {
  let url: URL
  try {
    url = new URL(apiBase)
  } catch {
    throw new Error(`SMS_API_BASE must be a URL such as ${SMS_API_BASE}, not "${apiBase}"`)
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || (url.pathname !== '/' && url.pathname !== '') || url.search || url.username) {
    throw new Error(`SMS_API_BASE must be http(s)://host[:port] with no path, not "${apiBase}"`)
  }
  return { endpoint: url.host, protocol: url.protocol === 'https:' ? 'https' : 'http' }
}

type ProviderBody = { code?: string; message?: string; bizId?: string; requestId?: string }

export class SmsChannel {
  readonly name = 'sms' as const
  private readonly client: DysmsClient
  private readonly signName: string
  private readonly templateTexts: Record<SmsKind, string>
  private readonly maxSegments: number

  constructor(private readonly config: SmsConfig) {
    for (const key of ['accessKeyId', 'accessKeySecret', 'signName', 'linkBase'] as const) {
      if (!config[key]?.trim()) throw new Error(`SMS setting ${key} is empty`)
    }
    for (const kind of SMS_REQUIRED_KINDS) {
      if (!config.templates?.[kind as 'notice' | 'urgent']?.trim()) throw new Error(`SMS template code for "${kind}" is empty`)
    }
    this.signName = bareSignName(config.signName)
    this.templateTexts = Object.fromEntries(SMS_KINDS.map((k) => [k, smsTemplateText(k, config.linkBase)])) as Record<SmsKind, string>
    this.maxSegments = config.maxSegments ?? 1
    const { endpoint, protocol } = smsEndpoint(config.apiBase || SMS_API_BASE)
    const sdkConfig = {
      accessKeyId: config.accessKeyId,
      accessKeySecret: config.accessKeySecret,
      endpoint,
      protocol,
      connectTimeout: config.connectTimeoutMs ?? 5_000,
      readTimeout: config.readTimeoutMs ?? 10_000,
    }
    // The SDK reads its settings off the object; its Config class adds nothing a plain one lacks.
    this.client = new DysmsClient(sdkConfig as ConstructorParameters<typeof DysmsClient>[0])
  }

  /** The template text for a kind as the provider has it approved (for the docs and the publish dialog). */
  templateText(kind: SmsKind): string {
    return this.templateTexts[kind]
  }

  /** The approved template code of a kind, or null when the street has none (an optional kind). */
  templateCode(kind: SmsKind): string | null {
    return (this.config.templates as Partial<Record<SmsKind, string | null>>)[kind]?.trim() || null
  }

  /** Checks the number and fits the parameters; no network. A failure means no call would be made. */
  prepare(message: SmsMessage): PreparedSms | SendFailure {
    const phone = normalizeMobile(message.to)
    if (!phone) return failure('recipient-gone', 'invalid-number', `Not a mainland mobile number: "${maskMobile(String(message.to ?? ''))}"`)
    const def = SMS_TEMPLATES[message.kind]
    if (!def) return failure('config', 'sms.unknown-kind', `Unknown SMS kind "${message.kind}"`)
    const templateCode = this.templateCode(message.kind)
    if (!templateCode) return failure('config', 'sms.no-template', `No approved template code for SMS kind "${message.kind}"`)
    const fit = fitTemplate(this.signName, this.templateTexts[message.kind], def.params, message.params, message.maxSegments ?? this.maxSegments)
    if (!fit.ok) return failure('config', fit.code, `${fit.message} (field ${fit.field})`)
    return {
      phone,
      kind: message.kind,
      templateCode,
      params: fit.params,
      text: fit.text,
      chars: fit.chars,
      segments: fit.segments,
      clipped: fit.clipped,
    }
  }

  /**
   * A building head's message (templates.ts, SMS_RELAY_TEMPLATE) from its own
   * approved template (SMS_TEMPLATE_RELAY): the notice's title and the head's
   * short-link code, up to SMS_RELAY_MAX_SEGMENTS. No network; send it with sendPrepared.
   */
  prepareRelay(to: string, params: { title: string; code: string }, templateCode: string): PreparedSms | SendFailure {
    const phone = normalizeMobile(to)
    if (!phone) return failure('recipient-gone', 'invalid-number', `Not a mainland mobile number: "${maskMobile(String(to ?? ''))}"`)
    const fit = fitTemplate(this.signName, smsRelayTemplateText(this.config.linkBase), SMS_RELAY_TEMPLATE.params, params, SMS_RELAY_MAX_SEGMENTS)
    if (!fit.ok) return failure('config', fit.code, `${fit.message} (field ${fit.field})`)
    return { phone, kind: 'relay', templateCode, params: fit.params, text: fit.text, chars: fit.chars, segments: fit.segments, clipped: fit.clipped }
  }

  async send(message: SmsMessage, outId?: string): Promise<SendResult> {
    const prepared = this.prepare(message)
    return isFailure(prepared) ? prepared : this.sendPrepared(prepared, outId)
  }

  /** SendSms: one number, one call. `outId` comes back in the delivery report. */
  async sendPrepared(p: PreparedSms, outId?: string): Promise<SendResult> {
    const request = new dysms.SendSmsRequest({
      phoneNumbers: p.phone,
      signName: this.signName,
      templateCode: p.templateCode,
      templateParam: JSON.stringify(p.params),
      ...(outId ? { outId } : {}),
    })
    return this.answer(() => this.client.sendSms(request))
  }

  /**
   * A verification code (subscribing by mobile number, src/subscribers/smsCode.ts):
   * SendSms from its own approved template (SMS_TEMPLATE_CODE), its one
   * parameter the 6-digit code.
   */
  async sendCode(to: string, code: string, templateCode: string): Promise<SendResult> {
    const phone = normalizeMobile(to)
    if (!phone) return failure('recipient-gone', 'invalid-number', `Not a mainland mobile number: "${maskMobile(String(to ?? ''))}"`)
    if (!/^\d{4,8}$/.test(code)) return failure('config', 'sms.bad-code', 'A verification code is 4 to 8 digits')
    const request = new dysms.SendSmsRequest({ phoneNumbers: phone, signName: this.signName, templateCode, templateParam: JSON.stringify({ code }) })
    return this.answer(() => this.client.sendSms(request))
  }

  /** Prepares each message and sends the good ones (see sendPreparedBatch); results in the order given. */
  async sendBatch(messages: SmsMessage[], outId?: string): Promise<SendResult[]> {
    const prepared = messages.map((m) => this.prepare(m))
    const good = prepared.filter((p): p is PreparedSms => !isFailure(p))
    const sent = await this.sendPreparedBatch(good, outId)
    let i = 0
    return prepared.map((p) => (isFailure(p) ? p : sent[i++]))
  }

  /**
   * Up to 100 messages of one kind, one result each in the order given. Notices
   * go in one SendBatchSms call, each number with its own parameters; urgent
   * messages go one SendSms call a number, all at once. The provider refuses a
   * batch call whole, so a refusal that concerns one number (an illegal number,
   * a number over its frequency limit) is followed by one call per number, and
   * each number gets its own answer; any other refusal is every number's.
   */
  async sendPreparedBatch(list: PreparedSms[], outId?: string): Promise<SendResult[]> {
    if (!list.length) return []
    if (list.length > SMS_BATCH_MAX) throw new ChannelError('config', 'sms.batch-too-large', `SendBatchSms takes at most ${SMS_BATCH_MAX} numbers, not ${list.length}`)
    const kind = list[0].kind
    if (list.some((p) => p.kind !== kind || p.templateCode !== list[0].templateCode)) {
      throw new ChannelError('config', 'sms.batch-mixed', 'A batch holds messages of one kind (one template)')
    }
    const oneByOne = () => Promise.all(list.map((p) => this.sendPrepared(p, outId)))
    if (kind !== 'notice' || list.length === 1) return oneByOne()

    const request = new dysms.SendBatchSmsRequest({
      phoneNumberJson: JSON.stringify(list.map((p) => p.phone)),
      signNameJson: JSON.stringify(list.map(() => this.signName)),
      templateCode: list[0].templateCode,
      templateParamJson: JSON.stringify(list.map((p) => p.params)),
      ...(outId ? { outId } : {}),
    })
    const result = await this.answer(() => this.client.sendBatchSms(request))
    if (result.ok) return list.map(() => ({ ...result }))
    if (NUMBER_LEVEL_CODES.has(String(result.code))) return oneByOne()
    return list.map(() => ({ ...result }))
  }

  private async answer(call: () => Promise<{ body?: ProviderBody }>): Promise<SendResult> {
    let body: ProviderBody | undefined
    try {
      body = (await call()).body
    } catch (err) {
      return mapSmsError(err)
    }
    if (body?.code === 'OK') return ok(body.bizId)
    if (!body?.code) return failure('retryable', 'bad-response', 'SMS provider answered without a Code')
    return smsFailure(body.code, body.message ?? '')
  }

  /** Nothing to release: the SDK's HTTP client keeps its own keep-alive sockets, which close when idle. */
  async close(): Promise<void> {}
}
