import { GRAPHQL_POST, REST_DELETE, REST_GET, REST_PATCH, REST_POST } from '@payloadcms/next/routes'
import type { Payload } from 'payload'

import config from '../../src/payload.config'
import { CLIENT_ADDRESS_HEADER } from '../../src/server/clientAddress'

/**
 * Payload's REST and GraphQL API without a server: Payload's own Next route
 * handlers (the ones src/app/(payload)/api mounts) called with web Requests,
 * exactly as Next calls them. They share this process's Payload instance.
 */
const handlers = {
  GET: REST_GET(config),
  POST: REST_POST(config),
  PATCH: REST_PATCH(config),
  DELETE: REST_DELETE(config),
}
const graphql = GRAPHQL_POST(config)

const BASE = 'http://127.0.0.1:3000'

export type ApiResult = { status: number; body: any; headers: Headers }

type Options = {
  token?: string | null
  body?: unknown
  /** Sent as Accept-Language; Payload falls back to zh when absent. */
  lang?: string
  form?: FormData
  /** The client address Express would pass on (src/server/clientAddress.ts): one per simulated client. */
  from?: string
}

function headers({ token, body, lang, from }: Options): Headers {
  const h = new Headers()
  if (token) h.set('Authorization', `JWT ${token}`)
  if (body !== undefined) h.set('Content-Type', 'application/json')
  if (lang) h.set('Accept-Language', lang)
  if (from) h.set(CLIENT_ADDRESS_HEADER, from)
  return h
}

/** One REST call: `path` is relative to /api, query string included (e.g. `announcements/3?draft=true`). */
export async function rest(method: keyof typeof handlers, path: string, opts: Options = {}): Promise<ApiResult> {
  const url = new URL(`/api/${path.replace(/^\//, '')}`, BASE)
  const slug = url.pathname.replace(/^\/api\//, '').split('/').map(decodeURIComponent)
  const request = new Request(url, {
    method,
    headers: headers(opts),
    body: opts.form ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
  })
  const res = await handlers[method](request, { params: Promise.resolve({ slug }) })
  const text = await res.text()
  let body: unknown = text
  try {
    body = text ? JSON.parse(text) : null
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body, headers: res.headers }
}

/** One GraphQL call; GraphQL answers 200 with `errors[].extensions.statusCode` for refusals. */
export async function gql(query: string, variables: Record<string, unknown> = {}, opts: Options = {}): Promise<ApiResult> {
  const request = new Request(new URL('/api/graphql', BASE), {
    method: 'POST',
    headers: headers({ ...opts, body: {} }),
    body: JSON.stringify({ query, variables }),
  })
  const res = await graphql(request)
  return { status: res.status, body: await res.json(), headers: res.headers }
}

/** The status codes of a GraphQL answer's errors (empty when it succeeded). */
export const gqlStatuses = (r: ApiResult): number[] =>
  ((r.body?.errors ?? []) as { extensions?: { statusCode?: number } }[]).map((e) => e.extensions?.statusCode ?? 0)

/** A JWT for a staff user, from Payload's own login. */
export async function tokenFor(payload: Payload, email: string, password: string): Promise<string> {
  const { token } = await payload.login({ collection: 'users', data: { email, password } })
  if (!token) throw new Error(`no token for ${email}`)
  return token
}
