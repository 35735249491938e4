import { t } from '../../i18n/messages'
import { esc } from '../html'
import { layout } from './layout'
import type { PageContext } from './types'

/**
 * Staff tools outside the Payload admin, in the site's look: each grid's
 * share kit (subscribe link and QR code for posters and WeChat groups), and
 * the subscriber CSV import and export (admins only).
 */
export type ShareGrid = { code: string; name: string; community: string }

const page = (ctx: PageContext, title: string, main: string) =>
  layout(ctx, { title, noindex: true, type: 'website' }, `<div class="admin-tools">${main}<p class="meta"><a href="/admin">${esc(t('tools.backToAdmin'))}</a></p></div>`)

export function shareListPage(ctx: PageContext, grids: ShareGrid[]): string {
  const rows = grids
    .map((g) => `<li><a href="/admin-tools/share/${encodeURIComponent(g.code)}">${esc(t('site.gridName', 'zh', { code: g.code, name: g.name }))}</a> <span class="meta">${esc(g.community)}</span></li>`)
    .join('')
  return page(ctx, t('tools.share.title'), `<h1>${esc(t('tools.share.title'))}</h1><p>${esc(t('tools.share.intro'))}</p><ul class="grid-list">${rows}</ul>`)
}

export function sharePage(ctx: PageContext, g: ShareGrid & { link: string; feed: string }): string {
  const base = `/admin-tools/share/${encodeURIComponent(g.code)}`
  const name = t('site.gridName', 'zh', { code: g.code, name: g.name })
  const main =
    `<h1>${esc(t('tools.share.kitTitle', 'zh', { grid: name }))}</h1><p class="kicker">${esc(g.community)}</p>` +
    `<div class="share-kit"><img class="share-qr" src="${esc(base)}/qr.svg" width="280" height="280" alt="${esc(t('tools.share.qrAlt', 'zh', { grid: name }))}">` +
    `<div><p>${esc(t('tools.share.linkLabel'))}</p><p class="share-link"><a href="${esc(g.link)}">${esc(g.link)}</a></p>` +
    `<p>${esc(t('tools.share.howTo'))}</p>` +
    `<p><a class="button" href="${esc(base)}/qr.png?download=1" download>${esc(t('tools.share.png'))}</a> ` +
    `<a class="button secondary" href="${esc(base)}/qr.svg?download=1" download>${esc(t('tools.share.svg'))}</a></p>` +
    `<p class="meta">${esc(t('tools.share.feed'))} <a href="${esc(g.feed)}">${esc(g.feed)}</a></p></div></div>`
  return page(ctx, name, main)
}

export type ImportView = { csrf: string; message?: string | null }

export function subscribersToolPage(ctx: PageContext, v: ImportView): string {
  const columns = ['email', 'grid', 'consent_at', 'consent_evidence', 'channels', 'topics', 'statistics']
    .map((c) => `<li><code>${esc(c)}</code> ${esc(t(`tools.import.col.${c}` as Parameters<typeof t>[0]))}</li>`)
    .join('')
  const main =
    `<h1>${esc(t('tools.subscribers.title'))}</h1>` +
    (v.message ? `<p class="form-errors" role="alert">${esc(v.message)}</p>` : '') +
    `<section><h2>${esc(t('tools.import.title'))}</h2><p>${esc(t('tools.import.intro'))}</p><ul>${columns}</ul>` +
    `<form class="subscribe" method="post" action="/admin-tools/subscribers/import" enctype="multipart/form-data">` +
    `<input type="hidden" name="csrf" value="${esc(v.csrf)}">` +
    `<label for="f-file">${esc(t('tools.import.file'))}</label><input type="file" name="file" id="f-file" accept=".csv,text/csv" required>` +
    `<label for="f-encoding">${esc(t('tools.import.encoding'))}</label><select name="encoding" id="f-encoding">` +
    `<option value="auto">${esc(t('tools.import.encoding.auto'))}</option><option value="utf-8">UTF-8</option><option value="gbk">GBK</option></select>` +
    `<fieldset><legend>${esc(t('tools.import.mode'))}</legend>` +
    `<label class="check"><input type="radio" name="mode" value="dry-run" checked> ${esc(t('tools.import.mode.dryRun'))}</label>` +
    `<label class="check"><input type="radio" name="mode" value="import"> ${esc(t('tools.import.mode.import'))}</label></fieldset>` +
    `<p><button type="submit" class="button">${esc(t('tools.import.submit'))}</button></p></form></section>` +
    `<section><h2>${esc(t('tools.export.title'))}</h2><p>${esc(t('tools.export.intro'))}</p>` +
    `<p><a class="button" href="/admin-tools/subscribers/export.csv">${esc(t('tools.export.utf8'))}</a> ` +
    `<a class="button secondary" href="/admin-tools/subscribers/export.csv?encoding=gbk">${esc(t('tools.export.gbk'))}</a></p></section>`
  return page(ctx, t('tools.subscribers.title'), main)
}

export type ReportView = {
  dryRun: boolean
  encoding: string | null
  total: number
  ready: number
  problems: { line: number; field: string; reason: string }[]
  skipped: { line: number; email: string; reason: string }[]
}

/** The check of a file: every bad row (line, column, reason), the rows that would be skipped, and what would be written. */
export function reportHtml(v: ReportView): string {
  const problems = v.problems.length
    ? `<h2>${esc(t('tools.import.problems', 'zh', { n: v.problems.length }))}</h2><div class="table-wrap"><table class="data import-problems"><thead><tr>` +
      `<th>${esc(t('tools.import.line'))}</th><th>${esc(t('tools.import.field'))}</th><th>${esc(t('tools.import.reason'))}</th></tr></thead><tbody>` +
      v.problems.map((p) => `<tr><td>${p.line}</td><td>${esc(p.field)}</td><td>${esc(p.reason)}</td></tr>`).join('') +
      `</tbody></table></div>`
    : ''
  const skipped = v.skipped.length
    ? `<h2>${esc(t('tools.import.skipped', 'zh', { n: v.skipped.length }))}</h2><div class="table-wrap"><table class="data import-skipped"><thead><tr>` +
      `<th>${esc(t('tools.import.line'))}</th><th>${esc(t('field.email'))}</th><th>${esc(t('tools.import.reason'))}</th></tr></thead><tbody>` +
      v.skipped.map((s) => `<tr><td>${s.line}</td><td>${esc(s.email)}</td><td>${esc(s.reason)}</td></tr>`).join('') +
      `</tbody></table></div>`
    : ''
  const summary = t(v.problems.length ? 'tools.import.summaryBad' : v.dryRun ? 'tools.import.summaryDry' : 'tools.import.summaryGo', 'zh', {
    total: v.total,
    ready: v.ready,
    skipped: v.skipped.length,
    encoding: v.encoding ?? '—',
  })
  return `<p class="${v.problems.length ? 'form-errors' : 'form-ok'}" role="status" id="import-summary">${esc(summary)}</p>${problems}${skipped}`
}

/** The report page; an import streams its progress into it after this head. */
export function importPageHead(ctx: PageContext, body: string): string {
  const html = page(ctx, t('tools.import.title'), `<h1>${esc(t('tools.import.title'))}</h1>${body}<div id="progress"></div><!--progress-->`)
  return html.slice(0, html.indexOf('<!--progress-->'))
}

export function importPageTail(ctx: PageContext): string {
  const html = page(ctx, t('tools.import.title'), `<!--progress-->`)
  return html.slice(html.indexOf('<!--progress-->') + '<!--progress-->'.length)
}

export const progressLine = (done: number, total: number) => `<p class="import-progress">${esc(t('tools.import.progress', 'zh', { done, total }))}</p>\n`
export const doneLine = (created: number, lost: number) =>
  `<p class="form-ok" id="import-done">${esc(t('tools.import.done', 'zh', { created, lost }))}</p><p><a href="/admin/collections/subscribers">${esc(t('tools.import.toList'))}</a></p>`
export const failedLine = (created: number) => `<p class="form-errors" id="import-failed">${esc(t('tools.import.failed', 'zh', { created }))}</p>`
