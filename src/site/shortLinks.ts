import { type Request, type Response, Router } from 'express'
import type { Payload } from 'payload'

import { shortLinkPath } from '../delivery/sms/links'
import { publicUrl } from '../server/env'

/**
 * GET /s/CODE: a text message's short link (src/delivery/sms/links.ts). A
 * known code redirects (302) to the content's page carrying the recipient's
 * signed read token, so the page view counts under their grid as an email
 * link's does; an unknown code is the site's 404 page, in Chinese.
 */
export function createShortLinkRouter(payload: Payload, notFound: (req: Request, res: Response) => Promise<void>): Router {
  const router = Router()
  router.get('/s/:code', async (req, res, next) => {
    try {
      const path = await shortLinkPath(payload, String(req.params.code))
      if (!path) return void (await notFound(req, res))
      res.set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' }).redirect(302, publicUrl() + path)
    } catch (err) {
      next(err)
    }
  })
  return router
}
