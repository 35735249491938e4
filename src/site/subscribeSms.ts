import type { Request, Response, Router } from 'express'

import { t } from '../i18n/messages'
import type { SubscriberDoc } from '../model/subscribers'
import { checkChallenge, checkNeeded, newChallenge, takeFreeRequest } from '../subscribers/humanCheck'
import { maskMobile, mobileIndex, normaliseMobile, openMobile } from '../subscribers/phone'
import { preferencesToken } from '../subscribers/service'
import { checkCode, CODE_TTL_SECONDS, codeSendAllowed, readCode, sendCode, smsSubscribeAvailable } from '../subscribers/smsCode'
import { confirmByCode, findByIndex, manageCode, requestBySms } from '../subscribers/smsSubscribe'
import type { SmsSubscribeInput } from '../subscribers/validate'
import { paths } from '../templates/paths'
import { csrfPage } from '../templates/site/subscribe'
import { codePage, managePage } from '../templates/site/subscribeSms'
import { tooManyPage, type FieldError, type SubscribeValues } from '../templates/site/subscribe'
import { signCompact, verifyCompact } from '../tokens'
import { csrfToken, csrfValid } from './subscribeCsrf'
import { list, one, redirect, type SubscribeKit, subscribeValues } from './subscribeKit'

/**
 * Subscribing and managing by mobile number (issue 17), without JavaScript:
 *
 *   POST /subscribe (channels=sms)  → human check (past the address's first request) → limits → code texted → code page
 *   GET|POST /subscribe/sms/manage  → the same for a number already subscribed → code page
 *   POST /subscribe/sms/code        → the code: confirms the request, or opens the preferences page
 *
 * The code page names the number by a signed token of its keyed index and
 * the purpose, valid as long as a code is; the number itself is shown masked.
 */
type Purpose = 'sub' | 'manage'

const codeToken = (index: string, purpose: Purpose) => signCompact('sms-code', [index, purpose], { ttlSeconds: CODE_TTL_SECONDS })

export function smsRoutes(router: Router, kit: SubscribeKit) {
  const { payload, log, form, page, handle, limited, ip, renderSubscribe } = kit

  const showCode = (req: Request, res: Response, status: number, v: { mobile: string; token: string; purpose: Purpose; errors?: FieldError[] }) => {
    const csrf = csrfToken(req, res)
    const againHref = v.purpose === 'sub' ? '/subscribe' : '/subscribe/sms/manage'
    return page(req, res, status, (ctx) => codePage(ctx, { masked: maskMobile(v.mobile), token: v.token, csrf, errors: v.errors ?? [], againHref }))
  }

  /**
   * Before a code goes out: the human check (past this address's first
   * request in the hour), then the limits per address, number and street
   * day. Answers the page itself and returns false when the code may not go.
   */
  const mayText = async (req: Request, res: Response, body: Record<string, unknown>, mobile: string, again: (status: number, errors: FieldError[]) => Promise<unknown>) => {
    if (!(await takeFreeRequest(payload, ip(req)))) {
      const answer = await checkChallenge(payload, body.challenge, body.answer)
      if (answer !== 'ok') {
        await again(400, [{ field: 'challenge', message: t(answer === 'missing' ? 'subscribe.error.challengeRequired' : 'subscribe.error.challengeWrong') }])
        return false
      }
    }
    const allowed = await codeSendAllowed(payload, mobile, ip(req))
    if (allowed.ok) return true
    log.warn({ limit: allowed.which, ip: req.ip }, 'verification code refused by a limit')
    const minutes = Math.max(1, Math.ceil(allowed.retryAfterSeconds / 60))
    res.setHeader('Retry-After', String(allowed.retryAfterSeconds))
    if (allowed.which === 'address') await page(req, res, 429, (ctx) => tooManyPage(ctx, allowed.retryAfterSeconds))
    else await again(429, [{ field: 'mobile', message: allowed.which === 'number' ? t('subscribe.error.numberLimit', 'zh', { minutes }) : t('subscribe.error.streetLimit') }])
    return false
  }

  const text = async (mobile: string, code: string, subscriber: SubscriberDoc): Promise<FieldError | null> => {
    const sent = await sendCode(mobile, code)
    if (sent.ok) {
      log.info({ subscriber: subscriber.id }, 'verification code texted')
      return null
    }
    log.warn({ subscriber: subscriber.id, code: sent.code, kind: sent.kind }, 'verification code not texted')
    return { field: 'mobile', message: t('subscribe.error.sendFailed', 'zh', { reason: sent.code }) }
  }

  /** POST /subscribe with SMS chosen and the form valid. */
  const subscribeBySms = async (req: Request, res: Response, body: Record<string, unknown>, input: SmsSubscribeInput) => {
    const values = subscribeValues(body)
    const again = (status: number, errors: FieldError[]) => renderSubscribe(req, res, status, { values, errors, presetCode: one(body.grid) || undefined })
    if (!(await mayText(req, res, body, input.mobile, again))) return
    const { subscriber, code } = await requestBySms(payload, input)
    const failed = await text(input.mobile, code, subscriber)
    if (failed) return again(502, [failed])
    return showCode(req, res, 200, { mobile: input.mobile, token: codeToken(mobileIndex(input.mobile), 'sub'), purpose: 'sub' })
  }

  router.get('/subscribe/sms/manage', handle(async (req, res) => {
    if (!smsSubscribeAvailable()) return redirect(res, '/subscribe')
    const csrf = csrfToken(req, res)
    const challenge = (await checkNeeded(payload, ip(req))) ? newChallenge() : null
    return page(req, res, 200, (ctx) => managePage(ctx, { mobile: '', csrf, errors: [], challenge }))
  }))

  router.post('/subscribe/sms/manage', form, handle(async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>
    if (!csrfValid(req, body.csrf)) return page(req, res, 403, csrfPage)
    if (!smsSubscribeAvailable()) return redirect(res, '/subscribe')
    if (await limited(req, res, [['subscribeIp', ip(req)]])) return
    const typed = one(body.mobile)
    const again = (status: number, errors: FieldError[]) => {
      const csrf = csrfToken(req, res)
      return page(req, res, status, (ctx) => managePage(ctx, { mobile: typed.slice(0, 20), csrf, errors, challenge: newChallenge() }))
    }
    const mobile = typed.length <= 30 ? normaliseMobile(typed) : null
    if (!mobile) return again(400, [{ field: 'mobile', message: t(typed.trim() ? 'subscribe.error.mobileInvalid' : 'subscribe.error.mobileRequired') }])
    if (!(await mayText(req, res, body, mobile, again))) return
    // A number nobody subscribed gets no text (it would cost and tell nothing), but the same page.
    const found = await manageCode(payload, mobile)
    if (found) {
      const failed = await text(mobile, found.code, found.subscriber)
      if (failed) return again(502, [failed])
    }
    return showCode(req, res, 200, { mobile, token: codeToken(mobileIndex(mobile), 'manage'), purpose: 'manage' })
  }))

  router.post('/subscribe/sms/code', form, handle(async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>
    if (!csrfValid(req, body.csrf)) return page(req, res, 403, csrfPage)
    if (await limited(req, res, [['confirmIp', ip(req)]])) return
    const token = one(body.t)
    const v = verifyCompact(token, 'sms-code', 2)
    if (!v.ok || (v.fields[1] !== 'sub' && v.fields[1] !== 'manage')) {
      const problem = v.ok ? 'malformed' : v.reason
      return page(req, res, problem === 'expired' ? 410 : 400, (ctx) => managePage(ctx, { mobile: '', csrf: csrfToken(req, res), errors: [{ field: 'code', message: t('subscribe.error.codeExpired') }], challenge: null }))
    }
    const [index, purpose] = v.fields as [string, Purpose]
    const s = await findByIndex(payload, index)
    const mobile = s?.phone ? openMobile(s.phone) : ''
    const retry = (status: number, message: string) => showCode(req, res, status, { mobile, token, purpose, errors: [{ field: 'code', message }] })
    const typed = readCode(body.code)
    if (!typed) return retry(400, t('subscribe.error.codeRequired'))
    if (!s) return retry(410, t('subscribe.error.codeExpired'))
    if (await limited(req, res, [['confirmAddress', s.ref]])) return
    if (purpose === 'manage') {
      const check = await checkCode(payload, s, typed)
      if (!check.ok) return retry(check.problem === 'wrong' ? 400 : 410, check.problem === 'wrong' ? t('subscribe.error.codeWrong', 'zh', { left: check.left }) : t('subscribe.error.codeExpired'))
      log.info({ subscriber: s.id }, 'preferences opened by a texted code')
      return redirect(res, paths.preferences(preferencesToken(s.ref)))
    }
    const result = await confirmByCode(payload, s, typed)
    if (result.kind === 'code') {
      const c = result.check
      return retry(c.problem === 'wrong' ? 400 : 410, c.problem === 'wrong' ? t('subscribe.error.codeWrong', 'zh', { left: c.left }) : t('subscribe.error.codeExpired'))
    }
    if (result.kind === 'used' || result.kind === 'unsubscribed') return retry(409, t('subscribe.error.codeExpired'))
    log.info({ subscriber: result.subscriber.id, kind: result.kind }, 'subscription confirmed by a texted code')
    return redirect(res, `${paths.preferences(preferencesToken(result.subscriber.ref))}&m=${result.kind === 'confirmed' ? 'confirmed' : 'already'}`)
  }))

  return { subscribeBySms }
}
