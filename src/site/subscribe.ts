import { type NextFunction, type Request, type Response, Router } from 'express'
import type { Payload } from 'payload'

import { type MessageKey, t } from '../i18n/messages'
import { env } from '../server/env'
import { confirm, confirmable, gridByCode, MAX_SEARCH_LENGTH, preferencesToken, requestedChoices, resolveToken, searchBuildings, subscribe, validateSubscribe } from '../subscribers/service'
import { paths } from '../templates/paths'
import { checkMailPage, confirmPage, csrfPage, linkProblemPage, mailUnavailablePage, privacyPage, type SubscribeValues, tooLargePage } from '../templates/site/subscribe'
import { rememberGrid } from './myGrid'
import { myGridOf } from './myGridCookie'
import { securityHeaders } from './respond'
import { csrfToken, csrfValid } from './subscribeCsrf'
import { list, one, problemStatus, redirect, type SubscribeRouter, type SubscribeRouterOptions, subscribeKit, subscribeValues } from './subscribeKit'
import { preferenceRoutes } from './subscribePreferences'
import { pushRoutes } from './subscribePush'
import { smsRoutes } from './subscribeSms'
import { smsSubscribeAvailable } from '../subscribers/smsCode'

export { limitsFromEnv, type SubscribeLimits, type SubscribeRouter, type SubscribeRouterOptions } from './subscribeKit'

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
export function createSubscribeRouter(payload: Payload, opts: SubscribeRouterOptions): SubscribeRouter {
  const router = Router() as SubscribeRouter
  const kit = subscribeKit(payload, opts)
  const { log, mails, vapid, form, page, fail, handle, limited, ip, renderSubscribe, gridLabelOf } = kit
  router.mails = mails
  const sms = smsRoutes(router, kit)

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
    // The grid this browser remembers (我的网格) is chosen already; the resident may pick another.
    const remembered = myGridOf(req.headers.cookie)
    return renderSubscribe(req, res, 200, { query, ...(remembered ? { values: { grid: remembered } } : {}) })
  }))

  router.post('/subscribe', form, handle(async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>
    if (!csrfValid(req, body.csrf)) return page(req, res, 403, csrfPage)
    if (await limited(req, res, [['subscribeIp', ip(req)]])) return
    const bySms = list(body.channels).includes('sms')
    if (!mails.configured && !bySms) return page(req, res, 503, mailUnavailablePage)
    const checked = await validateSubscribe(payload, body, { pushAvailable: Boolean(vapid), smsAvailable: smsSubscribeAvailable() })
    if (!checked.ok) {
      const values = subscribeValues(body)
      const presetCode = one(body.grid) && (await gridByCode(payload, one(body.grid))) ? one(body.grid) : undefined
      return renderSubscribe(req, res, 400, { values, errors: checked.errors, presetCode })
    }
    // By number: the human check, the limits, then a code texted (src/site/subscribeSms.ts).
    if (checked.sms) return sms.subscribeBySms(req, res, body, checked.sms)
    if (await limited(req, res, [['subscribeAddress', checked.value.email]])) return
    const outcome = await subscribe(payload, checked.value, { userAgent: one(req.headers['user-agent']) })
    log.info({ kind: outcome.kind, subscriber: outcome.subscriber.id }, 'subscribe request')
    mails.sendFor(outcome)
    // The grid asked for becomes this browser's 我的网格 (only its code: docs/privacy.md).
    rememberGrid(req, res, checked.value.grid.code)
    return page(req, res, 200, checkMailPage)
  }))

  /** Live search for the page's script: the same matches the no-script search lists. */
  router.get('/subscribe/buildings', handle(async (req, res) => {
    const q = one(req.query.q).slice(0, MAX_SEARCH_LENGTH)
    const search = q.trim() ? await searchBuildings(payload, q) : { found: false, why: null, message: null, matches: [] }
    securityHeaders(res)
    res.set('Cache-Control', 'no-store').json(search)
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

  preferenceRoutes(router, kit)
  pushRoutes(router, kit)

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
