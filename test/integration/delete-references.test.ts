import { beforeAll, describe, expect, it } from 'vitest'

import { body, smallStreet } from '../support/fixtures'
import { testPayload } from '../support/payload'

describe('a grid or community still in use cannot be deleted', () => {
  let payload: Awaited<ReturnType<typeof testPayload>>
  let street: Awaited<ReturnType<typeof smallStreet>>
  beforeAll(async () => {
    payload = await testPayload()
    street = await smallStreet(payload)
  })

  it('refuses a grid with staff and announcements with 409 in Chinese, naming what uses it', async () => {
    await payload.create({
      collection: 'announcements',
      data: { title: '公告', grids: [street.gridA1.id], body: body('内容') },
      overrideAccess: true,
    })
    const err = await payload.delete({ collection: 'grids', id: street.gridA1.id, overrideAccess: true }).catch((e) => e)
    expect(err).toMatchObject({ status: 409 })
    expect(err.message).toContain('不能删除')
    expect(err.message).toContain('工作人员 1')
    expect(err.message).toContain('网格公告 1')
    expect(await payload.count({ collection: 'grids', where: { id: { equals: street.gridA1.id } } })).toMatchObject({ totalDocs: 1 })
  })

  it('refuses a community with grids', async () => {
    const err = await payload.delete({ collection: 'communities', id: street.commB.id, overrideAccess: true }).catch((e) => e)
    expect(err).toMatchObject({ status: 409 })
    expect(err.message).toContain('网格 1')
  })

  it('deletes a grid nothing uses', async () => {
    await payload.delete({ collection: 'grids', id: street.gridA2.id, overrideAccess: true })
    expect(await payload.count({ collection: 'grids', where: { id: { equals: street.gridA2.id } } })).toMatchObject({ totalDocs: 0 })
  })
})
