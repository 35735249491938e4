import express, { type Request, type Response, type Router } from 'express'
import type { Payload } from 'payload'

import type { SubscriberDoc } from '../model/subscribers'
import { t } from '../i18n/messages'
import { env } from '../server/env'
import { hitRateLimit, type RateRule, ruleFromEnv } from '../store/rateLimits'
import { errorPage } from '../templates/site/pages'
import { type FieldError, subscribePage, type SubscribeValues, tooManyPage } from '../templates/site/subscribe'
import type { PageContext } from '../templates/site/types'
import { rendered, securityHeaders, sendPage } from './respond'
import { csrfToken } from './subscribeCsrf'
import { mailerFromEnv, SubscriptionMails } from './subscribeMail'
import { checkNeeded, newChallenge } from '../subscribers/humanCheck'
import { smsSubscribeAvailable } from '../subscribers/smsCode'
import { consentVersion, gridById, gridByCode, gridDirectory, MAX_SEARCH_LENGTH, searchBuildings } from '../subscribers/service'

/**
 * What the subscription routes (src/site/subscribe.ts, subscribePreferences.ts,
 * subscribePush.ts) share: rate limits, body parsers, the page answer, error
 * handling, and the grid label of a subscriber.
 */
export type SubscribeLimits = Record<'subscribeIp' | 'subscribeAddress' | 'confirmIp' | 'confirmAddress' | 'pushIp', RateRule>

/** Defaults; each can be set as COUNT/SECONDS in the environment (RATE_SUBSCRIBE_IP, …). */
export function limitsFromEnv(): SubscribeLimits {
  return {
    subscribeIp: ruleFromEnv('RATE_SUBSCRIBE_IP', { limit: 30, windowMs: 600_000 }),
    subscribeAddress: ruleFromEnv('RATE_SUBSCRIBE_ADDRESS', { limit: 3, windowMs: 3_600_000 }),
    confirmIp: ruleFromEnv('RATE_CONFIRM_IP', { limit: 60, windowMs: 600_000 }),
    confirmAddress: ruleFromEnv('RATE_CONFIRM_ADDRESS', { limit: 10, windowMs: 600_000 }),
    pushIp: ruleFromEnv('RATE_PUSH_IP', { limit: 30, windowMs: 600_000 }),
  }
}

export type SubscribeRouterOptions = {
  /** The page context (site settings, stylesheet, text size) as the site router builds it. */
  context: (req: Request, path: string) => Promise<PageContext>
  mails?: SubscriptionMails
  limits?: Partial<SubscribeLimits>
  vapidPublicKey?: string | null
}

export type SubscribeRouter = Router & { mails: SubscriptionMails }

const FORM_LIMIT = '16kb'

export const one = (v: unknown): string => (typeof v === 'string' ? v : '')
export const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : [])

/** The subscribe form's values as sent, cut to their fields' sizes: what the form shows again with its errors. */
export const subscribeValues = (body: Record<string, unknown>): SubscribeValues => ({
  email: one(body.email).slice(0, 300),
  mobile: one(body.mobile).slice(0, 20),
  grid: one(body.grid).slice(0, 20),
  channels: list(body.channels),
  topics: list(body.topics),
  statistics: one(body.statistics) === 'yes',
  consent: one(body.consent) === 'yes',
})

export const problemStatus = { malformed: 400, forged: 400, expired: 410, unknown: 404, used: 409, unsubscribed: 409 } as const

export function redirect(res: Response, location: string) {
  securityHeaders(res)
  res.set('Cache-Control', 'no-store').redirect(303, location)
}

export type SubscribeKit = ReturnType<typeof subscribeKit>

export function subscribeKit(payload: Payload, opts: SubscribeRouterOptions) {
  const log = payload.logger.child({ component: 'subscribe' })
  const mails = opts.mails ?? new SubscriptionMails(payload, mailerFromEnv())
  const limits: SubscribeLimits = { ...limitsFromEnv(), ...opts.limits }
  const vapid = opts.vapidPublicKey !== undefined ? opts.vapidPublicKey : env.vapidPublicKey || null
  const form = express.urlencoded({ extended: false, limit: FORM_LIMIT, parameterLimit: 60 })
  const json = express.json({ limit: '8kb' })

  if (!mails.configured) log.warn('SMTP_URL or MAIL_FROM is not set: residents cannot subscribe by email until it is')

  const page = async (req: Request, res: Response, status: number, render: (ctx: PageContext) => string, headers: Record<string, string> = {}) => {
    const ctx = await opts.context(req, req.path)
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v)
    sendPage(req, res, rendered(status, render(ctx)), { public: false })
  }

  const fail = async (req: Request, res: Response, err: unknown) => {
    log.error({ err, url: req.path }, 'subscription page failed')
    if (res.headersSent) return
    try {
      await page(req, res, 500, errorPage)
    } catch {
      securityHeaders(res)
      res.status(500).type('text/plain; charset=utf-8').send(t('site.error.body'))
    }
  }

  const handle =
    (fn: (req: Request, res: Response) => Promise<unknown>) =>
    (req: Request, res: Response): void =>
      void fn(req, res).catch((err) => fail(req, res, err))

  /** Check each rule in turn; on the first one used up, answer 429 with Retry-After and say so. */
  const limited = async (req: Request, res: Response, checks: [name: keyof SubscribeLimits, subject: string][], as: 'page' | 'json' = 'page') => {
    for (const [name, subject] of checks) {
      const verdict = await hitRateLimit(payload, name, subject, limits[name])
      if (verdict.ok) continue
      log.warn({ rule: name, ip: req.ip }, 'rate limit reached')
      const retry = String(verdict.retryAfterSeconds)
      if (as === 'json') {
        securityHeaders(res)
        res.status(429).set({ 'Retry-After': retry, 'Cache-Control': 'no-store' }).json({ error: t('subscribe.tooMany.body', 'zh', { minutes: Math.max(1, Math.ceil(verdict.retryAfterSeconds / 60)) }) })
      } else {
        await page(req, res, 429, (ctx) => tooManyPage(ctx, verdict.retryAfterSeconds), { 'Retry-After': retry })
      }
      return true
    }
    return false
  }

  const ip = (req: Request) => req.ip ?? req.socket.remoteAddress ?? 'unknown'

  const consentTexts = () => ({
    content: t('subscribe.consent.content'),
    statistics: t('subscribe.consent.statistics'),
    version: consentVersion('content'),
  })

  const renderSubscribe = async (
    req: Request,
    res: Response,
    status: number,
    args: { values?: SubscribeValues; errors?: FieldError[]; presetCode?: string; query?: string },
  ) => {
    // SMS is offered when configured; past this address's first code request the form carries the human check.
    const sms = smsSubscribeAvailable() ? { challenge: (await checkNeeded(payload, ip(req))) ? newChallenge() : null } : null
    const directory = await gridDirectory(payload)
    const groups = directory.map((g) => ({ community: g.community, grids: g.grids.map((x) => ({ code: x.code, name: x.name })) }))
    const presetGrid = args.presetCode ? await gridByCode(payload, args.presetCode) : null
    const query = (args.query ?? '').slice(0, MAX_SEARCH_LENGTH)
    const search = query.trim() ? await searchBuildings(payload, query) : null
    const csrf = csrfToken(req, res)
    return page(req, res, status, (ctx) =>
      subscribePage(ctx, {
        groups,
        preset: presetGrid ? { code: presetGrid.code, name: presetGrid.name, community: presetGrid.community.name } : null,
        query,
        search,
        values: args.values ?? {},
        errors: args.errors ?? [],
        csrf,
        consent: consentTexts(),
        vapidPublicKey: vapid,
        mailAvailable: mails.configured,
        sms,
      }),
    )
  }

  const gridLabelOf = async (s: SubscriberDoc) => {
    const g = await gridById(payload, typeof s.grid === 'object' ? s.grid.id : s.grid)
    return g ? { code: g.code, label: t('subscribe.gridLabel', 'zh', { code: g.code, name: g.name, community: g.community.name }) } : { code: '', label: '—' }
  }



  return { payload, log, mails, limits, vapid, form, json, page, fail, handle, limited, ip, consentTexts, renderSubscribe, gridLabelOf }
}
