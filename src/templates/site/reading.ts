import { type MessageKey, t } from '../../i18n/messages'
import { formatDate, streetDay } from '../format'
import { esc, imgTag } from '../html'
import { contentPath } from '../paths'
import type { Id, PageContext, Section } from './types'

/**
 * What a reading page (an issue, event notice, policy explainer or grid
 * announcement) carries after its content: where it came from and when, the
 * previous and next of its type, and the account's follow card.
 */

/** A published content of the same type next to this one (src/content/neighbours.ts finds them). */
export type Neighbour = { id: Id; title: string; number?: number | null }
export type Neighbours = { prev: Neighbour | null; next: Neighbour | null }

/** What the router adds to a reading page beside the document itself. */
export type ReadingExtras = { neighbours?: Neighbours }

const LABELS: Record<'issues' | 'other', [MessageKey, MessageKey]> = {
  issues: ['reader.prevIssue', 'reader.nextIssue'],
  other: ['reader.prev', 'reader.next'],
}

/** 上一篇 / 下一篇 (上一期 / 下一期 for issues): older first, newer second. */
export function prevNext(kind: Section['kind'], neighbours: Neighbours | undefined): string {
  if (!neighbours || (!neighbours.prev && !neighbours.next)) return ''
  const [prevKey, nextKey] = LABELS[kind === 'issues' ? 'issues' : 'other']
  const link = (n: Neighbour | null, key: MessageKey, rel: 'prev' | 'next') => {
    const href = n && contentPath(kind, n.number != null ? { id: n.id, number: n.number } : n.id)
    return href ? `<a rel="${rel}" href="${esc(href)}"><span>${esc(t(key))}</span>${esc(n!.title)}</a>` : ''
  }
  return `<nav class="prevnext" aria-label="${esc(t('reader.prevNext'))}">${link(neighbours.prev, prevKey, 'prev')}${link(neighbours.next, nextKey, 'next')}</nav>`
}

/** 来源 and 发布时间, at the end of the content. */
export function sourceAndDate(source: string | null | undefined, publishedAt: unknown): string {
  const parts: string[] = []
  if (source?.trim()) parts.push(esc(t('reader.source', 'zh', { source: source.trim() })))
  const date = formatDate(publishedAt)
  if (date) parts.push(`<time datetime="${esc(streetDay(publishedAt))}">${esc(t('reader.published', 'zh', { date }))}</time>`)
  return parts.length ? `<p class="meta origin">${parts.join(' · ')}</p>` : ''
}

/** The account's follow card (its name and QR code from the site settings); the footer then leaves its own out. */
export function followCard(ctx: PageContext): string {
  const { wechatName, wechatQr } = ctx.site
  if (!wechatName) return ''
  const qr = imgTag(wechatQr, { size: '', alt: t('site.wechatQrAlt', 'zh', { name: wechatName }), className: 'qr' })
  return (
    `<aside class="wechat follow">${qr}<div><p><strong>${esc(t('site.followWechat', 'zh', { name: wechatName }))}</strong></p>` +
    `<p class="meta">${esc(t('reader.followHint', 'zh', { name: wechatName }))}</p></div></aside>`
  )
}

/** Everything after a reading page's content, in reading order. */
export const afterContent = (ctx: PageContext, kind: Section['kind'], source: string | null | undefined, publishedAt: unknown, extras?: ReadingExtras) =>
  sourceAndDate(source, publishedAt) + followCard(ctx) + prevNext(kind, extras?.neighbours)
