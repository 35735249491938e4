import type { Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { type BuildingSearch, type CommunityGroup, finderOf, searchBuildings } from '../../src/grids/directory'
import { seedDemo } from '../../src/seed/demo'
import { testPayload } from '../support/payload'
import { type Site, startSite } from '../site/support'

/**
 * The public building search (/subscribe, /subscribe/buildings) over the demo
 * street's own directory, as the database holds it: what residents type, in
 * every common form, goes through the grid finder (test/grids/finder.test.ts
 * tests the finder itself over a fixed street with addresses). The demo's
 * 277 buildings (src/seed/street.ts) are labelled 碧湖小区1号楼 …, numbered
 * on through the grids that share an estate: 碧湖小区 1–8 in XB-01, 9–16 in
 * XB-04, 17–24 in XB-07.
 * Each answer is summed up as "GRID WHAT" per match, or "none WHY" and
 * "~ GRID" per suggestion.
 */
function summary(search: BuildingSearch): string[] {
  if (search.found) return search.matches.map((m) => [m.code, m.building || m.estate].filter(Boolean).join(' '))
  return [`none ${search.why}`, ...search.matches.map((m) => `~ ${m.code}`)]
}

const BIHU = ['XB-01', 'XB-04', 'XB-07']

// [what the resident types, the answer]
const TABLE: [string, string[]][] = [
  // The search box's own example, and building 3 written every common way.
  ['碧湖小区 3栋', ['XB-01 碧湖小区3号楼']],
  ['碧湖小区3栋', ['XB-01 碧湖小区3号楼']],
  ['碧湖小区3幢', ['XB-01 碧湖小区3号楼']],
  ['碧湖小区3号楼', ['XB-01 碧湖小区3号楼']],
  ['碧湖小区三号楼', ['XB-01 碧湖小区3号楼']],
  ['碧湖小区3座', ['XB-01 碧湖小区3号楼']],
  ['碧湖小区３栋', ['XB-01 碧湖小区3号楼']],
  ['碧湖小区　３号楼', ['XB-01 碧湖小区3号楼']],
  [' 碧湖小区 3 号楼 ', ['XB-01 碧湖小区3号楼']],
  ['碧湖小区第三栋', ['XB-01 碧湖小区3号楼']],
  ['碧湖小区3#', ['XB-01 碧湖小区3号楼']],
  ['碧湖小区3-2-501', ['XB-01 碧湖小区3号楼']],
  ['碧湖小区3栋2单元501', ['XB-01 碧湖小区3号楼']],
  ['碧湖 3栋', ['XB-01 碧湖小区3号楼']],
  // The same estate's buildings in its other grids.
  ['碧湖小区十栋', ['XB-04 碧湖小区10号楼']],
  ['碧湖小区二十栋', ['XB-07 碧湖小区20号楼']],
  ['碧湖小区 23号楼', ['XB-07 碧湖小区23号楼']],
  // The estate alone: each grid it spans.
  ['碧湖小区', BIHU.map((g) => `${g} 碧湖小区`)],
  ['乾龙新村', ['QL-01', 'QL-04', 'QL-07'].map((g) => `${g} 乾龙新村`)],
  // Every community's estates, in several forms (short names, Chinese numerals, full-width digits).
  ['徐碧新村 8幢', ['XB-02 徐碧新村8号楼']],
  ['江滨花园14座', ['XB-06 江滨花园14号楼']],
  ['东霞苑2栋', ['DX-01 东霞苑2号楼']],
  ['霞光小区 九号楼', ['DX-05 霞光小区9号楼']],
  ['电力宿舍十四号楼', ['DX-06 电力宿舍14号楼']],
  ['电力 12栋', ['DX-06 电力宿舍12号楼']],
  ['龙岗小区8栋', ['QL-02 龙岗小区8号楼']],
  ['沙洲花园１５号楼', ['QL-06 沙洲花园15号楼']],
  ['新亭小区1幢', ['XT-01 新亭小区1号楼']],
  ['列东街住宅9号楼', ['XT-05 列东街住宅9号楼']],
  ['翠园13栋', ['XT-06 翠园13号楼']],
  ['崇桂新村2号楼', ['CG-01 崇桂新村2号楼']],
  ['桂花苑 7栋', ['CG-02 桂花苑7号楼']],
  ['北山小区十三座', ['CG-06 北山小区13号楼']],
  // A road and number, from the buildings' addresses.
  ['碧湖路6号', ['XB-01 碧湖小区3号楼']],
  ['霞光路 4 号', ['DX-02 霞光小区2号楼']],
  // Grids by name and code; a community.
  ['徐碧第一网格', ['XB-01']],
  ['XB-01', ['XB-01']],
  ['ｘｂ０１', ['XB-01']],
  ['东霞社区', ['DX-01', 'DX-02', 'DX-03', 'DX-04', 'DX-05', 'DX-06', 'DX-07']],
  // Nothing guessed: a building the estate lacks, a building without its estate, a typo, nothing, markup.
  ['碧湖小区99栋', ['none no-such-building', ...BIHU.map((g) => `~ ${g}`)]],
  ['3栋', ['none need-place']],
  ['碧胡小区3栋', ['none unknown', ...BIHU.map((g) => `~ ${g}`)]],
  ['  ', ['none empty']],
  ['<script>alert(1)</script>', ['none unknown']],
]

describe('the building search over the demo street', () => {
  let payload: Payload
  let site: Site

  beforeAll(async () => {
    payload = await testPayload()
    await seedDemo(payload)
    site = await startSite(payload)
  })
  afterAll(async () => {
    await site?.close()
  })

  it('has a table of at least 30 queries', () => {
    expect(TABLE.length).toBeGreaterThanOrEqual(30)
  })

  it.each(TABLE)('%s', async (query, expected) => {
    expect(summary(await searchBuildings(payload, query))).toEqual(expected)
  })

  it('says in words where and which grid, and why nothing matched', async () => {
    const found = await searchBuildings(payload, '碧湖小区 3栋')
    expect(found.matches[0].label).toBe('碧湖小区3号楼 → XB-01 · 徐碧第1网格（徐碧社区）')
    const estate = await searchBuildings(payload, '碧湖小区')
    // A list under the estate does not repeat its name.
    expect(estate.matches[0].label).toBe('碧湖小区（1号楼、2号楼、3号楼、4号楼、5号楼、6号楼、7号楼、8号楼）→ XB-01 · 徐碧第1网格（徐碧社区）')
    const missing = await searchBuildings(payload, '碧湖小区99栋')
    expect(missing.message).toBe('碧湖小区没有编号为“99”的楼栋。这个小区的楼栋在下面这些网格，请核对后选择：')
  })

  it('is what the subscribe page lists without JavaScript, and what the script gets as JSON', async () => {
    const page = await site.get(`/subscribe?q=${encodeURIComponent('碧湖小区 3栋')}`)
    const html = await page.text()
    expect(page.status).toBe(200)
    expect(html).toContain('<li><a href="/subscribe?grid=XB-01">碧湖小区3号楼 → XB-01 · 徐碧第1网格（徐碧社区）</a></li>')
    const none = await (await site.get(`/subscribe?q=${encodeURIComponent('碧湖小区99栋')}`)).text()
    expect(none).toContain('碧湖小区没有编号为“99”的楼栋。')
    expect(none).toContain('href="/subscribe?grid=XB-04"')
    const json = (await (await site.get(`/subscribe/buildings?q=${encodeURIComponent('碧湖 三号楼')}`)).json()) as BuildingSearch
    expect(json.found).toBe(true)
    expect(json.matches.map((m) => [m.code, m.building])).toEqual([['XB-01', '碧湖小区3号楼']])
  })
})

describe('building rows with an address', () => {
  // Rows as the directory reads them: `address` where the row has one, absent (or empty) where not.
  const groups: CommunityGroup[] = [
    {
      community: { id: 1, name: '徐碧社区', code: 'XB' },
      grids: [
        {
          id: 1,
          code: 'XB-06',
          name: '徐碧第6网格',
          community: { id: 1, name: '徐碧社区', code: 'XB' },
          buildings: [
            { estate: '', name: '碧湖路12号楼', address: '碧湖路12号' },
            { estate: '', name: '碧湖路14号楼', address: '碧湖路 14 号' },
            { estate: '江滨花园', name: '31号楼' },
          ],
        },
        { id: 2, code: 'XB-07', name: '徐碧第7网格', community: { id: 1, name: '徐碧社区', code: 'XB' }, buildings: [] },
      ],
    },
  ]
  const finder = finderOf(groups)

  it.each([
    ['碧湖路12号', 'XB-06 碧湖路12号楼'],
    ['碧湖路 14号', 'XB-06 碧湖路14号楼'],
    ['碧湖路十二号', 'XB-06 碧湖路12号楼'],
    ['碧湖路１４号３单元', 'XB-06 碧湖路14号楼'],
    ['江滨花园 31栋', 'XB-06 31号楼'],
    ['徐碧第7网格', 'XB-07 '],
  ])('%s', (query, expected) => {
    const answer = finder.find(query)
    expect(answer.found && answer.matches.map((m) => `${m.grid.code} ${m.building ?? ''}`)).toEqual([expected])
  })

  it('knows the road, and says so for a number it does not have', () => {
    const road = finder.find('碧湖路')
    expect(road.found && road.matches.map((m) => m.level)).toEqual(['road'])
    expect(finder.find('碧湖路13号')).toMatchObject({ found: false, why: 'no-such-number' })
  })
})
