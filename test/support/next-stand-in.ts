import { GRAPHQL_POST, REST_DELETE, REST_GET, REST_PATCH, REST_POST } from '@payloadcms/next/routes'
import type { Request as ExpressRequest, Response as ExpressResponse } from 'express'
import type { SanitizedConfig } from 'payload'

/**
 * Stands in for Next's request handler behind the Express app (src/server/app.ts), without a
 * `next build`: /api through Payload's own route handlers (what Next mounts under /api, GraphQL
 * included), reading the body as Next does, anything else a plain admin page. `seen` hears of
 * each request that reached it.
 */
export function nextStandIn(config: Promise<SanitizedConfig>, seen: (req: ExpressRequest) => void = () => {}) {
  const rest = { GET: REST_GET(config), POST: REST_POST(config), PATCH: REST_PATCH(config), DELETE: REST_DELETE(config) }
  const graphql = GRAPHQL_POST(config)
  return async (req: ExpressRequest, res: ExpressResponse) => {
    seen(req)
    if (!req.path.startsWith('/api/')) {
      res.status(200).type('html').send('<!doctype html><title>admin</title>')
      return
    }
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const headers = new Headers()
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v)
    const url = new URL(req.originalUrl, 'http://127.0.0.1')
    const request = new Request(url, { method: req.method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined })
    const slug = url.pathname.replace(/^\/api\//, '').split('/')
    const answer =
      req.method === 'POST' && url.pathname === '/api/graphql'
        ? await graphql(request)
        : await rest[req.method as keyof typeof rest](request, { params: Promise.resolve({ slug }) })
    res.status(answer.status)
    answer.headers.forEach((value, name) => name !== 'set-cookie' && res.setHeader(name, value))
    const cookies = answer.headers.getSetCookie()
    if (cookies.length) res.setHeader('Set-Cookie', cookies)
    res.end(Buffer.from(await answer.arrayBuffer()))
  }
}
