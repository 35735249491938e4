import type { PayloadHandler } from 'payload'

import { isEditor } from '../access/roles'
import type { EngineEndpoint } from '../jobs/nudge'
import { langOf, t } from '../i18n/messages'
import { channelConfigured } from './config'
import { testSend, validateTestSend } from './testSend'
import { massSend, wechatQuota } from './wechat'

/**
 * The delivery engine's HTTP handlers, in one module: test-send, WeChat's quota
 * and mass send. Collection configs never import them (Next would bundle the
 * engine): they serve `engineEndpoint(name)` (src/jobs/nudge.ts), and
 * initPayload registers these handlers there (src/server/engine.ts).
 */

/** POST /api/deliveries/test-send { collection, id, channel, …the channel's recipient (email: to; webpush: subscription) }: editors only. */
export const testSendEndpoint: PayloadHandler = async (req) => {
  const lang = langOf(req)
  if (!isEditor(req.user as never)) return Response.json({ message: t('testSend.error.forbidden', lang) }, { status: 403 })
  let body: unknown = null
  try {
    body = req.json ? await req.json() : null
  } catch {
    body = null
  }
  const checked = validateTestSend(body, lang)
  if (!checked.ok) return Response.json({ message: t('testSend.error.invalid', lang), errors: checked.errors }, { status: 400 })
  const input = checked.value
  if (!channelConfigured(input.channel)) return Response.json({ message: t(`delivery.reason.notConfigured.${input.channel}`, lang) }, { status: 409 })
  const result = await testSend(req.payload, input)
  if (!result) return Response.json({ message: t('testSend.error.notFound', lang), errors: [{ field: 'id', message: t('testSend.error.notFound', lang) }] }, { status: 404 })
  const { recipient } = input
  if (result.ok) return Response.json({ ok: true, message: recipient.sent(lang) })
  req.payload.logger.warn({ component: 'test-send', channel: input.channel, kind: result.kind, code: result.code, message: result.message }, 'test-send not submitted')
  const key = result.kind === 'recipient-gone' ? recipient.refused(result) : result.kind === 'quota' ? 'delivery.error.quota' : result.kind === 'config' ? 'delivery.error.config' : 'delivery.error.retryable'
  return Response.json({ ok: false, kind: result.kind, code: result.code, message: t(recipient.notSent, lang, { reason: t(key, lang), code: result.code }) }, { status: 502 })
}

/** POST /api/deliveries/:id/mass-send { confirm: true }: editors only. */
export const massSendEndpoint: PayloadHandler = async (req) => {
  const lang = langOf(req)
  if (!isEditor(req.user as never)) return Response.json({ message: t('wechat.mass.forbidden', lang) }, { status: 403 })
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
  const id = String(req.routeParams?.id ?? '')
  const user = req.user as { id?: unknown; email?: string } | null
  const r = await massSend(req.payload, id, String(user?.email ?? user?.id ?? ''), lang)
  return Response.json(r.body, { status: r.status })
}

/** GET /api/deliveries/wechat-quota: editors only. */
export const wechatQuotaEndpoint: PayloadHandler = async (req) => {
  const lang = langOf(req)
  if (!isEditor(req.user as never)) return Response.json({ message: t('wechat.mass.forbidden', lang) }, { status: 403 })
  return Response.json(await wechatQuota(req.payload))
}

/** The handlers above by their name in the engine registry. */
export const DELIVERY_ENDPOINTS = {
  testSend: testSendEndpoint,
  wechatQuota: wechatQuotaEndpoint,
  massSend: massSendEndpoint,
} satisfies Partial<Record<EngineEndpoint, PayloadHandler>>
