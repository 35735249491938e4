import { REST_GET } from '@payloadcms/next/routes'
import iconv from 'iconv-lite'
import type { Payload } from 'payload'
import { renderToStaticMarkup } from 'react-dom/server'
import { beforeAll, describe, expect, it } from 'vitest'

import AdminToolsLinks from '../../src/components/AdminToolsLinks'
import config from '../../src/payload.config'
import { PASSWORD, smallStreet, type Id } from '../support/fixtures'
import { type ApiResult, rest, tokenFor } from '../support/http'
import { testPayload } from '../support/payload'

/**
 * The street's structure as one CSV (POST /api/grids/import, GET
 * /api/grids/export.csv), admins only: export, then import into an empty
 * street, gives the same street; a GBK file with Chinese headings imports;
 * a check reports every bad line by line, column and reason and writes
 * nothing; a second import matches on codes and never doubles; imports and
 * exports are in the audit log.
 */
let payload: Payload
let street: Awaited<ReturnType<typeof smallStreet>>
const tokens: Record<string, string> = {}
const HEADER = 'community_code,community_name,grid_code,grid_name,grid_households,estate,building_code,building_name,address,building_households,head,head_phone'

type Row = { code?: string | null; name: string; estate?: string | null; address?: string | null; households?: number | null; head?: string | null; headPhone?: string | null }
type GridDoc = { id: Id; code: string; name: string; households: number; community: Id; buildings: Row[] }

const update = (id: Id, data: Record<string, unknown>) => payload.update({ collection: 'grids', id, data: data as never, overrideAccess: true })
const grids = async () => (await payload.find({ collection: 'grids', sort: 'code', limit: 0, depth: 0, overrideAccess: true })).docs as unknown as GridDoc[]
const buildingCount = async () => (await grids()).reduce((s, g) => s + (g.buildings?.length ?? 0), 0)

const GET = REST_GET(config)

/** The export as bytes (a Response's text() would drop the byte-order mark and misread GBK). */
async function exportCsv(who: string | null = 'admin', query = ''): Promise<{ status: number; bytes: Buffer; headers: Headers }> {
  const url = new URL(`/api/grids/export.csv${query}`, 'http://127.0.0.1:3000')
  const headers = new Headers(who ? { Authorization: `JWT ${tokens[who]}` } : {})
  const res = await GET(new Request(url, { headers }), { params: Promise.resolve({ slug: ['grids', 'export.csv'] }) })
  return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()), headers: res.headers }
}

function upload(file: Buffer | string, fields: Record<string, string>, who = 'admin'): Promise<ApiResult> {
  const form = new FormData()
  for (const [k, v] of Object.entries(fields)) form.set(k, v)
  form.set('file', new Blob([new Uint8Array(typeof file === 'string' ? Buffer.from(file, 'utf8') : file)], { type: 'text/csv' }), 'street.csv')
  return rest('POST', 'grids/import', { token: tokens[who], form })
}

const auditOf = async (action: string) =>
  (await payload.find({ collection: 'audit-log', where: { action: { equals: action }, targetCollection: { equals: 'grids' } }, sort: 'createdAt', limit: 0, depth: 0, overrideAccess: true })).docs.map(
    (d) => (d as { detail?: string }).detail,
  )

beforeAll(async () => {
  payload = await testPayload()
  street = await smallStreet(payload)
  await payload.create({ collection: 'communities', data: { code: 'C', name: '丙社区' }, overrideAccess: true })
  await update(street.gridA1.id, {
    buildings: [
      { estate: '碧湖小区', name: '1号楼', address: '碧湖路12号', households: 60, head: '王建国', headPhone: '13900001111' },
      { estate: '碧湖小区', name: '2号楼', address: '碧湖路14号', households: 48, head: '李秀英' },
      // Cells a spreadsheet would run, and cells that need quoting.
      { estate: '-东区', name: '综合楼, "老楼"', households: 12, head: '@张', headPhone: '+86 138 0000 2222' },
    ],
  })
  await update(street.gridB1.id, { buildings: [{ estate: '江滨花园', name: 'A座', code: 'JB-A', households: 80, head: '陈丽萍', headPhone: '0598-8955018' }] })
  for (const who of ['admin', 'editor', 'staffA', 'leaderA'] as const) tokens[who] = await tokenFor(payload, street[who].email, PASSWORD)
})

describe('who may use the street tools', () => {
  it('refuses staff who are not admins (403) and anonymous callers (401), writing nothing', async () => {
    const file = `${HEADER}\r\nZ,新社区,Z-01,新网格,100,,,1栋,,,,\r\n`
    for (const who of ['editor', 'staffA', 'leaderA']) {
      const imported = await upload(file, { mode: 'import' }, who)
      expect(imported.status, who).toBe(403)
      expect(imported.body.message).toBe('只有管理员可以导入和导出街道结构。')
      expect((await exportCsv(who)).status, who).toBe(403)
    }
    const form = new FormData()
    form.set('file', new Blob([file]), 'street.csv')
    expect((await rest('POST', 'grids/import', { form })).status).toBe(401)
    expect((await exportCsv(null)).status).toBe(401)
    expect((await grids()).map((g) => g.code)).toEqual(['A-01', 'A-02', 'B-01'])
    expect(await auditOf('export')).toEqual([])
  })

  it('links admins, and only admins, to the street tools from the admin navigation', () => {
    const render = (role: string) => renderToStaticMarkup(AdminToolsLinks({ user: { role }, i18n: { language: 'zh' }, payload } as never) ?? '')
    expect(render('admin')).toContain('href="/admin/street-tools"')
    expect(render('admin')).toContain('>街道结构导入与导出<')
    for (const role of ['editor', 'community-staff', 'grid-leader']) expect(render(role)).not.toContain('/admin/street-tools')
  })
})

describe('a check of a file with bad lines', () => {
  it('names each bad line, its column and what is wrong, in Chinese, and writes nothing even when asked to import', async () => {
    const file = [
      HEADER,
      'A,甲社区,A-01,甲一网格,400,碧湖小区,NEW-1,3号楼,碧湖路16号,30,赵敏,13900003333',
      'A,甲社区,,,,碧湖小区,,4号楼,碧湖路18号,20,孙静,',
      'A,甲社区,A-01,甲一网格,400,碧湖小区,,5号楼,碧湖路20号,二十,周芳,',
      'B,乙社区,B-01,乙一网格,480,江滨花园,NEW-1,B座,,10,吴伟,',
      'B,乙社区,B-01,乙一网格,480,江滨花园,,C座,,10,"=HYPERLINK(""x.cn"",""点我"")",',
      'B,乙社区,B-01,乙一网格,480,江滨花园,,D座,,10,郑丽,12345abc',
    ].join('\r\n')
    const before = (await exportCsv()).bytes.toString('utf8')
    for (const mode of ['dry-run', 'import']) {
      const r = await upload(file, { mode })
      expect(r.status, mode).toBe(422)
      expect(r.body.summary).toBe('文件共 6 行（编码 utf-8），发现问题，未写入任何数据。请修改后重新上传。')
      expect(r.body.problems).toEqual([
        { line: 3, field: 'grid_code', reason: '网格编码为空：填写了网格或楼栋信息的行需要网格编码。' },
        { line: 4, field: 'building_households', reason: '楼栋户数“二十”不是整数。' },
        { line: 5, field: 'building_code', reason: '楼栋编码“NEW-1”与第 2 行重复。' },
        { line: 6, field: 'head', reason: '楼栋长“=HYPERLINK("x.cn","点我")”以“=”开头，电子表格可能把它当作公式执行。请删掉这个字符，或在前面加一个英文单引号。' },
        { line: 7, field: 'head_phone', reason: '楼栋长电话格式不正确：请填写 11 位手机号，或带区号的固定电话（如 0598-8955018）。' },
      ])
    }
    expect((await exportCsv()).bytes.toString('utf8')).toBe(before)
    expect(await auditOf('import')).toEqual([])
  })

  it('refuses a new grid without its name and households, and buildings with more households than their grid', async () => {
    const file = [HEADER, 'A,甲社区,A-09,,,,,1栋,,,,', 'A,甲社区,A-02,甲二网格,350,,,1栋,,200,,', 'A,甲社区,A-02,甲二网格,350,,,2栋,,151,,'].join('\n')
    const r = await upload(file, { mode: 'dry-run' })
    expect(r.status).toBe(422)
    expect(r.body.problems).toEqual([
      { line: 2, field: 'grid_name', reason: '“A-09”是新的，需要填写网格名称。' },
      { line: 2, field: 'grid_households', reason: '“A-09”是新的，需要填写网格户数。' },
      { line: 3, field: 'grid_households', reason: '网格“A-02”各楼栋户数之和（351）超过了网格户数（350）。' },
    ])
  })
})

describe('import and export', () => {
  it('imports a GBK file with Chinese headings, checked first', async () => {
    const text = [
      '社区编码,社区名称,网格编码,网格名称,网格户数,小区,楼栋名称,门牌地址,楼栋户数,楼栋长,楼栋长电话',
      'D,丁社区,D-01,丁一网格,320,翠园,1栋,翠园路2号,40,黄德福,13900004444',
      'D,丁社区,D-01,丁一网格,320,翠园,2栋,翠园路4号,36,梁淑珍,',
      'D,丁社区,D-02,丁二网格,300,,,,,,',
      // What a spreadsheet leaves below a table.
      ',,,,,,,,,,',
    ].join('\r\n')
    const file = iconv.encode(text, 'gbk')
    const dry = await upload(file, { mode: 'dry-run', encoding: 'auto' })
    expect(dry.status).toBe(200)
    expect(dry.body.summary).toBe('检查完毕：共 3 行（编码 gbk）。将新建社区 1 个、网格 2 个、楼栋 2 栋，更新社区 0 个、网格 0 个、楼栋 0 栋，其余不变。未写入任何数据。')
    expect((await grids()).map((g) => g.code)).toEqual(['A-01', 'A-02', 'B-01'])

    const go = await upload(file, { mode: 'import', encoding: 'gbk' })
    expect(go.status).toBe(200)
    expect(go.body.summary).toBe('导入完成：共 3 行（编码 gbk）。新建社区 1 个、网格 2 个、楼栋 2 栋，更新社区 0 个、网格 0 个、楼栋 0 栋，其余不变。')
    const d1 = (await grids()).find((g) => g.code === 'D-01')!
    expect(d1).toMatchObject({ name: '丁一网格', households: 320 })
    expect(d1.buildings.map((b) => [b.estate, b.name, b.address, b.households, b.head, b.headPhone ?? null])).toEqual([
      ['翠园', '1栋', '翠园路2号', 40, '黄德福', '13900004444'],
      ['翠园', '2栋', '翠园路4号', 36, '梁淑珍', null],
    ])
    for (const b of d1.buildings) expect(b.code).toMatch(/^B\d{4}$/)
    expect((await grids()).find((g) => g.code === 'D-02')!.buildings).toEqual([])

    // The same file again matches what is there (no codes: grid, estate and name) and changes nothing.
    const again = await upload(file, { mode: 'import' })
    expect(again.body.summary).toContain('新建社区 0 个、网格 0 个、楼栋 0 栋，更新社区 0 个、网格 0 个、楼栋 0 栋')
    expect((await grids()).find((g) => g.code === 'D-01')!.buildings.map((b) => b.code)).toEqual(d1.buildings.map((b) => b.code))
    expect(await auditOf('import')).toEqual([
      '导入街道结构：新建社区 1 个、网格 2 个、楼栋 2 栋，更新社区 0 个、网格 0 个、楼栋 0 栋（文件共 3 行）',
      '导入街道结构：新建社区 0 个、网格 0 个、楼栋 0 栋，更新社区 0 个、网格 0 个、楼栋 0 栋（文件共 3 行）',
    ])
  })

  it('exports the street formula-safe, and the export imported into an empty street gives the same street', async () => {
    const first = await exportCsv()
    expect(first.status).toBe(200)
    expect(first.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(first.headers.get('content-disposition')).toMatch(/^attachment; filename="street-\d{4}-\d{2}-\d{2}\.csv"$/)
    const text = first.bytes.toString('utf8')
    expect(text.startsWith('\ufeff')).toBe(true)
    const lines = text.slice(1).trimEnd().split('\r\n')
    expect(lines[0]).toBe(HEADER)
    const codes = Object.fromEntries((await grids()).flatMap((g) => g.buildings.map((b) => [b.name, b.code])))
    expect(lines.slice(1)).toEqual([
      `A,甲社区,A-01,甲一网格,400,碧湖小区,${codes['1号楼']},1号楼,碧湖路12号,60,王建国,13900001111`,
      `A,甲社区,A-01,甲一网格,400,碧湖小区,${codes['2号楼']},2号楼,碧湖路14号,48,李秀英,`,
      `A,甲社区,A-01,甲一网格,400,'-东区,${codes['综合楼, "老楼"']},"综合楼, ""老楼""",,12,'@张,'+86 138 0000 2222`,
      'A,甲社区,A-02,甲二网格,350,,,,,,,',
      'B,乙社区,B-01,乙一网格,480,江滨花园,JB-A,A座,,80,陈丽萍,0598-8955018',
      'C,丙社区,,,,,,,,,,',
      `D,丁社区,D-01,丁一网格,320,翠园,${codes['1栋']},1栋,翠园路2号,40,黄德福,13900004444`,
      `D,丁社区,D-01,丁一网格,320,翠园,${codes['2栋']},2栋,翠园路4号,36,梁淑珍,`,
      'D,丁社区,D-02,丁二网格,300,,,,,,,',
    ])
    expect(text).not.toMatch(/(^|\n|,)[=+\-@]/)
    const gbk = await exportCsv('admin', '?encoding=gbk')
    expect(gbk.headers.get('content-type')).toBe('text/csv; charset=gbk')
    expect(iconv.decode(gbk.bytes, 'gbk')).toBe(text.slice(1))
    // (The check above exported the street twice too.)
    expect((await auditOf('export')).slice(-2)).toEqual(['导出街道结构 9 行（UTF-8）', '导出街道结构 9 行（GBK）'])

    // An empty street: the staff who point at grids and communities go first, then the grids and communities.
    for (const who of ['staffA', 'leaderA', 'leaderB'] as const) await payload.delete({ collection: 'users', id: street[who].id, overrideAccess: true })
    await payload.delete({ collection: 'grids', where: { id: { exists: true } }, overrideAccess: true })
    await payload.delete({ collection: 'communities', where: { id: { exists: true } }, overrideAccess: true })
    expect(await grids()).toEqual([])

    const go = await upload(first.bytes, { mode: 'import' })
    expect(go.status).toBe(200)
    expect(go.body.summary).toBe('导入完成：共 9 行（编码 utf-8）。新建社区 4 个、网格 5 个、楼栋 6 栋，更新社区 0 个、网格 0 个、楼栋 0 栋，其余不变。')
    const second = await exportCsv()
    expect(second.bytes.toString('utf8')).toBe(text)
    expect((await grids()).find((g) => g.code === 'A-01')!.buildings[2]).toMatchObject({ estate: '-东区', name: '综合楼, "老楼"', head: '@张', headPhone: '+86 138 0000 2222' })
  })

  it('matches a second import on codes: a change updates, a building moved to another grid keeps its code, nothing doubles', async () => {
    const text = (await exportCsv()).bytes.toString('utf8')
    const before = await buildingCount()
    const edited = text
      .replace(',王建国,13900001111', ',王建军,13900001112')
      // A-B座 moves from B-01 to A-02.
      .replace('B,乙社区,B-01,乙一网格,480,江滨花园,JB-A,', 'A,甲社区,A-02,甲二网格,350,江滨花园,JB-A,')
    const r = await upload(edited, { mode: 'import' })
    expect(r.status).toBe(200)
    expect(r.body.counts).toEqual({ c1: 0, c2: 0, g1: 0, g2: 2, b1: 0, b2: 2 })
    expect(await buildingCount()).toBe(before)
    const all = await grids()
    expect(all.find((g) => g.code === 'A-01')!.buildings[0]).toMatchObject({ head: '王建军', headPhone: '13900001112' })
    expect(all.find((g) => g.code === 'A-02')!.buildings.map((b) => [b.code, b.name, b.head])).toEqual([['JB-A', 'A座', '陈丽萍']])
    expect(all.find((g) => g.code === 'B-01')!.buildings).toEqual([])
  })
})
