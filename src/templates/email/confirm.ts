import { type MessageKey, t } from '../../i18n/messages'
import { esc } from '../html'

/**
 * The mails of the subscription itself (not content): the double opt-in
 * confirmation, and "you are already subscribed" for a repeat request.
 * Pure functions: text and HTML from the values given, nothing fetched.
 */
export type SubscriptionMailContext = {
  streetName: string
  periodicalName: string
  hotline?: string | null
  gridLabel: string
  topics: string[]
  channels: string[]
  links: { confirm?: string; preferences?: string; unsubscribe: string }
  /** How long the confirmation link works, in days. */
  confirmDays?: number
}

export type RenderedMail = { subject: string; text: string; html: string; headers: Record<string, string> }

/** RFC 2369 + RFC 8058: the client's unsubscribe button POSTs to the link, no cookie, no page. */
export function unsubscribeHeaders(unsubscribeUrl: string): Record<string, string> {
  return { 'List-Unsubscribe': `<${unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' }
}

function html(ctx: SubscriptionMailContext, title: string, paragraphs: string[], button: { href: string; label: string } | null, after: string[]): string {
  const p = (s: string) => `<p style="margin:0 0 14px;line-height:1.7">${s}</p>`
  const btn = button
    ? `<p style="margin:22px 0"><a href="${esc(button.href)}" style="display:inline-block;background:#b3261e;color:#fff;text-decoration:none;padding:10px 26px;border-radius:22px;font-size:17px">${esc(button.label)}</a></p>` +
      p(`<span style="color:#5f6368;font-size:13px">${esc(t('mail.linkFallback'))}<br><a href="${esc(button.href)}" style="color:#b3261e;word-break:break-all">${esc(button.href)}</a></span>`)
    : ''
  const foot = [
    `${esc(ctx.streetName)} · ${esc(ctx.periodicalName)}`,
    ctx.hotline ? esc(t('mail.hotline', 'zh', { hotline: ctx.hotline })) : '',
    ctx.links.preferences ? `<a href="${esc(ctx.links.preferences)}" style="color:#5f6368">${esc(t('mail.preferences'))}</a>` : '',
    `<a href="${esc(ctx.links.unsubscribe)}" style="color:#5f6368">${esc(t('mail.unsubscribe'))}</a>`,
  ].filter(Boolean)
  return (
    `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(title)}</title></head>` +
    `<body style="margin:0;padding:0;background:#f3f3f3;font-family:-apple-system,'PingFang SC','Microsoft YaHei',sans-serif;color:#1d1d1f">` +
    `<div style="max-width:560px;margin:0 auto;background:#fff"><div style="background:#b3261e;color:#fff;padding:14px 20px;font-size:18px;font-weight:700">${esc(ctx.periodicalName)}</div>` +
    `<div style="padding:20px">${`<h1 style="font-size:20px;margin:0 0 16px">${esc(title)}</h1>`}${paragraphs.map(p).join('')}${btn}${after.map(p).join('')}</div>` +
    `<div style="padding:14px 20px;background:#f6f6f6;color:#5f6368;font-size:13px;line-height:1.8">${foot.join('<br>')}</div></div></body></html>`
  )
}

function text(ctx: SubscriptionMailContext, title: string, paragraphs: string[], button: { href: string; label: string } | null, after: string[]): string {
  const lines = [title, '', ...paragraphs.flatMap((s) => [s, ''])]
  if (button) lines.push(t('format.labelled', 'zh', { label: button.label, value: '' }), button.href, '')
  lines.push(...after.flatMap((s) => [s, '']))
  lines.push('--', `${ctx.streetName} · ${ctx.periodicalName}`)
  if (ctx.hotline) lines.push(t('mail.hotline', 'zh', { hotline: ctx.hotline }))
  if (ctx.links.preferences) lines.push(t('format.labelled', 'zh', { label: t('mail.preferences'), value: ctx.links.preferences }))
  lines.push(t('format.labelled', 'zh', { label: t('mail.unsubscribe'), value: ctx.links.unsubscribe }))
  return lines.join('\n')
}

function summary(ctx: SubscriptionMailContext): string[] {
  const key = (k: MessageKey, v: string) => t(k, 'zh', { value: v })
  return [key('mail.summary.grid', ctx.gridLabel), key('mail.summary.topics', ctx.topics.join('、')), key('mail.summary.channels', ctx.channels.join('、'))]
}

/** The double opt-in mail: the request's choices and the one link that confirms them. */
export function confirmMail(ctx: SubscriptionMailContext): RenderedMail {
  if (!ctx.links.confirm) throw new Error('confirmMail needs a confirm link')
  const title = t('mail.confirm.title', 'zh', { periodical: ctx.periodicalName })
  const paras = [t('mail.confirm.intro', 'zh', { street: ctx.streetName, periodical: ctx.periodicalName })]
  const button = { href: ctx.links.confirm, label: t('mail.confirm.button') }
  const after = [...summary(ctx), t('mail.confirm.validity', 'zh', { days: ctx.confirmDays ?? 7 }), t('mail.confirm.notYou')]
  const safe = summary(ctx).map(esc)
  return {
    subject: title,
    text: text(ctx, title, paras, button, after),
    html: html(ctx, title, paras.map(esc), button, [...safe, esc(after[3]), esc(after[4])]),
    headers: unsubscribeHeaders(ctx.links.unsubscribe),
  }
}

/** A repeat request from an active address: nothing changed; here is how to change it. */
export function alreadySubscribedMail(ctx: SubscriptionMailContext): RenderedMail {
  if (!ctx.links.preferences) throw new Error('alreadySubscribedMail needs a preferences link')
  const title = t('mail.already.title', 'zh', { periodical: ctx.periodicalName })
  const paras = [t('mail.already.intro', 'zh', { periodical: ctx.periodicalName })]
  const button = { href: ctx.links.preferences, label: t('mail.already.button') }
  const after = [...summary(ctx), t('mail.already.notYou')]
  return {
    subject: title,
    text: text(ctx, title, paras, button, after),
    html: html(ctx, title, paras.map(esc), button, after.map(esc)),
    headers: unsubscribeHeaders(ctx.links.unsubscribe),
  }
}
