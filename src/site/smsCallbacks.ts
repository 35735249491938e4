import { timingSafeEqual, createHash } from 'node:crypto'

import express, { type NextFunction, type Request, type Response, Router } from 'express'
import type { Payload } from 'payload'

import { receiveReplies, receiveReports } from '../delivery/smsCallbacks'
import { t } from '../i18n/messages'
import { ruleFromEnv } from '../server/env'
import { smsCallbackSecret } from '../server/smsEnv'
import { hitRateLimit } from '../store/rateLimits'

/**
 * The SMS provider's HTTP push (Alibaba Cloud: 消息接收 → HTTP 批量推送):
 *
 *   POST /sms/callback/SECRET/report   delivery reports (SmsReport)
 *   POST /sms/callback/SECRET/up       residents' replies (SmsUp)
 *
 * The push is not signed, so the path's secret (SMS_CALLBACK_SECRET,
 * compared in constant time) is what tells the provider from anyone else;
 * without the secret set, or with a wrong one, the request goes on as any
 * unknown path does (404). Pushes are rate-limited per client address like the other
 * public routes. The answer is the one the provider expects: {"code":0,
 * "msg":"成功"} when taken; a body that is not a JSON array gets {"code":1}
 * (and a log line, never a stack); a failure on our side answers 500 so the
 * provider pushes again (reports are deduplicated, replies are idempotent).
 */
export const SMS_CALLBACK_PREFIX = '/sms/callback'
const BODY_LIMIT = '512kb'

const digest = (s: string) => createHash('sha256').update(s).digest()

export function createSmsCallbackRouter(payload: Payload): Router {
  const router = Router()
  const log = payload.logger.child({ route: 'sms-callback' })
  const rule = ruleFromEnv('RATE_SMS_CALLBACK_IP', { limit: 1200, windowMs: 60_000 })
  const raw = express.text({ type: () => true, limit: BODY_LIMIT })

  const answer = (res: Response, status: number, code: number, msg: string) =>
    res.status(status).set('Cache-Control', 'no-store').json({ code, msg })

  const route = (kind: 'report' | 'up') => async (req: Request, res: Response) => {
    const ip = req.ip ?? req.socket.remoteAddress ?? 'unknown'
    const verdict = await hitRateLimit(payload, 'smsCallbackIp', ip, rule)
    if (!verdict.ok) {
      log.warn({ kind, ip }, 'SMS callback rate limit reached')
      return void res.status(429).set('Retry-After', String(verdict.retryAfterSeconds)).json({ code: 1, msg: t('sms.callback.tooMany') })
    }
    let items: unknown
    try {
      items = JSON.parse(typeof req.body === 'string' ? req.body : '')
    } catch {
      items = undefined
    }
    if (!Array.isArray(items) || items.some((i) => !i || typeof i !== 'object' || Array.isArray(i))) {
      log.warn({ kind, ip, bytes: typeof req.body === 'string' ? req.body.length : 0 }, 'SMS callback: the body is not a JSON array of objects')
      return void answer(res, 200, 1, t('sms.callback.malformed'))
    }
    try {
      const list = items as Record<string, unknown>[]
      const result = await (kind === 'report' ? receiveReports(payload, list) : receiveReplies(payload, list))
      // A report that overtook its message's row: not taken, so it comes again (the rest are deduplicated then).
      if (result.early) return void answer(res, 200, 1, t('sms.callback.early'))
      answer(res, 200, 0, t('sms.callback.ok'))
    } catch (err) {
      log.error({ kind, err: (err as Error).message }, 'SMS callback failed; the provider will push again')
      answer(res, 500, 1, t('sms.callback.failed'))
    }
  }

  /** No secret set, or another one: on to the next route, so the answer is the 404 of any unknown path. */
  const secretMatches = (req: Request, _res: Response, next: NextFunction) => {
    const secret = smsCallbackSecret()
    // Equal-length digests, so the comparison takes the same time whatever was sent.
    if (secret && timingSafeEqual(digest(String(req.params.secret)), digest(secret))) return next()
    next('route')
  }
  const guard = (req: Request, res: Response, next: NextFunction) => raw(req, res, (err?: unknown) => {
    if (!err) return next()
    // Too large, or not decodable: the provider's push never is.
    log.warn({ err: (err as Error).message }, 'SMS callback: unreadable body')
    answer(res, (err as { status?: number }).status === 413 ? 413 : 200, 1, t('sms.callback.malformed'))
  })
  router.post(`${SMS_CALLBACK_PREFIX}/:secret/report`, secretMatches, guard, route('report'))
  router.post(`${SMS_CALLBACK_PREFIX}/:secret/up`, secretMatches, guard, route('up'))
  return router
}
