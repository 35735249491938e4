import type { IncomingMessage, ServerResponse } from 'node:http'

import type { Payload } from 'payload'

import { countPageView, type PageContent } from '../readership/pageViews'
import type { ReaderModes } from '../templates/site/types'
import { fresh } from './cache'
import { fragmentsFresh, myGridOf } from './myGridCookie'
import { modesKey, readerModes } from './modes'
import { type Rendered, sendPage } from './respond'

/** A rendered resident page as the page cache keeps it, with the content it shows (for the read count). */
export type CachedPage = Rendered & {
  content?: PageContent
  /** Cache tags besides the content's own document (a reading page's neighbours and its type's order). */
  alsoFrom?: string[]
}

/** The page cache's key of a public page: its canonical path and the reader's modes (text size, care mode). */
export const pageKey = (pagePath: string, modes: ReaderModes) => `page:${pagePath}:${modesKey(modes)}`

/**
 * Answer with a rendered page: count the read (per request, outside the
 * cached body) and send it. A response that sets a reader cookie is not for
 * shared caches.
 */
export function answerPage(payload: Payload, req: IncomingMessage, res: ServerResponse, page: CachedPage, address?: string, grid?: string | null) {
  const view = page.content && page.status === 200 ? countPageView(payload, req, res, page.content, address) : null
  sendPage(req, res, page, { public: !view?.setCookie && !res.hasHeader('Set-Cookie'), grid })
}

/**
 * A cached public page answered before Express, as the tracking routes are
 * (src/server/app.ts requestListener): a fresh hit at its canonical path with
 * no query string needs none of Express's request set-up, which allocated
 * about as much per request as the rest of the answer (soak benchmark,
 * docs/performance.md). Anything else (another method, a query string such
 * as a read token, a path spelt another way, a miss, an expired page) is not
 * answered here: Express's router renders it, and refreshes the cache.
 * `address` is the client's address as Express would see it (TRUST_PROXY).
 */
export function answerCachedPage(payload: Payload, req: IncomingMessage, res: ServerResponse, address: () => string): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false
  const url = req.url ?? ''
  if (url.includes('?')) return false
  const page = fresh<CachedPage>(pageKey(url, readerModes(req.headers.cookie)))
  if (!page) return false
  // The visitor's banner (and on the home page their grid's section) must be at hand too (src/site/myGridCookie.ts).
  if (!fragmentsFresh(myGridOf(req.headers.cookie), url === '/')) return false
  answerPage(payload, req, res, page, address())
  return true
}
