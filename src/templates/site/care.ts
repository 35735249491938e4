import { t } from '../../i18n/messages'
import { esc } from '../html'
import { paths } from '../paths'
import type { PageContext } from './types'

/**
 * The page pieces of the reader's modes: the large-text and care-mode
 * switches (plain links: they work without JavaScript), care mode's entry on
 * the home page, its stylesheet, and the read-aloud button with its one small
 * script (public/js/speak.js). Care mode follows the MIIT
 * 《互联网网站适老化通用设计规范》: its rules are in public/css/care.css.
 */

/** The read-aloud script, the only script of a reading page. */
export const SPEAK_SCRIPT = '/js/speak.js'

/** Classes of <html> for the modes on (lt: large text, care: care mode), as an attribute or ''. */
export function modeClasses(ctx: PageContext): string {
  const classes = [ctx.largeText ? 'lt' : '', ctx.care ? 'care' : ''].filter(Boolean)
  return classes.length ? ` class="${classes.join(' ')}"` : ''
}

/** Care mode's stylesheet after the site's, in care mode only. */
export function modeStyles(ctx: PageContext): string {
  return ctx.care && ctx.careCssHref ? `<link rel="stylesheet" href="${esc(ctx.careCssHref)}">` : ''
}

const switchLink = (className: string, href: string, label: string) =>
  `<a class="mode-switch ${className}" href="${esc(href)}" rel="nofollow">${esc(label)}</a>`

/** The header's switches: text size and care mode, each back to this page. */
export function modeSwitches(ctx: PageContext): string {
  const textSize = ctx.largeText
    ? switchLink('textsize', paths.textSize('normal', ctx.path), t('site.normalText'))
    : switchLink('textsize', paths.textSize('large', ctx.path), t('site.largeText'))
  const care = switchLink('care-switch', paths.careMode(!ctx.care, ctx.path), t(ctx.care ? 'site.careModeOff' : 'site.careMode'))
  return `<div class="switches" role="group" aria-label="${esc(t('site.displayModes'))}">${textSize}${care}</div>`
}

/** Care mode's entry in the home page's first screen (none once it is on: the header says how to leave). */
export function careEntry(ctx: PageContext): string {
  if (ctx.care) return ''
  return `<p class="care-entry"><a class="button" href="${esc(paths.careMode(true, ctx.path))}" rel="nofollow">${esc(t('site.careEntry'))}</a></p>`
}

/**
 * The read-aloud button of a reading page, hidden until the script finds the
 * browser's speech synthesis (and so never shown without it). It reads the
 * article it stands in: title and body.
 */
export function speakButton(): string {
  return (
    `<p class="speak-bar" hidden><button type="button" class="button secondary" id="speak" ` +
    `data-pause="${esc(t('site.speakPause'))}" data-resume="${esc(t('site.speakResume'))}">${esc(t('site.speak'))}</button></p>`
  )
}
