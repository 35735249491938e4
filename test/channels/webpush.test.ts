import { execFileSync } from 'node:child_process'
import { createPrivateKey, sign } from 'node:crypto'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

import webpush from 'web-push'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'

import {
  MAX_PUSH_PAYLOAD_BYTES,
  WebPushChannel,
  fitPushPayload,
  mapPushStatus,
  pushTopic,
  type PushMessage,
} from '../../src/channels/webpush'
import { decryptAes128gcm, startPushService, verifyVapid, type PushService, type TestSubscription } from '../support/push-service'

const VAPID = webpush.generateVAPIDKeys()
const SUBJECT = 'mailto:news@street.example'
let service: PushService
let channel: WebPushChannel

const notification = { title: '停水通知', body: '明日 9:00–17:00 A-01 网格停水，请提前储水。', icon: '/icons/192.png', url: 'https://street.example/events/12' }
const push = (sub: TestSubscription, extra: Partial<PushMessage> = {}): PushMessage => ({ subscription: sub, notification, ...extra })
const bytes = (s: string) => Buffer.byteLength(s, 'utf8')
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

beforeAll(async () => {
  service = await startPushService()
  // The local push services are plain http on 127.0.0.1: each test's channel trusts exactly the ones it talks to.
  channel = new WebPushChannel({ publicKey: VAPID.publicKey, privateKey: VAPID.privateKey, subject: SUBJECT, timeoutMs: 5_000, trustedOrigins: [service.origin] })
})
afterAll(async () => {
  await channel.close()
  await service.close()
})
beforeEach(() => service.reset())

describe('the local push service', () => {
  it('decrypts what web-push encrypts (RFC 8291 aes128gcm) and refuses a tampered body', () => {
    const sub = (service.subscribe() as TestSubscription & { auth: Buffer })
    const plain = '{"title":"测试","body":"' + '长'.repeat(500) + '"}'
    const { cipherText } = webpush.encrypt(sub.keys.p256dh, sub.keys.auth, plain, 'aes128gcm')
    expect(decryptAes128gcm(cipherText, { ecdh: sub.ecdh, auth: Buffer.from(sub.keys.auth, 'base64url') }).toString('utf8')).toBe(plain)
    const tampered = Buffer.from(cipherText)
    tampered[tampered.length - 20] ^= 1
    expect(() => decryptAes128gcm(tampered, { ecdh: sub.ecdh, auth: Buffer.from(sub.keys.auth, 'base64url') })).toThrow()
  })

  it('checks the VAPID JWT: signature with k, aud, exp within 24 h, sub', () => {
    const now = Date.now()
    const exp = Math.floor(now / 1000) + 3600
    const good = webpush.getVapidHeaders(service.origin, SUBJECT, VAPID.publicKey, VAPID.privateKey, 'aes128gcm', exp).Authorization
    expect(verifyVapid(good, service.origin, now).claims).toMatchObject({ aud: service.origin, sub: SUBJECT, exp })

    const otherAud = webpush.getVapidHeaders('https://push.other.example', SUBJECT, VAPID.publicKey, VAPID.privateKey, 'aes128gcm', exp).Authorization
    expect(() => verifyVapid(otherAud, service.origin, now)).toThrow(/aud/)
    const expired = webpush.getVapidHeaders(service.origin, SUBJECT, VAPID.publicKey, VAPID.privateKey, 'aes128gcm', Math.floor(now / 1000) - 10).Authorization
    expect(() => verifyVapid(expired, service.origin, now)).toThrow(/expired/)
    const other = webpush.generateVAPIDKeys()
    const wrongKey = good.replace(/k=.*$/, `k=${other.publicKey}`)
    expect(() => verifyVapid(wrongKey, service.origin, now)).toThrow(/signature/)
    expect(() => verifyVapid('WebPush abc', service.origin, now)).toThrow(/vapid t=/)

    // A JWT more than 24 h ahead, or with an http: subject, signed by hand (web-push refuses to make them).
    const jwk = {
      kty: 'EC',
      crv: 'P-256',
      d: VAPID.privateKey,
      x: Buffer.from(VAPID.publicKey, 'base64url').subarray(1, 33).toString('base64url'),
      y: Buffer.from(VAPID.publicKey, 'base64url').subarray(33).toString('base64url'),
    }
    const signJwt = (claims: object) => {
      const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url')
      const input = `${part({ typ: 'JWT', alg: 'ES256' })}.${part(claims)}`
      const sig = sign('sha256', Buffer.from(input), { key: createPrivateKey({ key: jwk, format: 'jwk' }), dsaEncoding: 'ieee-p1363' })
      return `vapid t=${input}.${sig.toString('base64url')}, k=${VAPID.publicKey}`
    }
    expect(verifyVapid(signJwt({ aud: service.origin, exp, sub: SUBJECT }), service.origin, now).claims.exp).toBe(exp)
    expect(() => verifyVapid(signJwt({ aud: service.origin, exp: exp + 30 * 3600, sub: SUBJECT }), service.origin, now)).toThrow(/24 h/)
    expect(() => verifyVapid(signJwt({ aud: service.origin, exp, sub: 'http://street.example' }), service.origin, now)).toThrow(/sub/)
  })
})

describe('web push channel against the local push service', () => {
  it('submits an encrypted notification with TTL, urgency and topic; the service decrypts it', async () => {
    const sub = service.subscribe({ applicationServerKey: VAPID.publicKey })
    const topic = pushTopic('events:12')
    const result = await channel.send(push(sub, { ttlSeconds: 3600, urgency: 'high', topic }))
    expect(result).toMatchObject({ ok: true })
    expect(result.ok && result.providerId).toMatch(new RegExp(`^${service.origin}/message/`))
    expect(service.messages).toHaveLength(1)
    const got = service.messages[0]
    expect(JSON.parse(got.payload!)).toEqual(notification)
    expect(got).toMatchObject({ subscriptionId: sub.id, ttl: 3600, urgency: 'high', topic })
    expect(got.jwt).toMatchObject({ aud: service.origin, sub: SUBJECT })
    expect(got.jwt!.exp - Date.now() / 1000).toBeGreaterThan(11 * 3600)
    expect(got.jwt!.exp - Date.now() / 1000).toBeLessThanOrEqual(12 * 3600)
  })

  it('signs the VAPID header once per push-service origin and reuses it; the service verifies every message', async () => {
    const other = await startPushService()
    const own = new WebPushChannel({ publicKey: VAPID.publicKey, privateKey: VAPID.privateKey, subject: SUBJECT, trustedOrigins: [service.origin, other.origin] })
    try {
      const [a, b] = [service.subscribe(), service.subscribe()]
      const c = other.subscribe()
      expect((await own.send(push(a))).ok).toBe(true)
      expect((await own.send(push(b))).ok).toBe(true)
      expect((await own.send(push(a))).ok).toBe(true)
      expect((await own.send(push(c))).ok).toBe(true)
      // Same Authorization for all three messages to one origin, each verified in full; one more for the other origin.
      expect(service.stats.verified).toBe(3)
      expect(service.stats.authorizations.size).toBe(1)
      expect(new Set(service.messages.map((m) => m.authorization)).size).toBe(1)
      expect(other.stats.verified).toBe(1)
      expect(other.messages[0].authorization).not.toBe(service.messages[0].authorization)
      expect(own.stats.vapidSignatures).toBe(2)
    } finally {
      await own.close()
      await other.close()
    }
  })

  it('signs a new header an hour before the reused one expires', async () => {
    let clock = Date.now()
    const own = new WebPushChannel({ publicKey: VAPID.publicKey, privateKey: VAPID.privateKey, subject: SUBJECT, now: () => clock })
    try {
      const origin = service.origin
      const first = own.vapidHeader(origin)
      clock += 10 * 3600_000
      expect(own.vapidHeader(origin)).toBe(first)
      clock += 1 * 3600_000 + 1000 // 11 h in: within the last hour of a 12 h JWT
      const second = own.vapidHeader(origin)
      expect(second).not.toBe(first)
      expect(own.stats.vapidSignatures).toBe(2)
      expect(verifyVapid(second, origin, clock).claims.exp).toBe(Math.floor(clock / 1000) + 12 * 3600)
    } finally {
      await own.close()
    }
  })

  it('404 and 410 mean the subscription is gone', async () => {
    const sub = service.subscribe()
    const unknown = { ...sub, endpoint: `${service.origin}/push/nosuchsubscription` }
    expect(await channel.send(push(unknown))).toMatchObject({ ok: false, kind: 'recipient-gone', code: 404 })
    service.expire(sub.id)
    expect(await channel.send(push(sub))).toMatchObject({ ok: false, kind: 'recipient-gone', code: 410 })
  })

  it('429 and 5xx are retryable, honouring Retry-After in seconds or as an HTTP date', async () => {
    const sub = service.subscribe()
    service.failFor(sub.id, 429, { retryAfter: '120', times: 1 })
    expect(await channel.send(push(sub))).toMatchObject({ ok: false, kind: 'retryable', code: 429, retryAfterMs: 120_000 })
    const at = new Date(Date.now() + 90_000).toUTCString()
    service.failFor(sub.id, 503, { retryAfter: at, times: 1 })
    const unavailable = await channel.send(push(sub))
    expect(unavailable).toMatchObject({ ok: false, kind: 'retryable', code: 503 })
    const wait = unavailable.ok ? 0 : unavailable.retryAfterMs!
    expect(wait).toBeGreaterThan(85_000)
    expect(wait).toBeLessThanOrEqual(90_000)
    service.failNext(1, 500)
    const failed = await channel.send(push(sub))
    expect(failed).toMatchObject({ ok: false, kind: 'retryable', code: 500 })
    expect(failed.ok === false && failed.retryAfterMs).toBeUndefined()
    // After the faults the same subscription is served: nothing is lost.
    expect((await channel.send(push(sub))).ok).toBe(true)
    expect(service.messages).toHaveLength(1)
  })

  it('a key the subscription was not made with (403) and a JWT the service refuses (401) are configuration errors', async () => {
    const other = webpush.generateVAPIDKeys()
    const bound = service.subscribe({ applicationServerKey: other.publicKey })
    expect(await channel.send(push(bound))).toMatchObject({ ok: false, kind: 'config', code: 403 })

    // A server clock 25 h slow signs JWTs that are already expired when they arrive.
    const slow = new WebPushChannel({ publicKey: VAPID.publicKey, privateKey: VAPID.privateKey, subject: SUBJECT, now: () => Date.now() - 25 * 3600_000, trustedOrigins: [service.origin] })
    try {
      const refused = await slow.send(push(service.subscribe()))
      expect(refused).toMatchObject({ ok: false, kind: 'config', code: 401 })
      expect(service.rejections.at(-1)).toMatchObject({ status: 401, reason: 'JWT expired' })
    } finally {
      await slow.close()
    }
    expect(mapPushStatus(400, {}).kind).toBe('config')
  })

  it('keeps the payload under 3,993 bytes by cutting long Chinese text at character boundaries', async () => {
    const long = {
      title: '关于二〇二六年冬季供暖的通知',
      body: '各位居民：今年冬季供暖将于十一月十五日开始，请注意室内通风与用火安全。🏠👨‍👩‍👧'.repeat(120),
      url: 'https://street.example/policies/winter-heating',
      icon: '/icons/192.png',
      tag: 'policy-7',
    }
    const payload = fitPushPayload(long)
    expect(bytes(payload)).toBeLessThanOrEqual(MAX_PUSH_PAYLOAD_BYTES)
    expect(bytes(payload)).toBeGreaterThan(MAX_PUSH_PAYLOAD_BYTES - 40)
    const parsed = JSON.parse(payload)
    expect(parsed.title).toBe(long.title)
    expect(parsed.url).toBe(long.url)
    expect(parsed.body.endsWith('…')).toBe(true)
    expect(long.body.startsWith(parsed.body.slice(0, -1))).toBe(true)
    expect(loneSurrogate.test(parsed.body)).toBe(false)

    // A title alone too long is cut too, once the body is gone.
    const titleOnly = JSON.parse(fitPushPayload({ ...long, title: '标题'.repeat(1000), body: '正文' }))
    expect(titleOnly.body).toBe('')
    expect(titleOnly.title.endsWith('…')).toBe(true)
    expect(() => fitPushPayload({ ...long, url: `https://street.example/${'x'.repeat(4000)}` })).toThrow(/3993/)

    // Through the real service: the encrypted body fits in 4096 bytes and decrypts to the cut payload.
    const sub = service.subscribe()
    expect((await channel.send({ subscription: sub, notification: long })).ok).toBe(true)
    expect(service.messages[0].payload).toBe(payload)
    const tooLong = await channel.send({ subscription: sub, notification: { ...long, url: `https://street.example/${'x'.repeat(4000)}` } })
    expect(tooLong).toMatchObject({ ok: false, kind: 'config', code: 'invalid-push' })
  })

  it('makes topics URL-safe and at most 32 characters, and refuses a bad one before sending', async () => {
    expect(pushTopic('issue-12')).toBe('issue-12')
    const hashed = pushTopic('issues：第12期/聚焦徐碧')
    expect(hashed).toMatch(/^[A-Za-z0-9_-]{32}$/)
    expect(pushTopic('issues：第12期/聚焦徐碧')).toBe(hashed)
    const result = await channel.send(push(service.subscribe(), { topic: 'not a topic' }))
    expect(result).toMatchObject({ ok: false, kind: 'config', code: 'invalid-push' })
    expect(service.stats.received).toBe(0)
  })

  it('an unusable subscription is gone; an unreachable push service is retryable', async () => {
    const sub = service.subscribe()
    expect(await channel.send(push({ ...sub, keys: { p256dh: 'short', auth: sub.keys.auth } }))).toMatchObject({
      ok: false,
      kind: 'recipient-gone',
      code: 'invalid-subscription',
    })
    const gone = await startPushService()
    const lost = gone.subscribe()
    await gone.close()
    const own = new WebPushChannel({ publicKey: VAPID.publicKey, privateKey: VAPID.privateKey, subject: SUBJECT, trustedOrigins: [gone.origin] })
    try {
      expect(await own.send(push(lost))).toMatchObject({ ok: false, kind: 'retryable', code: 'ECONNREFUSED' })
    } finally {
      await own.close()
    }
  })

  it('in sample mode the service counts every message and fully verifies one in N', async () => {
    const bench = await startPushService({ verify: { sampleEvery: 10 } })
    const own = new WebPushChannel({ publicKey: VAPID.publicKey, privateKey: VAPID.privateKey, subject: SUBJECT, trustedOrigins: [bench.origin] })
    try {
      const subs = Array.from({ length: 5 }, () => bench.subscribe())
      const results = await Promise.all(Array.from({ length: 30 }, (_, i) => own.send(push(subs[i % 5]))))
      expect(results.every((r) => r.ok)).toBe(true)
      expect(bench.stats).toMatchObject({ received: 30, accepted: 30, verified: 3 })
      expect(bench.messages).toHaveLength(0)
    } finally {
      await own.close()
      await bench.close()
    }
  })

  it('speaks https to a push service, as real ones are (self-signed certificate trusted through `ca`)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'push-tls-'))
    const [key, cert] = [path.join(dir, 'key.pem'), path.join(dir, 'cert.pem')]
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert,
      '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' })
    const tls = await startPushService({ tls: { key: fs.readFileSync(key), cert: fs.readFileSync(cert) } })
    const own = new WebPushChannel({ publicKey: VAPID.publicKey, privateKey: VAPID.privateKey, subject: SUBJECT, ca: fs.readFileSync(cert), trustedOrigins: [tls.origin] })
    const untrusting = new WebPushChannel({ publicKey: VAPID.publicKey, privateKey: VAPID.privateKey, subject: SUBJECT, trustedOrigins: [tls.origin] })
    try {
      expect(tls.origin).toMatch(/^https:/)
      const sub = tls.subscribe()
      expect(await own.send(push(sub))).toMatchObject({ ok: true })
      expect(tls.messages[0].jwt!.aud).toBe(tls.origin)
      expect(JSON.parse(tls.messages[0].payload!)).toEqual(notification)
      // Without trusting the certificate the TLS handshake fails: a transport error, retried later.
      expect(await untrusting.send(push(sub))).toMatchObject({ ok: false, kind: 'retryable' })
      expect(tls.messages).toHaveLength(1)
    } finally {
      await own.close()
      await untrusting.close()
      await tls.close()
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it('refuses VAPID settings that cannot work', () => {
    expect(() => new WebPushChannel({ publicKey: 'abc', privateKey: VAPID.privateKey, subject: SUBJECT })).toThrow(/VAPID_PUBLIC_KEY/)
    expect(() => new WebPushChannel({ publicKey: VAPID.publicKey, privateKey: VAPID.privateKey, subject: 'street office' })).toThrow(/VAPID_SUBJECT/)
  })
})

describe('the outbound guard on push endpoints', () => {
  /** A plain TCP server on 127.0.0.1 that counts the connections it gets: the target a hostile endpoint aims at. */
  let target: net.Server
  let connections = 0
  let port = 0
  beforeAll(async () => {
    target = net.createServer((socket) => {
      connections++
      socket.destroy()
    })
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', () => resolve()))
    port = (target.address() as net.AddressInfo).port
  })
  afterAll(() => new Promise<void>((resolve) => target.close(() => resolve())))
  beforeEach(() => {
    connections = 0
  })

  /** Names an attacker controls, resolved (by the injected resolver) into our network. */
  const DNS: Record<string, string> = {
    'push.rebind.example': '127.0.0.1',
    'push.mapped.example': '::ffff:127.0.0.1',
    'push.inside.example': '10.0.0.5',
    'push.metadata.example': '169.254.169.254',
    'push.ula.example': 'fd00::1',
  }
  const resolve = async (host: string) => {
    await new Promise((r) => setImmediate(r))
    const address = DNS[host]
    if (!address) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' })
    return [{ address, family: net.isIP(address) }]
  }

  it('with no trusted origin, loopback, private and mapped endpoints and names resolving to them are refused without a connection', async () => {
    const guarded = new WebPushChannel({ publicKey: VAPID.publicKey, privateKey: VAPID.privateKey, subject: SUBJECT, resolve, timeoutMs: 5_000 })
    const sub = service.subscribe()
    const endpoints = [
      `http://127.0.0.1:${port}/push/x`,
      `https://127.0.0.1:${port}/push/x`,
      `https://[::ffff:127.0.0.1]:${port}/push/x`,
      `https://[::ffff:7f00:1]:${port}/push/x`,
      `https://2130706433:${port}/push/x`,
      `https://0x7f.1:${port}/push/x`,
      `https://localhost:${port}/push/x`,
      `https://0.0.0.0:${port}/push/x`,
      ...Object.keys(DNS).map((host) => `https://${host}:${port}/push/x`),
      // The local push service itself is no exception while it is not trusted.
      sub.endpoint,
    ]
    try {
      for (const endpoint of endpoints) {
        const result = await guarded.send(push({ ...sub, endpoint }))
        expect(result, endpoint).toMatchObject({ ok: false, kind: 'recipient-gone', code: 'refused-address' })
      }
      expect(connections).toBe(0)
      expect(service.stats.received).toBe(0)
    } finally {
      await guarded.close()
    }
  })

  it('a name that does not resolve is a temporary failure, not a refusal', async () => {
    const guarded = new WebPushChannel({ publicKey: VAPID.publicKey, privateKey: VAPID.privateKey, subject: SUBJECT, resolve })
    try {
      const sub = service.subscribe()
      expect(await guarded.send(push({ ...sub, endpoint: `https://nowhere.example:${port}/push/x` }))).toMatchObject({ ok: false, kind: 'retryable', code: 'ENOTFOUND' })
      expect(connections).toBe(0)
    } finally {
      await guarded.close()
    }
  })

  it('the trusted origin, and only it, is reached', async () => {
    const trusting = new WebPushChannel({ publicKey: VAPID.publicKey, privateKey: VAPID.privateKey, subject: SUBJECT, resolve, trustedOrigins: [service.origin] })
    try {
      const sub = service.subscribe()
      expect(await trusting.send(push(sub))).toMatchObject({ ok: true })
      expect(JSON.parse(service.messages[0].payload!)).toEqual(notification)
      expect(await trusting.send(push({ ...sub, endpoint: `http://127.0.0.1:${port}/push/x` }))).toMatchObject({ ok: false, code: 'refused-address' })
      expect(await trusting.send(push({ ...sub, endpoint: `https://push.rebind.example:${port}/push/x` }))).toMatchObject({ ok: false, code: 'refused-address' })
      expect(connections).toBe(0)
    } finally {
      await trusting.close()
    }
  })
})
