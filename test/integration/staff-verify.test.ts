import type { Payload } from 'payload'
import { beforeAll, describe, expect, it } from 'vitest'

import { smallStreet } from '../support/fixtures'
import { gql, gqlStatuses, rest } from '../support/http'
import { testPayload } from '../support/payload'

/**
 * Staff accounts have no email verification, but Payload mounts its verify
 * route and mutation on every auth collection: anyone who called them got a
 * 500 (a query on a column that does not exist). They answer 404 now, like
 * any unknown route, and change nothing.
 */
let payload: Payload
let street: Awaited<ReturnType<typeof smallStreet>>

beforeAll(async () => {
  payload = await testPayload()
  street = await smallStreet(payload)
})

const userRow = async () => JSON.stringify(await payload.findByID({ collection: 'users', id: street.editor.id, depth: 0, overrideAccess: true, showHiddenFields: true }))

describe('email verification of staff accounts (not offered)', () => {
  it('REST POST /api/users/verify/:token answers 404 in Chinese to anyone, whatever the token', async () => {
    const before = await userRow()
    for (const token of ['x', 'a'.repeat(40), '%00']) {
      const r = await rest('POST', `users/verify/${token}`, { from: '203.0.113.50' })
      expect(r.status, JSON.stringify(r.body)).toBe(404)
      expect(r.body.errors[0].message).toMatch(/[\u4e00-\u9fff]/)
      expect(JSON.stringify(r.body)).not.toMatch(/_verificationToken|stack/)
    }
    expect(await userRow()).toBe(before)
  })

  it('GraphQL verifyEmailUser answers not found (404), not a server error', async () => {
    const r = await gql('mutation V($token: String) { verifyEmailUser(token: $token) }', { token: 'x' }, { from: '203.0.113.51' })
    expect(gqlStatuses(r), JSON.stringify(r.body)).toEqual([404])
    expect(r.body.errors[0].message).toMatch(/[\u4e00-\u9fff]/)
  })
})
