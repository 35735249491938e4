import { type Request, type Response, Router } from 'express'

import { isSitePath } from '../templates/html'
import { type ReaderSwitch, switchCookie } from './modes'
import { secureRequest, securityHeaders } from './respond'

/** Longest way back accepted; anything longer goes home. */
const MAX_BACK = 500

/**
 * Where a switch sends the reader back to: the `back` query parameter when it
 * is one path on this site (never "//host", "/\\host", a scheme or a repeated
 * parameter, which would make the switch an open redirect), else home.
 */
export function wayBack(back: unknown): string {
  return typeof back === 'string' && back.length <= MAX_BACK && isSitePath(back) ? back : '/'
}

/**
 * The reader's switches without JavaScript: a link here sets (or clears) the
 * switch's cookie and comes back to the same page (303, not cached).
 *   /text-size?size=large|normal&back=/path   large text
 *   /care-mode?on=1|0&back=/path              care mode (关怀模式)
 */
export function createModeRoutes(): Router {
  const router = Router()
  const route = (name: ReaderSwitch, isOn: (query: Request['query']) => boolean) => (req: Request, res: Response) => {
    securityHeaders(res)
    res.setHeader('Set-Cookie', switchCookie(name, isOn(req.query), secureRequest(req)))
    res.setHeader('Cache-Control', 'no-store')
    res.redirect(303, wayBack(req.query.back))
  }
  router.get('/text-size', route('largeText', (q) => q.size === 'large'))
  router.get('/care-mode', route('care', (q) => q.on === '1'))
  return router
}
