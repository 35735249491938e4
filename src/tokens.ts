import { createCipheriv, createDecipheriv, createHmac, timingSafeEqual } from 'node:crypto'

import { payloadSecret } from './server/secret'

/**
 * Signed tokens for links that leave the server (confirm, preferences,
 * unsubscribe; tracking links can use the same): a small JSON body and an
 * HMAC-SHA256 tag under a key derived from PAYLOAD_SECRET, bound to a
 * purpose so a token made for one use is refused for every other.
 *
 *   token = base64url(JSON {p, s, e?, d?}) "." base64url(tag[0..16))
 *
 * The body is signed, not encrypted: never put a secret or an address in it.
 * Subjects are opaque references (a subscriber's random ref), not addresses.
 */
export type TokenBody = {
  /** Purpose: 'confirm', 'prefs', 'unsub', … */
  p: string
  /** Subject the token speaks for. */
  s: string
  /** Expiry, seconds since the epoch; absent = never expires. */
  e?: number
  /** Extra signed data (a nonce, a content id). */
  d?: string
}

export type Verified = { ok: true; subject: string; data?: string; expiresAt?: Date }
/** Why a token was refused: unreadable, signature wrong (altered or forged), or out of date. */
export type Refused = { ok: false; reason: 'malformed' | 'forged' | 'expired' }

const TAG_BYTES = 16
/** Tokens longer than this are refused unread (they come from URLs and forms). */
export const MAX_TOKEN_LENGTH = 600

let cachedKey: { secret: string; key: Buffer } | null = null

/** The signing key: derived from PAYLOAD_SECRET, so session secrets and link tags never share a key. */
function key(): Buffer {
  const secret = payloadSecret()
  if (cachedKey?.secret !== secret) {
    cachedKey = { secret, key: createHmac('sha256', secret).update('street-news/tokens/v1').digest() }
  }
  return cachedKey.key
}

const tag = (body: string) => createHmac('sha256', key()).update(body).digest().subarray(0, TAG_BYTES)

/** A keyed hash for values we must match but not store (an address in a rate-limit key). */
export function keyedHash(purpose: string, value: string): string {
  return createHmac('sha256', key()).update(`${purpose}\u0000${value}`).digest('base64url').slice(0, 32)
}

export function signToken(purpose: string, subject: string, opts: { ttlSeconds?: number; data?: string; now?: number } = {}): string {
  const body: TokenBody = { p: purpose, s: subject }
  if (opts.ttlSeconds !== undefined) body.e = Math.floor((opts.now ?? Date.now()) / 1000) + opts.ttlSeconds
  if (opts.data !== undefined) body.d = opts.data
  const encoded = Buffer.from(JSON.stringify(body)).toString('base64url')
  return `${encoded}.${tag(encoded).toString('base64url')}`
}

/**
 * Check a token for one purpose. The tag is compared in constant time, and
 * expiry is only reported for a genuine token (a forged one says nothing).
 */
export function verifyToken(token: unknown, purpose: string, now = Date.now()): Verified | Refused {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'malformed' }
  const m = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(token)
  if (!m) return { ok: false, reason: 'malformed' }
  // Compare the tag as text, not as decoded bytes: base64url's last character
  // carries spare bits, so a decoded comparison accepts altered spellings.
  const given = Buffer.from(m[2])
  const expected = Buffer.from(tag(m[1]).toString('base64url'))
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'forged' }
  let body: TokenBody
  try {
    body = JSON.parse(Buffer.from(m[1], 'base64url').toString('utf8')) as TokenBody
  } catch {
    return { ok: false, reason: 'malformed' }
  }
  if (!body || typeof body.s !== 'string' || typeof body.p !== 'string') return { ok: false, reason: 'malformed' }
  // A genuine token made for another purpose is, for this purpose, a forgery.
  if (body.p !== purpose) return { ok: false, reason: 'forged' }
  if (body.e !== undefined && (typeof body.e !== 'number' || body.e * 1000 <= now)) return { ok: false, reason: 'expired' }
  const out: Verified = { ok: true, subject: body.s }
  if (typeof body.d === 'string') out.data = body.d
  if (typeof body.e === 'number') out.expiresAt = new Date(body.e * 1000)
  return out
}

/**
 * Compact tokens, for URLs that must stay short (tracking links, QR codes):
 * the same key and HMAC as above, the purpose bound into the tag instead of
 * written in the body, and the body plain dot-separated fields.
 *
 *   token = field1 "." field2 … "." expiry(base36 seconds, or empty) "." base64url(tag[0..12))
 *
 * Fields may hold only [A-Za-z0-9_-] (ids, base64url keys). Like the JSON
 * tokens, the body is signed, not encrypted.
 */
const COMPACT_TAG_BYTES = 12
const FIELD = /^[A-Za-z0-9_-]*$/

const compactMac = (purpose: string, body: string) => createHmac('sha256', key()).update(`compact\u0000${purpose}\u0000${body}`).digest()

export type CompactVerified = { ok: true; fields: string[] }
type CompactCrypto = { createHmac: typeof createHmac; timingSafeEqual: typeof timingSafeEqual }

export function signCompact(purpose: string, fields: string[], opts: { ttlSeconds?: number; now?: number } = {}): string {
  for (const f of fields) if (!FIELD.test(f)) throw new Error(`compact token field "${f}" holds a character outside [A-Za-z0-9_-]`)
  const expiry = opts.ttlSeconds === undefined ? '' : (Math.floor((opts.now ?? Date.now()) / 1000) + opts.ttlSeconds).toString(36)
  const body = [...fields, expiry].join('.')
  return `${body}.${compactMac(purpose, body).subarray(0, COMPACT_TAG_BYTES).toString('base64url')}`
}

/**
 * The compact-token check: the fields (without the expiry), or why not. It
 * uses nothing but its arguments, so the read-event writer thread runs this
 * very function from its source text to check open-pixel tokens off the
 * request thread (src/readership/sqliteWriter.ts); hence the literals:
 * 600 is MAX_TOKEN_LENGTH, and a 12-byte tag is exactly 16 base64url
 * characters (no spare bits, so a tag has one spelling and is compared as
 * bytes, in constant time).
 */
export function checkCompact(
  crypto: CompactCrypto,
  key: Uint8Array,
  token: unknown,
  purpose: string,
  count: number,
  now: number,
): string[] | Refused['reason'] {
  if (typeof token !== 'string' || token.length > 600 || !/^[A-Za-z0-9_.-]+$/.test(token)) return 'malformed'
  const dot = token.lastIndexOf('.')
  if (token.length - dot - 1 !== 16) return 'malformed'
  const body = token.slice(0, dot)
  const fields = body.split('.')
  if (fields.length !== count + 1) return 'malformed'
  const given = Buffer.from(token.slice(dot + 1), 'base64url')
  const mac = crypto.createHmac('sha256', key).update('compact\u0000' + purpose + '\u0000' + body).digest()
  if (given.length !== 12 || !crypto.timingSafeEqual(given, mac.subarray(0, 12))) return 'forged'
  const expiry = fields.pop()
  if (expiry && !(parseInt(expiry, 36) * 1000 > now)) return 'expired'
  return fields
}

const nodeCrypto: CompactCrypto = { createHmac, timingSafeEqual }

/** The key compact tokens are checked with, for the writer thread (never leaves the process). */
export const compactKey = (): Buffer => key()

/** Check a compact token of `count` fields for one purpose. */
export function verifyCompact(token: unknown, purpose: string, count: number, now = Date.now()): CompactVerified | Refused {
  const r = checkCompact(nodeCrypto, key(), token, purpose, count, now)
  return typeof r === 'string' ? { ok: false, reason: r } : { ok: true, fields: r }
}

/**
 * A subscriber's ref sealed for one place in a link (a purpose, and a content
 * for tracking links), so that links carry no ref in clear: the body of a
 * signed token is readable by anyone holding the link, and a ref read from a
 * forwarded link would tie that resident's reads together. Deterministic
 * (AES-256-CTR with a synthetic IV, the HMAC of the context and the ref, as
 * in SIV), so the same link is the same every time; a different context gives
 * a value that cannot be matched to it. Opening checks the IV again, so an
 * altered value opens to nothing.
 *
 *   sealed = base64url(iv[16] || AES-CTR(encKey, iv, ref))
 */
const SEAL_IV = 16
let sealKeys: { secret: string; mac: Buffer; enc: Buffer } | null = null
function sealKey() {
  const secret = payloadSecret()
  if (sealKeys?.secret !== secret) {
    sealKeys = {
      secret,
      mac: createHmac('sha256', key()).update('street-news/seal-iv/v1').digest(),
      enc: createHmac('sha256', key()).update('street-news/seal-enc/v1').digest(),
    }
  }
  return sealKeys
}

const sealIv = (context: string, ref: string) => createHmac('sha256', sealKey().mac).update(`${context}\u0000${ref}`).digest().subarray(0, SEAL_IV)

export function sealRef(context: string, ref: string): string {
  const iv = sealIv(context, ref)
  const c = createCipheriv('aes-256-ctr', sealKey().enc, iv)
  return Buffer.concat([iv, c.update(ref, 'utf8'), c.final()]).toString('base64url')
}

/** The ref a sealed value holds for this context, or null (altered, another context, or not sealed at all). */
export function openRef(context: string, sealed: unknown): string | null {
  if (typeof sealed !== 'string' || sealed.length > 200 || !/^[A-Za-z0-9_-]+$/.test(sealed)) return null
  const raw = Buffer.from(sealed, 'base64url')
  if (raw.length <= SEAL_IV) return null
  const iv = raw.subarray(0, SEAL_IV)
  const d = createDecipheriv('aes-256-ctr', sealKey().enc, iv)
  const ref = Buffer.concat([d.update(raw.subarray(SEAL_IV)), d.final()]).toString('utf8')
  return timingSafeEqual(iv, sealIv(context, ref)) ? ref : null
}
