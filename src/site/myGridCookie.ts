import { createHash } from 'node:crypto'

import { SLOTS } from '../templates/site/slots'
import { fresh, peek } from './cache'

/**
 * The remembered grid (我的网格) at answer time. The browser keeps the grid's
 * code in a cookie of its own (sn_mygrid: the code only, nothing about the
 * resident; docs/privacy.md). A cached page is one for everyone; what differs
 * per grid (the urgent banner, the home page's 我的网格) is made once per grid
 * from data the page cache keeps (src/site/myGrid.ts makes it, tagged so a
 * save drops it as it drops pages) and filled into the page's slots when it is
 * sent. So a page stays correct per grid without a database read per request,
 * and a visitor without the cookie and with nothing urgent gets the cached
 * bytes as they are.
 */

export const MY_GRID_COOKIE = 'sn_mygrid'
export const MY_GRID_MAX_AGE = 180 * 24 * 3600
const HELD = new RegExp(`(?:^|;\\s*)${MY_GRID_COOKIE}=([A-Za-z0-9][A-Za-z0-9_-]{0,19})(?:;|$)`)

/** The grid code a request's cookie holds (a well-formed code; whether the grid exists is checked where it matters). */
export const myGridOf = (cookieHeader: string | undefined): string | null => HELD.exec(cookieHeader ?? '')?.[1] ?? null

const attributes = (secure: boolean) => `Path=/; SameSite=Lax; HttpOnly${secure ? '; Secure' : ''}`
export const myGridCookie = (code: string, secure: boolean) => `${MY_GRID_COOKIE}=${code}; Max-Age=${MY_GRID_MAX_AGE}; ${attributes(secure)}`
export const forgetMyGridCookie = (secure: boolean) => `${MY_GRID_COOKIE}=; Max-Age=0; ${attributes(secure)}`

/** The page cache's entries of the fragments (src/site/myGrid.ts produces them). */
export const BANNERS_KEY = 'mygrid:banners'
export const homeKey = (code: string) => `mygrid:home:${code}`

/**
 * The urgent banners for a grid (null: none): `html` with the street's urgent
 * content and the grid's, `gridHtml` with the grid's only (the home page lists
 * the street's itself); `key` is the same for every code that gets the same
 * banners. `v` changes with every production.
 */
export type Banners = { v: number; of: (code: string | null) => { key: string; html: string; gridHtml: string } }
/** A grid's 我的网格 section for the home page. */
export type HomeSection = { v: number; html: string }

/** Is everything a page needs for this visitor fresh in the cache, so it can be answered before Express? */
export function fragmentsFresh(code: string | null, isHome: boolean): boolean {
  if (!fresh<Banners>(BANNERS_KEY)) return false
  return !code || !isHome || fresh<HomeSection>(homeKey(code)) !== undefined
}

type Page = { status: number; body: Buffer; etag: string }

/** Filled pages by (page, fragments), so a hot page for one grid is filled once: bounded, emptied when full. */
const filled = new Map<string, { body: Buffer; etag: string }>()
const MAX_FILLED = 500

function fill(body: Buffer, slot: string, html: string): Buffer {
  if (!html) return body
  const at = body.indexOf(slot)
  if (at < 0) return body
  return Buffer.concat([body.subarray(0, at), Buffer.from(html), body.subarray(at + Buffer.byteLength(slot))])
}

/**
 * The page as this visitor sees it: its slots filled with the urgent banner
 * (street-wide, and their grid's) and, on the home page, their grid's
 * section. Reads only the cache; a fragment not produced yet is left out.
 */
export function personalise<T extends Page>(page: T, code: string | null): T {
  const banners = peek<Banners>(BANNERS_KEY)
  const banner = banners?.of(code) ?? { key: '', html: '', gridHtml: '' }
  const home = code ? peek<HomeSection>(homeKey(code)) : undefined
  if (!banner.html && !banner.gridHtml && !home) return page
  const key = `${page.etag}|${banners?.v ?? 0}|${banner.key}|${home ? `${code}|${home.v}` : ''}`
  let done = filled.get(key)
  if (!done) {
    let body = fill(page.body, SLOTS.banner, banner.html)
    body = fill(body, SLOTS.gridBanner, banner.gridHtml)
    body = fill(body, SLOTS.myGrid, home?.html ?? '')
    if (body === page.body) return page
    done = { body, etag: `"${createHash('sha1').update(body).digest('base64url')}"` }
    if (filled.size >= MAX_FILLED) filled.clear()
    filled.set(key, done)
  }
  return { ...page, body: done.body, etag: done.etag }
}
