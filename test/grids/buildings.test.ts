import type { Payload } from 'payload'
import { beforeAll, describe, expect, it } from 'vitest'

import { gridDirectory, searchBuildings } from '../../src/grids/directory'
import { PASSWORD, smallStreet, type Id } from '../support/fixtures'
import { gql, rest, tokenFor } from '../support/http'
import { testPayload } from '../support/payload'

/**
 * A grid's buildings (rows of grids.buildings): a code given once, unique in
 * the street and never changed; address, households and head; and the head's
 * phone, which only admins, editors and the grid's own leaders read (REST,
 * GraphQL), never anonymous callers, another grid's leader, community staff,
 * the public grid directory or the building search.
 */
let payload: Payload
let street: Awaited<ReturnType<typeof smallStreet>>
const tokens: Record<string, string> = {}
const PHONE_A = '13900001111'
const PHONE_B = '0598-8955018'

type Row = { id?: string; code?: string | null; name: string; estate?: string | null; address?: string | null; households?: number | null; head?: string | null; headPhone?: string | null }
type GridDoc = { id: Id; code: string; households: number; buildings: Row[] }

const grid = async (id: Id) => (await payload.findByID({ collection: 'grids', id, depth: 0, overrideAccess: true })) as unknown as GridDoc
const update = (id: Id, data: Record<string, unknown>) => payload.update({ collection: 'grids', id, data: data as never, overrideAccess: true })
/** The Chinese messages of a refused save, by field path. */
async function refusal(p: Promise<unknown>): Promise<Record<string, string>> {
  const err = (await p.then(
    () => null,
    (e: unknown) => e,
  )) as { data?: { errors?: { path: string; message: string }[] } } | null
  expect(err, 'the save was refused').not.toBeNull()
  return Object.fromEntries((err!.data?.errors ?? []).map((e) => [e.path, e.message]))
}

beforeAll(async () => {
  payload = await testPayload()
  street = await smallStreet(payload)
  await update(street.gridA1.id, {
    buildings: [
      { estate: '碧湖小区', name: '1号楼', address: '碧湖路12号', households: 60, head: '王建国', headPhone: PHONE_A },
      { estate: '碧湖小区', name: '2号楼', address: '碧湖路14号', households: 48, head: '李秀英' },
    ],
  })
  await update(street.gridB1.id, { buildings: [{ estate: '江滨花园', name: 'A座', households: 80, head: '陈丽萍', headPhone: PHONE_B }] })
  for (const who of ['admin', 'editor', 'staffA', 'leaderA', 'leaderB'] as const) tokens[who] = await tokenFor(payload, street[who].email, PASSWORD)
})

describe('building codes', () => {
  it('are given to buildings saved without one, unique in the street, and kept when the row is saved again without it', async () => {
    const a1 = await grid(street.gridA1.id)
    const b1 = await grid(street.gridB1.id)
    const codes = [...a1.buildings, ...b1.buildings].map((b) => b.code)
    for (const c of codes) expect(c).toMatch(/^B\d{4}$/)
    expect(new Set(codes).size).toBe(3)
    // The admin form sends the row with its id; a client that leaves the code out gets it back.
    await update(street.gridA1.id, { buildings: a1.buildings.map(({ code: _code, ...rest }) => ({ ...rest, head: `${rest.head}` })) })
    expect((await grid(street.gridA1.id)).buildings.map((b) => b.code)).toEqual(a1.buildings.map((b) => b.code))
    // A new building gets a code no other building had, and a given one is kept.
    await update(street.gridA2.id, { buildings: [{ name: '3栋' }, { name: '4栋', code: 'A02-4' }] })
    const a2 = await grid(street.gridA2.id)
    expect(a2.buildings[1].code).toBe('A02-4')
    expect(codes).not.toContain(a2.buildings[0].code)
  })

  it('refuse a change, a code used elsewhere, a code twice in one grid and a malformed code, in Chinese naming the field', async () => {
    const a1 = await grid(street.gridA1.id)
    const b1 = await grid(street.gridB1.id)
    const changed = a1.buildings.map((b, i) => (i === 0 ? { ...b, code: 'NEW-1' } : b))
    expect(await refusal(update(street.gridA1.id, { buildings: changed }))).toEqual({
      'buildings.0.code': `楼栋编码设定后不能修改（原为“${a1.buildings[0].code}”）。`,
    })
    expect(await refusal(update(street.gridA2.id, { buildings: [{ name: '5栋', code: b1.buildings[0].code }] }))).toEqual({
      'buildings.0.code': `楼栋编码“${b1.buildings[0].code}”已被网格 B-01 的“A座”使用。`,
    })
    expect(await refusal(update(street.gridA2.id, { buildings: [{ name: '5栋', code: 'X-1' }, { name: '6栋', code: 'X-1' }] }))).toEqual({
      'buildings.1.code': '楼栋编码“X-1”在本网格中重复（与第 1 栋相同）。',
    })
    const bad = await refusal(update(street.gridA2.id, { buildings: [{ name: '5栋', code: '5/栋' }] }))
    expect(bad['buildings.0.code']).toBe('楼栋编码只能由字母、数字、“-”和“_”组成，以字母或数字开头，最多 30 个字符。')
    // Nothing was written by the refused saves.
    expect((await grid(street.gridA1.id)).buildings.map((b) => b.code)).toEqual(a1.buildings.map((b) => b.code))
  })
})

describe('building details', () => {
  it('refuse households that are not a positive whole number, more households than the grid has, and a phone that is not one', async () => {
    const one = (b: Record<string, unknown>) => update(street.gridA2.id, { buildings: [{ name: '9栋', ...b }] })
    expect(await refusal(one({ households: 0 }))).toEqual({ 'buildings.0.households': '楼栋户数应为 1 到 10000 之间的整数。' })
    expect(await refusal(one({ households: 2.5 }))).toEqual({ 'buildings.0.households': '楼栋户数应为 1 到 10000 之间的整数。' })
    expect(await refusal(one({ headPhone: '打电话给我' }))).toEqual({ 'buildings.0.headPhone': '楼栋长电话格式不正确：请填写 11 位手机号，或带区号的固定电话（如 0598-8955018）。' })
    // A-02 has 350 households.
    expect(await refusal(update(street.gridA2.id, { buildings: [{ name: '9栋', households: 200 }, { name: '10栋', households: 151 }] }))).toEqual({
      buildings: '各楼栋户数之和（351）超过了网格户数（350）。',
    })
    // …and lowering the grid's households below its buildings' is refused the same way.
    expect(await refusal(update(street.gridA1.id, { households: 100 }))).toEqual({ buildings: '各楼栋户数之和（108）超过了网格户数（100）。' })
    const a1 = await grid(street.gridA1.id)
    expect(a1.buildings[0]).toMatchObject({ estate: '碧湖小区', name: '1号楼', address: '碧湖路12号', households: 60, head: '王建国', headPhone: PHONE_A })
  })
})

describe('the head’s phone', () => {
  const phonesOver = (docs: { code: string; buildings?: Row[] }[]) =>
    Object.fromEntries(docs.map((g) => [g.code, (g.buildings ?? []).map((b) => b.headPhone ?? null)]))

  it('is read over REST by admins, editors and the grid’s own leader only', async () => {
    const list = async (who: string) => {
      const r = await rest('GET', 'grids?limit=10&sort=code', { token: tokens[who] })
      expect(r.status).toBe(200)
      return phonesOver(r.body.docs)
    }
    const all = { 'A-01': [PHONE_A, null], 'A-02': [null, null], 'B-01': [PHONE_B] }
    expect(await list('admin')).toEqual(all)
    expect(await list('editor')).toEqual(all)
    expect(await list('leaderA')).toEqual({ 'A-01': [PHONE_A, null], 'A-02': [null, null], 'B-01': [null] })
    expect(await list('leaderB')).toEqual({ 'A-01': [null, null], 'A-02': [null, null], 'B-01': [PHONE_B] })
    expect(await list('staffA')).toEqual({ 'A-01': [null, null], 'A-02': [null, null], 'B-01': [null] })
    // The head's name and the rest stay visible to staff.
    const other = await rest('GET', `grids/${street.gridA1.id}`, { token: tokens.leaderB })
    expect(other.status).toBe(200)
    expect(other.body.buildings[0]).toMatchObject({ name: '1号楼', head: '王建国', address: '碧湖路12号', households: 60 })
    expect(JSON.stringify(other.body)).not.toContain(PHONE_A)
    const anonymous = await rest('GET', `grids/${street.gridA1.id}`)
    expect(anonymous.status).toBe(403)
    expect(JSON.stringify(anonymous.body)).not.toContain(PHONE_A)
    expect((await rest('GET', 'grids')).status).toBe(403)
  })

  it('cannot be found out by filtering or sorting on it', async () => {
    const probe = await rest('GET', `grids?where[buildings.headPhone][equals]=${PHONE_A}`, { token: tokens.leaderB })
    // Payload refuses a filter on a field the caller cannot read (400), and answers no document.
    expect(probe.status).toBe(400)
    expect(JSON.stringify(probe.body)).not.toContain('A-01')
    // Nor a sort on it, which would order the grids by their heads' phones.
    for (const sort of ['buildings.headPhone', '-buildings.headPhone']) expect((await rest('GET', `grids?sort=${sort}`, { token: tokens.leaderB })).status).toBe(400)
    const own = await rest('GET', `grids?where[buildings.headPhone][equals]=${PHONE_A}`, { token: tokens.editor })
    expect(own.body.docs.map((g: { code: string }) => g.code)).toEqual(['A-01'])
  })

  it('is read over GraphQL by the same people only', async () => {
    const query = '{ Grids(sort: "code") { docs { code buildings { name head headPhone } } } }'
    const phones = async (token?: string) => {
      const r = await gql(query, {}, { token })
      return r.body.data?.Grids ? phonesOver(r.body.data.Grids.docs) : r.body
    }
    expect(await phones(tokens.editor)).toEqual({ 'A-01': [PHONE_A, null], 'A-02': [null, null], 'B-01': [PHONE_B] })
    expect(await phones(tokens.leaderA)).toEqual({ 'A-01': [PHONE_A, null], 'A-02': [null, null], 'B-01': [null] })
    expect(await phones(tokens.leaderB)).toEqual({ 'A-01': [null, null], 'A-02': [null, null], 'B-01': [PHONE_B] })
    const anonymous = await gql(query)
    expect(JSON.stringify(anonymous.body)).not.toContain(PHONE_A)
    expect(anonymous.body.data?.Grids ?? null).toBeNull()
    const one = await gql(`{ Grid(id: ${JSON.stringify(street.gridA1.id)}) { code buildings { head headPhone } } }`, {}, { token: tokens.leaderB })
    expect(one.body.data.Grid.buildings).toEqual([
      { head: '王建国', headPhone: null },
      { head: '李秀英', headPhone: null },
    ])
  })

  it('is in neither the public grid directory nor the building search', async () => {
    const directory = JSON.stringify(await gridDirectory(payload))
    expect(directory).toContain('1号楼')
    expect(directory).not.toContain(PHONE_A)
    expect(directory).not.toContain(PHONE_B)
    const found = JSON.stringify(await searchBuildings(payload, '碧湖'))
    expect(found).toContain('1号楼')
    expect(found).not.toContain(PHONE_A)
  })
})
