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
