import type { Request, Response, Router } from 'express'

import type { SubscriberDoc } from '../model/subscribers'
import { t } from '../i18n/messages'
import { readingHistory } from '../readership/history'
import { gridCookie } from '../readership/pageViews'
import { env } from '../server/env'
import {
  currentConsents,
  devicesOf,
  erase,
  gridDirectory,
  preferencesToken,
  removePushDevice,
  resolveToken,
  resubscribe,
  savePreferences,
  unsubscribe,
  unsubscribeToken,
  validatePreferences,
} from '../subscribers/service'
import { maskMobile, openMobile } from '../subscribers/phone'
import { paths } from '../templates/paths'
import { csrfPage, erasedPage, type FieldError, linkProblemPage, preferencesPage, unsubscribeConfirmPage, unsubscribedPage } from '../templates/site/subscribe'
import { MAX_TOKEN_LENGTH } from '../tokens'
import { rememberGrid } from './myGrid'
import { csrfToken, csrfValid } from './subscribeCsrf'
import { one, problemStatus, redirect, type SubscribeKit } from './subscribeKit'

/** 138****1234 of a resident's own number for their page; null without one (or a seal that does not open). */
function maskedOf(s: SubscriberDoc): string | null {
  if (!s.phone) return null
  try {
    return maskMobile(openMobile(s.phone))
  } catch {
    return null
  }
}

/** The routes a resident reaches from the signed links in their mail: preferences, erasure, unsubscribe (RFC 8058). */
export function preferenceRoutes(router: Router, kit: SubscribeKit): void {
  const { payload, log, vapid, form, page, handle, gridLabelOf } = kit

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
    // And their grid becomes this browser's 我的网格 (its code only), also after they change it here.
    if (grid.code) rememberGrid(req, res, grid.code)
    return page(req, res, status, (ctx) =>
      preferencesPage(ctx, {
        subscriber: s,
        email: s.email,
        mobileMasked: maskedOf(s),
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
}
