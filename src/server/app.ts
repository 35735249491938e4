import fs from 'node:fs'
import { createServer, type RequestListener, type Server } from 'node:http'
import path from 'node:path'

import express, { type Express, type NextFunction, type Request, type Response } from 'express'
import proxyaddr from 'proxy-addr'
import type { Payload } from 'payload'

import { t } from '../i18n/messages'
import { handleTracking } from '../readership/routes'
import { answerCachedPage } from '../site/cachedPages'
import { createSiteRouter } from '../site/router'
import { apiBodyLimit } from './bodyLimit'
import { passClientAddress } from './clientAddress'
import { env } from './env'
import { healthHandler } from './health'
import { serviceWorkerScriptHeaders, staffResponseHeaders, strictTransportSecurity } from './securityHeaders'

type Handler = (req: Request, res: Response) => unknown

/**
 * The admin and API speak Chinese unless the user chose English. Payload
 * would otherwise follow the browser's Accept-Language; the choice a user
 * makes in the admin is kept in the payload-lng cookie and wins.
 */
export function chineseByDefault(req: Request, _res: Response, next: NextFunction) {
  const cookie = req.headers.cookie ?? ''
  if (!/(?:^|;\s*)payload-lng=/.test(cookie)) req.headers.cookie = cookie ? `${cookie}; payload-lng=zh` : 'payload-lng=zh'
  next()
}

/**
 * The static files of public/, listed once at start (they ship with the
 * release): a request for any other path goes on without touching the disk,
 * where express.static would look each page's path up in public/ first.
 */
function publicFiles(root: string): (req: Request, res: Response, next: NextFunction) => void {
  const list = (dir: string, prefix: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? list(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]))
  const files = new Set(fs.existsSync(root) ? list(root, '/') : [])
  const serve = express.static(root, {
    maxAge: '1h',
    setHeaders: (res, file) => {
      // Service workers: revalidated so updates reach devices, and held to this origin (securityHeaders.ts).
      if (file.endsWith('sw.js')) serviceWorkerScriptHeaders(res)
    },
  })
  return (req, res, next) => (files.has(req.path) ? serve(req, res, next) : next())
}

/**
 * The Express app in front of everything: health, static files, the resident
 * site, and last of all Next (the Payload admin and API), when given. Served
 * through listen() (or requestListener), which puts the tracking routes before it.
 */
export function createApp(payload: Payload, nextHandler?: Handler): Express {
  const app = express()
  app.disable('x-powered-by')
  if (env.trustProxy) app.set('trust proxy', env.trustProxy)

  app.get('/healthz', healthHandler(payload))
  app.use(publicFiles(path.resolve('public')))
  app.use(createSiteRouter(payload))
  // REST and GraphQL bodies are capped before Next reads them (bodyLimit.ts).
  if (nextHandler) app.use(staffResponseHeaders, apiBodyLimit(payload), chineseByDefault, passClientAddress, (req, res) => nextHandler(req, res))

  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    // Express and body parsers mark client errors (bad encoding, body too large) with a 4xx status.
    const status = (err as { status?: number; statusCode?: number }).status ?? (err as { statusCode?: number }).statusCode
    const clientError = typeof status === 'number' && status >= 400 && status < 500
    if (clientError) payload.logger.warn({ status, url: req.originalUrl }, 'bad request')
    else payload.logger.error({ err, url: req.originalUrl }, 'request failed')
    if (res.headersSent) return
    res
      .status(clientError ? status : 500)
      .set('Cache-Control', 'no-store')
      .type('text/plain; charset=utf-8')
      .send(t(clientError ? 'site.error.badRequest' : 'site.error.body'))
  })
  return app
}

/**
 * The HTTP server's request listener. HSTS goes on every answer. The
 * tracking routes (/t/…) and fresh cached pages answer before Express's own
 * request set-up and middleware (they are the hottest paths); every other
 * request goes to the app. The client address of a cached page's reader is
 * worked out as Express would (TRUST_PROXY), only when a read is counted.
 */
export function requestListener(payload: Payload, app: Express): RequestListener {
  const trust = app.get('trust proxy fn') as Parameters<typeof proxyaddr>[1]
  return (req, res) => {
    strictTransportSecurity(res)
    if (handleTracking(payload, req, res)) return
    if (answerCachedPage(payload, req, res, () => proxyaddr(req, trust))) return
    app(req as Request, res as Response)
  }
}

/** An HTTP server for the app (see requestListener), listening on host:port (0: a free port). */
export function listen(payload: Payload, app: Express, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer(requestListener(payload, app))
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve(server)
    })
  })
}
