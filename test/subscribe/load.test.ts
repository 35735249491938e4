import type { Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { testPayload } from '../support/payload'
import { Client, inputValue, setUpStreet, startWorld, stopWorld, subscribeForm, toParams, waitForMails, type World } from './support'

/**
 * The subscribe endpoint under 200 concurrent requests, with the rate limits
 * raised for the run: every request is answered (no 5xx), and exactly one
 * subscriber exists per distinct address, though a quarter of the requests
 * repeat an address (some in other letter case) at the same moment.
 * Bounded: 200 requests, all started at once, within the test's timeout.
 */
const REQUESTS = 200
const DISTINCT = 150

let payload: Payload
let w: World

beforeAll(async () => {
  payload = await testPayload()
  const street = await setUpStreet(payload)
  w = await startWorld(payload, street, { RATE_SUBSCRIBE_IP: '100000/600', RATE_SUBSCRIBE_ADDRESS: '1000/3600' })
})
afterAll(async () => {
  if (w) await stopWorld(w)
  delete process.env.RATE_SUBSCRIBE_IP
  delete process.env.RATE_SUBSCRIBE_ADDRESS
})

describe('subscribe under load', () => {
  it(`creates one subscriber per distinct address from ${REQUESTS} concurrent requests, with no server error`, { timeout: 180_000 }, async () => {
    const c = new Client(w.site.base)
    const page = await c.get('/subscribe')
    const csrf = inputValue(page.html, 'csrf')!
    const cookie = `sn_csrf=${c.cookies.get('sn_csrf')}`
    const grids = ['A-01', 'A-02', 'B-01']
    const addresses = Array.from({ length: REQUESTS }, (_, i) => {
      const n = i < DISTINCT ? i : (i * 7) % DISTINCT
      const email = `load${n}@example.org`
      return i >= DISTINCT && i % 2 ? email.toUpperCase() : email
    })
    const started = Date.now()
    const statuses = await Promise.all(
      addresses.map(async (email, i) => {
        const res = await fetch(new URL('/subscribe', w.site.base), {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
          body: toParams(subscribeForm(csrf, { email, grid: grids[i % 3] })),
          signal: AbortSignal.timeout(50_000),
        })
        await res.arrayBuffer()
        return res.status
      }),
    )
    const byStatus = statuses.reduce<Record<number, number>>((acc, s) => ((acc[s] = (acc[s] ?? 0) + 1), acc), {})
    expect(byStatus).toEqual({ 200: REQUESTS })
    const distinct = new Set(addresses.map((a) => a.toLowerCase())).size
    expect(distinct).toBe(DISTINCT)
    const { totalDocs } = await payload.count({ collection: 'subscribers', where: { email: { like: 'load' } }, overrideAccess: true })
    expect(totalDocs).toBe(distinct)
    // Every request asked for a confirmation mail (repeats of a pending address get one again).
    await waitForMails(w.smtp, REQUESTS)
    expect(new Set(w.smtp.messages.map((m) => m.envelope.to[0])).size).toBe(distinct)
    payload.logger.info({ requests: REQUESTS, ms: Date.now() - started }, 'subscribe load test finished')
  })
})
