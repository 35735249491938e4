import { t } from '../../i18n/messages'
import { esc, imgTag, isMediaDoc, type MediaDoc, mediaSrc } from '../html'
import { paths } from '../paths'
import { SLOTS } from './slots'
import { linkPhonesAndDates } from '../readable'
import { modeClasses, modeStyles, modeSwitches, SPEAK_SCRIPT } from './care'
import { WECHAT_SLOT } from './share'
import type { PageContext } from './types'

export type PageMeta = {
  title: string
  /** Plain text for the description and share card. */
  description?: string | null
  /** Share-card image; the site logo, then the default card, stand in. */
  image?: unknown
  type?: 'article' | 'website'
  /** Error, withdrawn and preview pages stay out of search engines. */
  noindex?: boolean
  /** A page that lists the street's urgent content itself (home) takes only the grid's urgent banner. */
  gridBannerOnly?: boolean
  /** A reading page (an issue, event, policy, announcement): it carries the read-aloud script. */
  speak?: boolean
  /** The document title's first part, when not `title` (the street's name follows it). */
  headTitle?: string
  /** The page shows the account's follow card itself (src/templates/site/reading.ts): the footer leaves it out. */
  follow?: boolean
  /** A subscription form (/subscribe, /preferences): no print stylesheet, which keeps the page within its 24 KB. */
  form?: boolean
}

const NAV: { href: string; key: Parameters<typeof t>[0] }[] = [
  { href: paths.home(), key: 'site.home' },
  { href: paths.issues(), key: 'site.pastIssues' },
  { href: paths.events(), key: 'site.events' },
  { href: paths.policies(), key: 'site.policies' },
  { href: paths.grids(), key: 'site.grids' },
  { href: paths.subscribe(), key: 'site.subscribe' },
]

function shareImage(ctx: PageContext, image: unknown): string {
  const pick = (m: unknown) => (isMediaDoc(m) ? mediaSrc(m as MediaDoc, 'page', ctx.publicUrl)?.src : undefined)
  return pick(image) ?? pick(ctx.site.logo) ?? `${ctx.publicUrl}/icons/og-default.png`
}

function header(ctx: PageContext): string {
  const { site } = ctx
  // Original files: the thumb size is a centre crop, which would cut a logo or a QR code.
  const logo = imgTag(site.logo, { size: '', alt: '', className: 'logo', lazy: false })
  const nav = NAV.map((n) => {
    const current = n.href === ctx.path || (n.href !== '/' && ctx.path.startsWith(`${n.href}/`))
    return `<a href="${n.href}"${current ? ' aria-current="page"' : ''}>${esc(t(n.key))}</a>`
  }).join('')
  return (
    `<header class="site-head"><div class="wrap">` +
    `<a class="brand" href="/">${logo}<span class="street">${esc(site.streetName)}</span>` +
    `<span class="periodical">${esc(site.periodicalName)}</span></a>${modeSwitches(ctx)}` +
    `<nav aria-label="${esc(t('site.mainNav'))}">${nav}</nav></div></header>`
  )
}

function footer(ctx: PageContext, follow?: boolean): string {
  const { site } = ctx
  const parts: string[] = []
  if (site.hotline) {
    const tel = site.hotline.replace(/[^0-9+]/g, '')
    const number = tel ? `<a href="tel:${esc(tel)}">${esc(site.hotline)}</a>` : esc(site.hotline)
    parts.push(`<p class="hotline">${esc(t('site.hotline'))} ${number}</p>`)
  }
  if (site.wechatName && !follow) {
    const qr = imgTag(site.wechatQr, { size: '', alt: t('site.wechatQrAlt', 'zh', { name: site.wechatName }), className: 'qr' })
    parts.push(`<div class="wechat">${qr}<p>${esc(t('site.followWechat', 'zh', { name: site.wechatName }))}</p></div>`)
  }
  if (site.footerText) parts.push(`<p>${linkPhonesAndDates(esc(site.footerText))}</p>`)
  const filing: string[] = []
  if (site.icp) filing.push(`<a href="https://beian.miit.gov.cn/" rel="noopener noreferrer">${esc(site.icp)}</a>`)
  if (site.psb) filing.push(`<span>${esc(site.psb)}</span>`)
  if (filing.length) parts.push(`<p class="filing">${filing.join(' ')}</p>`)
  return `<footer class="site-foot"><div class="wrap">${parts.join('')}</div></footer>`
}

/**
 * A page's <title>: what it shows and the street, so it stands on its own
 * where the page is named without the site around it (a WeChat share without
 * the JS-SDK shows only this, a bookmark, a search result). Not the street twice.
 */
export const documentTitle = (title: string, street: string) => (title.includes(street) ? title : `${title} · ${street}`)

/** The page shell every resident page shares: head with share tags, header, footer. */
export function layout(ctx: PageContext, meta: PageMeta, main: string): string {
  const { site } = ctx
  const isHome = ctx.path === '/'
  const title = isHome ? `${site.periodicalName} · ${site.streetName}` : documentTitle(meta.headTitle ?? meta.title, site.streetName)
  const url = `${ctx.publicUrl}${ctx.path}`
  const description = meta.description?.trim() || t('site.tagline', 'zh', { street: site.streetName, periodical: site.periodicalName })
  const head = [
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width,initial-scale=1">',
    `<title>${esc(title)}</title>`,
    `<meta name="description" content="${esc(description)}">`,
    meta.noindex || ctx.preview ? '<meta name="robots" content="noindex">' : `<link rel="canonical" href="${esc(url)}">`,
    `<meta property="og:type" content="${meta.type ?? 'article'}">`,
    `<meta property="og:title" content="${esc(meta.title)}">`,
    `<meta property="og:description" content="${esc(description)}">`,
    `<meta property="og:url" content="${esc(url)}">`,
    `<meta property="og:image" content="${esc(shareImage(ctx, meta.image))}">`,
    `<meta property="og:site_name" content="${esc(site.periodicalName)}">`,
    '<meta property="og:locale" content="zh_CN">',
    '<meta name="format-detection" content="telephone=no">',
    '<meta name="theme-color" content="#b3261e">',
    `<link rel="stylesheet" href="${esc(ctx.cssHref)}">`,
    meta.follow && ctx.readingCssHref ? `<link rel="stylesheet" href="${esc(ctx.readingCssHref)}">` : '',
    modeStyles(ctx),
    ctx.printCssHref && !meta.form ? `<link rel="stylesheet" href="${esc(ctx.printCssHref)}" media="print">` : '',
    meta.speak ? `<script src="${SPEAK_SCRIPT}" defer></script>` : '',
    ctx.wechatShare && !ctx.preview ? WECHAT_SLOT : '',
    '<link rel="icon" href="/icons/icon.svg" type="image/svg+xml">',
    '<link rel="apple-touch-icon" href="/icons/icon-192.png">',
    '<link rel="manifest" href="/manifest.webmanifest">',
  ].join('')
  const banner = ctx.preview ? `<div class="preview-banner" role="status">${esc(t('site.preview'))}</div>` : ''
  return (
    `<!doctype html><html lang="zh-CN"${modeClasses(ctx)}><head>${head}</head><body>` +
    `<a class="skip" href="#main">${esc(t('site.skip'))}</a>${banner}${header(ctx)}${meta.gridBannerOnly ? SLOTS.gridBanner : SLOTS.banner}` +
    `<main id="main" class="wrap">${main}</main>${footer(ctx, meta.follow)}</body></html>`
  )
}
