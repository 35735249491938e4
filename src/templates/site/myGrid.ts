import { type MessageKey, t } from '../../i18n/messages'
import { esc } from '../html'
import { contentPath, paths } from '../paths'
import { cards } from './pages'
import type { AnnouncementDoc, Section } from './types'

/**
 * 我的网格 (the grid a visitor's browser remembers): the urgent banner every
 * page carries, the home page's section, and the links that set, change and
 * forget it. Fragments, filled into a page's slots when it is sent
 * (src/templates/site/slots.ts, src/site/myGridCookie.ts).
 */

export const myGridPaths = {
  set: (code: string) => `/mygrid/set?grid=${encodeURIComponent(code)}`,
  forget: () => '/mygrid/forget',
}

/** The grid page's 设为我的网格: a plain link (works without JavaScript). */
export const myGridSetLink = (code: string) =>
  `<a class="button secondary" href="${esc(myGridPaths.set(code))}" rel="nofollow">${esc(t('mygrid.set'))}</a>`

/** 不是我的网格？更换 (choose another on the grid list) and 不再记住. */
const changeLinks = () =>
  `<a href="${esc(paths.grids())}">${esc(t('mygrid.change'))}</a> · <a href="${esc(myGridPaths.forget())}" rel="nofollow">${esc(t('mygrid.forget'))}</a>`

const KIND: Record<Section['kind'], MessageKey> = {
  issues: 'col.issues.singular',
  events: 'col.events.singular',
  policies: 'col.policies.singular',
  announcements: 'col.announcements.singular',
}

const links = (items: Section[]) =>
  items
    .map((s) => {
      const href = contentPath(s.kind, s.doc) ?? paths.home()
      return `<li><span class="kind">${esc(t(KIND[s.kind]))}</span> <a href="${esc(href)}">${esc(s.doc.title)}</a></li>`
    })
    .join('')

export type BannerView = {
  /** Street-wide urgent content that has not expired: shown to everyone. */
  street: Section[]
  /** The remembered grid's urgent announcements that have not expired, with the grid's label. */
  grid: { label: string; items: AnnouncementDoc[] } | null
}

/**
 * The urgent banner at the top of every page; '' when there is nothing
 * urgent. The word 紧急 says it, not only the colour.
 */
export function urgentBanner(v: BannerView): string {
  const parts: string[] = []
  if (v.grid?.items.length) {
    const items = v.grid.items.map((doc) => ({ kind: 'announcements' as const, doc }))
    parts.push(
      `<div class="urgent-line"><p><span class="badge urgent">${esc(t('site.urgent'))}</span> ${esc(t('mygrid.banner.grid', 'zh', { grid: v.grid.label }))}</p>` +
        `<ul>${links(items)}</ul><p class="change">${changeLinks()}</p></div>`,
    )
  }
  if (v.street.length) {
    parts.push(
      `<div class="urgent-line"><p><span class="badge urgent">${esc(t('site.urgent'))}</span> ${esc(t('mygrid.banner.street'))}</p><ul>${links(v.street)}</ul></div>`,
    )
  }
  if (!parts.length) return ''
  return `<aside class="urgent-banner" aria-label="${esc(t('mygrid.banner.title'))}"><div class="wrap">${parts.join('')}</div></aside>`
}

/** The home page's 我的网格: the grid's latest announcements (urgent first), its page, and change or forget. */
export function myGridSection(v: { code: string; label: string; announcements: AnnouncementDoc[] }): string {
  const sorted = [...v.announcements].sort((a, b) => Number(Boolean(b.urgent)) - Number(Boolean(a.urgent)))
  const list = sorted.length ? cards(sorted.map((a) => ({ href: paths.announcement(a.id), doc: a }))) : `<p class="empty">${esc(t('mygrid.none'))}</p>`
  return (
    `<section class="my-grid" id="my-grid" aria-label="${esc(t('mygrid.title'))}">` +
    `<h2 class="section-title">${esc(t('mygrid.heading', 'zh', { grid: v.label }))}</h2>` +
    `<h3>${esc(t('mygrid.latest'))}</h3>${list}` +
    `<p><a class="button" href="${esc(paths.grid(v.code))}">${esc(t('mygrid.open'))}</a></p>` +
    `<p class="change">${changeLinks()}</p></section>`
  )
}
