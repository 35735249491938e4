import type { ContentSlug } from '../model/content'
import { t } from '../i18n/messages'
import { clip, formatDate, formatDateTime } from './format'
import { esc, isMediaDoc, type MediaDoc } from './html'
import { renderRichTextCached } from './richText'
import type { EventDoc, IssueDoc, PolicyDoc } from './site/types'

/**
 * The WeChat articles of a content, as our own HTML (src/channels/wechat/html.ts
 * then makes it WeChat HTML, uploading its images): an issue is one article per
 * issue article, in order; an event notice or a policy explainer is one article.
 * Images are site paths (/api/media/file/…), so the delivery reads them from
 * the media folder instead of over HTTP. Links stay in the HTML only to be
 * reduced to their text: the resident page goes as content_source_url.
 *
 * WeChat's limits on title (32), author (16) and digest (128 characters) are
 * shorter than ours, so those are clipped here, never refused after publishing.
 */
export type WechatArticleSource = {
  title: string
  author?: string
  digest?: string
  html: string
  /** The image to make the cover thumb from, when the content has one. */
  cover?: MediaDoc
}

export type WechatArticlesInput = {
  collection: ContentSlug
  doc: Record<string, unknown> & { id: string | number }
  media?: Map<string, MediaDoc>
}

const LIMIT = { title: 32, author: 16, digest: 128 }

const rich = (key: string, value: unknown, input: WechatArticlesInput) =>
  renderRichTextCached(`wechat:${key}`, value, {
    base: '',
    imageSize: 'page',
    minHeading: 2,
    media: (id) => input.media?.get(String(id)),
    docHref: () => null,
  })

const row = (k: string, v: string | null | undefined) => (v ? `<p><strong>${esc(k)}</strong>:${esc(v)}</p>` : '')

export function wechatArticles(input: WechatArticlesInput): WechatArticleSource[] {
  const { collection } = input
  const d = input.doc
  const key = `${collection}:${d.id}:${String(d.updatedAt ?? '')}`
  const base = { title: clip(String(d.title ?? ''), LIMIT.title), digest: d.summary ? clip(String(d.summary), LIMIT.digest) : undefined }
  if (collection === 'issues') {
    const issue = d as unknown as IssueDoc
    const cover = isMediaDoc(issue.cover) ? issue.cover : undefined
    return (issue.articles ?? []).map((a, i) => ({
      title: clip(a.title, LIMIT.title),
      ...(a.author ? { author: clip(a.author, LIMIT.author) } : {}),
      ...(a.summary ? { digest: clip(a.summary, LIMIT.digest) } : {}),
      html: rich(`${key}:a${i}`, a.body, input),
      ...(cover ? { cover } : {}),
    }))
  }
  let html = ''
  if (collection === 'events') {
    const e = d as unknown as EventDoc
    const when = e.endsAt ? `${formatDateTime(e.startsAt)} — ${formatDateTime(e.endsAt)}` : formatDateTime(e.startsAt)
    html += row(t('mail.content.time'), when) + row(t('mail.content.location'), e.location) + row(t('mail.content.organiser'), e.organiser)
    if (e.summary) html += `<p>${esc(e.summary)}</p>`
    html += rich(`${key}:body`, e.body, input)
    if (e.signup) html += `<p><strong>${esc(t('mail.content.signup'))}</strong>:${esc(e.signup)}</p>`
  } else if (collection === 'policies') {
    const p = d as unknown as PolicyDoc
    html += row(t('mail.content.issuingBody'), p.issuingBody) + row(t('mail.content.documentNumber'), p.documentNumber)
    html += row(t('mail.content.effectiveDate'), p.effectiveDate ? formatDate(p.effectiveDate) : null)
    if (p.summary) html += `<blockquote><p>${esc(p.summary)}</p></blockquote>`
    html += rich(`${key}:body`, p.body, input)
    if (p.qa?.length) {
      html += `<h2>${esc(t('mail.content.qa'))}</h2>`
      for (const q of p.qa) html += `<p><strong>${esc(q.question)}</strong></p><p>${esc(q.answer)}</p>`
    }
  } else {
    // Grid announcements never go to WeChat (the account is the street's); rendered plainly if ever asked.
    html += rich(`${key}:body`, d.body, input)
  }
  return [{ ...base, html }]
}

/** The media file name behind a site image path (/api/media/file/<name>), or null for anything else. */
export function mediaFileOf(src: string): string | null {
  const m = /^\/api\/media\/file\/([^/?#]+)$/.exec(src)
  if (!m) return null
  const name = decodeURIComponent(m[1])
  // A file name only: nothing that could climb out of the media folder.
  return !name || name.includes('/') || name.includes('\\') || name.startsWith('.') ? null : name
}
