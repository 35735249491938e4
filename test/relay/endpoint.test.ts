import type { Payload } from 'payload'
import { beforeAll, describe, expect, it } from 'vitest'

import { PASSWORD } from '../support/fixtures'
import { rest, tokenFor } from '../support/http'
import { testPayload } from '../support/payload'
import { setUpStreet } from '../subscribe/support'

/**
 * The staff side of heads' links (issue 18): POST/GET /api/grids/relay/:building
 * for editors and the building's own grid leaders, nobody else; the head's
 * phone, email and consent read only by them.
 */
let payload: Payload
let street: Awaited<ReturnType<typeof setUpStreet>>
let code: string
const tokens: Record<string, string> = {}

beforeAll(async () => {
  payload = await testPayload()
  street = await setUpStreet(payload)
  const grid = (await payload.findByID({ collection: 'grids', id: street.gridA1.id, overrideAccess: true, depth: 0 })) as unknown as { buildings: Record<string, unknown>[] }
  code = String(grid.buildings[0].code)
  for (const who of ['editor@test.local', 'leader-a@test.local', 'leader-b@test.local']) tokens[who] = await tokenFor(payload, who, PASSWORD)
})

describe('making a head’s link', () => {
  it('is for editors and the grid’s own leader; another grid’s leader and anonymous callers are refused', async () => {
    expect((await rest('POST', `/grids/relay/${code}`, { body: { action: 'issue' } })).status).toBe(401)
    expect((await rest('POST', `/grids/relay/${code}`, { token: tokens['leader-b@test.local'], body: { action: 'issue' } })).status).toBe(403)
    expect((await rest('POST', `/grids/relay/NOPE-1`, { token: tokens['editor@test.local'], body: { action: 'issue' } })).status).toBe(404)

    const made = await rest('POST', `/grids/relay/${code}`, {
      token: tokens['leader-a@test.local'],
      body: { action: 'issue', head: '王大伯', headPhone: '13800000000', headEmail: 'head@street.test', consent: true },
    })
    expect(made.status).toBe(200)
    expect(made.body.link).toMatch(/\/relay\/[A-Za-z0-9_.-]+$/)
    expect(made.body.version).toBe(1)
    const shown = await rest('GET', `/grids/relay/${code}`, { token: tokens['editor@test.local'] })
    expect(shown.body).toMatchObject({ link: made.body.link, head: '王大伯' })
    const qr = await rest('GET', `/grids/relay/${code}/qr.svg`, { token: tokens['leader-a@test.local'] })
    expect(qr.status).toBe(200)

    const bad = await rest('POST', `/grids/relay/${code}`, { token: tokens['editor@test.local'], body: { action: 'issue', headEmail: 'not-an-email' } })
    expect(bad.status).toBe(400)
    expect(bad.body.message).toContain('邮箱')

    const revoked = await rest('POST', `/grids/relay/${code}`, { token: tokens['editor@test.local'], body: { action: 'revoke' } })
    expect(revoked.body.link).toBeNull()
    expect((await rest('GET', `/grids/relay/${code}/qr.svg`, { token: tokens['editor@test.local'] })).status).toBe(404)
  })

  it('keeps the head’s phone, email and consent from other grids’ leaders', async () => {
    const own = await rest('GET', `/grids/${street.gridA1.id}?depth=0`, { token: tokens['leader-a@test.local'] })
    expect(own.body.buildings[0]).toMatchObject({ headPhone: '13800000000', headEmail: 'head@street.test', headConsent: true })
    const other = await rest('GET', `/grids/${street.gridA1.id}?depth=0`, { token: tokens['leader-b@test.local'] })
    expect(other.status).toBe(200)
    expect(other.body.buildings[0].head).toBe('王大伯')
    expect(other.body.buildings[0]).not.toHaveProperty('headPhone')
    expect(other.body.buildings[0]).not.toHaveProperty('headEmail')
    expect(other.body.buildings[0]).not.toHaveProperty('relayVersion')
  })
})
