import { beforeAll, describe, expect, it } from 'vitest'

import { body, smallStreet } from '../support/fixtures'
import { testPayload } from '../support/payload'

describe('payload on this leg', () => {
  let payload: Awaited<ReturnType<typeof testPayload>>
  let street: Awaited<ReturnType<typeof smallStreet>>
  beforeAll(async () => {
    payload = await testPayload()
    street = await smallStreet(payload)
  })

  it('creates and publishes an announcement for a grid', async () => {
    const a = await payload.create({
      collection: 'announcements',
      data: { title: '测试公告', grids: [street.gridA1.id], body: body('内容'), _status: 'published' },
      overrideAccess: true,
    })
    expect(a._status).toBe('published')
    expect(a.publishedAt).toBeTruthy()
    const found = await payload.find({ collection: 'announcements', where: { grids: { in: [street.gridA1.id] } }, overrideAccess: true })
    expect(found.docs.map((d) => d.id)).toEqual([a.id])
  })
})
