import type { ContentSlug } from '../../model/content'
import { type MessageKey, t } from '../../i18n/messages'
import { clip, formatDate, formatDateTime, issueNumberLabel } from '../format'
import { esc, imgTag, isSitePath, type MediaDoc } from '../html'
import { plainTextOfRichText } from '../plainText'
import { renderRichTextCached } from '../richText'
import type { AnnouncementDoc, EventDoc, IssueDoc, PolicyDoc, SiteChrome } from '../site/types'
import { unsubscribeHeaders } from './confirm'

/**
 * The email of a content, rendered once per delivery, with slots for what
 * differs per recipient (greeting, preferences and unsubscribe links, and the
 * tracked parts: the content link, every link of the body, the open pixel).
 * The pipeline fills the slots by joining strings: no template runs per
 * recipient. A slot the recipient's parts leave out takes the template's
 * default (the plain link; no pixel), as a test-send does. HTML is one 600px
 * column, every style inline (mail clients drop <style>), images absolute,
 * system Chinese fonts, generous line height.
 */
export type Slot = 'greeting' | 'preferences' | 'unsubscribe' | 'content' | 'pixel' | `link:${number}`
export type Spliced = { parts: string[]; slots: Slot[]; defaults: Partial<Record<Slot, string>> }
export type ContentMail = {
  subject: string
  html: Spliced
  text: Spliced
  /** The body's links, in slot order (`link:N` is links[N]): each becomes a tracked redirect per recipient. */
  links: string[]
}
export type RecipientParts = Partial<Record<Slot, string>> & Record<'greeting' | 'preferences' | 'unsubscribe', string>

const MARK = '\u0000'
const mark = (slot: Slot) => `${MARK}${slot}${MARK}`

/** Split a rendered string at its slot marks, once. */
function splice(rendered: string, defaults: Partial<Record<Slot, string>> = {}): Spliced {
  const pieces = rendered.split(MARK)
  const parts: string[] = []
  const slots: Slot[] = []
  for (let i = 0; i < pieces.length; i++) (i % 2 === 0 ? parts : slots).push(pieces[i] as never)
  return { parts, slots, defaults }
}

/** Join a spliced template with one recipient's parts (already escaped for HTML where it is HTML). */
export function fill(s: Spliced, values: RecipientParts): string {
  let out = s.parts[0]
  for (let i = 0; i < s.slots.length; i++) out += (values[s.slots[i]] ?? s.defaults[s.slots[i]] ?? '') + s.parts[i + 1]
  return out
}

/** What a recipient's tracked parts are built from (src/delivery/links.ts); absent for a test-send. */
export type TrackedLinks = { content: string; pixel: string; click: (target: string) => string }

/** A recipient's parts for the HTML and the text version, and the RFC 8058 headers. */
export function recipientParts(greeting: string, links: { preferences: string; unsubscribe: string } & Partial<TrackedLinks>, mail?: Pick<ContentMail, 'links'>) {
  const html: RecipientParts = { greeting: esc(greeting), preferences: esc(links.preferences), unsubscribe: esc(links.unsubscribe) }
  const text: RecipientParts = { greeting, preferences: links.preferences, unsubscribe: links.unsubscribe }
  if (links.content) (html.content = esc(links.content)), (text.content = links.content)
  if (links.pixel) html.pixel = `<img src="${esc(links.pixel)}" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0">`
  if (links.click && mail) mail.links.forEach((target, i) => (html[`link:${i}`] = esc(links.click!(target))))
  return { html, text, headers: unsubscribeHeaders(links.unsubscribe) }
}

const unescapeAttr = (v: string) => v.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')

/**
 * Put a slot in place of every link of the body, so each recipient's link is
 * their own tracked redirect. A link to a page of the site ("/events/3",
 * "/grids/XB-01", as the editor may write it) is made absolute first: in a
 * mail there is no site to be relative to.
 */
function slotLinks(html: string, links: string[], defaults: Partial<Record<Slot, string>>, base: string): string {
  return html.replace(/(<a\b[^>]*?\shref=")(https?:[^"]*|\/[^"]*)"/g, (m, start: string, href: string) => {
    let target = unescapeAttr(href)
    if (!/^https?:/i.test(target)) {
      if (!isSitePath(target)) return m
      target = base + target
    }
    let i = links.indexOf(target)
    if (i < 0) i = links.push(target) - 1
    defaults[`link:${i}`] = esc(target)
    return `${start}${mark(`link:${i}`)}"`
  })
}

// Inline styles for what the rich-text renderer writes (it writes bare tags).
const TAG_STYLE: Record<string, string> = {
  p: 'margin:0 0 14px;line-height:1.8;font-size:16px',
  h2: 'font-size:19px;margin:22px 0 10px;line-height:1.4',
  h3: 'font-size:17px;margin:18px 0 8px;line-height:1.4',
  h4: 'font-size:16px;margin:16px 0 8px',
  blockquote: 'margin:0 0 14px;padding:8px 14px;border-left:4px solid #e0b4b0;background:#fbf3f2;color:#444',
  ul: 'margin:0 0 14px;padding-left:22px;line-height:1.8',
  ol: 'margin:0 0 14px;padding-left:22px;line-height:1.8',
  table: 'border-collapse:collapse;width:100%;margin:0 0 14px;font-size:14px',
  td: 'border:1px solid #ddd;padding:6px 8px;vertical-align:top',
  th: 'border:1px solid #ddd;padding:6px 8px;background:#f6f6f6;text-align:left',
  img: 'max-width:100%;height:auto;display:block;margin:0 auto',
  figure: 'margin:0 0 14px',
  a: 'color:#b3261e',
  hr: 'border:0;border-top:1px solid #ddd;margin:18px 0',
}

/** Add the inline style to each tag the renderer wrote (it never writes style attributes itself). */
export function inlineStyles(html: string): string {
  return html.replace(/<(p|h2|h3|h4|blockquote|ul|ol|table|td|th|img|figure|a|hr)(?=[\s>])/g, (m, tag: string) => `${m} style="${TAG_STYLE[tag]}"`)
}

export type MailInput = {
  collection: ContentSlug
  doc: IssueDoc | EventDoc | PolicyDoc | AnnouncementDoc
  settings: SiteChrome
  /** Absolute URL of the content's page (the same for everyone). */
  contentUrl: string
  /** Absolute base for images. */
  base: string
  media?: Map<string, MediaDoc>
}

const rich = (key: string, value: unknown, input: MailInput) =>
  inlineStyles(
    renderRichTextCached(`mail:${key}`, value, {
      base: input.base,
      imageSize: 'page',
      minHeading: 2,
      media: (id) => input.media?.get(String(id)),
      // Internal links would need the linked content: the page link below serves instead.
      docHref: () => null,
    }),
  )

/** "时间：…" in the mail's plain-text part. */
const labelled = (key: MessageKey, value: string) => t('format.labelled', 'zh', { label: t(key), value })

const row = (k: string, v: string | null | undefined) =>
  v ? `<tr><td style="padding:3px 12px 3px 0;color:#5f6368;white-space:nowrap;vertical-align:top">${esc(k)}</td><td style="padding:3px 0">${esc(v)}</td></tr>` : ''

function bodyOf(input: MailInput): { title: string; html: string; text: string[] } {
  const { collection, settings } = input
  const d = input.doc as unknown as Record<string, unknown>
  const key = `${collection}:${d.id}:${d.updatedAt ?? ''}`
  const title = String(d.title ?? '')
  const text: string[] = []
  let html = ''
  if (collection === 'issues') {
    const issue = input.doc as IssueDoc
    const number = issueNumberLabel(issue.number)
    html += `<p style="margin:0 0 6px;color:#5f6368;font-size:14px">${esc(settings.periodicalName)} · ${esc(number)}</p>`
    text.push(`${settings.periodicalName} · ${number}`)
    const cover = imgTag(issue.cover, { base: input.base, lazy: false, alt: title })
    if (cover) html += `<div style="margin:0 0 16px">${inlineStyles(cover)}</div>`
    if (issue.summary) (html += `<p style="margin:0 0 18px;line-height:1.8;color:#333">${esc(issue.summary)}</p>`), text.push(issue.summary, '')
    for (const [i, a] of (issue.articles ?? []).entries()) {
      html += `<h2 style="font-size:19px;margin:26px 0 6px;line-height:1.4;border-top:1px solid #eee;padding-top:18px">${esc(a.title)}</h2>`
      if (a.author) html += `<p style="margin:0 0 10px;color:#5f6368;font-size:13px">${esc(a.author)}</p>`
      html += rich(`${key}:a${i}`, a.body, input)
      text.push(`■ ${a.title}`, ...(a.author ? [a.author] : []), a.summary || clip(plainTextOfRichText(a.body), 200), '')
    }
  } else if (collection === 'events') {
    const e = input.doc as EventDoc
    const when = e.endsAt ? `${formatDateTime(e.startsAt)} — ${formatDateTime(e.endsAt)}` : formatDateTime(e.startsAt)
    html += `<table role="presentation" style="margin:0 0 16px;font-size:15px;line-height:1.6">${row(t('mail.content.time'), when)}${row(t('mail.content.location'), e.location)}${row(t('mail.content.organiser'), e.organiser)}</table>`
    text.push(labelled('mail.content.time', when), labelled('mail.content.location', e.location), ...(e.organiser ? [labelled('mail.content.organiser', e.organiser)] : []), '')
    if (e.summary) (html += `<p style="margin:0 0 14px;line-height:1.8">${esc(e.summary)}</p>`), text.push(e.summary, '')
    html += rich(`${key}:body`, e.body, input)
    if (e.signup) (html += `<p style="margin:0 0 14px;line-height:1.8">${esc(labelled('mail.content.signup', ''))}${esc(e.signup)}</p>`), text.push(labelled('mail.content.signup', e.signup), '')
  } else if (collection === 'policies') {
    const p = input.doc as PolicyDoc
    html += `<table role="presentation" style="margin:0 0 16px;font-size:15px;line-height:1.6">${row(t('mail.content.issuingBody'), p.issuingBody)}${row(t('mail.content.documentNumber'), p.documentNumber)}${row(t('mail.content.effectiveDate'), p.effectiveDate ? formatDate(p.effectiveDate) : null)}</table>`
    text.push(labelled('mail.content.issuingBody', p.issuingBody), ...(p.documentNumber ? [labelled('mail.content.documentNumber', p.documentNumber)] : []), '')
    if (p.summary) (html += `<p style="margin:0 0 16px;padding:12px 14px;background:#fbf3f2;line-height:1.8">${esc(p.summary)}</p>`), text.push(p.summary, '')
    html += rich(`${key}:body`, p.body, input)
    if (p.qa?.length) {
      html += `<h2 style="font-size:19px;margin:22px 0 10px">${esc(t('mail.content.qa'))}</h2>`
      for (const q of p.qa) html += `<p style="margin:0 0 4px;font-weight:700;line-height:1.7">${esc(q.question)}</p><p style="margin:0 0 14px;line-height:1.8">${esc(q.answer)}</p>`
    }
  } else {
    const a = input.doc as AnnouncementDoc
    if (a.summary) (html += `<p style="margin:0 0 14px;line-height:1.8">${esc(a.summary)}</p>`), text.push(a.summary, '')
    html += rich(`${key}:body`, a.body, input)
  }
  if (collection !== 'issues') text.push(clip(plainTextOfRichText(d.body), 1500), '')
  return { title, html, text }
}

/** Render a content's mail once; fill() it per recipient. */
export function renderContentMail(input: MailInput): ContentMail {
  const { settings } = input
  const body = bodyOf(input)
  const urgent = !!input.doc.urgent
  const subject = `${urgent ? `【${t('mail.content.urgent')}】` : ''}${body.title}`
  const read = t('mail.content.readOnline')
  const foot = [
    esc(t('mail.content.why', 'zh', { periodical: settings.periodicalName })),
    `${esc(settings.streetName)} · ${esc(settings.periodicalName)}`,
    settings.hotline ? esc(t('mail.hotline', 'zh', { hotline: settings.hotline })) : '',
    `<a href="${mark('preferences')}" style="color:#5f6368">${esc(t('mail.preferences'))}</a> · <a href="${mark('unsubscribe')}" style="color:#5f6368">${esc(t('mail.unsubscribe'))}</a>`,
  ].filter(Boolean)
  const html =
    `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(subject)}</title></head>` +
    `<body style="margin:0;padding:0;background:#f3f3f3;font-family:-apple-system,'PingFang SC','Hiragino Sans GB','Microsoft YaHei','Noto Sans CJK SC',sans-serif;color:#1d1d1f;-webkit-text-size-adjust:100%">` +
    `<div style="max-width:600px;margin:0 auto;background:#fff">` +
    `<div style="background:#b3261e;color:#fff;padding:14px 20px;font-size:18px;font-weight:700;letter-spacing:1px">${esc(settings.periodicalName)}</div>` +
    `<div style="padding:20px 20px 8px">` +
    `<p style="margin:0 0 14px;line-height:1.8">${mark('greeting')}</p>` +
    `<h1 style="font-size:22px;line-height:1.4;margin:0 0 14px">${urgent ? `<span style="color:#b3261e">【${esc(t('mail.content.urgent'))}】</span>` : ''}${esc(body.title)}</h1>` +
    body.html +
    `<p style="margin:24px 0"><a href="${mark('content')}" style="display:inline-block;background:#b3261e;color:#fff;text-decoration:none;padding:10px 26px;border-radius:22px;font-size:16px">${esc(read)}</a></p>` +
    `</div><div style="padding:14px 20px;background:#f6f6f6;color:#5f6368;font-size:13px;line-height:1.8">${foot.join('<br>')}</div>${mark('pixel')}</div></body></html>`
  const text = [
    mark('greeting'),
    '',
    subject,
    '',
    ...body.text,
    t('format.labelled', 'zh', { label: read, value: mark('content') }),
    '',
    '--',
    t('mail.content.why', 'zh', { periodical: settings.periodicalName }),
    `${settings.streetName} · ${settings.periodicalName}`,
    ...(settings.hotline ? [t('mail.hotline', 'zh', { hotline: settings.hotline })] : []),
    labelled('mail.preferences', mark('preferences')),
    labelled('mail.unsubscribe', mark('unsubscribe')),
  ].join('\n')
  const links: string[] = []
  const htmlDefaults: Partial<Record<Slot, string>> = { content: esc(input.contentUrl) }
  const tracked = slotLinks(html, links, htmlDefaults, input.base.replace(/\/+$/, ''))
  return { subject, html: splice(tracked, htmlDefaults), text: splice(text, { content: input.contentUrl }), links }
}
