import { type Request, type Response, Router } from 'express'
import type { Payload, Where } from 'payload'

import { plainSummary } from '../templates/plainText'
import { type MessageKey, t } from '../i18n/messages'
import { publicUrl } from '../server/env'
import { contentPath, paths } from '../templates/paths'
import type { SiteChrome } from '../templates/site/types'
import { cached, collectionTag } from './cache'
import { cachedSettings, findGridByCode } from '../content/data'
import { CONTENT_SLUGS } from '../model/content'
import { type Rendered, rendered, securityHeaders } from './respond'

/**
 * Atom feeds of published content for feed readers: /feed.xml for the whole
 * street (issues, street-wide event notices, policy explainers) and
 * /grids/:code/feed.xml for one grid (the same plus the grid's own event
 * notices and announcements). Cached with the pages and dropped with them
 * when content changes.
 */
const FEED_SIZE = 50
const GRID_CODE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,19}$/
const PUBLISHED: Where = { _status: { equals: 'published' } }

type Kind = 'issues' | 'events' | 'policies' | 'announcements'
type Item = {
  kind: Kind
  id: string | number
  number?: number
  title: string
  summary?: string | null
  body?: unknown
  articles?: { summary?: string | null; body?: unknown }[] | null
  urgent?: boolean | null
  publishedAt?: string | null
  updatedAt?: string | null
}

/** Characters XML 1.0 does not allow at all (C0 controls but tab/newline/return, lone surrogates, U+FFFE/FFFF). */
const INVALID_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g
const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' }

/** Text for XML element content and attribute values: escaped, characters XML forbids removed. */
export function xml(value: unknown): string {
  if (value == null) return ''
  return String(value)
    .replace(INVALID_XML, '')
    .replace(/[&<>"']/g, (c) => XML_ESCAPES[c])
}

const iso = (v: unknown) => {
  const d = typeof v === 'string' || v instanceof Date ? new Date(v) : null
  return d && !Number.isNaN(d.getTime()) ? d.toISOString() : null
}

async function latest(payload: Payload, kind: Kind, where: Where[]): Promise<Item[]> {
  const { docs } = await payload.find({
    collection: kind,
    where: { and: [PUBLISHED, ...where] },
    sort: '-publishedAt',
    limit: FEED_SIZE,
    depth: 0,
    overrideAccess: true,
    select: {
      title: true,
      summary: true,
      urgent: true,
      publishedAt: true,
      updatedAt: true,
      ...(kind === 'issues' ? { number: true, articles: { summary: true, body: true } } : { body: true }),
    },
  })
  return (docs as unknown as Omit<Item, 'kind'>[]).map((d) => ({ ...d, kind }))
}

/** The street-wide items, or those of one grid (street-wide plus its own), newest first. */
async function feedItems(payload: Payload, gridId?: string | number): Promise<Item[]> {
  const events: Where = gridId == null ? { wholeStreet: { equals: true } } : { or: [{ wholeStreet: { equals: true } }, { grids: { in: [gridId] } }] }
  const lists = await Promise.all([
    latest(payload, 'issues', []),
    latest(payload, 'events', [events]),
    latest(payload, 'policies', []),
    gridId == null ? Promise.resolve([]) : latest(payload, 'announcements', [{ grids: { in: [gridId] } }]),
  ])
  return lists
    .flat()
    .sort((a, b) => String(b.publishedAt ?? '').localeCompare(String(a.publishedAt ?? '')))
    .slice(0, FEED_SIZE)
}

const KIND_LABEL: Record<Kind, MessageKey> = {
  issues: 'col.issues.singular',
  events: 'col.events.singular',
  policies: 'col.policies.singular',
  announcements: 'col.announcements.singular',
}

function summaryOf(item: Item): string {
  if (item.summary?.trim()) return item.summary.trim()
  const first = item.articles?.[0]
  return first ? first.summary?.trim() || plainSummary(first.body, 200) : plainSummary(item.body, 200)
}

export type FeedMeta = { title: string; subtitle: string; selfPath: string; alternatePath: string }

/** An Atom 1.0 document (RFC 4287). */
export function atomFeed(site: SiteChrome, meta: FeedMeta, items: Item[], base = publicUrl()): string {
  const updated = items.map((i) => iso(i.updatedAt) ?? iso(i.publishedAt)).filter((d): d is string => Boolean(d)).sort().at(-1) ?? new Date(0).toISOString()
  const entries = items
    .map((item) => {
      const href = `${base}${contentPath(item.kind, item) ?? '/'}`
      const title = item.kind === 'issues' && item.number ? `${t('site.issueNumber', 'zh', { number: item.number })} ${item.title}` : item.title
      const published = iso(item.publishedAt) ?? updated
      return (
        `<entry><title>${xml(item.urgent ? `【${t('site.urgent')}】${title}` : title)}</title>` +
        `<id>${xml(href)}</id><link rel="alternate" type="text/html" href="${xml(href)}"/>` +
        `<published>${published}</published><updated>${iso(item.updatedAt) ?? published}</updated>` +
        `<category term="${item.kind}" label="${xml(t(KIND_LABEL[item.kind]))}"/>` +
        `<summary type="text">${xml(summaryOf(item))}</summary></entry>`
      )
    })
    .join('')
  return (
    `<?xml version="1.0" encoding="utf-8"?>\n` +
    `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">` +
    `<title>${xml(meta.title)}</title><subtitle>${xml(meta.subtitle)}</subtitle>` +
    `<id>${xml(base + meta.selfPath)}</id>` +
    `<link rel="self" type="application/atom+xml" href="${xml(base + meta.selfPath)}"/>` +
    `<link rel="alternate" type="text/html" href="${xml(base + meta.alternatePath)}"/>` +
    `<updated>${updated}</updated><author><name>${xml(site.streetName)}</name></author>` +
    `<generator>${xml(site.periodicalName)}</generator>${entries}</feed>\n`
  )
}

export const feedPaths = { street: () => '/feed.xml', grid: (code: string) => `${paths.grid(code)}/feed.xml` }

export function createFeedRouter(payload: Payload): Router {
  const router = Router()
  const log = payload.logger.child({ component: 'feeds' })
  const settings = () => cachedSettings(payload)

  const send = (req: Request, res: Response, feed: Rendered) => {
    securityHeaders(res)
    res.setHeader('Content-Type', feed.status === 200 ? 'application/atom+xml; charset=utf-8' : 'text/plain; charset=utf-8')
    if (feed.status !== 200) return void res.status(feed.status).setHeader('Cache-Control', 'no-store').end(feed.body)
    res.setHeader('Cache-Control', 'public, max-age=300')
    res.setHeader('ETag', feed.etag)
    if (req.headers['if-none-match']?.split(',').some((e) => e.trim().replace(/^W\//, '') === feed.etag)) return void res.status(304).end()
    res.status(200).end(req.method === 'HEAD' ? undefined : feed.body)
  }

  const serve = (req: Request, res: Response, key: string, produce: () => Promise<Rendered>) =>
    cached(key, produce, { tags: CONTENT_SLUGS.map(collectionTag) })
      .then((feed) => send(req, res, feed))
      .catch((err) => {
        log.error({ err, url: req.path }, 'feed failed')
        if (!res.headersSent) res.status(500).type('text/plain; charset=utf-8').set('Cache-Control', 'no-store').send(t('site.error.body'))
      })

  router.get('/feed.xml', (req, res) =>
    serve(req, res, 'feed:street', async () => {
      const site = await settings()
      const meta = { title: `${site.periodicalName} · ${site.streetName}`, subtitle: t('feed.street', 'zh', { street: site.streetName }), selfPath: feedPaths.street(), alternatePath: '/' }
      return rendered(200, atomFeed(site, meta, await feedItems(payload)))
    }),
  )

  router.get('/grids/:code/feed.xml', (req, res) => {
    const code = String(req.params.code)
    if (!GRID_CODE.test(code)) return void send(req, res, rendered(404, t('site.notFound.body')))
    return serve(req, res, `feed:grid:${code}`, async () => {
      const grid = await findGridByCode(payload, code)
      if (!grid) return rendered(404, t('site.notFound.body'))
      const site = await settings()
      const name = t('site.gridName', 'zh', { code: grid.code, name: grid.name })
      const meta = { title: `${name} · ${site.periodicalName}`, subtitle: t('feed.grid', 'zh', { grid: name }), selfPath: feedPaths.grid(grid.code), alternatePath: paths.grid(grid.code) }
      return rendered(200, atomFeed(site, meta, await feedItems(payload, grid.id)))
    })
  })

  return router
}
