import { randomBytes } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'

import type { Payload } from 'payload'

import { publicUrl } from '../server/env'
import { signCompact, verifyCompact } from '../tokens'
import { countable } from './bots'
import { readBuffer } from './buffer'
import { anonReaderKey, verifyTrack } from './tokens'

/**
 * Page views of content on the reading site, recorded beside the page cache
 * (the cached body is the same for everyone; this runs per request, before it
 * is sent). Attribution, first match wins:
 * 1. the read token in `?r=` (a message's link, or a share link's landing):
 *    its channel, grid and reader key;
 * 2. the grid cookie a resident got on an earlier arrival with such a token:
 *    channel 'site', that grid;
 * 3. nothing: channel 'site', no grid.
 * A reader without a subscriber key is counted once per content through a
 * random first-party cookie (sn_rid), from which a per-content key is derived.
 */
export const READER_COOKIE = 'sn_rid'
export const GRID_COOKIE = 'sn_grid'
const RID = new RegExp(`(?:^|;\\s*)${READER_COOKIE}=([A-Za-z0-9_-]{16,40})(?:;|$)`)
const GRID = new RegExp(`(?:^|;\\s*)${GRID_COOKIE}=([A-Za-z0-9_.-]{1,120})(?:;|$)`)
const YEAR = 365 * 24 * 3600

const secure = () => publicUrl().startsWith('https:')
const cookie = (name: string, value: string) => `${name}=${value}; Path=/; Max-Age=${YEAR}; SameSite=Lax; HttpOnly${secure() ? '; Secure' : ''}`

/** The grid cookie for a resident whose grid is known (their preferences page): later site visits count for it. */
export const gridCookie = (gridId: string) => cookie(GRID_COOKIE, signCompact('grid-cookie', [gridId]))

export type PageContent = { type: string; id: string }
export type Counted = { counted: boolean; setCookie: boolean }

function readToken(url: string | undefined): string | null {
  const q = url?.indexOf('?') ?? -1
  return q < 0 ? null : new URLSearchParams(url!.slice(q + 1)).get('r')
}

/**
 * Count one view of `content` (when it is a person reading) and set the
 * cookies it needs. `setCookie` tells the caller the response now carries a
 * Set-Cookie, so it must not be stored by shared caches.
 */
export function countPageView(payload: Payload, req: IncomingMessage, res: ServerResponse, content: PageContent): Counted {
  if (!countable(req.method, req.headers)) return { counted: false, setCookie: false }
  const cookies: string[] = []
  const header = req.headers.cookie ?? ''
  let rid = RID.exec(header)?.[1]
  const token = readToken(req.url)
  const v = token ? verifyTrack(token, 'read') : null
  const t = v?.ok && v.token.contentType === content.type && v.token.contentId === content.id ? v.token : null
  if (!t?.reader && !rid) {
    rid = randomBytes(16).toString('base64url')
    cookies.push(cookie(READER_COOKIE, rid))
  }
  const heldCookie = GRID.exec(header)?.[1]
  const held = heldCookie ? verifyCompact(heldCookie, 'grid-cookie', 1) : null
  const heldGrid = held?.ok ? held.fields[0] : ''
  const grid = t ? t.grid : heldGrid
  // Remember the token's grid for this browser's later visits of the site (only the grid: nothing about the resident).
  if (t && grid && grid !== heldGrid) cookies.push(gridCookie(grid))
  readBuffer(payload).add({
    contentType: content.type,
    contentId: content.id,
    grid,
    channel: t ? t.channel : 'site',
    kind: 'read',
    reader: t?.reader ?? anonReaderKey(content.type, content.id, rid!),
    at: Date.now(),
    ...(t?.history ? { history: t.history } : {}),
  })
  if (cookies.length) res.appendHeader('Set-Cookie', cookies)
  return { counted: true, setCookie: cookies.length > 0 }
}
