/**
 * Verification codes by SMS (issue 17): a resident proves a mobile number is
 * theirs by typing back a 6-digit code we texted to it. This double opt-in
 * is what confirms a subscription by number, and what opens a number-only
 * resident's preferences page.
 *
 * - A code is random (crypto.randomInt), stored only as a keyed hash bound to
 *   the subscriber (`smsCode`), expires after 10 minutes and allows 5 tries;
 *   a check is a constant-time comparison of hashes. Each try is also counted
 *   in the rate-limit ledger (an insert under a unique index, atomic on every
 *   database), so concurrent guesses cannot outrun the count either.
 * - Sending costs money and invites SMS pumping: codes are limited per number
 *   (1 a minute, 5 a day), per client address (10 an hour) and street-wide
 *   per China day (SMS_CODES_PER_DAY), in the database's rate-limit store, so
 *   the limits hold across processes. The human check (humanCheck.ts) comes
 *   before any of this.
 */
import { createHash, randomInt, timingSafeEqual } from 'node:crypto'

import type { Payload } from 'payload'

import { SmsChannel } from '../channels/sms/client'
import { isFailure } from '../channels/types'
import type { SubscriberDoc } from '../model/subscribers'
import { smsCodeLimits, smsSettings } from '../server/smsEnv'
import { hitRateLimit } from '../store/rateLimits'
import { keyedHash } from '../tokens'

export const CODE_TTL_SECONDS = 600
export const CODE_TRIES = 5
export const CODE_DIGITS = 6
/** China Standard Time is UTC+8 all year: the street's day starts at 16:00 UTC. */
const CHINA_OFFSET_MS = 8 * 3600_000
const DAY_MS = 86_400_000

/** A fresh 6-digit code (leading zeros kept). */
export const newCode = () => String(randomInt(0, 10 ** CODE_DIGITS)).padStart(CODE_DIGITS, '0')

/** The keyed hash a code is stored as, bound to one subscriber. */
export const codeHash = (ref: string, code: string) => keyedHash('sms-code', `${ref}:${code}`)

/** The fields a new code writes on the subscriber. */
export function codeFields(ref: string, code: string, now = Date.now()) {
  return { smsCode: codeHash(ref, code), smsCodeExpiresAt: new Date(now + CODE_TTL_SECONDS * 1000).toISOString(), smsCodeTries: 0 }
}

export const CLEARED_CODE = { smsCode: null, smsCodeExpiresAt: null, smsCodeTries: null }

/** The code as a resident typed it: six digits, full-width digits and spaces forgiven. */
export function readCode(input: unknown): string | null {
  if (typeof input !== 'string' || input.length > 40) return null
  const digits = input.normalize('NFKC').replace(/\s/g, '')
  return new RegExp(`^\\d{${CODE_DIGITS}}$`).test(digits) ? digits : null
}

type CodeState = Pick<SubscriberDoc, 'id' | 'ref'> & { smsCode?: string | null; smsCodeExpiresAt?: string | null; smsCodeTries?: number | null }

export type CodeCheck = { ok: true } | { ok: false; problem: 'wrong'; left: number } | { ok: false; problem: 'expired' }

/**
 * Check a typed code against the subscriber's. A wrong code uses a try; after
 * the fifth, or after 10 minutes, the code is gone and a new one must be
 * asked for. A right code is used up.
 */
export async function checkCode(payload: Payload, s: CodeState, typed: string, now = Date.now()): Promise<CodeCheck> {
  const stored = s.smsCode
  const tries = Number(s.smsCodeTries ?? 0)
  const expired = !stored || !s.smsCodeExpiresAt || new Date(s.smsCodeExpiresAt).getTime() <= now || tries >= CODE_TRIES
  if (expired) return { ok: false, problem: 'expired' }
  // Every try takes a place in the ledger first: five per code, whatever runs at once.
  const place = await hitRateLimit(payload, 'smsCodeTry', stored, { limit: CODE_TRIES, windowMs: CODE_TTL_SECONDS * 1000 * 2 }, now)
  if (!place.ok) {
    await write(payload, s.id, CLEARED_CODE)
    return { ok: false, problem: 'expired' }
  }
  const given = Buffer.from(codeHash(s.ref, typed))
  const want = Buffer.from(stored)
  const same = given.length === want.length && timingSafeEqual(given, want)
  if (same) {
    await write(payload, s.id, CLEARED_CODE)
    return { ok: true }
  }
  const used = tries + 1
  await write(payload, s.id, used >= CODE_TRIES ? CLEARED_CODE : { smsCodeTries: used })
  return used >= CODE_TRIES ? { ok: false, problem: 'expired' } : { ok: false, problem: 'wrong', left: CODE_TRIES - used }
}

async function write(payload: Payload, id: SubscriberDoc['id'], data: Record<string, unknown>) {
  await payload.update({ collection: 'subscribers', id, data: data as never, overrideAccess: true, depth: 0 })
}

export type SendLimit = { ok: true } | { ok: false; which: 'number' | 'address' | 'street'; retryAfterSeconds: number }

/**
 * May a code go to this number for this client now? Takes a place in each
 * limit that passes (a refused request still counts against its address).
 */
export async function codeSendAllowed(payload: Payload, mobile: string, clientAddress: string, now = Date.now()): Promise<SendLimit> {
  const limits = smsCodeLimits()
  const address = await hitRateLimit(payload, 'smsCodeIp', clientAddress, limits.perAddress, now)
  if (!address.ok) return { ok: false, which: 'address', retryAfterSeconds: address.retryAfterSeconds }
  const subject = createHash('sha256').update(mobile).digest('base64url')
  for (const rule of [limits.perNumberMinute, limits.perNumberDay]) {
    const v = await hitRateLimit(payload, `smsCodeNumber${rule.windowMs}`, subject, rule, now)
    if (!v.ok) return { ok: false, which: 'number', retryAfterSeconds: v.retryAfterSeconds }
  }
  // The street's day is China's: the window is counted on China time.
  const street = await hitRateLimit(payload, 'smsCodeStreet', 'street', { limit: Math.max(0, limits.streetPerDay), windowMs: DAY_MS }, now + CHINA_OFFSET_MS)
  if (!street.ok) return { ok: false, which: 'street', retryAfterSeconds: street.retryAfterSeconds }
  return { ok: true }
}

/** Can residents subscribe by number here: SMS configured with a verification template. */
export function smsSubscribeAvailable(): boolean {
  try {
    return Boolean(smsSettings()?.verifyTemplate)
  } catch {
    return false
  }
}

let channel: { key: string; sms: SmsChannel } | null = null

/** Text the code through the SMS client (SMS_API_BASE: the provider, or the local stand-in). */
export async function sendCode(mobile: string, code: string): Promise<{ ok: true } | { ok: false; code: string; kind: string }> {
  const settings = smsSettings()
  if (!settings?.verifyTemplate) return { ok: false, code: 'sms.not-configured', kind: 'config' }
  const key = JSON.stringify(settings)
  if (channel?.key !== key) {
    channel = {
      key,
      sms: new SmsChannel({
        accessKeyId: settings.accessKeyId,
        accessKeySecret: settings.accessKeySecret,
        signName: settings.signName,
        templates: settings.templates,
        linkBase: settings.linkBase,
        apiBase: settings.apiBase,
      }),
    }
  }
  const result = await channel.sms.sendCode(mobile, code, settings.verifyTemplate)
  if (isFailure(result)) return { ok: false, code: String(result.code), kind: result.kind }
  return { ok: true }
}
