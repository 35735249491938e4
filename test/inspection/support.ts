import type { Payload } from 'payload'

import { body, type Id } from '../support/fixtures'

/**
 * Content for the freshness watch and inspection report tests: each type
 * published at a chosen moment (publishedAt as given), and WeChat deliveries
 * as the WeChat stages leave them (published only, or mass-sent).
 */
export const DAY = 86_400_000

export type Kind = 'issues' | 'events' | 'policies' | 'announcements'

const dataOf = (kind: Kind, title: string, grid?: Id): Record<string, unknown> => {
  if (kind === 'issues') return { title, articles: [{ title: `${title}·正文`, body: body('本期内容。') }] }
  if (kind === 'events') return { title, startsAt: new Date().toISOString(), location: '社区活动室', wholeStreet: true, body: body('活动内容。') }
  if (kind === 'policies') return { title, issuingBody: '区民政局', summary: '通俗解读', body: body('政策内容。') }
  return { title, grids: [grid], body: body('公告内容。') }
}

/** One content published at `at` (the Local API, as an admin would). */
export async function publishedAt(payload: Payload, kind: Kind, title: string, at: Date, grid?: Id): Promise<{ id: Id }> {
  return (await payload.create({
    collection: kind,
    data: { ...dataOf(kind, title, grid), _status: 'published', publishedAt: at.toISOString() } as never,
    overrideAccess: true,
  })) as unknown as { id: Id }
}

/** A draft (never published). */
export async function draft(payload: Payload, kind: Kind, title: string, grid?: Id): Promise<{ id: Id }> {
  return (await payload.create({ collection: kind, data: dataOf(kind, title, grid) as never, overrideAccess: true })) as unknown as { id: Id }
}

let seq = 0
/** A WeChat delivery of a content, published at `at`, and mass-sent at `massAt` when given. */
export async function wechatArticle(payload: Payload, content: { id: Id }, kind: Kind, title: string, at: Date, massAt?: Date) {
  seq++
  return payload.db.create({
    collection: 'deliveries',
    data: {
      key: `test-wechat-${seq}-${content.id}`,
      title,
      contentType: kind,
      contentId: String(content.id),
      channel: 'wechat',
      audience: 'all',
      status: 'done',
      finishedAt: at.toISOString(),
      wechat: {
        stage: 'published',
        articleId: `article-${seq}`,
        ...(massAt ? { massSend: { status: 'sent', clientMsgId: `c-${seq}`, msgId: `m-${seq}`, requestedAt: massAt.toISOString(), confirmBy: massAt.toISOString() } } : {}),
      },
    },
  })
}
