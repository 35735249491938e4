import type { Payload } from 'payload'
import { beforeAll, describe, expect, it } from 'vitest'

import { HOUSEKEEPING_EVERY_MS, runHousekeeping } from '../../src/jobs/housekeeping'
import { CONFIRM_TTL_SECONDS } from '../../src/subscribers/service'
import { smallStreet } from '../support/fixtures'
import { testPayload } from '../support/payload'

let payload: Payload
let grid: string | number

beforeAll(async () => {
  payload = await testPayload()
  grid = (await smallStreet(payload)).gridA1.id
})

const pending = (email: string, lastRequestAt: string) =>
  payload.create({
    collection: 'subscribers',
    data: {
      email,
      grid,
      channels: ['email'],
      topics: ['issues'],
      status: 'pending',
      source: 'web',
      lastRequestAt,
      consents: [{ purpose: 'content', granted: true, at: lastRequestAt, textVersion: 'c-test', method: 'web' }],
    } as never,
    overrideAccess: true,
  })

const emails = async () =>
  ((await payload.find({ collection: 'subscribers', overrideAccess: true, depth: 0, limit: 0, pagination: false, sort: 'email' })).docs as unknown as { email: string }[]).map(
    (s) => s.email,
  )

describe('hourly housekeeping', () => {
  it('deletes unconfirmed requests past their confirmation period, once per hour across processes', async () => {
    const now = new Date(Date.now() + 3 * HOUSEKEEPING_EVERY_MS)
    const expired = new Date(now.getTime() - CONFIRM_TTL_SECONDS * 1000 - 60_000).toISOString()
    const fresh = new Date(now.getTime() - 3600_000).toISOString()
    await pending('expired@example.org', expired)
    await pending('fresh@example.org', fresh)
    await payload.create({
      collection: 'subscribers',
      data: { email: 'active@example.org', grid, channels: ['email'], topics: ['issues'], status: 'active', source: 'web', lastRequestAt: expired, consents: [] } as never,
      overrideAccess: true,
    })

    expect(await runHousekeeping(payload, now)).toMatchObject({ pendingDeleted: 1, requestsExpired: 0, restored: 0 })
    expect(await emails()).toEqual(['active@example.org', 'fresh@example.org'])

    // The same hour again does nothing (this process, and any other: the hour is claimed).
    await pending('expired2@example.org', expired)
    expect(await runHousekeeping(payload, now)).toBeNull()
    expect(await emails()).toContain('expired2@example.org')

    // The next hour does the work again.
    expect(await runHousekeeping(payload, new Date(now.getTime() + HOUSEKEEPING_EVERY_MS))).toMatchObject({ pendingDeleted: 1, requestsExpired: 0, restored: 0 })
    expect(await emails()).toEqual(['active@example.org', 'fresh@example.org'])
  })
})
