/**
 * The human check before a verification code is texted (issue 17): from the
 * second code request of a client address in an hour on, the form asks a
 * sum written in Chinese characters (“二十三加十四等于几？”), as text: it
 * needs no picture, no script and no outside service, screen readers read it
 * aloud, and it is the text alternative the MIIT elder-friendly rules ask
 * non-text checks to have.
 *
 * The question travels in a signed compact token with its nonce and a keyed
 * hash of its answer (never the answer), expires in 10 minutes, and works
 * once: its nonce is claimed in the rate-limit ledger when answered.
 */
import { randomBytes, randomInt, timingSafeEqual } from 'node:crypto'

import type { Payload } from 'payload'

import { t } from '../i18n/messages'
import { firstInWindow, ratePlacesTaken, type RateRule } from '../store/rateLimits'
import { keyedHash, signCompact, verifyCompact } from '../tokens'

export const CHALLENGE_TTL_SECONDS = 600
/** The first code request of an address in this window needs no check. */
export const FREE_REQUEST: RateRule = { limit: 1, windowMs: 3_600_000 }
const USED: RateRule = { limit: 1, windowMs: CHALLENGE_TTL_SECONDS * 1000 * 2 }

const DIGITS = '零一二三四五六七八九'

/** 0–99 in Chinese characters: 七, 十二, 二十, 四十五. */
export function chineseNumber(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > 99) throw new Error(`chineseNumber takes 0 to 99, not ${n}`)
  if (n < 10) return DIGITS[n]
  const tens = Math.floor(n / 10)
  const ones = n % 10
  return `${tens === 1 ? '' : DIGITS[tens]}十${ones ? DIGITS[ones] : ''}`
}

export type Challenge = { question: string; token: string }

const answerHash = (nonce: string, answer: number) => keyedHash('human-check', `${nonce}:${answer}`)

/** A new sum of two numbers from 10 to 49, as text, with its signed token. */
export function newChallenge(now = Date.now()): Challenge {
  const a = randomInt(10, 50)
  const b = randomInt(10, 50)
  const nonce = randomBytes(12).toString('base64url')
  return {
    question: t('subscribe.challenge.question', 'zh', { a: chineseNumber(a), b: chineseNumber(b) }),
    token: signCompact('human-check', [nonce, answerHash(nonce, a + b)], { ttlSeconds: CHALLENGE_TTL_SECONDS, now }),
  }
}

/** The answer as typed: digits, full-width digits forgiven. */
function readAnswer(input: unknown): number | null {
  if (typeof input !== 'string' || input.length > 20) return null
  const s = input.normalize('NFKC').trim()
  return /^\d{1,3}$/.test(s) ? Number(s) : null
}

export type CheckResult = 'ok' | 'missing' | 'wrong'

/** Is this token's question answered right, for the first time? A used, forged or expired token is 'wrong'. */
export async function checkChallenge(payload: Payload, token: unknown, answer: unknown, now = Date.now()): Promise<CheckResult> {
  if (!token && !answer) return 'missing'
  const v = verifyCompact(token, 'human-check', 2, now)
  const given = readAnswer(answer)
  if (!v.ok || given === null) return 'wrong'
  const [nonce, hash] = v.fields
  const a = Buffer.from(answerHash(nonce, given))
  const b = Buffer.from(hash)
  if (a.length !== b.length || !timingSafeEqual(a, b)) return 'wrong'
  // Single use: the first answer claims the nonce, in the window its expiry falls in (one window per token).
  const expiresAt = parseInt(String(token).split('.')[2], 36) * 1000
  return (await firstInWindow(payload, 'humanCheckUsed', nonce, USED, expiresAt)) ? 'ok' : 'wrong'
}

/** Has this address had its free code request in this window (so the form must show the check)? */
export async function checkNeeded(payload: Payload, clientAddress: string, now = Date.now()): Promise<boolean> {
  return (await ratePlacesTaken(payload, 'smsFreeRequest.once', clientAddress, FREE_REQUEST, now)) > 0
}

/** Take this address's free request if it is still there: true when this request needs no check. */
export const takeFreeRequest = (payload: Payload, clientAddress: string, now = Date.now()) => firstInWindow(payload, 'smsFreeRequest', clientAddress, FREE_REQUEST, now)
