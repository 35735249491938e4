/**
 * Web push (RFC 8030/8291/8292) with web-push for the encryption and the VAPID
 * signature. Two things differ from web-push's own sendNotification:
 * - the VAPID Authorization header is signed once per push-service origin and
 *   reused while it is valid (a 12 h JWT, renewed an hour before it expires),
 *   instead of one ECDSA signature per message;
 * - requests go through keep-alive agents (http or https, as the endpoint says).
 * The aes128gcm encryption stays per message (each one has its own salt and key);
 * `prepareMany` does it in a thread of its own (encryptThread.ts).
 *
 * Endpoints come from residents' browsers, so every request passes the
 * outbound guard (src/lib/outbound.ts): https to a public address only, the
 * address checked when the connection is made and the socket pinned to it.
 * `trustedOrigins` (PUSH_TRUSTED_ORIGINS) name push services of our own that
 * may be plain http or private. A refused endpoint is never connected to and
 * counts as gone (the pipeline removes the device).
 */
import { createHash } from 'node:crypto'
import http from 'node:http'
import https from 'node:https'

import webpush from 'web-push'

import { checkUrl, guardedLookup, type Resolver } from '../../lib/outbound'
import { failure, isFailure, ok, parseRetryAfter, type PreparingChannel, type SendFailure, type SendResult } from '../types'
import { EncryptThread, encryptHere, type Encrypted, type EncryptJob } from './encryptThread'

/** 4096 bytes a push service must accept, less aes128gcm's header (86), padding delimiter (1) and tag (16). */
export const MAX_PUSH_PAYLOAD_BYTES = 3993

export type PushSubscription = { endpoint: string; keys: { p256dh: string; auth: string } }
export type PushNotification = { title: string; body: string; icon?: string; url: string; tag?: string }
export type Urgency = 'very-low' | 'low' | 'normal' | 'high'
export type PushMessage = {
  subscription: PushSubscription
  notification: PushNotification
  /** Seconds the push service keeps the message for an offline device (default: the channel's). */
  ttlSeconds?: number
  urgency?: Urgency
  /** Replaces an undelivered message with the same topic: one per content (see pushTopic). */
  topic?: string
}

/** A push request ready to go: encrypted body and headers, VAPID included. */
export type PreparedPush = { url: URL; headers: http.OutgoingHttpHeaders; body: Buffer }

export type WebPushConfig = {
  publicKey: string
  privateKey: string
  /** mailto: or https: contact for push services (VAPID_SUBJECT). */
  subject: string
  ttlSeconds?: number
  timeoutMs?: number
  /** Sockets per push-service origin (default 50). */
  maxSockets?: number
  vapidValiditySeconds?: number
  vapidRenewBeforeSeconds?: number
  /** Extra certificate authority to trust for https push services (a local push service in benchmarks). */
  ca?: string | Buffer
  /** Push-service origins of our own, exempt from the outbound guard (PUSH_TRUSTED_ORIGINS). */
  trustedOrigins?: readonly string[]
  /** Host name resolution for guarded connections (tests inject one; default the system's). */
  resolve?: Resolver
  /** Clock, for tests of header renewal. */
  now?: () => number
}

const ELLIPSIS = '…'
const segmenter = new Intl.Segmenter('zh', { granularity: 'grapheme' })
const graphemes = (s: string) => Array.from(segmenter.segment(s), (x) => x.segment)
const bytes = (s: string) => Buffer.byteLength(s, 'utf8')

/**
 * The notification as JSON of at most `maxBytes` UTF-8 bytes. The body is cut
 * first, then the title, each at a character (grapheme) boundary with an
 * ellipsis; url, icon and tag are never cut (a cut URL is a broken link).
 */
export function fitPushPayload(n: PushNotification, maxBytes = MAX_PUSH_PAYLOAD_BYTES): string {
  const build = (title: string, body: string) =>
    JSON.stringify({ title, body, ...(n.icon ? { icon: n.icon } : {}), url: n.url, ...(n.tag ? { tag: n.tag } : {}) })
  const full = build(n.title, n.body)
  if (bytes(full) <= maxBytes) return full

  // Largest prefix of `parts` (plus ellipsis) for which fits(text) holds: binary search, as bytes grow with length.
  const longest = (parts: string[], fits: (text: string) => boolean): string | null => {
    let lo = 0
    let hi = parts.length - 1
    let best: string | null = null
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      const text = mid === 0 ? '' : parts.slice(0, mid).join('') + ELLIPSIS
      if (fits(text)) (best = text), (lo = mid + 1)
      else hi = mid - 1
    }
    return best
  }
  const body = longest(graphemes(n.body), (b) => bytes(build(n.title, b)) <= maxBytes)
  if (body !== null) return build(n.title, body)
  const title = longest(graphemes(n.title), (t) => bytes(build(t, '')) <= maxBytes)
  if (title !== null) return build(title, '')
  throw new Error(`Push payload exceeds ${maxBytes} bytes even without title and body (url/icon/tag too long)`)
}

/** A Topic header value for a content key: its own value when already valid, else a hash of it (≤ 32 URL-safe base64 chars). */
export function pushTopic(key: string): string {
  if (/^[A-Za-z0-9_-]{1,32}$/.test(key)) return key
  return createHash('sha256').update(key).digest('base64url').slice(0, 32)
}

/**
 * Push-service answers to kinds:
 * 404/410 → recipient-gone (the subscription expired or was withdrawn);
 * 429 and 5xx → retryable, honouring Retry-After (seconds or HTTP date);
 * 400/401/403/413 and any other → config (our request, keys or payload are wrong).
 */
export function mapPushStatus(status: number, headers: http.IncomingHttpHeaders, body = ''): SendFailure {
  const message = `Push service answered ${status}${body ? `: ${body.slice(0, 300)}` : ''}`
  if (status === 404 || status === 410) return failure('recipient-gone', status, message)
  if (status === 429 || status >= 500) return failure('retryable', status, message, parseRetryAfter(headers['retry-after']))
  return failure('config', status, message)
}

const b64urlLength = (s: unknown) => (typeof s === 'string' && /^[A-Za-z0-9_-]+$/.test(s) ? Buffer.from(s, 'base64url').length : -1)

export class WebPushChannel implements PreparingChannel<PushMessage, PreparedPush> {
  readonly name = 'webpush' as const
  /** How many VAPID JWTs were signed (one per origin per validity window). */
  readonly stats = { vapidSignatures: 0 }
  private readonly config: Required<Omit<WebPushConfig, 'now' | 'ca' | 'trustedOrigins' | 'resolve'>> & { now: () => number }
  private readonly vapid = new Map<string, { header: string; exp: number }>()
  private readonly trustedOrigins: readonly string[]
  private readonly encryptThread = new EncryptThread()
  /** https: guarded (residents' push services); trustedHttps and http: only trusted origins reach them. */
  private readonly agents: { http: http.Agent; https: https.Agent; trustedHttps: https.Agent }

  constructor(config: WebPushConfig) {
    if (b64urlLength(config.publicKey) !== 65) throw new Error('VAPID_PUBLIC_KEY must be a URL-safe base64 P-256 public key (65 bytes)')
    if (b64urlLength(config.privateKey) !== 32) throw new Error('VAPID_PRIVATE_KEY must be a URL-safe base64 P-256 private key (32 bytes)')
    if (!/^(mailto:\S+@\S+|https:\/\/\S+)$/.test(config.subject)) throw new Error('VAPID_SUBJECT must be a mailto: or https: URL')
    this.config = {
      ttlSeconds: 24 * 3600,
      timeoutMs: 15_000,
      maxSockets: 50,
      vapidValiditySeconds: 12 * 3600,
      vapidRenewBeforeSeconds: 3600,
      now: Date.now,
      ...config,
    }
    this.trustedOrigins = config.trustedOrigins ?? []
    const agentOptions = { keepAlive: true, maxSockets: this.config.maxSockets }
    const tls = config.ca ? { ca: config.ca } : {}
    this.agents = {
      http: new http.Agent(agentOptions),
      // The agent's lookup is the check: a socket connects only to the addresses it approved.
      https: new https.Agent({ ...agentOptions, ...tls, lookup: guardedLookup(config.resolve) }),
      trustedHttps: new https.Agent({ ...agentOptions, ...tls }),
    }
  }

  /** The Authorization header for a push-service origin, signed again only when close to expiry. */
  vapidHeader(origin: string): string {
    const nowS = Math.floor(this.config.now() / 1000)
    const hit = this.vapid.get(origin)
    if (hit && nowS < hit.exp - this.config.vapidRenewBeforeSeconds) return hit.header
    const exp = nowS + this.config.vapidValiditySeconds
    const { Authorization } = webpush.getVapidHeaders(origin, this.config.subject, this.config.publicKey, this.config.privateKey, 'aes128gcm', exp)
    this.vapid.set(origin, { header: Authorization, exp })
    this.stats.vapidSignatures++
    return Authorization
  }

  async send(message: PushMessage): Promise<SendResult> {
    const prepared = this.prepare(message)
    return isFailure(prepared) ? prepared : this.sendPrepared(prepared)
  }

  /** Checks the subscription, fits and encrypts the payload, adds the (cached) VAPID header; no network. */
  prepare(message: PushMessage): PreparedPush | SendFailure {
    const checked = this.check(message)
    return isFailure(checked) ? checked : this.finish(checked.url, encryptHere(checked.job))
  }

  /**
   * As prepare, for many messages at once, encrypted in the channel's encryption thread: the
   * caller's thread stays free to send what is already made while these are encrypted.
   */
  async prepareMany(messages: PushMessage[]): Promise<(PreparedPush | SendFailure)[]> {
    const checked = messages.map((m) => this.check(m))
    const jobs = checked.flatMap((c) => (isFailure(c) ? [] : [c.job]))
    const encrypted = jobs.length ? await this.encryptThread.encrypt(jobs) : []
    let k = 0
    return checked.map((c) => (isFailure(c) ? c : this.finish(c.url, encrypted[k++])))
  }

  /** The subscription and its endpoint checked, the payload fitted: what encryption needs. */
  private check(message: PushMessage): { url: URL; job: EncryptJob } | SendFailure {
    const sub = message.subscription
    let url: URL
    try {
      url = new URL(sub.endpoint)
      if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('not http(s)')
      if (b64urlLength(sub.keys?.p256dh) !== 65 || b64urlLength(sub.keys?.auth) < 16) throw new Error('bad keys')
    } catch (err) {
      return failure('recipient-gone', 'invalid-subscription', `Unusable push subscription: ${(err as Error).message}`)
    }
    const target = checkUrl(url, { trustedOrigins: this.trustedOrigins })
    if (!target.ok) return refused(target.reason)
    let payload: string
    try {
      payload = fitPushPayload(message.notification)
    } catch (err) {
      return failure('config', 'invalid-push', (err as Error).message)
    }
    const options = {
      TTL: message.ttlSeconds ?? this.config.ttlSeconds,
      urgency: message.urgency ?? 'normal',
      ...(message.topic ? { topic: message.topic } : {}),
    }
    return { url, job: { subscription: { endpoint: sub.endpoint, keys: { p256dh: sub.keys.p256dh, auth: sub.keys.auth } }, payload, options } }
  }

  /** The encrypted message with the VAPID header of its origin. */
  private finish(url: URL, encrypted: Encrypted): PreparedPush | SendFailure {
    if ('error' in encrypted) return failure('config', 'invalid-push', encrypted.error)
    const headers = { ...encrypted.headers, Authorization: this.vapidHeader(url.origin) } as http.OutgoingHttpHeaders
    return { url, headers, body: encrypted.body }
  }

  sendPrepared({ url, headers, body }: PreparedPush): Promise<SendResult> {
    // Checked again here, the last step before a connection: a PreparedPush may have been made elsewhere.
    const target = checkUrl(url, { trustedOrigins: this.trustedOrigins })
    if (!target.ok) return Promise.resolve(refused(target.reason))
    return new Promise<SendResult>((resolve) => {
      const secure = url.protocol === 'https:'
      const agent = !secure ? this.agents.http : target.trusted ? this.agents.trustedHttps : this.agents.https
      const req = (secure ? https : http).request(url, { method: 'POST', headers, agent })
      req.setTimeout(this.config.timeoutMs, () => req.destroy(Object.assign(new Error('Push request timed out'), { code: 'ETIMEDOUT' })))
      req.on('error', (err: Error & { code?: string }) =>
        resolve(err.code === 'EOUTBOUNDREFUSED' ? refused(err.message) : failure('retryable', err.code || 'network', err.message)),
      )
      req.on('response', (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => body.length < 4096 && (body += chunk))
        res.on('error', (err: Error & { code?: string }) => resolve(failure('retryable', err.code || 'network', err.message)))
        res.on('end', () => {
          const status = res.statusCode ?? 0
          if (status >= 200 && status < 300) resolve(ok(typeof res.headers.location === 'string' ? res.headers.location : undefined))
          else resolve(mapPushStatus(status, res.headers, body))
        })
      })
      req.end(body)
    })
  }

  async close(): Promise<void> {
    await this.encryptThread.close()
    this.agents.http.destroy()
    this.agents.https.destroy()
    this.agents.trustedHttps.destroy()
  }
}

/** An endpoint the outbound guard refused: nothing was sent, and the device is unusable from here. */
const refused = (reason: string) => failure('recipient-gone', 'refused-address', `Push endpoint refused: ${reason}`)
