import { type Lang, t } from '../../i18n/messages'
import { esc } from '../html'

/**
 * Mails to staff accounts (not residents): the password-reset link Payload's
 * forgot-password asks for, and the set-password link an admin can send to a
 * new account instead of passing a password around. Pure functions.
 */
export type StaffMailContext = {
  name: string
  /** The street (site settings), or empty. */
  street: string
  /** The admin's reset page with the token, e.g. https://news.example.org/admin/reset/abc… */
  link: string
  lang?: Lang
}

export type StaffMail = { subject: string; html: string; text: string }

/** One staff mail: greeting, paragraphs, a button to `ctx.link`, closing paragraphs. */
export function render(lang: Lang, title: string, ctx: StaffMailContext, paragraphs: string[], button: string, after: string[]): StaffMail {
  const product = t('mail.staff.product', lang)
  const greeting = t('mail.staff.greeting', lang, { name: ctx.name })
  const p = (s: string) => `<p style="margin:0 0 14px;line-height:1.7">${esc(s)}</p>`
  const html =
    `<!doctype html><html lang="${lang === 'en' ? 'en' : 'zh-CN'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(title)}</title></head>` +
    `<body style="margin:0;padding:0;background:#f3f3f3;font-family:-apple-system,'PingFang SC','Microsoft YaHei',sans-serif;color:#1d1d1f">` +
    `<div style="max-width:560px;margin:0 auto;background:#fff"><div style="background:#b3261e;color:#fff;padding:14px 20px;font-size:18px;font-weight:700">${esc(product)}</div>` +
    `<div style="padding:20px">${p(greeting)}${paragraphs.map(p).join('')}` +
    `<p style="margin:22px 0"><a href="${esc(ctx.link)}" style="display:inline-block;background:#b3261e;color:#fff;text-decoration:none;padding:10px 26px;border-radius:22px;font-size:17px">${esc(button)}</a></p>` +
    `<p style="margin:0 0 14px;line-height:1.7"><span style="color:#5f6368;font-size:13px">${esc(t('mail.linkFallback', lang))}<br><a href="${esc(ctx.link)}" style="color:#b3261e;word-break:break-all">${esc(ctx.link)}</a></span></p>` +
    `${after.map(p).join('')}</div>` +
    `<div style="padding:14px 20px;background:#f6f6f6;color:#5f6368;font-size:13px;line-height:1.8">${esc(t('mail.staff.footer', lang))}</div></div></body></html>`
  const text = [greeting, '', ...paragraphs.flatMap((s) => [s, '']), `${button}:`, ctx.link, '', ...after.flatMap((s) => [s, '']), '--', t('mail.staff.footer', lang)].join('\n')
  return { subject: title, html, text }
}

/** Payload's forgot-password mail, in our words. */
export function staffResetMail(ctx: StaffMailContext & { minutes: number; minLength: number }): StaffMail {
  const lang = ctx.lang ?? 'zh'
  const product = t('mail.staff.product', lang)
  return render(
    lang,
    t('mail.staff.reset.subject', lang, { product }),
    ctx,
    [t('mail.staff.reset.intro', lang, { product, street: ctx.street || product })],
    t('mail.staff.reset.button', lang),
    [t('mail.staff.passwordRule', lang, { min: ctx.minLength }), t('mail.staff.reset.validity', lang, { minutes: ctx.minutes }), t('mail.staff.reset.notYou', lang)],
  )
}

/** A new account's invitation to set its own password. */
export function staffSetPasswordMail(ctx: StaffMailContext & { email: string; role: string; hours: number; minLength: number }): StaffMail {
  const lang = ctx.lang ?? 'zh'
  const product = t('mail.staff.product', lang)
  return render(
    lang,
    t('mail.staff.set.subject', lang, { product }),
    ctx,
    [t('mail.staff.set.intro', lang, { product, street: ctx.street || product, email: ctx.email, role: ctx.role })],
    t('mail.staff.set.button', lang),
    [t('mail.staff.passwordRule', lang, { min: ctx.minLength }), t('mail.staff.set.validity', lang, { hours: ctx.hours })],
  )
}

/** A finding as the mail lists it, already in words: where, what, the text around it, the fix. */
export type RefusalItem = { where: string; what: string; context: string; fix?: string | null }

/** A scheduled publication the pre-publish checks refused, to the staff member who scheduled it. */
export function staffScheduledRefusedMail(ctx: StaffMailContext & { title: string; type: string; items: RefusalItem[] }): StaffMail {
  const lang = ctx.lang ?? 'zh'
  const items = ctx.items.map((i) => t('mail.staff.refused.item', lang, { where: i.where, what: i.what, context: i.context, fix: i.fix ?? '' }))
  return render(
    lang,
    t('mail.staff.refused.subject', lang, { title: ctx.title }),
    ctx,
    [t('mail.staff.refused.intro', lang, { type: ctx.type, title: ctx.title }), ...items],
    t('mail.staff.refused.button', lang),
    [t('mail.staff.refused.next', lang)],
  )
}

/** The shared layout, for the staff mails of other areas (templates/email/review.ts). */
export { render as renderStaffMail }
