import type { KioskData, KioskItem, KioskTiming } from '../../content/kiosk'
import { t } from '../../i18n/messages'
import { formatDate, formatDateTime, formatTime } from '../format'
import { esc, escLines } from '../html'
import type { SiteChrome } from './types'

/**
 * The community terminal (惠民通, /kiosk?community=CODE): one full-screen,
 * touch-first page in care-mode type with every view in it (start with the
 * rotating notices and events, notices, events, the grids' subscribe codes,
 * and each item), shown by its fragment (#id, CSS :target), so nothing leads
 * out of the page and it works before its script runs. The script
 * (public/js/kiosk.js) rotates, returns to the start when idle, refreshes the
 * content in place and registers the service worker that keeps it
 * (public/kiosk-sw.js).
 */
export const KIOSK_SCRIPT = '/js/kiosk.js'
export const KIOSK_WORKER = '/kiosk-sw.js'

export type KioskPageInput = {
  site: SiteChrome
  data: KioskData
  cssHref: string
  timing: KioskTiming
  /** The subscribe QR code image of a grid. */
  qrSrc: (code: string) => string
  now?: Date
  /** The most bytes the page may weigh (the budget less its stylesheet): the last events and notices give way first. */
  maxBytes?: number
}

const itemId = (i: KioskItem) => `i-${i.kind}-${String(i.id)}`
const kindLabel = (i: KioskItem) => t(`col.${i.kind}.singular` as 'col.events.singular')
const gridText = (g: { code: string; name: string }) => t('site.gridName', 'zh', { code: g.code, name: g.name })

function badges(i: KioskItem): string {
  const urgent = i.urgent ? `<span class="k-badge urgent">${esc(t('site.urgent'))}</span>` : ''
  return `<p class="k-kind">${urgent}<span class="k-badge">${esc(kindLabel(i))}</span></p>`
}

function meta(i: KioskItem): string {
  if (i.kind === 'events') {
    const when = `<p class="k-meta">${esc(t('kiosk.when', 'zh', { time: formatDateTime(i.startsAt) }))}</p>`
    return when + (i.location ? `<p class="k-meta">${esc(t('kiosk.where', 'zh', { place: i.location }))}</p>` : '')
  }
  return i.publishedAt ? `<p class="k-meta">${esc(t('kiosk.published', 'zh', { date: formatDate(i.publishedAt) }))}</p>` : ''
}

/** A slide of the start view: the item in short, and the way into it. */
const slide = (i: KioskItem) =>
  `<li class="k-slide${i.urgent ? ' urgent' : ''}">${badges(i)}<h3>${esc(i.title)}</h3>${meta(i)}` +
  (i.summary ? `<p class="k-summary">${esc(i.summary)}</p>` : '') +
  `<a class="k-button" href="#${esc(itemId(i))}">${esc(t('kiosk.open'))}</a></li>`

const listRow = (i: KioskItem) =>
  `<li><a class="k-row${i.urgent ? ' urgent' : ''}" href="#${esc(itemId(i))}">${i.urgent ? `<span class="k-badge urgent">${esc(t('site.urgent'))}</span> ` : ''}` +
  `${esc(i.title)}<small>${esc(i.kind === 'events' ? formatDateTime(i.startsAt) : formatDate(i.publishedAt))}</small></a></li>`

const list = (items: KioskItem[], empty: string) => (items.length ? `<ul class="k-list">${items.map(listRow).join('')}</ul>` : `<p class="k-empty">${esc(empty)}</p>`)

/** An item's own view: its text, plain (no link inside can lead out), and the way back. */
const itemView = (i: KioskItem, back: string) =>
  `<article id="${esc(itemId(i))}" class="k-view k-item">${badges(i)}<h2>${esc(i.title)}</h2>${meta(i)}` +
  `<div class="k-text">${i.text.split(/\n+/).map((p) => `<p>${escLines(p)}</p>`).join('')}</div>` +
  `<a class="k-button k-back" href="#${back}">${esc(t('kiosk.back'))}</a></article>`

function gridsView(input: KioskPageInput): string {
  const cards = input.data.grids
    .map((g) => {
      const estates = [...new Set(g.buildings.map((b) => b.estate).filter(Boolean))]
      return (
        `<li class="k-grid"><img src="${esc(input.qrSrc(g.code))}" width="176" height="176" alt="${esc(t('kiosk.qrAlt', 'zh', { grid: gridText(g) }))}">` +
        `<p class="k-grid-name">${esc(gridText(g))}</p>` +
        (estates.length ? `<p class="k-meta">${esc(t('grid.estates', 'zh', { estates: estates.join('、') }))}</p>` : '') +
        '</li>'
      )
    })
    .join('')
  return (
    `<section id="k-grids" class="k-view"><h2>${esc(t('kiosk.gridsTitle'))}</h2><p class="k-hint">${esc(t('kiosk.gridsHint'))}</p>` +
    `<ul class="k-grids">${cards}</ul></section>`
  )
}

/** The page, within its byte budget: while over, the last event or notice (urgent ones last) is left out. */
export function kioskPage(input: KioskPageInput): string {
  let { notices, events } = input.data
  for (;;) {
    const html = kioskPageOf({ ...input, data: { ...input.data, notices, events } })
    if (!input.maxBytes || Buffer.byteLength(html) <= input.maxBytes || notices.length + events.length <= 1) return html
    if (events.length && events.length >= notices.length / 2) events = events.slice(0, -1)
    else notices = notices.slice(0, -1)
  }
}

function kioskPageOf(input: KioskPageInput): string {
  const { site, data } = input
  const now = input.now ?? new Date()
  const title = t('kiosk.title', 'zh', { community: data.community.name })
  const { notices, events } = data
  // The start view rotates through the notices (urgent first) and then the events.
  const seen = new Set(notices.map(itemId))
  const rotating = [...notices, ...events.filter((e) => !seen.has(itemId(e)))]
  const time = formatTime(now)
  const nav = [
    ['k-start', 'kiosk.start'],
    ['k-notices', 'kiosk.notices'],
    ['k-events', 'kiosk.events'],
    ['k-grids', 'kiosk.grids'],
  ] as const
  const main =
    `<section id="k-start" class="k-view"><h2 class="k-hint">${esc(t('kiosk.touchHint'))}</h2>` +
    (rotating.length
      ? `<ol class="k-slides" aria-label="${esc(t('kiosk.slides'))}" aria-live="polite">${rotating.map(slide).join('')}</ol>`
      : `<p class="k-empty">${esc(t('kiosk.noNotices'))}</p>`) +
    `</section>` +
    `<section id="k-notices" class="k-view"><h2>${esc(t('kiosk.notices'))}</h2>${list(notices, t('kiosk.noNotices'))}</section>` +
    `<section id="k-events" class="k-view"><h2>${esc(t('kiosk.events'))}</h2>${list(events, t('kiosk.noEvents'))}</section>` +
    gridsView(input) +
    notices.map((i) => itemView(i, 'k-notices')).join('') +
    events.filter((e) => !seen.has(itemId(e))).map((i) => itemView(i, 'k-events')).join('')
  const status =
    `<p id="k-status" class="k-status" role="status" data-offline="${esc(t('kiosk.offline', 'zh', { time }))}">` +
    `${esc(t('kiosk.updated', 'zh', { time }))}</p>`
  const hotline = site.hotline ? `<p>${esc(t('kiosk.hotline', 'zh', { hotline: site.hotline }))}</p>` : ''
  return (
    `<!doctype html><html lang="zh-CN" class="kiosk"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(`${title} · ${site.streetName}`)}</title>` +
    `<meta name="robots" content="noindex"><meta name="format-detection" content="telephone=no">` +
    `<link rel="stylesheet" href="${esc(input.cssHref)}"><script src="${KIOSK_SCRIPT}" defer></script>` +
    `<link rel="icon" href="/icons/icon.svg" type="image/svg+xml"></head>` +
    `<body data-community="${esc(data.community.code)}" data-worker="${KIOSK_WORKER}" ` +
    `data-rotate="${input.timing.rotateSeconds}" data-idle="${input.timing.idleSeconds}" data-refresh="${input.timing.refreshMinutes * 60}">` +
    `<header class="k-head"><h1>${esc(title)}</h1><p class="k-street">${esc(site.streetName)} · ${esc(site.periodicalName)}</p>${status}</header>` +
    `<nav class="k-nav" aria-label="${esc(t('kiosk.nav'))}">${nav.map(([id, key]) => `<a href="#${id}">${esc(t(key))}</a>`).join('')}</nav>` +
    `<main id="k-main" tabindex="0">${main}</main><footer class="k-foot">${hotline}</footer></body></html>`
  )
}
