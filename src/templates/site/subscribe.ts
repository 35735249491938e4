import type { ConsentEntry, SubscriberDoc } from '../../model/subscribers'
import { TOPICS } from '../../model/subscribers'
import { type MessageKey, t } from '../../i18n/messages'
import { deviceLabel } from '../device'
import { formatDateTime } from '../format'
import { esc, imgTag } from '../html'
import { linkPhonesAndDates } from '../readable'
import { layout } from './layout'
import type { PageContext } from './types'
import { type Challenge, smsChoice } from './subscribeSms'
import { fallbackOrderFieldset } from './fallbackOrder'

/**
 * The resident's subscription pages: subscribe, check your mail, confirm,
 * preferences, unsubscribe, erasure, and the notices for links that no
 * longer work. Every form works without JavaScript; /js/subscribe.js only
 * adds the live building search and web push where the browser has it.
 */

export type GridOption = { code: string; name: string }
export type CommunityOptions = { community: { name: string }; grids: GridOption[] }
export type FieldError = { field: string; message: string }
export type BuildingMatch = { code: string; gridName: string; community: string; estate: string; building: string; label: string }
/** The building search's answer (src/grids/directory.ts searchBuildings): matches, or why none and what is near. */
export type BuildingSearch = { found: boolean; why: string | null; message: string | null; matches: BuildingMatch[] }

export type SubscribeValues = {
  email?: string
  mobile?: string
  grid?: string
  channels?: string[]
  topics?: string[]
  statistics?: boolean
  consent?: boolean
}

export type SubscribeView = {
  groups: CommunityOptions[]
  /** A grid fixed by the share link (?grid=CODE). */
  preset: (GridOption & { community: string }) | null
  query: string
  search: BuildingSearch | null
  values: SubscribeValues
  errors: FieldError[]
  csrf: string
  consent: { content: string; statistics: string; version: string }
  /** Web push is offered only with a VAPID key; the page offers it only where the browser has the Push API. */
  vapidPublicKey: string | null
  mailAvailable: boolean
  /** SMS offered (configured with a verification template), and the human check when this address needs one. */
  sms?: { challenge: Challenge | null } | null
}

const gridText = (code: string, name: string) => t('site.gridName', 'zh', { code, name })

function errorList(errors: FieldError[]): string {
  if (!errors.length) return ''
  const items = errors.map((e) => `<li><a href="#f-${esc(e.field)}">${esc(e.message)}</a></li>`).join('')
  return `<div class="form-errors" role="alert" tabindex="-1" id="form-errors"><h2>${esc(t('subscribe.errorsTitle'))}</h2><ul>${items}</ul></div>`
}

const fieldErrors = (errors: FieldError[], field: string) =>
  errors
    .filter((e) => e.field === field)
    .map((e) => `<p class="field-error" id="e-${esc(field)}">${esc(e.message)}</p>`)
    .join('')

const invalid = (errors: FieldError[], field: string) => (errors.some((e) => e.field === field) ? ` aria-invalid="true" aria-describedby="e-${esc(field)}"` : '')

const checkbox = (name: string, value: string, label: string, checked: boolean, extra = '') =>
  `<label class="check"><input type="checkbox" name="${esc(name)}" value="${esc(value)}"${checked ? ' checked' : ''}${extra}> ${esc(label)}</label>`

function gridSelect(groups: CommunityOptions[], selected: string | undefined, errors: FieldError[]): string {
  const optgroups = groups
    .map(
      ({ community, grids }) =>
        `<optgroup label="${esc(community.name)}">${grids
          .map((g) => `<option value="${esc(g.code)}"${g.code === selected ? ' selected' : ''}>${esc(gridText(g.code, g.name))}</option>`)
          .join('')}</optgroup>`,
    )
    .join('')
  return (
    `<label for="f-grid">${esc(t('subscribe.chooseGrid'))}</label>` +
    `<select name="grid" id="f-grid" required${invalid(errors, 'grid')}><option value="">${esc(t('subscribe.chooseGridPlaceholder'))}</option>${optgroups}</select>` +
    fieldErrors(errors, 'grid')
  )
}

function matchList(search: BuildingSearch | null, query: string): string {
  if (search === null) return ''
  const items = search.matches.map((m) => `<li><a href="/subscribe?grid=${encodeURIComponent(m.code)}">${esc(m.label)}</a></li>`).join('')
  const list = items ? `<ul>${items}</ul>` : ''
  if (!search.found) {
    // A name nobody knows, with nothing near it: say which text was not found (escaped like everything else).
    const why = (search.why === 'unknown' && !items) || !search.message ? t('subscribe.search.none', 'zh', { query }) : search.message
    return `<div class="search-results search-empty" role="status"><p>${esc(why)}</p>${list}</div>`
  }
  return `<div class="search-results" role="status"><p>${esc(t('subscribe.search.found', 'zh', { n: search.matches.length }))}</p>${list}</div>`
}

function wechatBlock(ctx: PageContext): string {
  const { site } = ctx
  if (!site.wechatName) return ''
  const qr = imgTag(site.wechatQr, { size: '', alt: t('site.wechatQrAlt', 'zh', { name: site.wechatName }), className: 'qr', lazy: false })
  return (
    `<div class="channel-wechat">${qr}<div><p class="channel-title">${esc(t('channel.wechat'))}</p>` +
    `<p>${esc(t('subscribe.wechat', 'zh', { name: site.wechatName }))}</p></div></div>`
  )
}

export function subscribePage(ctx: PageContext, v: SubscribeView): string {
  const values = v.values
  const channels = values.channels ?? ['email']
  const topics = values.topics ?? [...TOPICS]
  const gridPart = v.preset
    ? `<p class="preset" id="f-grid">${esc(t('subscribe.presetGrid', 'zh', { grid: gridText(v.preset.code, v.preset.name), community: v.preset.community }))} ` +
      `<a href="/subscribe">${esc(t('subscribe.otherGrid'))}</a></p><input type="hidden" name="grid" value="${esc(v.preset.code)}">` +
      fieldErrors(v.errors, 'grid')
    : gridSelect(v.groups, values.grid, v.errors)

  // The search is a form of its own (forms cannot nest), before the main one; it works without JavaScript.
  const search = v.preset
    ? ''
    : `<form class="building-search" method="get" action="/subscribe" role="search">` +
      `<label for="q">${esc(t('subscribe.search.label'))}</label>` +
      `<div class="search-row"><input type="search" name="q" id="q" value="${esc(v.query)}" maxlength="40" autocomplete="off" placeholder="${esc(t('subscribe.search.placeholder'))}">` +
      `<button type="submit" class="button secondary">${esc(t('subscribe.search.button'))}</button></div>` +
      `<div id="search-results" data-none="${esc(t('subscribe.search.none', 'zh', { query: '' }).replace('“”', '').trim())}">${matchList(v.search, v.query)}</div></form>`

  const push = v.vapidPublicKey
    ? `<div class="channel-push" id="push-option" hidden>${checkbox('channels', 'webpush', t('subscribe.pushThisDevice'), channels.includes('webpush'), ' id="f-push"')}` +
      `<p class="hint">${esc(t('subscribe.pushHint'))}</p></div>`
    : ''
  const noPush = `<p class="hint" id="push-unavailable">${esc(t(v.vapidPublicKey ? 'subscribe.pushUnavailable' : 'subscribe.pushNotOffered'))}</p>`

  const form =
    `<form class="subscribe" method="post" action="/subscribe" id="subscribe-form"${v.vapidPublicKey ? ` data-vapid="${esc(v.vapidPublicKey)}"` : ''} data-msg-denied="${esc(t('subscribe.js.pushDenied'))}" data-msg-failed="${esc(t('subscribe.js.pushFailed'))}">` +
    `<input type="hidden" name="csrf" value="${esc(v.csrf)}">` +
    `<input type="hidden" name="push" id="f-push-subscription" value="">` +
    `<input type="hidden" name="consentVersion" value="${esc(v.consent.version)}">` +
    `<fieldset><legend>${esc(t('subscribe.step.grid'))}</legend>${gridPart}</fieldset>` +
    `<fieldset id="f-channels"${invalid(v.errors, 'channels')}><legend>${esc(t('subscribe.step.channels'))}</legend>` +
    checkbox('channels', 'email', t('channel.email'), channels.includes('email'), ' id="f-channel-email"') +
    `<label for="f-email">${esc(t('subscribe.emailLabel'))}</label>` +
    `<input type="email" name="email" id="f-email" value="${esc(values.email ?? '')}" maxlength="254" autocomplete="email" inputmode="email"${v.sms ? '' : ' required'}${invalid(v.errors, 'email')}>` +
    fieldErrors(v.errors, 'email') +
    `<p class="hint">${esc(t('subscribe.emailHint'))}${v.sms ? esc(t('subscribe.emailOptional')) : ''}</p>` +
    (v.sms ? smsChoice({ checked: channels.includes('sms'), mobile: values.mobile ?? '', errors: v.errors, challenge: v.sms.challenge }) : '') +
    push +
    noPush +
    fieldErrors(v.errors, 'channels') +
    wechatBlock(ctx) +
    `</fieldset>` +
    `<fieldset id="f-topics"${invalid(v.errors, 'topics')}><legend>${esc(t('subscribe.step.topics'))}</legend>` +
    TOPICS.map((x) => checkbox('topics', x, t(`topic.${x}` as MessageKey), topics.includes(x))).join('') +
    fieldErrors(v.errors, 'topics') +
    `</fieldset>` +
    `<fieldset id="f-consent"><legend>${esc(t('subscribe.step.consent'))}</legend>` +
    `<div class="consent-text"><p>${esc(v.consent.content)}</p><p class="meta">${esc(t('subscribe.consentVersion', 'zh', { version: v.consent.version }))} · <a href="/privacy">${esc(t('subscribe.privacyLink'))}</a></p></div>` +
    checkbox('consent', 'yes', t('subscribe.consentAgree'), Boolean(values.consent), ` required${invalid(v.errors, 'consent')}`) +
    fieldErrors(v.errors, 'consent') +
    `<div class="consent-optional">${checkbox('statistics', 'yes', t('subscribe.statisticsAgree'), Boolean(values.statistics))}<p class="hint">${esc(v.consent.statistics)}</p></div>` +
    `</fieldset>` +
    `<p><button type="submit" class="button">${esc(t('subscribe.submit'))}</button></p></form>` +
    (v.sms ? `<p><a href="/subscribe/sms/manage">${esc(t('subscribe.manage.link'))}</a></p>` : '')

  const unavailable = v.mailAvailable ? '' : `<p class="form-errors" role="status">${esc(t('subscribe.mailUnavailable'))}</p>`
  const main =
    `<div class="subscribe-page"><h1>${esc(t('subscribe.title'))}</h1><p class="lead">${esc(t('subscribe.intro'))}</p>` +
    errorList(v.errors) +
    unavailable +
    search +
    form +
    `</div><script src="/js/subscribe.js" defer></script>`
  return layout(ctx, { title: t('subscribe.title'), description: t('subscribe.intro'), type: 'website', noindex: v.errors.length > 0, form: true }, main)
}

function notice(ctx: PageContext, title: string, paragraphs: string[], actions = ''): string {
  const main = `<div class="notice subscribe-notice"><h1>${esc(title)}</h1>${paragraphs.map((p) => `<p>${linkPhonesAndDates(esc(p))}</p>`).join('')}${actions}</div>`
  return layout(ctx, { title, noindex: true, type: 'website' }, main)
}

const homeButton = () => `<p><a class="button" href="/">${esc(t('site.backHome'))}</a></p>`
const subscribeButton = () => `<p><a class="button" href="/subscribe">${esc(t('subscribe.again'))}</a></p>`

/** The same page for every accepted request, whatever the address's history. */
export const checkMailPage = (ctx: PageContext) =>
  notice(ctx, t('subscribe.checkMail.title'), [t('subscribe.checkMail.body'), t('subscribe.checkMail.spam')], homeButton())

export const tooManyPage = (ctx: PageContext, retryAfterSeconds: number) =>
  notice(ctx, t('subscribe.tooMany.title'), [t('subscribe.tooMany.body', 'zh', { minutes: Math.max(1, Math.ceil(retryAfterSeconds / 60)) })], homeButton())

export const csrfPage = (ctx: PageContext) => notice(ctx, t('subscribe.csrf.title'), [t('subscribe.csrf.body')], subscribeButton())
export const tooLargePage = (ctx: PageContext) => notice(ctx, t('subscribe.tooLarge.title'), [t('subscribe.tooLarge.body')], subscribeButton())
export const mailUnavailablePage = (ctx: PageContext) => notice(ctx, t('subscribe.mailUnavailable.title'), [t('subscribe.mailUnavailable')], homeButton())

export type LinkProblem = 'malformed' | 'forged' | 'expired' | 'unknown' | 'used' | 'unsubscribed'

/** A link that no longer works, and what to do instead. */
export function linkProblemPage(ctx: PageContext, problem: LinkProblem, purpose: 'confirm' | 'prefs' | 'unsub'): string {
  const hotline = ctx.site.hotline ? t('subscribe.link.hotline', 'zh', { hotline: ctx.site.hotline }) : ''
  if (problem === 'expired') return notice(ctx, t('subscribe.link.expired.title'), [t('subscribe.link.expired.body'), hotline].filter(Boolean), subscribeButton())
  if (problem === 'used') return notice(ctx, t('subscribe.link.used.title'), [t('subscribe.link.used.body')], subscribeButton())
  if (problem === 'unsubscribed') return notice(ctx, t('subscribe.link.unsubscribed.title'), [t('subscribe.link.unsubscribed.body')], subscribeButton())
  if (problem === 'unknown')
    return notice(ctx, t('subscribe.link.unknown.title'), [t(purpose === 'unsub' ? 'subscribe.link.unknown.unsub' : 'subscribe.link.unknown.body'), hotline].filter(Boolean), subscribeButton())
  return notice(ctx, t('subscribe.link.invalid.title'), [t('subscribe.link.invalid.body'), hotline].filter(Boolean), subscribeButton())
}

export function confirmPage(ctx: PageContext, v: { token: string; csrf: string; gridLabel: string; topics: string[] }): string {
  const main =
    `<div class="notice subscribe-notice"><h1>${esc(t('subscribe.confirm.title'))}</h1>` +
    `<p>${esc(t('subscribe.confirm.body'))}</p>` +
    `<dl class="facts"><dt>${esc(t('field.grid'))}</dt><dd>${esc(v.gridLabel)}</dd><dt>${esc(t('field.topics'))}</dt><dd>${esc(v.topics.join('、'))}</dd></dl>` +
    `<form method="post" action="/subscribe/confirm"><input type="hidden" name="t" value="${esc(v.token)}"><input type="hidden" name="csrf" value="${esc(v.csrf)}">` +
    `<p><button type="submit" class="button">${esc(t('subscribe.confirm.button'))}</button></p></form></div>`
  return layout(ctx, { title: t('subscribe.confirm.title'), noindex: true, type: 'website' }, main)
}

export function unsubscribeConfirmPage(ctx: PageContext, v: { action: string }): string {
  const main =
    `<div class="notice subscribe-notice"><h1>${esc(t('subscribe.unsub.title'))}</h1><p>${esc(t('subscribe.unsub.body'))}</p>` +
    `<form method="post" action="${esc(v.action)}"><input type="hidden" name="List-Unsubscribe" value="One-Click">` +
    `<p><button type="submit" class="button">${esc(t('subscribe.unsub.button'))}</button></p></form></div>`
  return layout(ctx, { title: t('subscribe.unsub.title'), noindex: true, type: 'website' }, main)
}

export const unsubscribedPage = (ctx: PageContext, preferencesHref: string | null) =>
  notice(
    ctx,
    t('subscribe.unsub.done.title'),
    [t('subscribe.unsub.done.body')],
    preferencesHref ? `<p><a class="button" href="${esc(preferencesHref)}">${esc(t('subscribe.unsub.done.manage'))}</a></p>` : homeButton(),
  )

export const erasedPage = (ctx: PageContext) => notice(ctx, t('subscribe.erased.title'), [t('subscribe.erased.body')], homeButton())

export type PreferencesView = {
  subscriber: SubscriberDoc
  email: string
  /** 138****1234 for a resident with a number (the page shows no more of it). */
  mobileMasked?: string | null
  gridCode: string
  gridLabel: string
  groups: CommunityOptions[]
  devices: { id: string | number; userAgent: string; createdAt: string; lastSuccessAt: string | null }[]
  token: string
  csrf: string
  unsubscribeHref: string
  message: 'confirmed' | 'saved' | 'resubscribed' | 'device-added' | 'device-removed' | 'already' | null
  errors: FieldError[]
  vapidPublicKey: string | null
  statistics: boolean
  /** The resident's own reading history (only with the statistics consent; null without it). */
  history?: { title: string; path: string | null; at: string }[] | null
  historyDays?: number
}

function consentRows(consents: ConsentEntry[]): string {
  if (!consents.length) return `<p class="empty">${esc(t('site.noContent'))}</p>`
  const rows = consents
    .map(
      (c) =>
        `<tr><td>${esc(formatDateTime(c.at))}</td><td>${esc(t(`consent.${c.purpose}` as MessageKey))}</td>` +
        `<td>${esc(t(c.granted ? 'subscribe.consent.granted' : 'subscribe.consent.withdrawn'))}</td>` +
        `<td>${esc(t(`consentMethod.${c.method}` as MessageKey))}</td><td>${esc(c.textVersion)}${c.evidence ? `<br>${esc(c.evidence)}` : ''}</td></tr>`,
    )
    .join('')
  return (
    `<div class="table-wrap" tabindex="0"><table class="data"><thead><tr><th>${esc(t('field.consentAt'))}</th><th>${esc(t('field.consentPurpose'))}</th>` +
    `<th>${esc(t('field.consentGranted'))}</th><th>${esc(t('field.consentMethod'))}</th><th>${esc(t('field.consentVersion'))}</th></tr></thead><tbody>${rows}</tbody></table></div>`
  )
}

/** The resident's own reading history, or why there is none. */
function historySection(v: PreferencesView): string {
  const title = `<h3 id="history">${esc(t('subscribe.prefs.historyTitle'))}</h3>`
  if (!v.history) return `${title}<p class="hint">${esc(t('subscribe.prefs.historyOff'))}</p>`
  const intro = `<p class="hint">${esc(t('subscribe.prefs.historyIntro', 'zh', { days: v.historyDays ?? 90 }))}</p>`
  if (!v.history.length) return `${title}${intro}<p class="empty">${esc(t('subscribe.prefs.historyEmpty'))}</p>`
  const items = v.history
    .map((h) => `<li><span class="meta">${esc(formatDateTime(h.at))}</span> ${h.path ? `<a href="${esc(h.path)}">${esc(h.title)}</a>` : esc(h.title)}</li>`)
    .join('')
  return `${title}${intro}<ul class="history">${items}</ul>`
}

export function preferencesPage(ctx: PageContext, v: PreferencesView): string {
  const s = v.subscriber
  const active = s.status === 'active'
  const banner = v.message ? `<p class="form-ok" role="status">${esc(t(`subscribe.prefs.msg.${v.message}` as MessageKey))}</p>` : ''
  const hidden = `<input type="hidden" name="t" value="${esc(v.token)}"><input type="hidden" name="csrf" value="${esc(v.csrf)}">`
  const devices = v.devices.length
    ? `<ul class="devices">${v.devices
        .map(
          (d) =>
            `<li><span title="${esc(d.userAgent)}">${esc(deviceLabel(d.userAgent))}</span> <span class="meta">${esc(t('subscribe.prefs.deviceSince', 'zh', { at: formatDateTime(d.createdAt) }))}</span>` +
            `<button type="submit" name="removeDevice" value="${esc(d.id)}" class="link-button" form="device-form">${esc(t('subscribe.prefs.removeDevice'))}</button></li>`,
        )
        .join('')}</ul>`
    : `<p class="hint">${esc(t('subscribe.prefs.noDevices'))}</p>`
  const pushAdd = v.vapidPublicKey
    ? `<p id="push-option" hidden><button type="button" class="button secondary" id="push-enable">${esc(t('subscribe.prefs.addDevice'))}</button></p>`
    : ''

  const choices = active
    ? `<form method="post" action="/subscribe/preferences" class="subscribe" id="prefs-form"${v.vapidPublicKey ? ` data-vapid="${esc(v.vapidPublicKey)}"` : ''} data-token="${esc(v.token)}" data-csrf="${esc(v.csrf)}" data-msg-denied="${esc(t('subscribe.js.pushDenied'))}" data-msg-failed="${esc(t('subscribe.js.pushFailed'))}">${hidden}` +
      `<input type="hidden" name="action" value="save">` +
      `<fieldset><legend>${esc(t('subscribe.step.grid'))}</legend>${gridSelect(v.groups, v.gridCode, v.errors)}</fieldset>` +
      `<fieldset id="f-channels"><legend>${esc(t('subscribe.step.channels'))}</legend>` +
      checkbox('channels', 'email', t('channel.email'), s.channels.includes('email')) +
      (s.channels.includes('webpush') ? checkbox('channels', 'webpush', t('channel.webpush'), true) : '') +
      (s.phoneIndex ? checkbox('channels', 'sms', t('subscribe.channel.sms'), s.channels.includes('sms')) : '') +
      fieldErrors(v.errors, 'channels') +
      `<p class="channel-title">${esc(t('subscribe.prefs.devices'))}</p>${devices}${pushAdd}${wechatBlock(ctx)}</fieldset>` +
      `<fieldset id="f-topics"><legend>${esc(t('subscribe.step.topics'))}</legend>` +
      TOPICS.map((x) => checkbox('topics', x, t(`topic.${x}` as MessageKey), s.topics.includes(x))).join('') +
      fieldErrors(v.errors, 'topics') +
      `</fieldset>` +
      fallbackOrderFieldset(s, v.errors.find((e) => e.field === 'order')?.message ?? null) +
      `<fieldset><legend>${esc(t('subscribe.step.consent'))}</legend>${checkbox('statistics', 'yes', t('subscribe.statisticsAgree'), v.statistics)}</fieldset>` +
      `<p><button type="submit" class="button">${esc(t('subscribe.prefs.save'))}</button></p></form>` +
      `<form method="post" action="/subscribe/preferences" id="device-form">${hidden}<input type="hidden" name="action" value="remove-device"></form>` +
      `<p><a href="${esc(v.unsubscribeHref)}">${esc(t('subscribe.prefs.unsubscribe'))}</a></p>`
    : `<div class="notice-box"><p>${esc(t(s.status === 'pending' ? 'subscribe.prefs.pending' : 'subscribe.prefs.inactive', 'zh', { status: t(`status.${s.status}` as MessageKey) }))}</p>` +
      (s.status === 'pending'
        ? ''
        : `<form method="post" action="/subscribe/preferences">${hidden}<input type="hidden" name="action" value="resubscribe"><button type="submit" class="button">${esc(t('subscribe.prefs.resubscribe'))}</button></form>`) +
      `</div>`

  const stored =
    `<section class="stored"><h2>${esc(t('subscribe.prefs.storedTitle'))}</h2><p>${esc(t('subscribe.prefs.storedIntro'))}</p><dl class="facts">` +
    [
      [t('field.email'), v.email || '—'],
      ...(v.mobileMasked ? [[t('field.mobile'), v.mobileMasked]] : []),
      [t('field.status'), t(`status.${s.status}` as MessageKey)],
      [t('field.grid'), v.gridLabel],
      [t('field.channels'), s.channels.map((c) => t(`channel.${c}` as MessageKey)).join('、')],
      [t('field.topics'), s.topics.map((x) => t(`topic.${x}` as MessageKey)).join('、')],
      [t('subscribe.prefs.createdAt'), formatDateTime(s.createdAt)],
      [t('field.confirmedAt'), formatDateTime(s.confirmedAt) || '—'],
      [t('field.unsubscribedAt'), formatDateTime(s.unsubscribedAt) || '—'],
      [t('field.source'), s.source ? t(`consentMethod.${s.source}` as MessageKey) : '—'],
      [t('subscribe.prefs.devices'), String(v.devices.length)],
    ]
      .map(([k, val]) => `<dt>${esc(k)}</dt><dd>${esc(val)}</dd>`)
      .join('') +
    `</dl><h3>${esc(t('field.consents'))}</h3>${consentRows(s.consents ?? [])}<p class="hint">${esc(t('subscribe.prefs.storedMore'))}</p>${historySection(v)}</section>`

  const erase =
    `<section class="erase"><h2>${esc(t('subscribe.erase.title'))}</h2><p>${esc(t('subscribe.erase.body'))}</p>` +
    `<form method="post" action="/subscribe/erase">${hidden}<button type="submit" class="button danger">${esc(t('subscribe.erase.button'))}</button></form></section>`

  const main =
    `<div class="subscribe-page"><h1>${esc(t('subscribe.prefs.title'))}</h1>${banner}${errorList(v.errors)}${choices}${stored}${erase}</div>` +
    `<script src="/js/subscribe.js" defer></script>`
  return layout(ctx, { title: t('subscribe.prefs.title'), noindex: true, type: 'website', form: true }, main)
}


/**
 * What we keep about subscribers, why, for how long, and how to see, correct or
 * delete it (plain words; docs/privacy.md has the detail). The retention and the
 * smallest figure shown are this street's settings, not the defaults.
 */
export function privacyPage(ctx: PageContext, settings: { retentionDays: number; minGroupSize: number }): string {
  const sections: [MessageKey, MessageKey][] = [
    ['privacy.what.title', 'privacy.what.body'],
    ['privacy.why.title', 'privacy.why.body'],
    ['privacy.stats.title', 'privacy.stats.body'],
    ['privacy.myGrid.title', 'privacy.myGrid.body'],
    ['privacy.who.title', 'privacy.who.body'],
    ['privacy.howLong.title', 'privacy.howLong.body'],
    ['privacy.rights.title', 'privacy.rights.body'],
  ]
  const vars = { days: settings.retentionDays, k: settings.minGroupSize }
  const body = sections.map(([h, p]) => `<section><h2>${esc(t(h))}</h2><p>${esc(t(p, 'zh', vars))}</p></section>`).join('')
  const contact = ctx.site.hotline ? `<p>${linkPhonesAndDates(esc(t('subscribe.link.hotline', 'zh', { hotline: ctx.site.hotline })))}</p>` : ''
  return layout(ctx, { title: t('privacy.title'), type: 'website' }, `<article class="privacy"><h1>${esc(t('privacy.title'))}</h1>${body}${contact}</article>`)
}
