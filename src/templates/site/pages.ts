import { type MessageKey, t } from '../../i18n/messages'
import { clip, formatDate, formatDateTime, formatTime, issueNumberLabel, streetDay } from '../format'
import { esc, escLines, imgTag, isMediaDoc, safeHref } from '../html'
import { contentPath, paths } from '../paths'
import { plainSummary } from '../plainText'
import { linkPhonesAndDates } from '../readable'
import { renderRichTextCached } from '../richText'
import { careEntry, speakButton } from './care'
import { layout } from './layout'
import { afterContent, type ReadingExtras } from './reading'
import { SLOTS } from './slots'
import type {
  AnnouncementDoc,
  ContentBase,
  EventDoc,
  GridDoc,
  IssueDoc,
  PageContext,
  PolicyDoc,
  Ref,
  Section,
} from './types'

/** The resident pages: pure functions from documents to HTML. */

type Collection = Section['kind']

function rich(ctx: PageContext, collection: Collection, doc: ContentBase, field: string, value: unknown, minHeading = 2): string {
  const key = `${collection}:${doc.id}:${doc.updatedAt ?? ''}:${field}:${minHeading}`
  const html = renderRichTextCached(key, value, {
    media: (id) => ctx.media?.get(String(id)),
    docHref: (relationTo, target) => contentPath(relationTo, target),
    minHeading,
  })
  return html ? `<div class="rich">${linkPhonesAndDates(html)}</div>` : ''
}

/** A plain text field with its line breaks, numbers to call as links and dates in Chinese. */
const prose = (value: unknown) => linkPhonesAndDates(escLines(value))

/** The share-card description: the summary, else the start of the body. */
const describe = (summary: string | null | undefined, body: unknown) => summary?.trim() || plainSummary(body, 120)

export const time = (value: unknown, text = formatDate(value)) =>
  text ? `<time datetime="${esc(streetDay(value))}">${esc(text)}</time>` : ''

const urgentBadge = (doc: { urgent?: boolean | null }) =>
  doc.urgent ? `<span class="badge urgent">${esc(t('site.urgent'))}</span> ` : ''

export const heading = (key: MessageKey, more?: { href: string; key: MessageKey }) =>
  `<h2 class="section-title">${esc(t(key))}${more ? ` <a class="more" href="${more.href}">${esc(t(more.key))}</a>` : ''}</h2>`

export const gridLabel = (g: GridDoc) => t('site.gridName', 'zh', { code: g.code, name: g.name })
const populated = <T extends object>(refs: Ref<T>[] | null | undefined): T[] =>
  (refs ?? []).filter((r): r is T => Boolean(r && typeof r === 'object'))

function sectionHref(s: Section): string {
  return contentPath(s.kind, s.doc) ?? '/'
}

/** A list of contents as cards: title link, date, summary. */
export function cards(items: { href: string; doc: ContentBase; meta?: string; label?: string }[]): string {
  if (!items.length) return `<p class="empty">${esc(t('site.noContent'))}</p>`
  const li = items.map(({ href, doc, meta, label }) => {
    const kind = label ? `<span class="badge">${esc(label)}</span> ` : ''
    const summary = doc.summary ? `<p>${esc(clip(doc.summary, 140))}</p>` : ''
    const when = meta ?? time(doc.publishedAt)
    return `<li>${urgentBadge(doc)}${kind}<a href="${esc(href)}">${esc(doc.title)}</a>${when ? `<p class="meta">${when}</p>` : ''}${summary}</li>`
  })
  return `<ul class="cards">${li.join('')}</ul>`
}

const eventCards = (events: EventDoc[]) =>
  cards(events.map((e) => ({ href: paths.event(e.id), doc: e, meta: `${time(e.startsAt, formatDateTime(e.startsAt))} · ${esc(e.location)}` })))
const policyCards = (policies: PolicyDoc[]) =>
  cards(policies.map((p) => ({ href: paths.policy(p.id), doc: p, meta: [esc(p.issuingBody), time(p.publishedAt)].filter(Boolean).join(' · ') })))
const issueCards = (issues: IssueDoc[]) =>
  cards(issues.map((i) => ({ href: paths.issue(i.number), doc: i, label: t('site.issueNumber', 'zh', { number: i.number }) })))

const KIND_LABEL: Record<Collection, MessageKey> = {
  issues: 'col.issues.singular',
  events: 'col.events.singular',
  policies: 'col.policies.singular',
  announcements: 'col.announcements.singular',
}

export type HomeData = { urgent: Section[]; latest: IssueDoc | null; events: EventDoc[]; policies: PolicyDoc[] }

export function homePage(ctx: PageContext, data: HomeData): string {
  // One h1 per page: the home page's is the periodical's name (shown by the header, so read by screen readers only).
  const parts: string[] = [`<h1 class="vh">${esc(ctx.site.periodicalName)}</h1>`, careEntry(ctx)]
  if (data.urgent.length) {
    const items = data.urgent.map((s) => ({ href: sectionHref(s), doc: s.doc, label: t(KIND_LABEL[s.kind]) }))
    parts.push(`<section class="urgent-list">${heading('site.urgent')}${cards(items)}</section>`)
  }
  // 我的网格: filled in per visitor from the page cache (src/site/myGridCookie.ts), empty for a visitor without one.
  parts.push(SLOTS.myGrid)
  if (data.latest) {
    const i = data.latest
    const href = paths.issue(i.number)
    const toc = (i.articles ?? [])
      .map((a, n) => `<li><a href="${esc(`${href}#a${n + 1}`)}">${esc(a.title)}</a></li>`)
      .join('')
    parts.push(
      `<section class="latest">${heading('site.latestIssue', { href: paths.issues(), key: 'site.allIssues' })}` +
        // The cover repeats the title's link: out of the tab order and hidden from screen readers (no second, empty link).
        `<article class="issue-card"><a href="${esc(href)}" tabindex="-1" aria-hidden="true">${imgTag(i.cover, { size: 'page', alt: '', lazy: false })}</a>` +
        `<p class="kicker">${esc(t('site.issueNumber', 'zh', { number: i.number }))} · ${time(i.publishedAt)}</p>` +
        `<h3><a href="${esc(href)}">${esc(i.title)}</a></h3>` +
        (i.summary ? `<p>${esc(i.summary)}</p>` : '') +
        (toc ? `<ol class="toc">${toc}</ol>` : '') +
        `<p><a class="button" href="${esc(href)}">${esc(t('site.readIssue'))}</a></p></article></section>`,
    )
  }
  parts.push(`<section>${heading('site.recentNotices', { href: paths.events(), key: 'site.allEvents' })}${eventCards(data.events)}</section>`)
  parts.push(`<section>${heading('site.policies', { href: paths.policies(), key: 'site.allPolicies' })}${policyCards(data.policies)}</section>`)
  parts.push(`<section class="grids-link">${heading('site.grids')}<p>${esc(t('site.gridsIntro'))}</p><p><a class="button" href="/grids">${esc(t('site.grids'))}</a></p></section>`)
  const description = data.latest?.summary ?? null
  return layout(ctx, { title: ctx.site.periodicalName, description, image: data.latest?.cover, type: 'website', gridBannerOnly: true }, parts.join(''))
}

export function issuesPage(ctx: PageContext, issues: IssueDoc[]): string {
  return layout(ctx, { title: t('site.pastIssues'), headTitle: `${ctx.site.periodicalName} ${t('site.pastIssues')}`, type: 'website' }, `<h1>${esc(t('site.pastIssues'))}</h1>${issueCards(issues)}`)
}

export function issuePage(ctx: PageContext, issue: IssueDoc, extras?: ReadingExtras): string {
  const articles = issue.articles ?? []
  const toc = articles.map((a, n) => `<li><a href="#a${n + 1}">${esc(a.title)}</a></li>`).join('')
  // On a phone an issue is long: each article ends with the way back to the contents.
  const back = articles.length > 1 ? `<p class="back"><a href="#toc">${esc(t('reader.backToContents'))}</a></p>` : ''
  const body = articles
    .map((a, n) => {
      const byline = a.author ? `<p class="byline">${esc(t('site.by', 'zh', { author: a.author }))}</p>` : ''
      const summary = a.summary ? `<p class="lead">${prose(a.summary)}</p>` : ''
      return `<section class="article" id="a${n + 1}"><h2>${esc(a.title)}</h2>${byline}${summary}${rich(ctx, 'issues', issue, `articles.${n}`, a.body, 3)}${back}</section>`
    })
    .join('')
  const main =
    `<article class="issue"><p class="kicker">${esc(ctx.site.periodicalName)} · ${esc(issueNumberLabel(issue.number))} · ${time(issue.publishedAt)}</p>` +
    `<h1>${urgentBadge(issue)}${esc(issue.title)}</h1>${speakButton()}` +
    (isMediaDoc(issue.cover) ? `<figure class="cover">${imgTag(issue.cover, { size: 'page', lazy: false })}</figure>` : '') +
    (issue.summary ? `<p class="lead">${prose(issue.summary)}</p>` : '') +
    (toc ? `<nav class="toc" id="toc" aria-label="${esc(t('site.contents'))}"><h2>${esc(t('site.contents'))}</h2><ol>${toc}</ol></nav>` : '') +
    `${body}${afterContent(ctx, 'issues', `${ctx.site.periodicalName} ${issueNumberLabel(issue.number)}`, issue.publishedAt, extras)}</article>`
  const first = articles[0]
  const description = issue.summary?.trim() || describe(first?.summary, first?.body)
  const title = `${issueNumberLabel(issue.number)} ${issue.title}`
  // The browser's title names the periodical too: shared without a card, it is all WeChat shows.
  return layout(ctx, { title, headTitle: `${ctx.site.periodicalName} ${title}`, description, image: issue.cover, speak: true, follow: true }, main)
}

export function eventsPage(ctx: PageContext, events: EventDoc[]): string {
  return layout(ctx, { title: t('site.events'), type: 'website' }, `<h1>${esc(t('site.events'))}</h1>${eventCards(events)}`)
}

export function facts(rows: [MessageKey, string][]): string {
  const dl = rows.filter(([, v]) => v).map(([k, v]) => `<dt>${esc(t(k))}</dt><dd>${v}</dd>`)
  return dl.length ? `<dl class="facts">${dl.join('')}</dl>` : ''
}

function timeRange(start: unknown, end: unknown): string {
  if (!end) return time(start, formatDateTime(start))
  const sameDay = formatDate(start) === formatDate(end)
  const endText = sameDay ? formatTime(end) : formatDateTime(end)
  return esc(t('site.timeRange', 'zh', { start: formatDateTime(start), end: endText }))
}

export function eventPage(ctx: PageContext, event: EventDoc, extras?: ReadingExtras): string {
  const grids = populated(event.grids)
  const audience = event.wholeStreet || !grids.length ? esc(t('site.wholeStreet')) : grids.map((g) => esc(gridLabel(g))).join('、')
  const main =
    `<article class="event"><p class="kicker">${esc(t('col.events.singular'))} · ${time(event.publishedAt)}</p>` +
    `<h1>${urgentBadge(event)}${esc(event.title)}</h1>${speakButton()}` +
    (event.summary ? `<p class="lead">${prose(event.summary)}</p>` : '') +
    facts([
      ['site.time', timeRange(event.startsAt, event.endsAt)],
      ['site.location', esc(event.location)],
      ['site.organiser', esc(event.organiser)],
      ['site.audience', audience],
      ['site.signup', prose(event.signup)],
    ]) +
    rich(ctx, 'events', event, 'body', event.body) +
    `${afterContent(ctx, 'events', event.organiser || ctx.site.streetName, event.publishedAt, extras)}</article>`
  return layout(ctx, { title: event.title, description: describe(event.summary, event.body), speak: true, follow: true }, main)
}

export function policiesPage(ctx: PageContext, policies: PolicyDoc[]): string {
  return layout(ctx, { title: t('site.policies'), type: 'website' }, `<h1>${esc(t('site.policies'))}</h1>${policyCards(policies)}`)
}

/** The explained document's page on this site, named by its title where the document came populated. */
function documentLink(document: PolicyDoc['document']): string {
  const id = document && typeof document === 'object' ? document.id : document
  if (id == null) return ''
  const title = document && typeof document === 'object' ? document.title : t('site.policy.document')
  return `<a href="${esc(paths.document(id))}">${esc(title)}</a>`
}

export function policyPage(ctx: PageContext, policy: PolicyDoc, extras?: ReadingExtras): string {
  const source = safeHref(policy.sourceUrl)
  const qa = (policy.qa ?? [])
    .map((q) => `<details open><summary>${esc(q.question)}</summary><p>${prose(q.answer)}</p></details>`)
    .join('')
  const main =
    `<article class="policy"><p class="kicker">${esc(t('col.policies.singular'))} · ${time(policy.publishedAt)}</p>` +
    `<h1>${urgentBadge(policy)}${esc(policy.title)}</h1>${speakButton()}` +
    facts([
      ['site.issuingBody', esc(policy.issuingBody)],
      ['site.documentNumber', esc(policy.documentNumber)],
      ['site.effectiveDate', time(policy.effectiveDate)],
      ['site.policy.document', documentLink(policy.document)],
    ]) +
    `<section class="plain"><h2>${esc(t('site.plainSummary'))}</h2><p>${prose(policy.summary)}</p></section>` +
    rich(ctx, 'policies', policy, 'body', policy.body) +
    (qa ? `<section class="qa"><h2>${esc(t('site.qa'))}</h2>${qa}</section>` : '') +
    (source ? `<p class="source"><a href="${esc(source)}" rel="noopener noreferrer">${esc(t('site.source'))}</a></p>` : '') +
    `${afterContent(ctx, 'policies', policy.issuingBody, policy.publishedAt, extras)}</article>`
  return layout(ctx, { title: policy.title, description: describe(policy.summary, policy.body), speak: true, follow: true }, main)
}

export function announcementPage(ctx: PageContext, a: AnnouncementDoc, extras?: ReadingExtras): string {
  const grids = populated(a.grids)
  const gridLinks = grids.map((g) => `<a href="${esc(paths.grid(g.code))}">${esc(gridLabel(g))}</a>`).join('、')
  const main =
    `<article class="announcement"><p class="kicker">${esc(t('col.announcements.singular'))} · ${time(a.publishedAt)}</p>` +
    `<h1>${urgentBadge(a)}${esc(a.title)}</h1>${speakButton()}` +
    facts([['site.audience', gridLinks]]) +
    (a.summary ? `<p class="lead">${prose(a.summary)}</p>` : '') +
    rich(ctx, 'announcements', a, 'body', a.body) +
    `${afterContent(ctx, 'announcements', grids.map(gridLabel).join('、'), a.publishedAt, extras)}</article>`
  return layout(ctx, { title: a.title, description: describe(a.summary, a.body), speak: true, follow: true }, main)
}

function notice(ctx: PageContext, titleKey: MessageKey, body: string): string {
  const main = `<div class="notice"><h1>${esc(t(titleKey))}</h1><p>${prose(body)}</p><p><a class="button" href="/">${esc(t('site.backHome'))}</a></p></div>`
  return layout(ctx, { title: t(titleKey), noindex: true, type: 'website' }, main)
}

export const notFoundPage = (ctx: PageContext) => notice(ctx, 'site.notFound.title', t('site.notFound.body'))
export const withdrawnPage = (ctx: PageContext) =>
  notice(ctx, 'site.withdrawn.title', t('site.withdrawn.body', 'zh', { hotline: ctx.site.hotline || '' }))
export const forbiddenPage = (ctx: PageContext) => notice(ctx, 'site.forbidden.title', t('site.forbidden.body'))
export const errorPage = (ctx: PageContext) => notice(ctx, 'site.error.title', t('site.error.body'))
