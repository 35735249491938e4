import { type Request, type Response, Router } from 'express'

/**
 * The staff tools once served here under /admin-tools now live in the
 * Payload admin (share kits: /admin/readership/share; subscriber import and
 * export: /admin/subscriber-tools) and its API. Old bookmarks and links get
 * a permanent redirect (308 keeps the method) to where each moved.
 */
const query = (req: Request, keep: string[]) => {
  const out = new URLSearchParams()
  for (const name of keep) {
    const v = req.query[name]
    if (typeof v === 'string') out.set(name, v)
  }
  return out.size ? `?${out}` : ''
}

const code = (req: Request) => encodeURIComponent(String(req.params.code))

const moved = (target: (req: Request) => string) => (req: Request, res: Response) => {
  res.setHeader('Cache-Control', 'no-store')
  res.redirect(308, target(req))
}

export function createAdminToolsRedirects(): Router {
  const router = Router()
  router.get('/admin-tools/share', moved(() => '/admin/readership/share'))
  router.get('/admin-tools/share/:code', moved((req) => `/admin/readership/share?grid=${code(req)}`))
  router.get('/admin-tools/share/:code/qr.svg', moved((req) => `/api/grids/${code(req)}/share-qr.svg${query(req, ['download'])}`))
  router.get('/admin-tools/share/:code/qr.png', moved((req) => `/api/grids/${code(req)}/share-qr.png${query(req, ['download'])}`))
  router.get('/admin-tools/subscribers', moved(() => '/admin/subscriber-tools'))
  router.get('/admin-tools/subscribers/export.csv', moved((req) => `/api/subscribers/export.csv${query(req, ['encoding'])}`))
  router.post('/admin-tools/subscribers/import', moved(() => '/api/subscribers/import'))
  return router
}
