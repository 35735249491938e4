/**
 * A local push service (RFC 8030) on 127.0.0.1 for tests and benchmarks. For
 * each POST to a subscription's endpoint it checks, as a real push service does:
 * - the request: TTL present, Content-Encoding aes128gcm, Urgency and Topic
 *   well formed, body at most 4096 bytes;
 * - VAPID (RFC 8292): "Authorization: vapid t=<JWT>, k=<public key>", the JWT
 *   is ES256 and its signature verifies with k, aud is this service's origin,
 *   exp is in the future and at most 24 h ahead, sub is mailto: or https:;
 *   a subscription made with an applicationServerKey accepts only that k (403);
 * - the body decrypts (RFC 8291/8188 aes128gcm) with the subscription's private
 *   key and auth secret; the plaintext is recorded.
 * It answers 201 with a Location, or the failure it was told to give
 * (404/410/429 with Retry-After/500…). In sample mode (benchmarks) it checks
 * only every Nth message fully and counts the rest.
 */
import {
  createDecipheriv,
  createECDH,
  createPublicKey,
  hkdfSync,
  randomBytes,
  verify as verifySignature,
  type ECDH,
} from 'node:crypto'
import http from 'node:http'
import https from 'node:https'
import type { AddressInfo } from 'node:net'

export type TestSubscription = {
  id: string
  endpoint: string
  keys: { p256dh: string; auth: string }
  /** The user agent's ECDH key (private part), to decrypt what is sent to this subscription. */
  ecdh: ECDH
  applicationServerKey?: string
}

export type PushRecord = {
  subscriptionId: string
  /** Decrypted payload (null when this message was only counted, in sample mode). */
  payload: string | null
  ttl: number
  urgency: string
  topic?: string
  authorization: string
  jwt: { aud: string; exp: number; sub: string } | null
  at: Date
}

export type PushRejection = { subscriptionId: string; status: number; reason: string }

type Failure = { status: number; retryAfter?: string; times: number }

const b64u = (b: Buffer) => b.toString('base64url')
const fromB64u = (s: string) => Buffer.from(s, 'base64url')

/** RFC 8291 §3.4 / RFC 8188 §2: decrypt an aes128gcm push message body for a user agent. */
export function decryptAes128gcm(body: Buffer, ua: { ecdh: ECDH; auth: Buffer }): Buffer {
  if (body.length < 21) throw new Error('body shorter than the aes128gcm header')
  const salt = body.subarray(0, 16)
  const rs = body.readUInt32BE(16)
  const idlen = body[20]
  if (rs < 18) throw new Error(`record size ${rs} below 18`)
  if (idlen !== 65) throw new Error(`keyid of ${idlen} bytes: web push puts the 65-byte sender public key there`)
  const asPublic = body.subarray(21, 21 + idlen)
  const uaPublic = ua.ecdh.getPublicKey()
  const ecdhSecret = ua.ecdh.computeSecret(asPublic)
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), uaPublic, asPublic])
  const ikm = Buffer.from(hkdfSync('sha256', ecdhSecret, ua.auth, keyInfo, 32))
  const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16))
  const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12))

  const records = body.subarray(21 + idlen)
  if (!records.length) throw new Error('no record')
  const out: Buffer[] = []
  for (let at = 0, seq = 0; at < records.length; at += rs, seq++) {
    const record = records.subarray(at, at + rs)
    const last = at + rs >= records.length
    if (record.length < 17) throw new Error('record shorter than its tag')
    const iv = Buffer.from(nonce)
    iv.writeUInt32BE((iv.readUInt32BE(8) ^ seq) >>> 0, 8)
    const decipher = createDecipheriv('aes-128-gcm', cek, iv)
    decipher.setAuthTag(record.subarray(record.length - 16))
    const plain = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()])
    let end = plain.length - 1
    while (end >= 0 && plain[end] === 0) end--
    if (end < 0 || plain[end] !== (last ? 2 : 1)) throw new Error('bad padding delimiter')
    out.push(plain.subarray(0, end))
  }
  return Buffer.concat(out)
}

/** RFC 8292: parse and check "vapid t=…, k=…"; returns the claims or throws with the reason. */
export function verifyVapid(authorization: string | undefined, audience: string, now = Date.now()) {
  const m = /^vapid\s+t=([A-Za-z0-9_.-]+),\s*k=([A-Za-z0-9_-]+)$/.exec(authorization ?? '')
  if (!m) throw new Error('Authorization is not "vapid t=…, k=…"')
  const [token, k] = [m[1], m[2]]
  const key = fromB64u(k)
  if (key.length !== 65 || key[0] !== 4) throw new Error('k is not an uncompressed P-256 point')
  const parts = token.split('.')
  if (parts.length !== 3) throw new Error('t is not a JWS compact serialisation')
  const header = JSON.parse(fromB64u(parts[0]).toString('utf8'))
  if (header.alg !== 'ES256') throw new Error(`JWT alg ${header.alg}, not ES256`)
  const publicKey = createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: b64u(key.subarray(1, 33)), y: b64u(key.subarray(33)) },
    format: 'jwk',
  })
  const signed = Buffer.from(`${parts[0]}.${parts[1]}`)
  if (!verifySignature('sha256', signed, { key: publicKey, dsaEncoding: 'ieee-p1363' }, fromB64u(parts[2]))) {
    throw new Error('JWT signature does not verify with k')
  }
  const claims = JSON.parse(fromB64u(parts[1]).toString('utf8')) as { aud: string; exp: number; sub: string }
  const nowS = now / 1000
  if (claims.aud !== audience) throw new Error(`aud ${claims.aud} is not ${audience}`)
  if (!(typeof claims.exp === 'number' && claims.exp > nowS)) throw new Error('JWT expired')
  if (claims.exp > nowS + 24 * 3600 + 60) throw new Error('JWT exp more than 24 h ahead')
  if (!/^(mailto:|https:)/.test(claims.sub ?? '')) throw new Error('sub is neither mailto: nor https:')
  return { claims, k }
}

export type PushService = {
  origin: string
  subscribe(options?: { applicationServerKey?: string }): TestSubscription
  /** The subscription is gone: later pushes get 410. */
  expire(id: string): void
  /** Answer `status` (with Retry-After when given) to this subscription, `times` times (default: until reset). */
  failFor(id: string, status: number, options?: { retryAfter?: string; times?: number }): void
  /** Answer `status` to the next `times` requests, whichever subscription. */
  failNext(times: number, status: number, retryAfter?: string): void
  messages: PushRecord[]
  rejections: PushRejection[]
  stats: { received: number; accepted: number; verified: number; authorizations: Set<string> }
  reset(): void
  close(): Promise<void>
}

/**
 * verify: 'all' checks every message; { sampleEvery: n } checks one in n fully
 * (the others only for the cheap header checks) and keeps no records.
 * tls: serve https with this key and certificate instead of http.
 */
export async function startPushService(
  options: { verify?: 'all' | { sampleEvery: number }; tls?: { key: string | Buffer; cert: string | Buffer } } = {},
): Promise<PushService> {
  const sampleEvery = options.verify && options.verify !== 'all' ? Math.max(1, options.verify.sampleEvery) : 1
  const keep = sampleEvery === 1
  const subs = new Map<string, TestSubscription & { auth: Buffer; gone: boolean }>()
  const perSub = new Map<string, Failure>()
  let next: Failure[] = []
  const messages: PushRecord[] = []
  const rejections: PushRejection[] = []
  const stats = { received: 0, accepted: 0, verified: 0, authorizations: new Set<string>() }
  let origin = ''
  let seq = 0

  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size <= 8192) chunks.push(c)
    })
    req.on('end', () => {
      const id = /^\/push\/([A-Za-z0-9_-]+)$/.exec(req.url ?? '')?.[1] ?? ''
      const answer = (status: number, reason: string, headers: Record<string, string> = {}) => {
        if (status >= 300) rejections.push({ subscriptionId: id, status, reason })
        res.writeHead(status, { 'content-type': 'text/plain', ...headers }).end(status >= 300 ? reason : '')
      }
      if (req.method !== 'POST') return answer(405, 'POST only')
      stats.received++
      const sub = subs.get(id)
      if (!sub) return answer(404, 'No such subscription')
      if (sub.gone) return answer(410, 'Subscription expired')

      const injected = perSub.get(id) ?? next[0]
      if (injected) {
        injected.times--
        if (injected.times <= 0) perSub.get(id) === injected ? perSub.delete(id) : next.shift()
        return answer(injected.status, 'Injected failure', injected.retryAfter ? { 'retry-after': injected.retryAfter } : {})
      }

      const ttl = req.headers.ttl
      if (typeof ttl !== 'string' || !/^\d+$/.test(ttl)) return answer(400, 'TTL header missing or not a number')
      if (req.headers['content-encoding'] !== 'aes128gcm') return answer(400, 'Content-Encoding must be aes128gcm')
      const urgency = (req.headers.urgency as string | undefined) ?? 'normal'
      if (!['very-low', 'low', 'normal', 'high'].includes(urgency)) return answer(400, `Bad Urgency ${urgency}`)
      const topic = req.headers.topic as string | undefined
      if (topic !== undefined && !/^[A-Za-z0-9_-]{1,32}$/.test(topic)) return answer(400, 'Topic must be at most 32 URL-safe base64 characters')
      if (size > 4096) return answer(413, `Body of ${size} bytes exceeds 4096`)
      const authorization = req.headers.authorization ?? ''
      stats.authorizations.add(authorization)

      let payload: string | null = null
      let jwt: PushRecord['jwt'] = null
      if (stats.received % sampleEvery === 0 || sampleEvery === 1) {
        try {
          const { claims, k } = verifyVapid(authorization, origin)
          if (sub.applicationServerKey && sub.applicationServerKey !== k) return answer(403, 'k is not the key this subscription was made with')
          jwt = claims
        } catch (err) {
          return answer(401, (err as Error).message)
        }
        try {
          payload = decryptAes128gcm(Buffer.concat(chunks), sub).toString('utf8')
        } catch (err) {
          return answer(400, `Cannot decrypt: ${(err as Error).message}`)
        }
        stats.verified++
      }
      stats.accepted++
      const messageId = `m${++seq}`
      if (keep) messages.push({ subscriptionId: id, payload, ttl: Number(ttl), urgency, topic, authorization, jwt, at: new Date() })
      answer(201, '', { location: `${origin}/message/${messageId}` })
    })
  }

  const server = options.tls ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, handler) : http.createServer(handler)
  server.keepAliveTimeout = 30_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  origin = `${options.tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`

  return {
    origin,
    subscribe(opts = {}) {
      const ecdh = createECDH('prime256v1')
      ecdh.generateKeys()
      const auth = randomBytes(16)
      const id = randomBytes(9).toString('base64url')
      const sub = {
        id,
        endpoint: `${origin}/push/${id}`,
        keys: { p256dh: b64u(ecdh.getPublicKey()), auth: b64u(auth) },
        ecdh,
        auth,
        gone: false,
        ...(opts.applicationServerKey ? { applicationServerKey: opts.applicationServerKey } : {}),
      }
      subs.set(id, sub)
      return sub
    },
    expire(id) {
      const sub = subs.get(id)
      if (sub) sub.gone = true
    },
    failFor(id, status, opts = {}) {
      perSub.set(id, { status, retryAfter: opts.retryAfter, times: opts.times ?? Infinity })
    },
    failNext(times, status, retryAfter) {
      next.push({ status, retryAfter, times })
    },
    messages,
    rejections,
    stats,
    reset() {
      perSub.clear()
      next = []
      messages.length = 0
      rejections.length = 0
      stats.received = stats.accepted = stats.verified = 0
      stats.authorizations.clear()
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
