import fs from 'node:fs'
import path from 'node:path'

import { type Request, type Response, Router } from 'express'
import type { Payload } from 'payload'

import { cachedSettings } from '../content/data'
import { kioskData, kioskTiming } from '../content/kiosk'
import { gridByCode, gridDirectory } from '../grids/directory'
import { countable } from '../readership/bots'
import { countKioskView } from '../readership/kioskViews'
import { publicUrl } from '../server/env'
import { withOwnServiceWorker } from '../server/securityHeaders'
import { paths } from '../templates/paths'
import { qrSvg } from '../templates/qr'
import { kioskPage } from '../templates/site/kiosk'
import { cached } from './cache'
import { rendered, securityHeaders } from './respond'

/**
 * The community terminals (惠民通):
 *   GET  /kiosk?community=CODE    the kiosk page (src/templates/site/kiosk.ts);
 *   GET  /kiosk/qr/GRID.svg       a grid's subscribe QR code (the grid page's subscribe link);
 *   POST /kiosk/open?community=   the script's beacon when an item is opened.
 * Views are counted apart from readers (src/readership/kioskViews.ts): a
 * page load, unless it is the script's own refresh (X-Kiosk-Refresh), and an
 * opened item. An unknown community is the site's Chinese 404.
 */
const CODE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,19}$/
export const KIOSK_REFRESH_HEADER = 'x-kiosk-refresh'

/** HTML and CSS of the kiosk page together weigh at most this (uncompressed, without images). */
export const KIOSK_PAGE_BUDGET = 24 * 1024

export type KioskRouterOptions = {
  /** The kiosk stylesheet's versioned URL. */
  cssHref: string
  /** The site's 404 page. */
  notFound: (req: Request, res: Response) => unknown
}

const communityOf = (req: Request) => (typeof req.query.community === 'string' && CODE.test(req.query.community) ? req.query.community : null)

export function createKioskRouter(payload: Payload, opts: KioskRouterOptions): Router {
  const router = Router()
  const log = payload.logger.child({ component: 'kiosk' })
  const cssBytes = (() => {
    try {
      return fs.statSync(path.resolve('public/css/kiosk.css')).size
    } catch {
      return 0
    }
  })()
  const maxBytes = KIOSK_PAGE_BUDGET - cssBytes

  /** The rendered page of a community, kept until what it is made from changes (or the cache's time runs out: events end). */
  const page = (code: string) =>
    cached(
      `kiosk:${code}`,
      async () => {
        const [data, site, timing] = await Promise.all([kioskData(payload, code), cachedSettings(payload), kioskTiming(payload)])
        return data ? rendered(200, kioskPage({ site, data, timing, cssHref: opts.cssHref, maxBytes, qrSrc: (grid) => `/kiosk/qr/${encodeURIComponent(grid)}.svg` })) : null
      },
      { tags: ['issues', 'events', 'policies', 'announcements', 'grids', 'communities', 'site-settings'] },
    )

  /** Is this the code of a community (the directory is cached: a made-up code costs no query)? */
  const isCommunity = async (code: string | null) => Boolean(code && (await gridDirectory(payload)).some((g) => g.community.code === code))

  router.get('/kiosk', async (req, res) => {
    try {
      const code = communityOf(req)
      // Codes of no community are not kept in the cache (anyone may make them up).
      if (!code || !(await isCommunity(code))) return void (await opts.notFound(req, res))
      const answer = await page(code)
      if (!answer) return void (await opts.notFound(req, res))
      if (!req.get(KIOSK_REFRESH_HEADER) && countable(req.method, req.headers)) countKioskView(payload, 'load', code)
      // The resident pages' headers, with its service worker and refreshes allowed from this origin only.
      securityHeaders(res)
      res.setHeader('Content-Security-Policy', withOwnServiceWorker(String(res.getHeader('Content-Security-Policy') ?? '')))
      res.setHeader('Content-Type', 'text/html; charset=utf-8')
      // Always asked for again: the terminal's copy is the service worker's, not the HTTP cache's.
      res.setHeader('Cache-Control', 'no-cache')
      res.setHeader('ETag', answer.etag)
      if (req.get('if-none-match') === answer.etag) return void res.status(304).end()
      res.status(200).end(req.method === 'HEAD' ? undefined : answer.body)
    } catch (err) {
      log.error({ err, url: req.originalUrl }, 'kiosk page failed')
      if (!res.headersSent) res.status(500).set('Cache-Control', 'no-store').type('text/plain; charset=utf-8').send('')
    }
  })

  router.get('/kiosk/qr/:file', async (req, res) => {
    const file = String(req.params.file)
    const code = file.endsWith('.svg') ? file.slice(0, -4) : ''
    try {
      const grid = CODE.test(code) ? await gridByCode(payload, code) : null
      if (!grid) return void (await opts.notFound(req, res))
      const svg = await cached(`kiosk:qr:${grid.code}`, () => qrSvg(`${publicUrl()}${paths.subscribe(grid.code)}`), { tags: ['grids'] })
      securityHeaders(res)
      res.setHeader('Content-Type', 'image/svg+xml')
      res.setHeader('Cache-Control', 'public, max-age=3600')
      res.status(200).end(req.method === 'HEAD' ? undefined : svg)
    } catch (err) {
      log.error({ err, url: req.originalUrl }, 'kiosk QR code failed')
      if (!res.headersSent) res.status(500).set('Cache-Control', 'no-store').end()
    }
  })

  router.post('/kiosk/open', async (req, res) => {
    const code = communityOf(req)
    try {
      if (code && countable('GET', req.headers) && (await isCommunity(code))) countKioskView(payload, 'open', code)
    } catch (err) {
      log.error({ err }, 'kiosk open count failed')
    }
    res.setHeader('Cache-Control', 'no-store')
    res.status(204).end()
  })

  return router
}
