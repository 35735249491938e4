import { t } from '../../i18n/messages'
import { esc, safeHref } from '../html'
import { paths } from '../paths'
import { layout } from './layout'
import { facts, time } from './pages'
import type { PageContext, PolicyDocumentDoc, PolicyDoc } from './types'

/**
 * A policy document's page (政策文件): what it is (issuing body, number,
 * date), where to read it (the uploaded file, the issuing body's address), and
 * the street's published explainers of it: the other half of the link each
 * explainer makes to its document.
 */
export function documentPage(ctx: PageContext, doc: PolicyDocumentDoc, explainers: PolicyDoc[]): string {
  const official = safeHref(doc.officialUrl)
  const file = doc.url && doc.filename ? doc.url : null
  const where = [
    file ? `<a href="${esc(file)}" download>${esc(t('site.document.file'))}</a>` : '',
    official ? `<a href="${esc(official)}" rel="noopener noreferrer">${esc(t('site.document.official'))}</a>` : '',
  ].filter(Boolean)
  const list = explainers.length
    ? `<ul class="list">${explainers.map((p) => `<li><a href="${esc(paths.policy(p.id))}">${esc(p.title)}</a> ${time(p.publishedAt)}</li>`).join('')}</ul>`
    : `<p>${esc(t('site.document.noExplainer'))}</p>`
  const main =
    `<article class="policy-document"><p class="kicker">${esc(t('site.document.kicker'))}</p>` +
    `<h1>${esc(doc.title)}</h1>` +
    facts([
      ['site.issuingBody', esc(doc.issuingBody)],
      ['site.documentNumber', esc(doc.documentNumber)],
      ['site.document.issuedDate', time(doc.issuedDate)],
    ]) +
    (where.length ? `<p class="source">${where.join(' · ')}</p>` : '') +
    `<section><h2>${esc(t('site.document.explainers'))}</h2>${list}</section></article>`
  return layout(ctx, { title: doc.title, description: [doc.issuingBody, doc.documentNumber].filter(Boolean).join(' ') }, main)
}
