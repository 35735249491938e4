import type { PayloadRequest } from 'payload'

import { t, type MessageKey } from '../i18n/messages'
import type { ContentSlug } from '../model/content'
import type { DeliveryDoc, NoticeKind } from '../model/deliveries'
import { audit } from './audit'

/**
 * The audit entry of a notice to residents (a correction or withdrawal
 * notice, src/hooks/notices.ts): the actor is who asked for it (the
 * request's user: the editor who published the correction, withdrew the
 * content or pressed 发送通知), the target the content, the detail the kind
 * and number, the channels and the audience (the grids by name, or the
 * whole street).
 */
export async function auditNotices(req: PayloadRequest, collection: ContentSlug, doc: { id: string | number; title?: string | null }, kind: NoticeKind, number: number, created: DeliveryDoc[]) {
  const lang = 'zh'
  const sep = t('format.listSeparator', lang)
  const channels = [...new Set(created.map((d) => d.channel))].map((c) => t(`channel.${c}` as MessageKey, lang))
  const audiences: string[] = []
  for (const key of [...new Set(created.map((d) => d.audience))]) audiences.push(await audienceText(req, key))
  const detail = [
    t(kind === 'withdrawal' ? 'notice.audit.withdrawal' : 'notice.audit.correction', lang, { n: number }),
    t('notice.audit.channels', lang, { list: channels.join(t('notice.audit.and', lang)) }),
    t('notice.audit.audience', lang, { list: audiences.join(t('notice.audit.and', lang)) }),
  ].join(sep)
  await audit(req, 'notice', { collection, id: doc.id, title: doc.title ?? created[0]?.title ?? null }, detail)
}

/** 'street' → 全街道; 'grids:1,2' → the grids' codes and names. */
async function audienceText(req: PayloadRequest, key: string): Promise<string> {
  if (!key.startsWith('grids:')) return t('notice.audit.street', 'zh')
  const ids = key.slice('grids:'.length).split(',').filter(Boolean)
  if (!ids.length) return key
  const { docs } = await req.payload.find({ collection: 'grids', where: { id: { in: ids } }, depth: 0, limit: 0, pagination: false, overrideAccess: true, req })
  const names = new Map(docs.map((g) => [String(g.id), [g.code, g.name].filter(Boolean).join(' ')]))
  return ids.map((id) => names.get(id) || id).join(t('notice.audit.and', 'zh'))
}
