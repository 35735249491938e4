import type { ServerResponse } from 'node:http'

import type { NextFunction, Request, Response } from 'express'

import { env, publicUrl } from './env'

/**
 * HSTS on every answer when the site is reached over https (PUBLIC_URL):
 * browsers then never try plain http for it again, so a session cookie
 * cannot be caught on a first plain-http request. Sent even when a TLS proxy
 * in front talks plain http to us: browsers only heed it over https.
 * HSTS_MAX_AGE=0 leaves it to the proxy (docs/deployment.md).
 */
export function strictTransportSecurity(res: ServerResponse) {
  const maxAge = env.hstsMaxAge
  if (maxAge > 0 && publicUrl().startsWith('https://')) res.setHeader('Strict-Transport-Security', `max-age=${maxAge}`)
}

/**
 * The admin and the API (what Next answers): never shown in a frame (no
 * clickjacking of the admin), never content-sniffed, and no admin address
 * (a password-reset link holds its token in the path) sent to other sites.
 * Only frame-ancestors of CSP: a fuller policy would break the admin's own
 * scripts and styles.
 */
export function staffResponseHeaders(_req: Request, res: Response, next: NextFunction) {
  res.setHeader('X-Frame-Options', 'DENY')
  res.setHeader('Content-Security-Policy', "frame-ancestors 'none'")
  res.setHeader('X-Content-Type-Options', 'nosniff')
  res.setHeader('Referrer-Policy', 'same-origin')
  next()
}

/**
 * A service worker's script (public/sw.js, public/kiosk-sw.js): revalidated at
 * every update check, so a new version reaches devices, and held to this
 * origin by its own policy: it fetches and imports nothing from elsewhere.
 */
export function serviceWorkerScriptHeaders(res: ServerResponse) {
  res.setHeader('Cache-Control', 'no-cache')
  res.setHeader('Content-Security-Policy', "default-src 'self'")
  res.setHeader('X-Content-Type-Options', 'nosniff')
}

/**
 * A page's policy (`csp`) for a page that registers a service worker and
 * fetches its own content (the community terminal, /kiosk): workers and
 * fetches from this origin only, named so that a wider default never widens
 * them; any worker-src or connect-src of `csp` gives way.
 */
export function withOwnServiceWorker(csp: string): string {
  const kept = csp
    .split(';')
    .map((d) => d.trim())
    .filter((d) => d && !/^(?:worker-src|connect-src)(?:\s|$)/i.test(d))
  return [...kept, "worker-src 'self'", "connect-src 'self'"].join('; ')
}
