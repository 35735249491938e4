import { createHash } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'

import type { Request, Response } from 'express'
import type { Payload } from 'payload'

import { publicUrl } from '../server/env'
import { myGridOf, personalise } from './myGridCookie'
import { forWechat } from './wechatPage'

/** Is the request's connection, or the site, https (a cookie set in answer is then Secure)? */
export const secureRequest = (req: Request) => req.secure || publicUrl().startsWith('https:')

/** A page ready to send: status, body bytes and their ETag, computed once. */
export type Rendered = { status: number; body: Buffer; etag: string }

export function rendered(status: number, html: string): Rendered {
  const body = Buffer.from(html, 'utf8')
  const etag = `"${createHash('sha1').update(body).digest('base64url')}"`
  return { status, body, etag }
}

/**
 * Headers for the resident pages only (not /admin or /api, which Next answers
 * with its own): no inline script may run, no sniffing, no full referrer to
 * other sites, no framing by other sites.
 */
const SECURITY_HEADERS: [string, string][] = [
  [
    'Content-Security-Policy',
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'",
  ],
  ['X-Content-Type-Options', 'nosniff'],
  ['Referrer-Policy', 'strict-origin-when-cross-origin'],
  ['X-Frame-Options', 'SAMEORIGIN'],
]

export const PUBLIC_CACHE = 'public, max-age=60, stale-while-revalidate=300'

export function securityHeaders(res: ServerResponse) {
  for (const [name, value] of SECURITY_HEADERS) res.setHeader(name, value)
}

function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false
  if (header.trim() === '*') return true
  return header.split(',').some((tag) => {
    const t = tag.trim()
    return t === etag || t === `W/${etag}`
  })
}

/**
 * Send a page. Published pages are public for a minute (stale for five while
 * revalidating) with an ETag, and answer 304 when the client has this version;
 * everything else (errors, withdrawn, preview) is no-store.
 */
export function sendPage(req: IncomingMessage, res: ServerResponse, sent: Rendered, opts: { public: boolean; grid?: string | null }) {
  // The urgent banner and 我的网格 for this visitor's grid (the request's cookie, unless the answer sets another).
  securityHeaders(res)
  res.setHeader('Content-Type', 'text/html; charset=utf-8')
  // The large-text and grid cookies change the HTML.
  res.setHeader('Vary', 'Cookie')
  // In WeChat, the share card's scripts (and a policy that lets the JS-SDK load) where the page has their slot.
  const page = forWechat(req, res, personalise(sent, opts.grid !== undefined ? opts.grid : myGridOf(req.headers.cookie)))
  if (!opts.public || page.status !== 200) {
    res.setHeader('Cache-Control', 'no-store')
    res.statusCode = page.status
    res.end(req.method === 'HEAD' ? undefined : page.body)
    return
  }
  res.setHeader('Cache-Control', PUBLIC_CACHE)
  res.setHeader('ETag', page.etag)
  if (matchesEtag(req.headers['if-none-match'], page.etag)) {
    res.statusCode = 304
    res.end()
    return
  }
  res.setHeader('Content-Length', page.body.length)
  res.statusCode = 200
  res.end(req.method === 'HEAD' ? undefined : page.body)
}

/** The staff member a site request carries (Payload's session cookie and its CSRF checks), or null. */
export async function staffOfRequest(payload: Payload, req: Request) {
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === 'string') headers.set(name, value)
    else if (Array.isArray(value)) headers.set(name, value.join(', '))
  }
  return (await payload.auth({ headers })).user
}

/** Send a visitor of a staff-only page to the admin login, and back here afterwards. */
export function redirectToLogin(req: Request, res: Response) {
  securityHeaders(res)
  res.setHeader('Cache-Control', 'no-store')
  res.redirect(302, `/admin/login?redirect=${encodeURIComponent(req.originalUrl)}`)
}
