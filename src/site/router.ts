import fs from 'node:fs'
import path from 'node:path'
import { createHash } from 'node:crypto'

import { type NextFunction, type Request, type Response, Router } from 'express'
import type { Payload, Where } from 'payload'

import { CONTENT_SLUGS, type ContentSlug } from '../model/content'
import { t } from '../i18n/messages'
import type { PageContent } from '../readership/pageViews'
import { publicUrl } from '../server/env'
import { paths } from '../templates/paths'
import {
  announcementPage,
  errorPage,
  eventPage,
  eventsPage,
  forbiddenPage,
  homePage,
  issuePage,
  issuesPage,
  notFoundPage,
  policiesPage,
  policyPage,
  withdrawnPage,
} from '../templates/site/pages'
import { gridPage, gridsPage } from '../templates/site/grids'
import { documentPage } from '../templates/site/documents'
import { explainersOf, findPolicyDocument } from '../documents/data'
import type { ReadingExtras } from '../templates/site/reading'
import { findNeighbours, orderTag } from '../content/neighbours'
import type { AnnouncementDoc, EventDoc, Id, IssueDoc, PageContext, PolicyDoc, ReaderModes, SiteChrome } from '../templates/site/types'
import { cached, collectionTag, documentTag } from './cache'
import { answerPage, type CachedPage, pageKey } from './cachedPages'
import { createModeRoutes } from './modeRoutes'
import { readerModes } from './modes'
import {
  findContent,
  findGridByCode,
  findIssueByNumber,
  gridAnnouncements,
  gridLeaders,
  latestIssue,
  LIMITS,
  listEvents,
  listIssues,
  listPolicies,
  listUrgent,
  cachedSettings,
  type Lookup,
  mediaFor,
  richValues,
} from '../content/data'
import { type Rendered, redirectToLogin, rendered, securityHeaders, sendPage, staffOfRequest } from './respond'
import { createFeedRouter } from './feeds'
import { createShortLinkRouter } from './shortLinks'
import { createSubscribeRouter } from './subscribe'
import { createAdminToolsRedirects } from './subscribeAdmin'
import { gridByCode, gridDirectory } from '../subscribers/service'
import { myGridKit } from './myGrid'
import { createWechatShareRouter, wechatShareOn } from './wechatShare'
import { createKioskRouter } from './kiosk'
import { createSmsCallbackRouter } from './smsCallbacks'
import { createRelayRouter } from './relay'

/** The reader's switches (large text, care mode) its cookies turn on. */
const modesOf = (req: Request): ReaderModes => readerModes(req.headers.cookie)

/** A reading page's view: the document, and its neighbours. */
type ReadingView<T> = (ctx: PageContext, doc: T, extras?: ReadingExtras) => string

/** A stylesheet's URL carries a hash of its bytes, so a release reaches browsers at once. */
function cssHref(file: string): string {
  try {
    const bytes = fs.readFileSync(path.resolve('public/css', file))
    return `/css/${file}?v=${createHash('sha1').update(bytes).digest('hex').slice(0, 10)}`
  } catch {
    return `/css/${file}`
  }
}

/** A document id as this database spells it: a positive integer on SQLite, 24 hex digits on MongoDB. */
export function parseDocId(payload: Payload, raw: string): Id | null {
  if (payload.db.defaultIDType === 'number') {
    if (!/^[1-9]\d{0,15}$/.test(raw)) return null
    const n = Number(raw)
    return Number.isSafeInteger(n) ? n : null
  }
  return /^[0-9a-f]{24}$/i.test(raw) ? raw.toLowerCase() : null
}

const parseIssueNumber = (raw: string): number | null => (/^[1-9]\d{0,8}$/.test(raw) ? Number(raw) : null)
const GRID_CODE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,19}$/

/** Resident pages: the reading site, server-rendered, no login (except the staff preview). */
export function createSiteRouter(payload: Payload): Router {
  const router = Router()
  const log = payload.logger.child({ component: 'site' })
  const css = cssHref('site.css')
  const careCss = cssHref('care.css')
  const readingCss = cssHref('reading.css')
  const printCss = cssHref('print.css')

  const settings = () => cachedSettings(payload)
  // 我的网格: the remembered grid, its banner and home section (src/site/myGrid.ts).
  const myGrid = myGridKit(payload)
  const context = async (pagePath: string, modes: ReaderModes, extra: Partial<PageContext> = {}): Promise<PageContext> => {
    const site = await settings()
    return {
      site,
      publicUrl: publicUrl(),
      path: pagePath,
      ...modes,
      cssHref: css,
      careCssHref: careCss,
      readingCssHref: readingCss,
      printCssHref: printCss,
      wechatShare: wechatShareOn(site.wechatJsSdk),
      ...extra,
    }
  }

  const fail = async (req: Request, res: Response, err: unknown) => {
    log.error({ err, url: req.originalUrl }, 'page failed')
    if (res.headersSent) return
    try {
      sendPage(req, res, rendered(500, errorPage(await context(req.path, modesOf(req)))), { public: false })
    } catch {
      securityHeaders(res)
      res.status(500).set('Cache-Control', 'no-store').type('text/plain; charset=utf-8').send(t('site.error.body'))
    }
  }

  const notFound = async (req: Request, res: Response) => {
    const [ctx] = await Promise.all([context(req.path, modesOf(req)), myGrid.banners()])
    sendPage(req, res, rendered(404, notFoundPage(ctx)), { public: false })
  }

  /**
   * A public page at its canonical path, rendered once per (path, reader modes)
   * and kept in memory until what it is made from changes: `from` names the
   * collections it lists; a page that shows one content (its `content`) is
   * made from that content alone.
   */
  const serve = async (req: Request, res: Response, pagePath: string, from: readonly string[], render: (ctx: PageContext) => Promise<CachedPage>) => {
    try {
      const modes = modesOf(req)
      const page = await cached(pageKey(pagePath, modes), async () => render(await context(pagePath, modes)), {
        tags: (p) => (p.content ? [documentTag(p.content.type, p.content.id), ...(p.alsoFrom ?? [])] : from.map(collectionTag)),
        onBackgroundError: (err) => log.error({ err, path: pagePath }, 'background render failed'),
      })
      // This visitor's grid (cookie, or a link made for a grid), with what the page is filled with for it at hand.
      const grid = await myGrid.visitorGrid(req, res, pagePath === paths.home())
      answerPage(payload, req, res, page, undefined, grid)
    } catch (err) {
      await fail(req, res, err)
    }
  }

  /** The page of one content, or the withdrawn notice (410), or not found (404). */
  async function contentPage<T extends { id: Id }>(ctx: PageContext, lookup: Lookup<T>, collection: ContentSlug, view: ReadingView<T>): Promise<CachedPage> {
    if (lookup.state === 'withdrawn') return rendered(410, withdrawnPage(ctx))
    if (lookup.state === 'missing') return rendered(404, notFoundPage(ctx))
    const [media, neighbours] = await Promise.all([
      mediaFor(payload, richValues(collection, lookup.doc as unknown as Record<string, unknown>)),
      findNeighbours(payload, collection, lookup.doc),
    ])
    // Which content this page shows, for the read count (kept with the cached page).
    const content: PageContent = { type: collection, id: String(lookup.doc.id) }
    // Made from its neighbours too (their titles) and from the order of its type (a new publication is a new neighbour).
    const alsoFrom = [orderTag(collection), ...[neighbours.prev, neighbours.next].filter((n) => n != null).map((n) => documentTag(collection, n.id))]
    return Object.assign(rendered(200, view({ ...ctx, media }, lookup.doc, { neighbours })), { content, alsoFrom })
  }

  router.get('/', (req, res) =>
    serve(req, res, paths.home(), ['issues', 'events', 'policies'], async (ctx) => {
      const [urgent, latest, events, policies] = await Promise.all([
        listUrgent(payload),
        latestIssue(payload),
        listEvents(payload, 5),
        listPolicies(payload, 5),
      ])
      return rendered(200, homePage(ctx, { urgent, latest, events, policies }))
    }),
  )

  router.get('/issues', (req, res) => serve(req, res, paths.issues(), ['issues'], async (ctx) => rendered(200, issuesPage(ctx, await listIssues(payload)))))

  router.get('/issues/:number', async (req, res) => {
    const number = parseIssueNumber(req.params.number)
    if (number == null) return notFound(req, res)
    return serve(req, res, paths.issue(number), ['issues'], async (ctx) =>
      contentPage<IssueDoc>(ctx, await findIssueByNumber(payload, number), 'issues', issuePage),
    )
  })

  router.get('/events', (req, res) =>
    serve(req, res, paths.events(), ['events'], async (ctx) => rendered(200, eventsPage(ctx, await listEvents(payload, LIMITS.list)))),
  )
  router.get('/policies', (req, res) =>
    serve(req, res, paths.policies(), ['policies'], async (ctx) => rendered(200, policiesPage(ctx, await listPolicies(payload, LIMITS.list)))),
  )

  const byId = <T extends { id: Id }>(collection: ContentSlug, route: (id: Id) => string, view: ReadingView<T>) =>
    async (req: Request, res: Response) => {
      const id = parseDocId(payload, String(req.params.id))
      if (id == null) return notFound(req, res)
      return serve(req, res, route(id), [collection], async (ctx) => contentPage<T>(ctx, await findContent<T>(payload, collection, id), collection, view))
    }

  router.get('/events/:id', byId<EventDoc>('events', paths.event, eventPage))
  router.get('/policies/:id', byId<PolicyDoc>('policies', paths.policy, policyPage))
  router.get('/announcements/:id', byId<AnnouncementDoc>('announcements', paths.announcement, announcementPage))

  // 政策文件 and its explainers (src/templates/site/documents.ts): made from the document and the explainers.
  router.get('/documents/:id', async (req, res) => {
    const id = parseDocId(payload, String(req.params.id))
    if (id == null) return notFound(req, res)
    return serve(req, res, paths.document(id), ['policy-documents', 'policies'], async (ctx) => {
      const [doc, explainers] = await Promise.all([findPolicyDocument(payload, id), explainersOf(payload, id)])
      return doc ? rendered(200, documentPage(ctx, doc, explainers)) : rendered(404, notFoundPage(ctx))
    })
  })

  router.get('/grids', (req, res) => serve(req, res, paths.grids(), ['grids'], async (ctx) => rendered(200, gridsPage(ctx, await gridDirectory(payload)))))

  router.get('/grids/:code', async (req, res) => {
    const code = String(req.params.code)
    if (!GRID_CODE.test(code)) return notFound(req, res)
    // Made from the content it lists and its grid leaders' accounts (name, work phone: a change drops it).
    return serve(req, res, paths.grid(code), [...CONTENT_SLUGS, 'users'], async (ctx) => {
      const grid = await findGridByCode(payload, code)
      if (!grid) return rendered(404, notFoundPage(ctx))
      const forGrid: Where = { or: [{ wholeStreet: { equals: true } }, { grids: { in: [grid.id] } }] }
      const [announcements, latest, events, policies, leaders, entry] = await Promise.all([
        gridAnnouncements(payload, grid.id),
        latestIssue(payload),
        listEvents(payload, 5, forGrid),
        listPolicies(payload, 3),
        gridLeaders(payload, grid.id),
        gridByCode(payload, grid.code),
      ])
      return rendered(200, gridPage(ctx, { grid, buildings: entry?.buildings ?? [], leaders, announcements, latest, events, policies }))
    })
  })

  // Building heads' pages at their personal links (我的楼栋, src/site/relay.ts).
  router.use(createRelayRouter(payload, { context: (p, req) => context(p, modesOf(req)), cssHref: cssHref('relay.css'), notFound }))

  // The community terminals (惠民通, src/site/kiosk.ts).
  router.use(createKioskRouter(payload, { cssHref: cssHref('kiosk.css'), notFound }))
  // Text messages' short links (/s/CODE).
  router.use(createShortLinkRouter(payload, notFound))

  // Large text and care mode, without JavaScript (src/site/modeRoutes.ts).
  router.use(createModeRoutes())

  /**
   * The exact resident page of the latest version (draft included), for staff
   * logged in to the admin. Read as that user, so access rules apply: a grid
   * leader previews only their grids' announcements.
   */
  router.get('/preview/:collection/:id', async (req, res) => {
    const collection = String(req.params.collection) as ContentSlug
    const id = parseDocId(payload, String(req.params.id))
    if (!CONTENT_SLUGS.includes(collection) || id == null) return notFound(req, res)
    try {
      const user = await staffOfRequest(payload, req)
      if (!user) return redirectToLogin(req, res)
      const ctx = await context(req.path, modesOf(req), { preview: true })
      let doc: Record<string, unknown> | null = null
      try {
        doc = (await payload.findByID({ collection, id, depth: 1, draft: true, overrideAccess: false, user })) as unknown as Record<string, unknown>
      } catch (err) {
        const status = (err as { status?: number }).status
        if (status === 403 || status === 401) return sendPage(req, res, rendered(403, forbiddenPage(ctx)), { public: false })
        if (status === 404) return sendPage(req, res, rendered(404, notFoundPage(ctx)), { public: false })
        throw err
      }
      const media = await mediaFor(payload, richValues(collection, doc))
      const view = { ...ctx, media }
      const html =
        collection === 'issues'
          ? issuePage(view, doc as unknown as IssueDoc)
          : collection === 'events'
            ? eventPage(view, doc as unknown as EventDoc)
            : collection === 'policies'
              ? policyPage(view, doc as unknown as PolicyDoc)
              : announcementPage(view, doc as unknown as AnnouncementDoc)
      return sendPage(req, res, rendered(200, html), { public: false })
    } catch (err) {
      return fail(req, res, err)
    }
  })

  // WeChat's share card: the signed wx.config for a page (src/site/wechatShare.ts).
  router.use(createWechatShareRouter(payload))
  // The SMS provider's pushes: delivery reports and replies, on paths carrying SMS_CALLBACK_SECRET (src/site/smsCallbacks.ts).
  router.use(createSmsCallbackRouter(payload))
  // Atom feeds: the whole street and each grid (src/site/feeds.ts).
  router.use(createFeedRouter(payload))
  // 设为我的网格 and 不再记住 (src/site/myGrid.ts).
  myGrid.routes(router)
  // Subscribe, confirm, preferences, unsubscribe, push devices (src/site/subscribe.ts); their pages carry the urgent banner too.
  router.use(
    createSubscribeRouter(payload, {
      context: async (req, pagePath) => (await Promise.all([context(pagePath, modesOf(req)), myGrid.banners()]))[0],
    }),
  )
  // The staff tools moved into the Payload admin: old /admin-tools addresses redirect there (src/site/subscribeAdmin.ts).
  router.use(createAdminToolsRedirects())

  // A path parameter that is not valid percent-encoding (the router's URIError, status 400)
  // names no page: the same 404 as any other impossible id, not the server's 500.
  router.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (err instanceof URIError && (err as { status?: number }).status === 400) return void notFound(req, res)
    next(err)
  })

  return router
}
