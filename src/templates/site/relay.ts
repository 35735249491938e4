import { t } from '../../i18n/messages'
import type { Confirmation, ConfirmRefusal, ConfirmWhat } from '../../relay/confirm'
import type { Notice } from '../../relay/notices'
import { formatDate, formatTime } from '../format'
import { esc } from '../html'
import { layout } from './layout'
import type { PageContext } from './types'

/**
 * 我的楼栋 (issue 18): a building head's page at their personal link. Each
 * notice with its forwarding text (a share link attributed to the building,
 * never the head's own link), the building's QR code of it, an A4 poster,
 * and the three confirmations as plain forms (no JavaScript needed; the copy
 * button is the one thing a script adds).
 */
export type RelayItem = { notice: Notice; text: string; link: string; qrSvg: string; confirmation?: Confirmation }
export type RelayView = {
  token: string
  csrf: string
  grid: string
  building: string
  households: number | null
  head: string
  items: RelayItem[]
  cssHref: string
  error?: { notice: string; refusal: ConfirmRefusal; message: string }
  saved?: boolean
}

const when = (v: unknown) => `${formatDate(v)} ${formatTime(v)}`
const anchor = (n: Notice) => `n-${n.type}-${n.id}`

function form(v: RelayView, n: Notice, what: ConfirmWhat, inner: string): string {
  return (
    `<form method="post" action="/relay/${esc(v.token)}#${anchor(n)}" class="relay-confirm">` +
    `<input type="hidden" name="csrf" value="${esc(v.csrf)}"><input type="hidden" name="type" value="${esc(n.type)}">` +
    `<input type="hidden" name="id" value="${esc(n.id)}"><input type="hidden" name="what" value="${what}">${inner}</form>`
  )
}

function toggle(v: RelayView, item: RelayItem, what: 'relayed' | 'posted', at: string | null | undefined): string {
  const name = t(what === 'relayed' ? 'relay.page.relayed' : 'relay.page.posted')
  if (at) {
    return form(v, item.notice, what, `<p class="done">✓ ${esc(t('relay.page.done', 'zh', { what: name, time: when(at) }))}</p><input type="hidden" name="value" value="0"><button type="submit" class="link">${esc(t('relay.page.undo'))}</button>`)
  }
  return form(v, item.notice, what, `<input type="hidden" name="value" value="1"><button type="submit" class="button">${esc(name)}</button>`)
}

function doors(v: RelayView, item: RelayItem): string {
  const c = item.confirmation
  const id = `d-${item.notice.type}-${item.notice.id}`
  const done = c?.doorsAt ? `<p class="done">✓ ${esc(t('relay.page.doneDoors', 'zh', { n: c.doorHouseholds ?? 0, time: when(c.doorsAt) }))}</p>` : ''
  const max = v.households ?? 0
  return form(
    v,
    item.notice,
    'doors',
    `${done}<label for="${id}">${esc(t('relay.page.doors'))}</label> <input id="${id}" name="households" type="number" inputmode="numeric" min="0" max="${max}" step="1" value="${c?.doorsAt ? esc(c.doorHouseholds ?? '') : ''}" required> ${esc(t('relay.page.doorsUnit'))} <button type="submit" class="button">${esc(t('relay.page.confirm'))}</button>`,
  )
}

function item(v: RelayView, it: RelayItem, i: number): string {
  const n = it.notice
  const err = v.error && v.error.notice === `${n.type}:${n.id}` ? `<p class="error" role="alert">${esc(v.error.message)}</p>` : ''
  const textId = `text-${i}`
  return (
    `<article class="relay-item${n.urgent ? ' urgent' : ''}" id="${anchor(n)}">` +
    `<h2>${n.urgent ? `<span class="badge">${esc(t('relay.page.urgent'))}</span> ` : ''}<a href="${esc(n.path)}">${esc(n.title)}</a></h2>` +
    (n.publishedAt ? `<p class="meta">${esc(formatDate(n.publishedAt))}</p>` : '') +
    err +
    `<label for="${textId}" class="hint">${esc(t('relay.page.copyHint'))}</label>` +
    `<textarea id="${textId}" readonly rows="5">${esc(it.text)}</textarea>` +
    `<p><button type="button" class="button copy" data-copy="${textId}" hidden>${esc(t('relay.page.copy'))}</button> <span class="copied" role="status" data-copied="${textId}" hidden>${esc(t('relay.page.copied'))}</span></p>` +
    `<details><summary>${esc(t('relay.page.qr'))}</summary><div class="qr">${it.qrSvg}</div></details>` +
    `<p><a class="poster-link" href="/relay/${esc(v.token)}/poster/${esc(n.type)}/${esc(n.id)}">${esc(t('relay.page.poster'))}</a></p>` +
    toggle(v, it, 'relayed', it.confirmation?.relayedAt) +
    toggle(v, it, 'posted', it.confirmation?.postedAt) +
    doors(v, it) +
    `</article>`
  )
}

export function relayPage(ctx: PageContext, v: RelayView): string {
  const intro = t('relay.page.intro', 'zh', { grid: v.grid, building: v.building, households: v.households ?? '—', head: v.head || '—' })
  const main =
    `<link rel="stylesheet" href="${esc(v.cssHref)}">` +
    `<div class="relay"><h1>${esc(t('relay.page.title'))}</h1><p class="intro">${esc(intro)}</p>` +
    `<p class="private" role="note"><strong>${esc(t('relay.page.private'))}</strong></p>` +
    (v.saved ? `<p class="saved" role="status">${esc(t('relay.page.saved'))}</p>` : '') +
    (v.error && !v.items.some((i) => v.error!.notice === `${i.notice.type}:${i.notice.id}`) ? `<p class="error" role="alert">${esc(v.error.message)}</p>` : '') +
    `<p class="hint">${esc(t('relay.page.sameDay'))}</p>` +
    (v.items.length ? v.items.map((it, i) => item(v, it, i)).join('') : `<p>${esc(t('relay.page.none'))}</p>`) +
    `</div><script src="/js/relay.js" defer></script>`
  return layout(ctx, { title: t('relay.page.title'), noindex: true, type: 'website' }, main)
}

/** The A4 poster: the notice, the building, its QR code; printed from the browser (print CSS in relay.css). */
export function posterPage(v: { street: string; grid: string; building: string; notice: Notice; qrSvg: string; cssHref: string }): string {
  return (
    `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<meta name="robots" content="noindex"><title>${esc(v.notice.title)}</title><link rel="stylesheet" href="${esc(v.cssHref)}"></head>` +
    `<body class="poster"><main class="sheet"><p class="from">${esc(t('relay.poster.from', 'zh', { street: v.street, grid: v.grid, building: v.building }))}</p>` +
    `<h1>${esc(v.notice.title)}</h1>${v.notice.summary ? `<p class="summary">${esc(v.notice.summary)}</p>` : ''}` +
    `<div class="qr">${v.qrSvg}</div><p class="scan">${esc(t('relay.poster.scan'))}</p></main></body></html>`
  )
}
