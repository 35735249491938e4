import type { Payload } from 'payload'
import { beforeAll, describe, expect, it } from 'vitest'

import { PASSWORD, smallStreet } from '../support/fixtures'
import { gql, gqlStatuses, rest, tokenFor } from '../support/http'
import { testPayload } from '../support/payload'

/**
 * GraphQL `{ Access { ... } }` for every caller. Payload tidies the
 * permissions (a false one dropped, `{ permission: true }` made `true`) that
 * its GraphQL schema declares non-null objects and booleans: an anonymous
 * caller asking canAccessAdmin, or staff asking an operation's permission,
 * got a 500 ("Something went wrong.", an error in the log). They get the
 * same permissions as REST /api/access now.
 */
let payload: Payload
let street: Awaited<ReturnType<typeof smallStreet>>

beforeAll(async () => {
  payload = await testPayload()
  street = await smallStreet(payload)
})

const QUERY = '{ Access { canAccessAdmin issues { read { permission } update { permission } } communities { read { permission } delete { permission } } } }'

describe('GraphQL Access', () => {
  it('answers an anonymous caller canAccessAdmin false, with no error', async () => {
    const r = await gql('{ Access { canAccessAdmin } }', {}, { from: '203.0.113.60' })
    expect(r.status).toBe(200)
    expect(gqlStatuses(r), JSON.stringify(r.body)).toEqual([])
    expect(r.body.data.Access).toEqual({ canAccessAdmin: false })
  })

  it('answers an anonymous caller its collection permissions: none', async () => {
    const r = await gql(QUERY, {}, { from: '203.0.113.61' })
    expect(gqlStatuses(r), JSON.stringify(r.body)).toEqual([])
    expect(r.body.data.Access).toEqual({
      canAccessAdmin: false,
      issues: { read: { permission: false }, update: { permission: false } },
      communities: { read: { permission: false }, delete: { permission: false } },
    })
  })

  it('answers staff what REST /api/access answers them', async () => {
    const token = await tokenFor(payload, street.leaderA.email, PASSWORD)
    const r = await gql(QUERY, {}, { token, from: '203.0.113.62' })
    expect(gqlStatuses(r), JSON.stringify(r.body)).toEqual([])
    const restAccess = (await rest('GET', 'access', { token, from: '203.0.113.62' })).body
    const flag = (v: unknown) => (v === undefined ? false : typeof v === 'boolean' ? v : (v as { permission: boolean }).permission)
    expect(r.body.data.Access).toEqual({
      canAccessAdmin: true,
      issues: { read: { permission: flag(restAccess.collections.issues?.read) }, update: { permission: flag(restAccess.collections.issues?.update) } },
      communities: { read: { permission: flag(restAccess.collections.communities?.read) }, delete: { permission: flag(restAccess.collections.communities?.delete) } },
    })
    // A grid leader reads the communities but deletes none.
    expect(r.body.data.Access.communities).toEqual({ read: { permission: true }, delete: { permission: false } })
  })
})
