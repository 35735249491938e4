import type { Endpoint, PayloadHandler } from 'payload'

import { isEditor } from '../access'
import { mayPublish } from '../access/publish'
import { createNotices } from '../hooks/notices'
import { republishOnWechat } from '../hooks/wechatRepublish'
import { langOf, t } from '../i18n/messages'
import { engineEndpoint, nudge } from '../jobs/nudge'
import { CONTENT_SLUGS, type ContentSlug } from '../model/content'

/**
 * The publish dialog's endpoints on every content type:
 * - GET /:id/audience: who it goes to, per channel (the engine's, src/delivery/audienceEndpoint.ts);
 * - POST /:id/notice { kind: 'correction' | 'withdrawal' }: the notice of the
 *   content's last correction (published) or withdrawal (withdrawn), to those
 *   its deliveries reached; once per correction (withdrawal) number, however often asked;
 * - POST /:id/wechat-republish: delete the published WeChat article and publish the content again (editors).
 */
type Main = { id: string | number; title?: string | null; _status?: string; review?: { status?: string | null } | null; corrections?: number | null; withdrawals?: number | null; urgent?: boolean | null }

async function context(req: Parameters<PayloadHandler>[0]) {
  const lang = langOf(req)
  const slug = String(req.routeParams?.collection ?? '') as ContentSlug
  const id = String(req.routeParams?.id ?? '')
  const fail = (status: number, key: Parameters<typeof t>[0]) => ({ error: Response.json({ message: t(key, lang), errors: [{ field: 'id', message: t(key, lang) }] }, { status }) })
  if (!req.user) return fail(401, 'audience.error.forbidden')
  if (!CONTENT_SLUGS.includes(slug) || !id) return fail(404, 'audience.error.notFound')
  const main = (await req.payload.db.findOne({ collection: slug, where: { id: { equals: id } }, req }).catch(() => null)) as Main | null
  if (!main) return fail(404, 'audience.error.notFound')
  if (!(await mayPublish(req, slug, main as never))) return fail(403, 'audience.error.forbidden')
  return { lang, slug, main, fail }
}

const noticeHandler: PayloadHandler = async (req) => {
  const c = await context(req)
  if ('error' in c) return c.error
  const { lang, slug, main, fail } = c
  let kind: unknown = null
  try {
    kind = ((req.json ? await req.json() : null) as { kind?: unknown } | null)?.kind
  } catch {
    kind = null
  }
  if (kind !== 'correction' && kind !== 'withdrawal') {
    return Response.json({ message: t('audience.error.invalid', lang), errors: [{ field: 'kind', message: t('audience.error.invalid', lang) }] }, { status: 400 })
  }
  const published = main._status === 'published'
  if (kind === 'correction' && (!published || !main.corrections)) return fail(409, 'audience.error.noCorrection').error
  if (kind === 'withdrawal' && (published || !main.withdrawals)) return fail(409, 'audience.error.notWithdrawn').error
  const number = (kind === 'correction' ? main.corrections : main.withdrawals) ?? 0
  const created = await createNotices(req.payload, slug, main, kind, number, req)
  if (created.some((d) => d.status === 'queued')) nudge()
  const message = created.length ? t('audience.notice.queued', lang, { count: created.length }) : t('audience.notice.exists', lang)
  return Response.json({ ok: true, kind, number, created: created.map((d) => ({ id: d.id, channel: d.channel, status: d.status })), message })
}

const wechatRepublishHandler: PayloadHandler = async (req) => {
  const c = await context(req)
  if ('error' in c) return c.error
  const { lang, slug, main, fail } = c
  // WeChat carries street-wide content, the editors'.
  if (!isEditor(req.user as never)) return fail(403, 'audience.error.forbidden').error
  if (main._status !== 'published') return fail(409, 'audience.error.noWechat').error
  const row = await republishOnWechat(req.payload, slug, main, req)
  if (row === 'none') return fail(409, 'audience.error.noWechat').error
  if (row?.status === 'queued') nudge()
  return Response.json({ ok: true, delivery: row ? { id: row.id, status: row.status } : null, message: t(row ? 'audience.wechat.replaced' : 'audience.notice.exists', lang) })
}

export const audienceEndpoints: Endpoint[] = [
  { path: '/:id/audience', method: 'get', handler: engineEndpoint('audience') },
  { path: '/:id/notice', method: 'post', handler: noticeHandler },
  { path: '/:id/wechat-republish', method: 'post', handler: wechatRepublishHandler },
]
