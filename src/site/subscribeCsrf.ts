import { randomBytes, timingSafeEqual } from 'node:crypto'

import type { Request, Response } from 'express'

import { publicUrl } from '../server/env'
import { keyedHash } from '../tokens'

/**
 * CSRF protection for the server-rendered forms (subscription pages, admin
 * tools), without JavaScript: a random cookie, and in each form a keyed hash
 * of it. A request from another site can make the browser send the cookie,
 * but cannot read the page to learn the form value.
 */
const CSRF_COOKIE = 'sn_csrf'
const CSRF_RE = new RegExp(`(?:^|;\\s*)${CSRF_COOKIE}=([A-Za-z0-9_-]{16,64})(?:;|$)`)

/** The form token for this browser (its cookie is set here when missing). */
export function csrfToken(req: Request, res: Response): string {
  let cookie = CSRF_RE.exec(req.headers.cookie ?? '')?.[1]
  if (!cookie) {
    cookie = randomBytes(18).toString('base64url')
    const secure = publicUrl().startsWith('https:')
    res.append('Set-Cookie', `${CSRF_COOKIE}=${cookie}; Path=/; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`)
  }
  return keyedHash('csrf', cookie)
}

/** Does the token given with a form (or the X-CSRF-Token header) belong to this browser's cookie? */
export function csrfValid(req: Request, given: unknown): boolean {
  const cookie = CSRF_RE.exec(req.headers.cookie ?? '')?.[1]
  if (!cookie || typeof given !== 'string') return false
  const a = Buffer.from(given)
  const b = Buffer.from(keyedHash('csrf', cookie))
  return a.length === b.length && timingSafeEqual(a, b)
}
