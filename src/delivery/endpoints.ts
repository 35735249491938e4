import type { PayloadHandler } from 'payload'

import { isAdmin, isEditor } from '../access/roles'
import type { EngineEndpoint } from '../jobs/nudge'
import { notConfiguredFor } from '../i18n/deliveryReason'
import { langOf, t } from '../i18n/messages'
import type { DeliveryDoc } from '../model/deliveries'
import { suppressedCounts } from '../subscribers/suppression'
import { audienceEndpoint } from './audienceEndpoint'
import { channelConfigured } from './config'
import { errorKey } from './driver'
import { restoreSmsEpisode, smsOffCounts } from './sms/restore'
import { restoreEpisode } from './suppression'
import { TEST_SEND_RATE_LIMITED } from './sms/testSend'
import { testSend, validateTestSend } from './testSend'
import { massSend, wechatQuota } from './wechat'

/**
 * The delivery engine's HTTP handlers, in one module: test-send, WeChat's quota
 * and mass send, the residents a delivery suppressed and their restore. Collection configs never import them (Next would bundle the
 * engine): they serve `engineEndpoint(name)` (src/jobs/nudge.ts), and
 * initPayload registers these handlers there (src/server/engine.ts).
 */

/** POST /api/deliveries/test-send { collection, id, channel, …the channel's recipient (email: to; webpush: subscription; sms: phone) }: editors only. */
export const testSendEndpoint: PayloadHandler = async (req) => {
  const lang = langOf(req)
  if (!isEditor(req.user)) return Response.json({ message: t('testSend.error.forbidden', lang) }, { status: 403 })
  let body: unknown = null
  try {
    body = req.json ? await req.json() : null
  } catch {
    body = null
  }
  const checked = validateTestSend(body, lang)
  if (!checked.ok) return Response.json({ message: t('testSend.error.invalid', lang), errors: checked.errors }, { status: 400 })
  const input = checked.value
  // Only an admin reads the names of the settings to set.
  if (!channelConfigured(input.channel)) return Response.json({ message: notConfiguredFor(input.channel, isAdmin(req.user), lang) }, { status: 409 })
  const result = await testSend(req.payload, input)
  if (!result) return Response.json({ message: t('testSend.error.notFound', lang), errors: [{ field: 'id', message: t('testSend.error.notFound', lang) }] }, { status: 404 })
  const { recipient } = input
  if (result.ok) return Response.json({ ok: true, message: recipient.sent(lang) })
  // A paid channel's test-sends are limited (SMS): the wait, not a failure of the channel.
  if (result.code === TEST_SEND_RATE_LIMITED) {
    const seconds = Math.max(1, Math.ceil((result.retryAfterMs ?? 1000) / 1000))
    return Response.json({ ok: false, code: result.code, message: t('testSend.rateLimited', lang, { seconds }) }, { status: 429, headers: { 'Retry-After': String(seconds) } })
  }
  req.payload.logger.warn({ component: 'test-send', channel: input.channel, kind: result.kind, code: result.code, message: result.message }, 'test-send not submitted')
  const key = result.kind === 'recipient-gone' || result.kind === 'rejected' ? recipient.refused(result) : errorKey(result.refused ? 'refused' : result.kind)
  return Response.json({ ok: false, kind: result.kind, code: result.code, message: t(recipient.notSent, lang, { reason: t(key, lang), code: result.code }) }, { status: 502 })
}

/** POST /api/deliveries/:id/mass-send { confirm: true, confirmWholeAccount? }: editors only (the second for content meant for some grids). */
export const massSendEndpoint: PayloadHandler = async (req) => {
  const lang = langOf(req)
  if (!isEditor(req.user)) return Response.json({ message: t('wechat.mass.forbidden', lang) }, { status: 403 })
  let body: Record<string, unknown> = {}
  try {
    const parsed = req.json ? await req.json() : null
    if (parsed && typeof parsed === 'object') body = parsed as Record<string, unknown>
  } catch {
    body = {}
  }
  if (body.confirm !== true) {
    return Response.json({ message: t('wechat.mass.invalid', lang), errors: [{ field: 'confirm', message: t('wechat.mass.confirmRequired', lang) }] }, { status: 400 })
  }
  if (!channelConfigured('wechat')) return Response.json({ message: notConfiguredFor('wechat', isAdmin(req.user), lang) }, { status: 409 })
  const id = String(req.routeParams?.id ?? '')
  const user = req.user as { id?: unknown; email?: string } | null
  const r = await massSend(req.payload, id, String(user?.email ?? user?.id ?? ''), lang, { wholeAccount: body.confirmWholeAccount === true })
  return Response.json(r.body, { status: r.status })
}

/** GET /api/deliveries/wechat-quota: editors only. */
export const wechatQuotaEndpoint: PayloadHandler = async (req) => {
  const lang = langOf(req)
  if (!isEditor(req.user)) return Response.json({ message: t('wechat.mass.forbidden', lang) }, { status: 403 })
  return Response.json(await wechatQuota(req.payload))
}

/** The body of a POST as an object ({} when absent or not JSON). */
async function bodyOf(req: Parameters<PayloadHandler>[0]): Promise<Record<string, unknown>> {
  try {
    const parsed = req.json ? await req.json() : null
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {}
  } catch {
    return {}
  }
}

/** The delivery named in the path, or null (an id of the wrong shape for the database is no delivery either). */
async function deliveryOf(req: Parameters<PayloadHandler>[0]): Promise<DeliveryDoc | null> {
  const id = String(req.routeParams?.id ?? '')
  if (!id) return null
  try {
    return (await req.payload.findByID({ collection: 'deliveries', id, depth: 0, overrideAccess: true, disableErrors: true, req })) as DeliveryDoc | null
  } catch {
    return null
  }
}

const notFound = (lang: 'zh' | 'en') => Response.json({ message: t('suppression.notFound', lang), errors: [{ field: 'id', message: t('suppression.notFound', lang) }] }, { status: 404 })

/** GET /api/deliveries/:id/suppressed: how many residents this delivery suppressed, per code (counts only, no address); editors. */
export const suppressedEndpoint: PayloadHandler = async (req) => {
  const lang = langOf(req)
  if (!isEditor(req.user)) return Response.json({ message: t('suppression.readForbidden', lang) }, { status: 403 })
  const d = await deliveryOf(req)
  if (!d) return notFound(lang)
  // An SMS delivery's are the numbers it took off SMS (src/delivery/sms/restore.ts).
  const reasons = d.channel === 'sms' ? await smsOffCounts(req.payload, d.id) : await suppressedCounts(req.payload, d.id)
  return Response.json({ delivery: d.id, total: reasons.reduce((n, r) => n + r.count, 0), reasons })
}

/**
 * POST /api/deliveries/:id/restore-suppressed { code }: admins only. Puts back
 * every resident this delivery suppressed with this code (src/delivery/suppression.ts);
 * the collection writes the audit entry (collections/Deliveries.ts).
 */
export const restoreSuppressedEndpoint: PayloadHandler = async (req) => {
  const lang = langOf(req)
  if (!isAdmin(req.user)) return Response.json({ message: t('suppression.forbidden', lang) }, { status: 403 })
  const body = await bodyOf(req)
  const code = typeof body.code === 'string' || typeof body.code === 'number' ? String(body.code).trim() : ''
  if (!code || code.length > 40) {
    return Response.json({ message: t('suppression.invalid', lang), errors: [{ field: 'code', message: t('suppression.codeRequired', lang) }] }, { status: 400 })
  }
  const d = await deliveryOf(req)
  if (!d) return notFound(lang)
  // The pipeline keeps its counts and cursor in memory while it runs: a restore waits for a pause.
  if (d.status === 'running') return Response.json({ message: t('suppression.running', lang), errors: [{ field: 'id', message: t('suppression.running', lang) }] }, { status: 409 })
  const sms = d.channel === 'sms'
  const restored = sms ? await restoreSmsEpisode(req.payload, d, code) : await restoreEpisode(req.payload, d, code)
  if (!restored) {
    const message = t('suppression.noSuchCode', lang, { code })
    return Response.json({ message, errors: [{ field: 'code', message }] }, { status: 404 })
  }
  req.payload.logger.info({ component: 'delivery', delivery: d.id, code, restored }, 'residents suppressed by a delivery restored')
  return Response.json({ ok: true, delivery: d.id, channel: d.channel, title: d.title ?? null, code, restored, message: t(sms ? 'smsOff.restored' : 'suppression.restored', lang, { count: restored }) })
}

/** The handlers above by their name in the engine registry. */
export const DELIVERY_ENDPOINTS = {
  testSend: testSendEndpoint,
  wechatQuota: wechatQuotaEndpoint,
  massSend: massSendEndpoint,
  suppressed: suppressedEndpoint,
  restoreSuppressed: restoreSuppressedEndpoint,
  audience: audienceEndpoint,
} satisfies Partial<Record<EngineEndpoint, PayloadHandler>>
