import type { IncomingMessage, ServerResponse } from 'node:http'

import type { Payload } from 'payload'

import { CONTENT_SLUGS, type ContentSlug } from '../model/content'
import { publicUrl } from '../server/env'
import { isSitePath } from '../templates/html'
import { contentPath, paths } from '../templates/paths'
import { countable } from './bots'
import { readBuffer } from './buffer'
import { signTrack, targetHash, verifyTrack, type TrackToken } from './tokens'

/**
 * The tracking routes, answered before Express sees the request (they are the
 * hottest path: one per opened mail and per click):
 *
 *   GET /t/o/<token>.gif     the open pixel: always the 43-byte GIF, no-store;
 *   GET /t/c/<token>?u=<url> a click: the token names the hash of the one URL
 *                            it may lead to (a link of the content, or a page
 *                            of ours), checked here before redirecting;
 *   GET /t/c/<token>         a share link: to the content's page, carrying a
 *                            read token so the page view counts for the grid.
 *
 * A forged, altered or expired token records nothing and still answers: the
 * pixel, or a redirect to the content's page or the home page — never to a URL
 * the request supplied. Bots, HEAD and prefetches are answered and not counted.
 */
export const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64')

const PIXEL_HEADERS = {
  'Content-Type': 'image/gif',
  'Content-Length': String(PIXEL.length),
  'Cache-Control': 'no-store, max-age=0',
  'X-Content-Type-Options': 'nosniff',
}

function redirect(res: ServerResponse, location: string) {
  res.writeHead(302, { Location: location, 'Cache-Control': 'no-store', 'Content-Length': '0', 'Referrer-Policy': 'no-referrer' })
  res.end()
}

/** The page a token's content lives at; issues are found by number, remembered (numbers never change). */
const issuePaths = new Map<string, string | null>()
async function pagePath(payload: Payload, contentType: ContentSlug, contentId: string): Promise<string | null> {
  if (contentType !== 'issues') return contentPath(contentType, contentId)
  if (issuePaths.has(contentId)) return issuePaths.get(contentId) ?? null
  const idValue = payload.db.defaultIDType === 'number' ? Number(contentId) : contentId
  if (payload.db.defaultIDType === 'number' ? !Number.isSafeInteger(idValue) : !/^[0-9a-f]{24}$/i.test(contentId)) return null
  const doc = await payload.db.findOne<{ id: string | number; number?: number }>({ collection: 'issues', where: { id: { equals: idValue } } })
  const path = doc ? contentPath('issues', doc) : null
  if (issuePaths.size > 5_000) issuePaths.clear()
  if (doc) issuePaths.set(contentId, path)
  return path
}

/** The content page a refused token still points at (only a path we build, never the request's URL), or home. */
function fallbackPath(token: string): string {
  const [, type, id] = token.split('.')
  // Issues live at their number, which only a lookup gives: a refused token is not worth one.
  const slug = CONTENT_SLUGS.find((s) => s[0] === type && s !== 'issues')
  if (slug && id && /^[A-Za-z0-9]{1,24}$/.test(id)) return contentPath(slug, id) ?? paths.home()
  return paths.home()
}

/** Is `u` a URL this click may go to: a path or page of ours, or an http(s) link (its hash is signed in the token)? */
export function safeTarget(u: string, base = publicUrl()): string | null {
  if (u.length > 2_000 || /[\u0000-\u001f\u007f\\]/.test(u)) return null
  if (isSitePath(u)) return base + u
  let url: URL
  try {
    url = new URL(u)
  } catch {
    return null
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null
  if (url.username || url.password) return null
  return url.href
}

function recordClick(payload: Payload, t: TrackToken) {
  readBuffer(payload).add({
    contentType: t.contentType,
    contentId: t.contentId,
    grid: t.grid,
    channel: t.channel,
    kind: 'read',
    reader: t.reader ?? '',
    at: Date.now(),
    ...(t.history ? { history: t.history } : {}),
  })
}

function queryParam(url: string, name: string): string | null {
  const q = url.indexOf('?')
  return q < 0 ? null : new URLSearchParams(url.slice(q + 1)).get(name)
}

/**
 * Answer a /t/ request; false when the URL is not a tracking route (Express
 * goes on). Never throws: whatever fails, the pixel or a safe redirect goes out.
 */
export function handleTracking(payload: Payload, req: IncomingMessage, res: ServerResponse): boolean {
  const url = req.url ?? ''
  if (!url.startsWith('/t/')) return false
  const q = url.indexOf('?')
  const path = q < 0 ? url : url.slice(0, q)
  if (path.startsWith('/t/o/') && path.endsWith('.gif')) {
    // Its token is checked when the open is written, off this thread: the answer never depends on it.
    if (countable(req.method, req.headers)) readBuffer(payload).addOpen(path.slice(5, -4), Date.now())
    res.writeHead(200, PIXEL_HEADERS)
    res.end(req.method === 'HEAD' ? undefined : PIXEL)
    return true
  }
  if (path.startsWith('/t/c/')) {
    const raw = path.slice(5)
    const v = verifyTrack(raw, 'click')
    if (!v.ok) {
      redirect(res, publicUrl() + fallbackPath(raw))
      return true
    }
    const t = v.token
    if (t.target) {
      const u = queryParam(url, 'u')
      const target = u && targetHash(u) === t.target ? safeTarget(u) : null
      if (!target) {
        redirect(res, publicUrl() + fallbackPath(raw))
        return true
      }
      if (countable(req.method, req.headers)) recordClick(payload, t)
      redirect(res, target)
      return true
    }
    // A share link: the page view itself counts (once per reader), with the read token the page checks.
    pagePath(payload, t.contentType, t.contentId)
      .then((page) => redirect(res, publicUrl() + (page ? `${page}?r=${signTrack('read', t)}` : paths.home())))
      .catch((err) => {
        payload.logger.error({ component: 'readership', err }, 'share link lookup failed')
        redirect(res, publicUrl() + paths.home())
      })
    return true
  }
  return false
}
