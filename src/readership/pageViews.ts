import { randomBytes } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'

import type { Payload } from 'payload'

import { publicUrl } from '../server/env'
import { signCompact, verifyCompact } from '../tokens'
import { firstBrowser, readerIdLimit } from './anonymousReads'
import { countable } from './bots'
import { readBuffer } from './buffer'
import { anonReaderKey, verifyTrack } from './tokens'

/**
 * Page views of content on the reading site, recorded beside the page cache
 * (the cached body is the same for everyone; this runs per request, before it
 * is sent). Attribution, first match wins:
 * 1. the read token in `?r=` (a message's link, or a share link's landing):
 *    its channel and grid;
 * 2. the grid cookie a resident got on an earlier arrival with such a token:
 *    channel 'site', that grid;
 * 3. nothing: channel 'site', no grid.
 *
 * Who read: a message's link carries its recipient's reader key, which
 * counts in the first browser that opens it (anonymousReads.ts); another
 * browser opening the same link (forwarded) reads as itself, under 'share'
 * (passed on, not a recipient's read). Every other reader is counted once per
 * content through a random first-party cookie (sn_rid, signed, so a made-up
 * one is no identity), from which a per-content key is derived. A browser
 * without one gets one only while its address has new readers left in the
 * window (READ_ANON_LIMIT); beyond that the page is served and nothing is
 * counted or set.
 */
export const READER_COOKIE = 'sn_rid'
export const GRID_COOKIE = 'sn_grid'
const RID = new RegExp(`(?:^|;\\s*)${READER_COOKIE}=([A-Za-z0-9_.-]{16,80})(?:;|$)`)
const GRID = new RegExp(`(?:^|;\\s*)${GRID_COOKIE}=([A-Za-z0-9_.-]{1,120})(?:;|$)`)
const YEAR = 365 * 24 * 3600

// An unreadable READ_ANON_LIMIT stops the start (this module loads with the site), rather than counting without a limit.
readerIdLimit()

const secure = () => publicUrl().startsWith('https:')
const cookie = (name: string, value: string) => `${name}=${value}; Path=/; Max-Age=${YEAR}; SameSite=Lax; HttpOnly${secure() ? '; Secure' : ''}`

/** The grid cookie for a resident whose grid is known (their preferences page): later site visits count for it. */
export const gridCookie = (gridId: string) => cookie(GRID_COOKIE, signCompact('grid-cookie', [gridId]))

/** A new reader cookie: a random id, signed (an unsigned or altered one is no identity). */
export function newReaderCookie(): { id: string; header: string } {
  const id = randomBytes(16).toString('base64url')
  return { id, header: cookie(READER_COOKIE, signCompact('reader-cookie', [id])) }
}

/** The reader id a request's cookie holds, when it is one we made. */
export function readerIdOf(cookieHeader: string): string | undefined {
  const raw = RID.exec(cookieHeader)?.[1]
  if (!raw) return undefined
  const v = verifyCompact(raw, 'reader-cookie', 1)
  return v.ok ? v.fields[0] : undefined
}

export type PageContent = { type: string; id: string }
export type Counted = { counted: boolean; setCookie: boolean }

function readToken(url: string | undefined): string | null {
  const q = url?.indexOf('?') ?? -1
  return q < 0 ? null : new URLSearchParams(url!.slice(q + 1)).get('r')
}

const clientAddress = (req: IncomingMessage) => (req as IncomingMessage & { ip?: string }).ip ?? req.socket.remoteAddress ?? ''

/**
 * Count one view of `content` (when it is a person reading) and set the
 * cookies it needs. `address` is the client's (Express's req.ip by default,
 * which honours TRUST_PROXY). `setCookie` tells the caller the response now carries a
 * Set-Cookie, so it must not be stored by shared caches.
 */
export function countPageView(payload: Payload, req: IncomingMessage, res: ServerResponse, content: PageContent, address = clientAddress(req)): Counted {
  if (!countable(req.method, req.headers)) return { counted: false, setCookie: false }
  const cookies: string[] = []
  const header = req.headers.cookie ?? ''
  let rid = readerIdOf(header)
  const token = readToken(req.url)
  const v = token ? verifyTrack(token, 'read') : null
  const t = v?.ok && v.token.contentType === content.type && v.token.contentId === content.id ? v.token : null

  // The recipient's own browser: the first to open their personal link (and the same browser again).
  let recipient = false
  if (t?.reader) {
    if (rid) recipient = firstBrowser.claim(t.reader, rid)
    else if (!firstBrowser.claimed(t.reader)) {
      const made = newReaderCookie()
      rid = made.id
      cookies.push(made.header)
      recipient = firstBrowser.claim(t.reader, rid)
    }
  }
  if (!rid) {
    // A browser with no reader identity: a new reader only while its address has some left in this window.
    if (!readerIdLimit().take(address)) return { counted: false, setCookie: false }
    const made = newReaderCookie()
    rid = made.id
    cookies.push(made.header)
  }

  const heldCookie = GRID.exec(header)?.[1]
  const held = heldCookie ? verifyCompact(heldCookie, 'grid-cookie', 1) : null
  const heldGrid = held?.ok ? held.fields[0] : ''
  const grid = t ? t.grid : heldGrid
  // Remember the token's grid for this browser's later visits of the site (only the grid: nothing about the resident).
  if (t && grid && grid !== heldGrid) cookies.push(gridCookie(grid))
  const passedOn = Boolean(t?.reader) && !recipient
  readBuffer(payload).add({
    contentType: content.type,
    contentId: content.id,
    grid,
    channel: t ? (passedOn ? 'share' : t.channel) : 'site',
    kind: 'read',
    reader: recipient ? t!.reader! : anonReaderKey(content.type, content.id, rid),
    at: Date.now(),
    ...(t?.building ? { building: t.building } : {}),
    // Only the recipient's own reads go into their reading history.
    ...(recipient && t?.history ? { history: t.history } : {}),
  })
  if (cookies.length) res.appendHeader('Set-Cookie', cookies)
  return { counted: true, setCookie: cookies.length > 0 }
}
