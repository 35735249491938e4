import { pbkdf2, randomBytes, randomInt, timingSafeEqual } from 'node:crypto'
import { promisify } from 'node:util'

import {
  APIError,
  AuthenticationError,
  type CollectionAfterChangeHook,
  type CollectionBeforeOperationHook,
  type CollectionBeforeValidateHook,
  type IncomingAuthType,
  type PayloadRequest,
  ValidationError,
} from 'payload'

import { sameId } from '../access'
import { langOf, type MessageKey, t } from '../i18n/messages'
import { clientAddressOf } from '../server/clientAddress'
import { env, publicUrl } from '../server/env'
import { noteOwnTransaction } from '../store/noTransaction'
import { firstInWindow, type RatePlace, type RateRule, ratePlacesTaken, releaseRatePlace, ruleFromEnv, takeRatePlace } from '../store/rateLimits'
import { staffResetMail, staffSetPasswordMail } from '../templates/email/staff'
import { keyedHash } from '../tokens'
import { audit } from './audit'
import { settingsFor } from './settings'
import { PASSWORD_MIN_LENGTH, passwordProblem, RESET_LINK_MINUTES, SET_PASSWORD_HOURS } from './staffPolicy'

/**
 * How staff accounts sign in, and what protects them (docs/deployment.md,
 * "Staff sign-in"):
 *
 * - Password rules (staffPolicy.ts) on create, change and reset. Changing
 *   one's own password needs the current one; Payload then ends the
 *   account's other sessions (all of them when an admin set it).
 * - Failed logins are limited by client address and by account and address
 *   (a window of failures each, then 429 for that address), and an account
 *   with many failures from anywhere answers only after a short backoff. No
 *   account is ever locked: an outsider's failures block the outsider's
 *   address, and the owner signing in from another address gets in after at
 *   most the backoff. Only failures count: each attempt takes its places
 *   before its password is checked (so a burst of parallel guesses cannot all
 *   be checked) and a success gives them back, so an office behind one
 *   address is never shut out by its own logins.
 * - An unknown account gets the same answer after the same work (a password
 *   hash compared against a dummy), so answers and timing do not tell which
 *   accounts exist. Failures and blocks go to the audit log.
 * - Forgot-password requests are limited per client address and per account,
 *   known or not, and answer the same for both.
 *
 * The limits apply to what arrives over HTTP (REST, GraphQL, the admin,
 * which signs in through REST). The Local API is server code, not an entry
 * point, and is not limited.
 */

type StaffDoc = { id: string | number; email?: string; name?: string; role?: string; hash?: string; salt?: string }

// ------------------------------------------------------------------ passwords

/** A password that passes the rules and nobody knows (accounts that get a set-password mail). */
export function randomPassword(): string {
  return `${randomBytes(24).toString('base64url')}a${randomInt(10)}`
}

const pbkdf2Async = promisify(pbkdf2)
// Payload's stored form (payload/dist/auth/strategies/local/generatePasswordSaltHash.js): the current
// scheme is prefixed; older hashes are plain hex (Payload rehashes them at the next login).
// test/integration/login-lock.test.ts checks that we agree with it.
const CURRENT_PREFIX = 'pbkdf2-sha256-v1:'
const schemeOf = (hash: string) =>
  hash.startsWith(CURRENT_PREFIX)
    ? { hex: hash.slice(CURRENT_PREFIX.length), iterations: 600_000, keyLength: 32 }
    : { hex: hash, iterations: 25_000, keyLength: 512 }

/** Does `password` match the account's stored hash (Payload's scheme)? Constant-time compare. */
export async function verifyPassword(doc: { hash?: unknown; salt?: unknown } | null | undefined, password: string): Promise<boolean> {
  if (typeof doc?.hash !== 'string' || typeof doc.salt !== 'string') return false
  const { hex, iterations, keyLength } = schemeOf(doc.hash)
  const stored = Buffer.from(hex, 'hex')
  const computed = await pbkdf2Async(password, doc.salt, iterations, keyLength, 'sha256')
  return stored.length === computed.length && timingSafeEqual(stored, computed)
}

/** What an unknown account's attempt is compared against: the same work as a real account's. */
let dummy: Promise<{ hash: string; salt: string }> | null = null
function dummyAccount() {
  dummy ??= (async () => {
    const salt = randomBytes(32).toString('hex')
    const key = await pbkdf2Async(randomBytes(16).toString('hex'), salt, 600_000, 32, 'sha256')
    return { hash: `${CURRENT_PREFIX}${key.toString('hex')}`, salt }
  })()
  return dummy
}
// Made once, when the config loads, so the first unknown account's attempt costs no more than later ones.
void dummyAccount()

// ------------------------------------------------------------------ limits

export type LoginLimits = { ip: RateRule; accountIp: RateRule; account: RateRule; backoffMaxMs: number }

/** Read when used (tests change them); an unreadable value throws. */
export function loginLimits(): LoginLimits {
  const backoff = env.loginBackoffMaxSeconds
  return {
    ip: ruleFromEnv('RATE_LOGIN_FAIL_IP', { limit: 20, windowMs: 900_000 }),
    accountIp: ruleFromEnv('RATE_LOGIN_FAIL_ACCOUNT_IP', { limit: 5, windowMs: 900_000 }),
    account: ruleFromEnv('RATE_LOGIN_FAIL_ACCOUNT', { limit: 10, windowMs: 900_000 }),
    backoffMaxMs: backoff * 1000,
  }
}

export function forgotLimits(): { ip: RateRule; account: RateRule } {
  return {
    ip: ruleFromEnv('RATE_FORGOT_IP', { limit: 10, windowMs: 900_000 }),
    account: ruleFromEnv('RATE_FORGOT_ACCOUNT', { limit: 5, windowMs: 3_600_000 }),
  }
}

// Read once as the config loads: an unreadable setting stops the start instead of failing every sign-in.
loginLimits()
forgotLimits()

/** Beyond the free failures, each further one doubles the wait up to the maximum; this many places are counted. */
const BACKOFF_STEPS = 8

const fromHttp = (req: PayloadRequest) => req.payloadAPI !== 'local'
const normalised = (email: unknown) => (typeof email === 'string' ? email.toLowerCase().trim() : '')
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function tooMany(req: PayloadRequest, key: MessageKey, retryAfterSeconds: number): APIError {
  const headers = req.responseHeaders ?? new Headers()
  headers.set('Retry-After', String(retryAfterSeconds))
  req.responseHeaders = headers
  return new APIError(t(key, langOf(req), { minutes: Math.max(1, Math.ceil(retryAfterSeconds / 60)) }), 429, null, true)
}

const timeOf = (seconds: number) =>
  new Date(Date.now() + seconds * 1000).toLocaleString('zh-CN', { timeZone: env.timeZone, hour12: false })

async function findStaff(req: PayloadRequest, email: string): Promise<StaffDoc | null> {
  return (await req.payload.db.findOne({ collection: 'users', where: { email: { equals: email } }, req })) as StaffDoc | null
}

/** The audit target of an attempt: the account, or a keyed mark of what was typed (never the text: it may be a password). */
function attemptTarget(user: StaffDoc | null, email: string, address: string) {
  if (user) return { target: { collection: 'users', id: user.id, title: user.name || user.email || null }, detail: t('audit.detail.from', 'zh', { address }) }
  return {
    target: { collection: 'users', id: null, title: t('audit.unknownAccount') },
    detail: t('audit.detail.unknownAccount', 'zh', { address, mark: keyedHash('audit-login', email).slice(0, 10) }),
  }
}

async function loginGate(req: PayloadRequest, data: { email?: unknown; password?: unknown }) {
  const email = normalised(data?.email)
  const password = data?.password
  // Payload answers a missing email or password itself.
  if (!email || typeof password !== 'string' || !password.trim()) return
  const { payload } = req
  const limits = loginLimits()
  const address = clientAddressOf(req)
  const now = Date.now()
  const taken: RatePlace[] = []
  const giveBack = () => Promise.all(taken.map((p) => releaseRatePlace(payload, p, req)))

  const refuse = async (name: string, subject: string, rule: RateRule, retryAfterSeconds: number, detail: string) => {
    await giveBack()
    if (await firstInWindow(payload, name, subject, rule, now, req)) {
      const user = await findStaff(req, email)
      await audit(req, 'login-blocked', attemptTarget(user, email, address ?? '-').target, detail)
      payload.logger.warn({ component: 'login', rule: name, address }, 'login limit reached')
    }
    throw tooMany(req, 'error.loginTooMany', retryAfterSeconds)
  }

  if (address) {
    const v = await takeRatePlace(payload, 'login-ip', address, limits.ip, now, req)
    if (!v.ok) return refuse('login-ip', address, limits.ip, v.retryAfterSeconds, t('audit.detail.blockedAddress', 'zh', { address, until: timeOf(v.retryAfterSeconds) }))
    taken.push(v.place)
  }
  const pair = `${email}\n${address ?? ''}`
  const v = await takeRatePlace(payload, 'login-account-ip', pair, limits.accountIp, now, req)
  if (!v.ok) {
    return refuse('login-account-ip', pair, limits.accountIp, v.retryAfterSeconds,
      t('audit.detail.blockedAccountAddress', 'zh', { address: address ?? '-', until: timeOf(v.retryAfterSeconds) }))
  }
  taken.push(v.place)

  // The account's failures from everywhere: beyond the free ones, a wait before the password is checked.
  const accountRule = { limit: limits.account.limit + BACKOFF_STEPS, windowMs: limits.account.windowMs }
  const mine = await takeRatePlace(payload, 'login-account', email, accountRule, now, req)
  if (mine.ok) taken.push(mine.place)
  const before = (await ratePlacesTaken(payload, 'login-account', email, accountRule, now)) - (mine.ok ? 1 : 0)
  const over = before - limits.account.limit
  if (over >= 0 && limits.backoffMaxMs > 0) await sleep(Math.min(limits.backoffMaxMs, 1000 * 2 ** over))

  const user = await findStaff(req, email)
  const ok = (await verifyPassword(user ?? (await dummyAccount()), password)) && user !== null
  if (ok) {
    await giveBack()
    return
  }
  const { target, detail } = attemptTarget(user, email, address ?? '-')
  await audit(req, 'login-failed', target, detail)
  throw new AuthenticationError(req.t)
}

async function forgotGate(req: PayloadRequest, data: { email?: unknown }) {
  const email = normalised(data?.email)
  if (!email) return
  const limits = forgotLimits()
  const address = clientAddressOf(req)
  // Counted for every request, known address or not, so the answer never tells them apart.
  const checks: [string, string, RateRule][] = address ? [['forgot-ip', address, limits.ip]] : []
  checks.push(['forgot-account', email, limits.account])
  for (const [name, subject, rule] of checks) {
    const verdict = await takeRatePlace(req.payload, name, subject, rule, Date.now(), req)
    if (!verdict.ok) {
      req.payload.logger.warn({ component: 'forgot-password', rule: name, address }, 'forgot-password limit reached')
      throw tooMany(req, 'error.forgotTooMany', verdict.retryAfterSeconds)
    }
  }
}

// ------------------------------------------------------------------ hooks

type Marks = { setPasswordMail?: Set<string>; passwordChanged?: Map<string, 'self' | 'admin'> }
const marks = (req: PayloadRequest) => req.context as Marks

/** Limits, password rules on reset, and the set-password choice of a new account. */
export const staffBeforeOperation: CollectionBeforeOperationHook = async ({ args, operation, req }) => {
  const a = args as { data?: Record<string, unknown> }
  if (operation === 'login' && fromHttp(req)) await loginGate(req, a.data ?? {})
  // Payload's reservation in forgotPassword writes through a view of the request: under GraphQL a view of a view.
  if (operation === 'forgotPassword') noteOwnTransaction(req)
  if (operation === 'forgotPassword' && fromHttp(req)) await forgotGate(req, a.data ?? {})
  if (operation === 'resetPassword' && typeof a.data?.password === 'string') checkPasswordRules(req, a.data.password)
  if (operation === 'create' && a.data?.sendSetPasswordMail === true) {
    // Whatever the form sent (the admin's form needs some password), the account gets one nobody knows.
    a.data.password = randomPassword()
    const m = marks(req)
    ;(m.setPasswordMail ??= new Set()).add(normalised(a.data.email))
  }
  return args
}

function checkPasswordRules(req: PayloadRequest, password: string) {
  const problem = passwordProblem(password, langOf(req))
  if (problem) throw new ValidationError({ collection: 'users', errors: [{ path: 'password', message: problem }], req }, req.t)
}

/** Password rules on create and change; one's own password changes only with the current one. */
export const staffPasswordRules: CollectionBeforeValidateHook = async ({ data, operation, originalDoc, req }) => {
  const password = (data as { password?: unknown } | undefined)?.password
  if (typeof password !== 'string' || !password) return data
  checkPasswordRules(req, password)
  if (operation !== 'update' || !originalDoc) return data
  const self = req.user?.collection === 'users' && sameId(req.user.id, originalDoc.id)
  if (self) {
    const current = (data as { currentPassword?: unknown }).currentPassword
    const fail = (key: MessageKey) => {
      throw new ValidationError({ collection: 'users', errors: [{ path: 'currentPassword', message: t(key, langOf(req)) }], req }, req.t)
    }
    if (typeof current !== 'string' || !current) fail('error.currentPasswordRequired')
    const stored = await req.payload.db.findOne({ collection: 'users', where: { id: { equals: originalDoc.id } }, req })
    if (!(await verifyPassword(stored as StaffDoc, current as string))) fail('error.currentPasswordWrong')
  }
  ;(marks(req).passwordChanged ??= new Map()).set(String(originalDoc.id), self ? 'self' : 'admin')
  return data
}

/** Audit password changes; send a new account its set-password link when the admin chose that. */
export const staffAfterChange: CollectionAfterChangeHook = async ({ doc, operation, req }) => {
  const m = marks(req)
  const changed = m.passwordChanged?.get(String(doc.id))
  if (operation === 'update' && changed) {
    m.passwordChanged!.delete(String(doc.id))
    await audit(req, 'password-change', { collection: 'users', id: doc.id, title: doc.name }, t(changed === 'self' ? 'audit.detail.passwordBySelf' : 'audit.detail.passwordByAdmin'))
  }
  const email = normalised(doc.email)
  if (operation === 'create' && m.setPasswordMail?.has(email)) {
    m.setPasswordMail.delete(email)
    await sendSetPasswordMail(req, doc as StaffDoc)
  }
  return doc
}

async function sendSetPasswordMail(req: PayloadRequest, user: StaffDoc) {
  // The same token Payload's reset page takes (20 random bytes, hex), valid longer than a forgot-password one.
  const token = randomBytes(20).toString('hex')
  await req.payload.db.updateOne({
    collection: 'users',
    id: user.id,
    data: { resetPasswordToken: token, resetPasswordExpiration: new Date(Date.now() + SET_PASSWORD_HOURS * 3_600_000).toISOString() },
    req,
    returning: false,
  })
  const lang = langOf(req)
  const mail = staffSetPasswordMail({
    name: user.name || user.email || '',
    street: (await settingsFor(req)).streetName || '',
    link: resetLink(token),
    email: user.email || '',
    role: user.role ? t(`role.${user.role}` as MessageKey, lang) : '',
    hours: SET_PASSWORD_HOURS,
    minLength: PASSWORD_MIN_LENGTH,
    lang,
  })
  await req.payload.sendEmail({ to: user.email, subject: mail.subject, html: mail.html, text: mail.text })
}

/** The admin's own reset page (Payload's `/admin/reset/:token`), at the public address. */
export const resetLink = (token: string) => `${publicUrl()}/admin/reset/${token}`

/** Payload's forgot-password mail, in Chinese from our catalogue. */
export const forgotPasswordMail: NonNullable<IncomingAuthType['forgotPassword']> = {
  expiration: RESET_LINK_MINUTES * 60_000,
  generateEmailSubject: (args) => t('mail.staff.reset.subject', langOf(args?.req), { product: t('mail.staff.product', langOf(args?.req)) }),
  generateEmailHTML: async (args) => {
    const req = args?.req as PayloadRequest | undefined
    const user = args?.user as StaffDoc | undefined
    const street = req ? (await settingsFor(req)).streetName || '' : ''
    return staffResetMail({
      name: user?.name || user?.email || '',
      street,
      link: resetLink(args?.token ?? ''),
      minutes: RESET_LINK_MINUTES,
      minLength: PASSWORD_MIN_LENGTH,
      lang: langOf(req),
    }).html
  },
}
