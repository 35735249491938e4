import type { Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { maskMobile, mobileIndex, normaliseMobile, openMobile, sealMobile } from '../../src/subscribers/phone'
import { smallStreet } from '../support/fixtures'
import { testPayload } from '../support/payload'

/** Residents' mobile numbers: one written form, sealed at rest, found by a keyed hash, masked for staff. */
describe('mobile numbers, as written', () => {
  it('keeps the 11 digits of a mainland mobile number however it is typed, and refuses anything else', () => {
    for (const typed of ['13800000000', '138 0000 0000', '138-0000-0000', '+86 138 0000 0000', '008613800000000']) expect(normaliseMobile(typed), typed).toBe('13800000000')
    for (const bad of ['', '1380000000', '138000000000', '12800000000', '0598-8955018', '+1 138 0000 0000', '１３８００００００００', 13800000000]) expect(normaliseMobile(bad), String(bad)).toBeNull()
  })

  it('seals each time differently, opens to the number, finds equal numbers by one index, and masks', () => {
    const a = sealMobile('13800000000')
    const b = sealMobile('13800000000')
    expect(a).not.toBe(b)
    expect(a).not.toContain('13800000000')
    expect([openMobile(a), openMobile(b)]).toEqual(['13800000000', '13800000000'])
    expect(mobileIndex('13800000000')).toBe(mobileIndex('13800000000'))
    expect(mobileIndex('13800000000')).not.toBe(mobileIndex('13800000001'))
    expect(maskMobile('13800001234')).toBe('138****1234')
    // A changed seal is refused, not read as some other number.
    const [v, iv, tag, body] = a.split('.')
    const flipped = Buffer.from(body, 'base64url')
    flipped[0] ^= 1
    expect(() => openMobile([v, iv, tag, flipped.toString('base64url')].join('.'))).toThrow()
  })
})

describe('a subscriber with a mobile number', () => {
  let payload: Payload
  let street: Awaited<ReturnType<typeof smallStreet>>
  beforeAll(async () => {
    payload = await testPayload()
    street = await smallStreet(payload)
  })
  afterAll(async () => payload?.destroy())

  const create = (data: Record<string, unknown>) =>
    payload.create({
      collection: 'subscribers',
      data: { email: `${Math.random().toString(36).slice(2)}@example.org`, grid: street.gridA1.id, channels: ['email'], topics: ['issues'], status: 'active', ...data } as never,
      overrideAccess: true,
    }) as Promise<{ id: string | number; phone?: string | null; phoneIndex?: string | null }>

  it('stores the number sealed with its index, whatever index the request sent', async () => {
    const s = await create({ phone: '+86 139-0000-0001', phoneIndex: 'forged' })
    const stored = (await payload.findByID({ collection: 'subscribers', id: s.id, overrideAccess: true, depth: 0 })) as unknown as { phone: string; phoneIndex: string }
    expect(stored.phone).toMatch(/^v1\./)
    expect(openMobile(stored.phone)).toBe('13900000001')
    expect(stored.phoneIndex).toBe(mobileIndex('13900000001'))
    const found = await payload.find({ collection: 'subscribers', where: { phoneIndex: { equals: mobileIndex('13900000001') } }, overrideAccess: true, depth: 0 })
    expect(found.docs.map((d) => d.id)).toEqual([s.id])
    // A later save that does not touch the number keeps it and its index.
    await payload.update({ collection: 'subscribers', id: s.id, data: { topics: ['events'] } as never, overrideAccess: true })
    const again = (await payload.findByID({ collection: 'subscribers', id: s.id, overrideAccess: true, depth: 0 })) as unknown as { phone: string; phoneIndex: string }
    expect(again.phone).toBe(stored.phone)
    expect(again.phoneIndex).toBe(stored.phoneIndex)
  })

  it('refuses a number that is not a mobile number, naming the field, and saves nothing', async () => {
    const before = await payload.count({ collection: 'subscribers', overrideAccess: true })
    const err = await create({ phone: '0598-8955018' }).catch((e: unknown) => e as { data?: { errors?: { path: string; message: string }[] } })
    expect(err).toMatchObject({ data: { errors: [{ path: 'phone', message: expect.stringContaining('11位手机号码') }] } })
    expect((await payload.count({ collection: 'subscribers', overrideAccess: true })).totalDocs).toBe(before.totalDocs)
  })

  it('clears the number and its index together', async () => {
    const s = await create({ phone: '13900000002' })
    await payload.update({ collection: 'subscribers', id: s.id, data: { phone: null } as never, overrideAccess: true })
    const stored = (await payload.findByID({ collection: 'subscribers', id: s.id, overrideAccess: true, depth: 0 })) as unknown as { phone: string | null; phoneIndex: string | null }
    expect(stored.phone ?? null).toBeNull()
    expect(stored.phoneIndex ?? null).toBeNull()
  })
})
