import type { Response, Router } from 'express'

import { type MessageKey, t } from '../i18n/messages'
import { addPushDevice, checkPushSubscription, renewPushDevice, resolveToken } from '../subscribers/service'
import { securityHeaders } from './respond'
import { csrfValid } from './subscribeCsrf'
import { one, problemStatus, type SubscribeKit } from './subscribeKit'

/** Push devices, for the pages' scripts and the service worker: JSON answers. */
export function pushRoutes(router: Router, kit: SubscribeKit): void {
  const { payload, log, vapid, json, handle, limited, ip } = kit

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
}
