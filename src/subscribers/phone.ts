import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto'

import { normalizeMobile } from '../model/mobile'
import { phoneKey } from '../server/secret'

/**
 * Residents' mobile numbers (issue 17): one written form, stored encrypted,
 * found by a keyed hash, shown masked.
 *
 * - A number is a mainland China mobile number, kept as its 11 digits
 *   (+86, 0086, spaces and hyphens are how people type it, not part of it).
 * - At rest it is sealed with AES-256-GCM under a key derived from PHONE_KEY;
 *   each seal has its own IV, so equal numbers do not look equal.
 * - Lookups (is this number subscribed? which subscriber replied TD?) go by
 *   `phoneIndex`, an HMAC of the number under a second derived key: equal
 *   numbers give equal indexes, and the index alone does not give the number
 *   back without the key.
 * - Staff see 138****1234; only an admin's audited export opens a seal.
 */
/** The 11 digits of a mainland mobile number as typed (+86 138 0000 0000, 138-0000-0000), or null: the SMS client's rule. */
export const normaliseMobile = (input: unknown): string | null => (typeof input === 'string' ? normalizeMobile(input.trim()) : null)

/** 138****1234: what staff see of a number. */
export const maskMobile = (mobile: string) => (mobile.length === 11 ? `${mobile.slice(0, 3)}****${mobile.slice(7)}` : '****')

const SEAL_VERSION = 'v1'
let keys: { key: string; seal: Buffer; index: Buffer } | null = null

function derived() {
  const key = phoneKey()
  if (keys?.key !== key) {
    const ikm = Buffer.from(key, 'utf8')
    const derive = (info: string) => Buffer.from(hkdfSync('sha256', ikm, Buffer.alloc(0), info, 32))
    keys = { key, seal: derive('street-news phone seal'), index: derive('street-news phone index') }
  }
  return keys
}

/** The number sealed for storage: v1.<iv>.<tag>.<ciphertext>, base64url. */
export function sealMobile(mobile: string): string {
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', derived().seal, iv)
  const body = Buffer.concat([cipher.update(mobile, 'utf8'), cipher.final()])
  return [SEAL_VERSION, iv, cipher.getAuthTag(), body].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.')
}

/** The number a seal holds; throws when the seal is not ours (another key, a changed value). */
export function openMobile(sealed: string): string {
  const [version, iv, tag, body] = sealed.split('.')
  if (version !== SEAL_VERSION || !iv || !tag || body === undefined) throw new Error('not a sealed mobile number')
  const decipher = createDecipheriv('aes-256-gcm', derived().seal, Buffer.from(iv, 'base64url'))
  decipher.setAuthTag(Buffer.from(tag, 'base64url'))
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8')
}

/** The keyed hash a number is looked up by (equal numbers, equal indexes). */
export const mobileIndex = (mobile: string) => createHmac('sha256', derived().index).update(mobile).digest('base64url')
