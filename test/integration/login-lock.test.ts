import { beforeAll, describe, expect, it } from 'vitest'

import { PASSWORD, smallStreet } from '../support/fixtures'
import { testPayload } from '../support/payload'

describe('staff logins lock after repeated failures', () => {
  let payload: Awaited<ReturnType<typeof testPayload>>
  let street: Awaited<ReturnType<typeof smallStreet>>
  beforeAll(async () => {
    payload = await testPayload()
    street = await smallStreet(payload)
  })

  it('locks after 5 wrong passwords, refuses the right one while locked, and an admin can unlock', async () => {
    const email = street.leaderA.email
    for (let i = 0; i < 5; i++) {
      await expect(payload.login({ collection: 'users', data: { email, password: 'wrong-password' } })).rejects.toThrow()
    }
    await expect(payload.login({ collection: 'users', data: { email, password: PASSWORD } })).rejects.toMatchObject({
      name: 'LockedAuth',
    })
    await payload.unlock({ collection: 'users', data: { email }, overrideAccess: true })
    const ok = await payload.login({ collection: 'users', data: { email, password: PASSWORD } })
    expect(ok.token).toBeTruthy()
  })

  it('a successful login is written to the audit log', async () => {
    await payload.login({ collection: 'users', data: { email: street.editor.email, password: PASSWORD } })
    const { docs } = await payload.find({
      collection: 'audit-log',
      where: { and: [{ action: { equals: 'login' } }, { targetId: { equals: String(street.editor.id) } }] },
      overrideAccess: true,
    })
    expect(docs).toHaveLength(1)
    expect(docs[0].actorName).toBe('editor')
  })
})
