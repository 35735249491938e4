import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type { IncomingMessage, ServerResponse } from 'node:http'

import { JSSDK_URL, SHARE_SCRIPT, WECHAT_SLOT, wechatScripts } from '../templates/site/share'

/**
 * A page as WeChat's browser gets it when the share card is on
 * (src/site/wechatShare.ts): the head's slot filled with the JS-SDK and the
 * share script. Called by sendPage for every resident page.
 */

const IN_WECHAT = /MicroMessenger/i

function versioned(file: string): string {
  try {
    const bytes = fs.readFileSync(path.resolve('public', `.${file}`))
    return `${file}?v=${createHash('sha1').update(bytes).digest('hex').slice(0, 10)}`
  } catch {
    return file
  }
}
let shareHref: string | null = null

const JSSDK_ORIGIN = new URL(JSSDK_URL).origin

type Page = { status: number; body: Buffer; etag: string }
/** Filled pages by the cached page's ETag (bounded, emptied when full). */
const filled = new Map<string, Page>()
const MAX_FILLED = 200

/**
 * The page as a visitor in WeChat gets it: the slot filled with the scripts,
 * the policy allowing the JS-SDK's host. Headers are set on `res` (after the
 * common ones); every other visitor gets the page as it is, and caches are
 * told the answer depends on the user agent.
 */
export function forWechat<T extends Page>(req: IncomingMessage, res: ServerResponse, page: T): T {
  if (page.status !== 200 || !page.body.includes(WECHAT_SLOT)) return page
  res.setHeader('Vary', 'Cookie, User-Agent')
  if (!IN_WECHAT.test(req.headers['user-agent'] ?? '')) return page
  // The resident pages' policy (set just before), with the JS-SDK's host added to the scripts it allows.
  const csp = String(res.getHeader('Content-Security-Policy') ?? '')
  res.setHeader('Content-Security-Policy', csp.replace("script-src 'self'", `script-src 'self' ${JSSDK_ORIGIN}`))
  let done = filled.get(page.etag)
  if (!done) {
    shareHref ??= versioned(SHARE_SCRIPT)
    const at = page.body.indexOf(WECHAT_SLOT)
    const body = Buffer.concat([page.body.subarray(0, at), Buffer.from(wechatScripts(shareHref)), page.body.subarray(at + Buffer.byteLength(WECHAT_SLOT))])
    done = { status: page.status, body, etag: `"${createHash('sha1').update(body).digest('base64url')}"` }
    if (filled.size >= MAX_FILLED) filled.clear()
    filled.set(page.etag, done)
  }
  return { ...page, body: done.body, etag: done.etag }
}
