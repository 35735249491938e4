import type { PushNotification } from '../channels/webpush'
import type { ContentSlug } from '../model/content'
import type { NoticeKind } from '../model/deliveries'
import { t } from '../i18n/messages'
import type { ContentMail, Slot, Spliced } from './email/content'
import { clip, formatDate } from './format'
import { esc } from './html'
import type { PushContent } from './push'
import type { SiteChrome } from './site/types'

/**
 * The short notice of a correction or a withdrawal, to those a content
 * reached: an email (the same slots as a content's mail, filled per recipient
 * by the email driver: greeting, the content link, preferences, unsubscribe;
 * no open pixel, a notice is not the content) and a push notification. A
 * correction points to the corrected page; a withdrawal says to rely on it no
 * longer, with the hotline.
 */
type NoticeInput = {
  kind: NoticeKind
  collection: ContentSlug
  doc: { id: string | number; title?: string | null; publishedAt?: string | null }
  settings: SiteChrome
  contentUrl: string
}

/** A template as pieces of text and slots, spliced the way the content's mail is. */
function spliced(pieces: (string | { slot: Slot })[], defaults: Partial<Record<Slot, string>>): Spliced {
  const parts: string[] = ['']
  const slots: Slot[] = []
  for (const p of pieces) {
    if (typeof p === 'string') parts[parts.length - 1] += p
    else slots.push(p.slot), parts.push('')
  }
  return { parts, slots, defaults }
}

const words = ({ kind, doc }: NoticeInput) => {
  const title = doc.title ?? ''
  const vars = { title, date: formatDate(doc.publishedAt ?? '') || '' }
  return {
    subject: `【${t(`audience.notice.tag.${kind}`)}】${title}`,
    body: t(`audience.notice.${kind}.body`, 'zh', vars),
  }
}

export function renderNoticeMail(input: NoticeInput): ContentMail {
  const { settings, kind } = input
  const { subject, body } = words(input)
  const hotline = settings.hotline ? t('mail.hotline', 'zh', { hotline: settings.hotline }) : ''
  const read = t('audience.notice.correction.read')
  const link = (slot: Slot, text: string, style: string) => ['<a href="', { slot }, `" style="${style}">${esc(text)}</a>`] as const
  const html = spliced(
    [
      `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(subject)}</title></head>`,
      `<body style="margin:0;padding:0;background:#f3f3f3;font-family:-apple-system,'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',sans-serif;color:#1d1d1f">`,
      `<div style="max-width:600px;margin:0 auto;background:#fff"><div style="background:#b3261e;color:#fff;padding:14px 20px;font-size:18px;font-weight:700">${esc(settings.periodicalName)}</div>`,
      '<div style="padding:20px"><p style="margin:0 0 14px;line-height:1.8">',
      { slot: 'greeting' },
      `</p><h1 style="font-size:20px;line-height:1.4;margin:0 0 14px">${esc(subject)}</h1><p style="margin:0 0 14px;line-height:1.8;font-size:16px">${esc(body)}</p>`,
      ...(kind === 'correction' ? ['<p style="margin:20px 0">', ...link('content', read, 'color:#b3261e;font-size:16px'), '</p>'] : []),
      hotline ? `<p style="margin:0 0 14px;line-height:1.8">${esc(hotline)}</p>` : '',
      `</div><div style="padding:14px 20px;background:#f6f6f6;color:#5f6368;font-size:13px;line-height:1.8">${esc(settings.streetName)} · ${esc(settings.periodicalName)}<br>`,
      ...link('preferences', t('mail.preferences'), 'color:#5f6368'),
      ' · ',
      ...link('unsubscribe', t('mail.unsubscribe'), 'color:#5f6368'),
      '</div></div></body></html>',
    ],
    { content: esc(input.contentUrl) },
  )
  const text = spliced(
    [
      { slot: 'greeting' },
      `\n\n${subject}\n\n${body}\n`,
      ...(kind === 'correction' ? [t('format.labelled', 'zh', { label: read, value: '' }), { slot: 'content' as Slot }, '\n'] : []),
      hotline ? `${hotline}\n` : '',
      `\n--\n${settings.streetName} · ${settings.periodicalName}\n`,
      t('format.labelled', 'zh', { label: t('mail.preferences'), value: '' }),
      { slot: 'preferences' },
      '\n',
      t('format.labelled', 'zh', { label: t('mail.unsubscribe'), value: '' }),
      { slot: 'unsubscribe' },
    ],
    { content: input.contentUrl },
  )
  return { subject, html, text, links: [] }
}

/** The notice as a push notification: it replaces the content's own, if that one is still waiting (same topic and tag). */
export function pushForNotice(input: NoticeInput & { icon: string; ttlSeconds: number }): PushContent {
  const { subject } = words(input)
  const { collection, doc, kind } = input
  const notification: PushNotification = { title: subject, body: clip(t(`audience.notice.${kind}.push`), 300), icon: input.icon, url: input.contentUrl, tag: `${collection}-${doc.id}` }
  return { notification, urgency: 'normal', topicKey: `${collection}-${doc.id}`, ttlSeconds: input.ttlSeconds }
}
