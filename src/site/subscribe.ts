import express, { type NextFunction, type Request, type Response, Router } from 'express'
import type { Payload } from 'payload'

import type { SubscriberDoc } from '../model/subscribers'
import { type MessageKey, t } from '../i18n/messages'
import { readingHistory } from '../readership/history'
import { gridCookie } from '../readership/pageViews'
import { env } from '../server/env'
import { hitRateLimit, type RateRule, ruleFromEnv } from '../store/rateLimits'
import { paths } from '../templates/paths'
import { errorPage } from '../templates/site/pages'
import {
  checkMailPage,
  confirmPage,
  csrfPage,
  erasedPage,
  type FieldError,
  linkProblemPage,
  mailUnavailablePage,
  preferencesPage,
  privacyPage,
  subscribePage,
  type SubscribeValues,
  tooLargePage,
  tooManyPage,
  unsubscribeConfirmPage,
  unsubscribedPage,
} from '../templates/site/subscribe'
import type { PageContext } from '../templates/site/types'
import { MAX_TOKEN_LENGTH } from '../tokens'
import { rendered, securityHeaders, sendPage } from './respond'
import { csrfToken, csrfValid } from './subscribeCsrf'
import { mailerFromEnv, SubscriptionMails } from './subscribeMail'
import {
  addPushDevice,
  checkPushSubscription,
  confirm,
  confirmable,
  consentVersion,
  currentConsents,
  devicesOf,
  erase,
  gridById,
  gridByCode,
  gridDirectory,
  MAX_SEARCH_LENGTH,
  preferencesToken,
  removePushDevice,
  renewPushDevice,
  requestedChoices,
  resolveToken,
  resubscribe,
  savePreferences,
  searchBuildings,
  subscribe,
  unsubscribe,
  unsubscribeToken,
  validatePreferences,
  validateSubscribe,
} from '../subscribers/service'

/**
 * Residents' subscription routes: subscribe (double opt-in), confirm,
 * preferences from a signed link, one-click unsubscribe (RFC 8058), erasure,
 * push devices, and the building search.
 *
 * Abuse limits: every form carries a CSRF token bound to a cookie (no
 * JavaScript needed), bodies are small and capped, and subscribe/confirm are
 * rate-limited per IP and per address in the database (429 + Retry-After).
 * The one-click unsubscribe URL takes a POST with no cookie and no CSRF
 * token: its signed token is the authorisation, as RFC 8058 requires.
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

const one = (v: unknown): string => (typeof v === 'string' ? v : '')
const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : [])

export function createSubscribeRouter(payload: Payload, opts: SubscribeRouterOptions): SubscribeRouter {
  const router = Router() as SubscribeRouter
  const log = payload.logger.child({ component: 'subscribe' })
  const mails = opts.mails ?? new SubscriptionMails(payload, mailerFromEnv())
  router.mails = mails
  const limits: SubscribeLimits = { ...limitsFromEnv(), ...opts.limits }
  const vapid = opts.vapidPublicKey !== undefined ? opts.vapidPublicKey : env.vapidPublicKey || null
  const form = express.urlencoded({ extended: false, limit: FORM_LIMIT, parameterLimit: 60 })
  const json = express.json({ limit: '8kb' })

  if (!mails.configured) log.warn('SMTP_URL or MAIL_FROM is not set: residents cannot subscribe by email until it is')

  // ------------------------------------------------------------ helpers

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
    const directory = await gridDirectory(payload)
    const groups = directory.map((g) => ({ community: g.community, grids: g.grids.map((x) => ({ code: x.code, name: x.name })) }))
    const presetGrid = args.presetCode ? await gridByCode(payload, args.presetCode) : null
    const query = (args.query ?? '').slice(0, MAX_SEARCH_LENGTH)
    const matches = query.trim() ? await searchBuildings(payload, query) : null
    const csrf = csrfToken(req, res)
    return page(req, res, status, (ctx) =>
      subscribePage(ctx, {
        groups,
        preset: presetGrid ? { code: presetGrid.code, name: presetGrid.name, community: presetGrid.community.name } : null,
        query,
        matches,
        values: args.values ?? {},
        errors: args.errors ?? [],
        csrf,
        consent: consentTexts(),
        vapidPublicKey: vapid,
        mailAvailable: mails.configured,
      }),
    )
  }

  const gridLabelOf = async (s: SubscriberDoc) => {
    const g = await gridById(payload, typeof s.grid === 'object' ? s.grid.id : s.grid)
    return g ? { code: g.code, label: t('subscribe.gridLabel', 'zh', { code: g.code, name: g.name, community: g.community.name }) } : { code: '', label: '—' }
  }

  const problemStatus = { malformed: 400, forged: 400, expired: 410, unknown: 404, used: 409, unsubscribed: 409 } as const

  // ------------------------------------------------------------ subscribe

  router.get('/subscribe', handle(async (req, res) => {
    const code = one(req.query.grid).trim()
    const query = one(req.query.q)
    if (code) {
      const grid = code.length <= 20 ? await gridByCode(payload, code) : null
      if (!grid) {
        return renderSubscribe(req, res, 404, { errors: [{ field: 'grid', message: t('subscribe.error.gridUnknown', 'zh', { code: code.slice(0, 20) }) }] })
      }
      return renderSubscribe(req, res, 200, { presetCode: grid.code, values: { grid: grid.code } })
    }
    return renderSubscribe(req, res, 200, { query })
  }))

  router.post('/subscribe', form, handle(async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>
    if (!csrfValid(req, body.csrf)) return page(req, res, 403, csrfPage)
    if (await limited(req, res, [['subscribeIp', ip(req)]])) return
    if (!mails.configured) return page(req, res, 503, mailUnavailablePage)
    const checked = await validateSubscribe(payload, body, { pushAvailable: Boolean(vapid) })
    if (!checked.ok) {
      const values: SubscribeValues = {
        email: one(body.email).slice(0, 300),
        grid: one(body.grid).slice(0, 20),
        channels: list(body.channels),
        topics: list(body.topics),
        statistics: one(body.statistics) === 'yes',
        consent: one(body.consent) === 'yes',
      }
      const presetCode = one(body.grid) && (await gridByCode(payload, one(body.grid))) ? one(body.grid) : undefined
      return renderSubscribe(req, res, 400, { values, errors: checked.errors, presetCode })
    }
    if (await limited(req, res, [['subscribeAddress', checked.value.email]])) return
    const outcome = await subscribe(payload, checked.value, { userAgent: one(req.headers['user-agent']) })
    log.info({ kind: outcome.kind, subscriber: outcome.subscriber.id }, 'subscribe request')
    mails.sendFor(outcome)
    return page(req, res, 200, checkMailPage)
  }))

  /** Live search for the page's script: the same matches the no-script search lists. */
  router.get('/subscribe/buildings', handle(async (req, res) => {
    const q = one(req.query.q).slice(0, MAX_SEARCH_LENGTH)
    const matches = q.trim() ? await searchBuildings(payload, q) : []
    securityHeaders(res)
    res.set('Cache-Control', 'no-store').json({ matches })
  }))

  // ------------------------------------------------------------ confirm

  router.get('/subscribe/confirm', handle(async (req, res) => {
    if (await limited(req, res, [['confirmIp', ip(req)]])) return
    const token = one(req.query.t)
    const r = await resolveToken(payload, token, 'confirm')
    if (!r.ok) return page(req, res, problemStatus[r.problem], (ctx) => linkProblemPage(ctx, r.problem, 'confirm'))
    const s = r.subscriber
    if (s.status === 'active') return redirect(res, `${paths.preferences(preferencesToken(s.ref))}&m=already`)
    if (!confirmable(s, r.data)) {
      const problem = s.status === 'pending' ? 'used' : 'unsubscribed'
      return page(req, res, problemStatus[problem], (ctx) => linkProblemPage(ctx, problem, 'confirm'))
    }
    // What the confirmation will put in force: the waiting request's choices.
    const wanted = requestedChoices(s)
    const grid = await gridLabelOf({ ...s, grid: wanted.grid })
    const csrf = csrfToken(req, res)
    return page(req, res, 200, (ctx) =>
      confirmPage(ctx, { token, csrf, gridLabel: grid.label, topics: wanted.topics.map((x) => t(`topic.${x}` as MessageKey)) }),
    )
  }))

  router.post('/subscribe/confirm', form, handle(async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>
    if (!csrfValid(req, body.csrf)) return page(req, res, 403, csrfPage)
    if (await limited(req, res, [['confirmIp', ip(req)]])) return
    const r = await resolveToken(payload, one(body.t), 'confirm')
    if (!r.ok) return page(req, res, problemStatus[r.problem], (ctx) => linkProblemPage(ctx, r.problem, 'confirm'))
    if (await limited(req, res, [['confirmAddress', r.subscriber.ref]])) return
    const result = await confirm(payload, r.subscriber, r.data)
    if (result.kind === 'used' || result.kind === 'unsubscribed') {
      return page(req, res, problemStatus[result.kind], (ctx) => linkProblemPage(ctx, result.kind as 'used', 'confirm'))
    }
    log.info({ subscriber: result.subscriber.id, kind: result.kind }, 'subscription confirmed')
    return redirect(res, `${paths.preferences(preferencesToken(result.subscriber.ref))}&m=${result.kind === 'confirmed' ? 'confirmed' : 'already'}`)
  }))

  // ------------------------------------------------------------ preferences

  const MESSAGES = ['confirmed', 'saved', 'resubscribed', 'device-added', 'device-removed', 'already'] as const
  type Message = (typeof MESSAGES)[number]

  const renderPreferences = async (req: Request, res: Response, status: number, s: SubscriberDoc, token: string, message: Message | null, errors: FieldError[] = []) => {
    const statistics = Boolean(currentConsents(s).statistics?.granted)
    const [grid, devices, directory, history] = await Promise.all([
      gridLabelOf(s),
      devicesOf(payload, s),
      gridDirectory(payload),
      statistics ? readingHistory(payload, s.id) : Promise.resolve(null),
    ])
    const groups = directory.map((g) => ({ community: g.community, grids: g.grids.map((x) => ({ code: x.code, name: x.name })) }))
    const csrf = csrfToken(req, res)
    // The resident's own subscription cookie: their later visits to the site count for their grid (docs/privacy.md).
    const gridId = typeof s.grid === 'object' ? s.grid.id : s.grid
    if (gridId != null) res.append('Set-Cookie', gridCookie(String(gridId)))
    return page(req, res, status, (ctx) =>
      preferencesPage(ctx, {
        subscriber: s,
        email: s.email,
        gridCode: grid.code,
        gridLabel: grid.label,
        groups,
        devices,
        token,
        csrf,
        unsubscribeHref: paths.unsubscribe(unsubscribeToken(s.ref)),
        message,
        errors,
        vapidPublicKey: vapid,
        statistics,
        history,
        historyDays: env.readRetentionDays,
      }),
    )
  }

  router.get('/subscribe/preferences', handle(async (req, res) => {
    const token = one(req.query.t)
    const r = await resolveToken(payload, token, 'prefs')
    if (!r.ok) return page(req, res, problemStatus[r.problem], (ctx) => linkProblemPage(ctx, r.problem, 'prefs'))
    const m = one(req.query.m) as Message
    return renderPreferences(req, res, 200, r.subscriber, token, MESSAGES.includes(m) ? m : null)
  }))

  router.post('/subscribe/preferences', form, handle(async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>
    if (!csrfValid(req, body.csrf)) return page(req, res, 403, csrfPage)
    const token = one(body.t)
    const r = await resolveToken(payload, token, 'prefs')
    if (!r.ok) return page(req, res, problemStatus[r.problem], (ctx) => linkProblemPage(ctx, r.problem, 'prefs'))
    const s = r.subscriber
    const back = (m: Message) => redirect(res, `${paths.preferences(token)}&m=${m}`)
    const action = one(body.action)
    if (action === 'resubscribe') {
      if (s.status !== 'unsubscribed' && s.status !== 'suppressed') return back('already')
      await resubscribe(payload, s)
      return back('resubscribed')
    }
    if (s.status !== 'active') return renderPreferences(req, res, 409, s, token, null)
    if (action === 'remove-device') {
      const id = one(body.removeDevice)
      if (!id || id.length > 40) return renderPreferences(req, res, 400, s, token, null, [{ field: 'channels', message: t('subscribe.error.deviceUnknown') }])
      await removePushDevice(payload, s, id)
      return back('device-removed')
    }
    const checked = await validatePreferences(payload, body, s)
    if (!checked.ok) return renderPreferences(req, res, 400, s, token, null, checked.errors)
    await savePreferences(payload, s, checked.value)
    return back('saved')
  }))

  router.post('/subscribe/erase', form, handle(async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>
    if (!csrfValid(req, body.csrf)) return page(req, res, 403, csrfPage)
    const r = await resolveToken(payload, one(body.t), 'prefs')
    if (!r.ok) return page(req, res, problemStatus[r.problem], (ctx) => linkProblemPage(ctx, r.problem, 'prefs'))
    await erase(payload, r.subscriber)
    log.info({ subscriber: r.subscriber.id }, 'subscriber erased at their request')
    return page(req, res, 200, erasedPage)
  }))

  // ------------------------------------------------------------ push devices

  /** A push route's answer (pages' scripts and the service worker read it): JSON, or nothing. */
  const pushAnswer = (res: Response) => (status: number, data?: object) => {
    securityHeaders(res)
    res.status(status).set('Cache-Control', 'no-store')
    if (data) res.json(data)
    else res.end()
  }

  router.post('/subscribe/push', json, handle(async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>
    const answer = pushAnswer(res)
    if (!csrfValid(req, req.headers['x-csrf-token'])) return answer(403, { error: t('subscribe.csrf.body') })
    if (await limited(req, res, [['pushIp', ip(req)]], 'json')) return
    if (!vapid) return answer(409, { error: t('subscribe.error.pushUnavailable') })
    const r = await resolveToken(payload, body.t, 'prefs')
    if (!r.ok) return answer(problemStatus[r.problem], { error: t('subscribe.link.invalid.body') })
    if (r.subscriber.status !== 'active') return answer(409, { error: t('subscribe.prefs.inactive', 'zh', { status: t(`status.${r.subscriber.status}` as MessageKey) }) })
    const push = checkPushSubscription(body.subscription)
    if (!push) return answer(400, { error: t('subscribe.error.pushNotRegistered'), field: 'subscription' })
    await addPushDevice(payload, r.subscriber, push, one(req.headers['user-agent']))
    return answer(201, { ok: true })
  }))

  /**
   * The service worker's pushsubscriptionchange: no page, no cookie, no CSRF
   * token to show. The old endpoint is the credential (see renewPushDevice).
   */
  router.post('/subscribe/push/renew', json, handle(async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>
    const answer = pushAnswer(res)
    if (await limited(req, res, [['pushIp', ip(req)]], 'json')) return
    if (!vapid) return answer(409, { error: t('subscribe.error.pushUnavailable') })
    const fresh = checkPushSubscription(body.subscription)
    if (!fresh) return answer(400, { error: t('subscribe.push.renewInvalid'), field: 'subscription' })
    if (typeof body.old !== 'string' || !body.old || body.old.length > 2048) return answer(400, { error: t('subscribe.push.renewUnknown'), field: 'old' })
    if (!(await renewPushDevice(payload, body.old, fresh))) return answer(404, { error: t('subscribe.push.renewUnknown'), field: 'old' })
    log.info('push subscription renewed by the browser')
    return answer(204)
  }))

  // ------------------------------------------------------------ unsubscribe

  /** GET shows a button and never unsubscribes (link scanners and prefetchers follow GETs). */
  router.get('/subscribe/unsubscribe/:token', handle(async (req, res) => {
    const token = String(req.params.token)
    const r = await resolveToken(payload, token.length > MAX_TOKEN_LENGTH ? '' : token, 'unsub')
    if (!r.ok) return page(req, res, problemStatus[r.problem], (ctx) => linkProblemPage(ctx, r.problem, 'unsub'))
    if (r.subscriber.status === 'unsubscribed') return page(req, res, 200, (ctx) => unsubscribedPage(ctx, paths.preferences(preferencesToken(r.subscriber.ref))))
    return page(req, res, 200, (ctx) => unsubscribeConfirmPage(ctx, { action: paths.unsubscribe(token) }))
  }))

  /**
   * RFC 8058 one-click: a POST with no cookie (the mail client's button) or
   * from the confirm page. The signed token is the authorisation; the body
   * ("List-Unsubscribe=One-Click") is not needed and not read.
   */
  router.post('/subscribe/unsubscribe/:token', handle(async (req, res) => {
    const token = String(req.params.token)
    const r = await resolveToken(payload, token.length > MAX_TOKEN_LENGTH ? '' : token, 'unsub')
    if (!r.ok) return page(req, res, problemStatus[r.problem], (ctx) => linkProblemPage(ctx, r.problem, 'unsub'))
    await unsubscribe(payload, r.subscriber, 'link')
    log.info({ subscriber: r.subscriber.id }, 'unsubscribed by link')
    return page(req, res, 200, (ctx) => unsubscribedPage(ctx, paths.preferences(preferencesToken(r.subscriber.ref))))
  }))

  router.get('/privacy', handle(async (req, res) => page(req, res, 200, (ctx) => privacyPage(ctx, { retentionDays: env.readRetentionDays, minGroupSize: env.minGroupSize }))))

  // Oversized or unreadable bodies: a page in Chinese, not the server's plain 4xx.
  router.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    const status = (err as { status?: number }).status
    if (!req.path.startsWith('/subscribe') || typeof status !== 'number' || status < 400 || status >= 500) return next(err)
    log.warn({ status, type: (err as { type?: string }).type, url: req.path }, 'subscription request refused')
    if (status === 413) return void page(req, res, 413, tooLargePage).catch((e) => fail(req, res, e))
    return void page(req, res, 400, csrfPage).catch((e) => fail(req, res, e))
  })

  return router
}

function redirect(res: Response, location: string) {
  securityHeaders(res)
  res.set('Cache-Control', 'no-store').redirect(303, location)
}
