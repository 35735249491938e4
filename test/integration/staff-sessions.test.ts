import type { AddressInfo } from 'node:net'

import type { Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'

import { PASSWORD, smallStreet } from '../support/fixtures'
import { rest } from '../support/http'
import { nextStandIn } from '../support/next-stand-in'
import { testPayload } from '../support/payload'

/**
 * Staff sessions behind https (issue 11, item 6): the session cookie is
 * Secure, every answer carries HSTS, the admin cannot be framed, the API is
 * never content-sniffed. The headers come from the Express app in front of
 * Next (src/server/app.ts); here Next is stood in for by Payload's own REST
 * route handlers (what Next mounts under /api) and a plain page for /admin.
 */
vi.hoisted(() => {
  // Before the config is imported: it reads PUBLIC_URL once.
  process.env.PUBLIC_URL = 'https://news.street.test'
})

const { createApp, listen } = await import('../../src/server/app')
const config = (await import('../../src/payload.config')).default

let payload: Payload
let street: Awaited<ReturnType<typeof smallStreet>>
let server: import('node:http').Server
let base: string
const seenByNext: { path: string; clientAddress: string | undefined }[] = []

beforeAll(async () => {
  payload = await testPayload()
  street = await smallStreet(payload)
  const standIn = nextStandIn(config, (req) => seenByNext.push({ path: req.path, clientAddress: req.headers['x-street-news-client-address'] as string | undefined }))
  const app = createApp(payload, (req, res) => void standIn(req, res))
  server = await listen(payload, app, 0, '127.0.0.1')
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  server?.closeAllConnections()
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
})

describe('with PUBLIC_URL on https', () => {
  it('the session cookie is Secure, HttpOnly and SameSite=Lax', async () => {
    const r = await rest('POST', 'users/login', { body: { email: street.editor.email, password: PASSWORD }, from: '198.51.100.1' })
    expect(r.status).toBe(200)
    const cookie = r.headers.get('set-cookie') ?? ''
    expect(cookie).toMatch(/^payload-token=/)
    expect(cookie).toMatch(/;\s*Secure/i)
    expect(cookie).toMatch(/;\s*HttpOnly/i)
    expect(cookie).toMatch(/;\s*SameSite=Lax/i)
  })

  it('every answer carries HSTS; the admin and the API are not frameable and not sniffed', async () => {
    const login = await fetch(`${base}/api/users/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: street.editor.email, password: PASSWORD }),
    })
    expect(login.status).toBe(200)
    expect(login.headers.getSetCookie().join()).toMatch(/Secure/i)
    for (const path of ['/admin', '/admin/login', '/api/users/me', '/api/users/login']) {
      const r = path === '/api/users/login' ? login : await fetch(`${base}${path}`)
      expect(r.headers.get('strict-transport-security'), path).toBe('max-age=31536000')
      expect(r.headers.get('x-frame-options'), path).toBe('DENY')
      expect(r.headers.get('content-security-policy'), path).toBe("frame-ancestors 'none'")
      expect(r.headers.get('x-content-type-options'), path).toBe('nosniff')
      expect(r.headers.get('referrer-policy'), path).toBe('same-origin')
    }
    // The resident site and health get HSTS too.
    expect((await fetch(`${base}/healthz`)).headers.get('strict-transport-security')).toBe('max-age=31536000')
  })

  it('Next gets the client address Express saw, never one the client sent', async () => {
    seenByNext.length = 0
    await fetch(`${base}/api/users/me`, { headers: { 'x-street-news-client-address': '10.9.9.9', 'x-forwarded-for': '10.8.8.8' } })
    expect(seenByNext).toHaveLength(1)
    expect(seenByNext[0].clientAddress).toMatch(/^(::ffff:)?127\.0\.0\.1$/)
  })
})
