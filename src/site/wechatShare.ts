import { type Request, type Response, Router } from 'express'
import type { Payload } from 'payload'

import { jsapiConfig } from '../channels/wechat'
import { cachedSettings } from '../content/data'
import { wechatClient } from '../delivery/wechat'
import { publicUrl, wechatAccount } from '../server/env'
import { securityHeaders } from './respond'

/**
 * WeChat's share card. Without the JS-SDK, WeChat shares a page with its
 * <title> and a default thumbnail; with it (a verified account whose JS safe
 * domain is this site: the site setting wechatJsSdk, and the account's
 * credentials in the environment) a page opened in WeChat sets the card's
 * title, description and image through a signed wx.config.
 *
 * - The page's head has a slot (src/templates/site/share.ts), filled when the
 *   page is sent, for a WeChat user agent only, with the JS-SDK (from WeChat's
 *   host, allowed by this response's policy only) and public/js/wx-share.js.
 * - The script asks GET /wechat/js-config?url=<the page's address without #…>
 *   for the signature: the address must be the one WeChat sees (it appends
 *   its own query to shared links), so it is signed per request, never cached
 *   in the page; the jsapi_ticket is the client's, cached and renewed like the
 *   access token (src/channels/wechat/client.ts).
 */

/** Does the environment have the account's credentials, and did the admin say the account may use the JS-SDK? */
export const wechatShareOn = (settingOn: boolean | null | undefined) => Boolean(settingOn) && wechatAccount() !== null

const MAX_URL = 2048

/** The address to sign: one of this site's pages (WeChat checks it against the JS safe domain anyway), without its #…. */
function pageAddress(raw: unknown): string | null {
  if (typeof raw !== 'string' || !raw || raw.length > MAX_URL) return null
  try {
    const url = new URL(raw)
    if (url.origin !== new URL(publicUrl()).origin) return null
    return raw.split('#')[0]
  } catch {
    return null
  }
}

/** GET /wechat/js-config?url=… → { appId, timestamp, nonceStr, signature } for wx.config; 404 when the share card is off. */
export function createWechatShareRouter(payload: Payload): Router {
  const router = Router()
  const log = payload.logger.child({ component: 'wechat-share' })
  router.get('/wechat/js-config', async (req: Request, res: Response) => {
    securityHeaders(res)
    res.setHeader('Cache-Control', 'no-store')
    try {
      const account = wechatAccount()
      if (!account || !wechatShareOn((await cachedSettings(payload)).wechatJsSdk)) return void res.status(404).json({ error: 'off' })
      const url = pageAddress(req.query.url)
      if (!url) return void res.status(400).json({ error: 'url' })
      const ticket = await wechatClient().jsapiTicket()
      res.json(jsapiConfig(account.appId, ticket, url))
    } catch (err) {
      log.warn({ err }, 'no jsapi_ticket: pages keep WeChat’s default share card')
      res.status(503).json({ error: 'unavailable' })
    }
  })
  return router
}
