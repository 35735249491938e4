import { describe, expect, it } from 'vitest'

import { createFinder, describeMatch, describeNoMatch, type FinderAnswer, MAX_QUERY_LENGTH } from '../../src/grids/finder'
import { messages } from '../../src/i18n/messages'
import { buildingCode, buildingNumber, chineseNumber, estateNames, fold, gridCodeKey, parseAddress } from '../../src/grids/normalise'
import { DIRECTORY, GRIDS_WITHOUT_BUILDINGS } from './directory'

/**
 * The grid finder over a fixed street (test/grids/directory.ts: 34 grids,
 * 277 buildings written many ways). Each answer is summed up as lines:
 * "LEVEL GRID WHAT" per match, or "none WHY" and "~ GRID" per suggestion.
 */
const finder = createFinder(DIRECTORY, GRIDS_WITHOUT_BUILDINGS)

function summary(answer: FinderAnswer): string[] {
  if (answer.found) return answer.matches.map((m) => [m.level, m.grid.code, m.building ?? m.estate ?? m.address ?? ''].join(' ').trim())
  return [`none ${answer.why}`, ...answer.suggestions.map((s) => `~ ${s.grid.code}`)]
}

const XB = ['XB-01', 'XB-02', 'XB-03', 'XB-04', 'XB-05', 'XB-06', 'XB-07']

// [what the resident types, the answer]
const TABLE: [string, string[]][] = [
  // The seed's own example, which the live site's search misses when labels read 碧湖小区3号楼.
  ['碧湖小区 3栋', ['building XB-01 碧湖小区3号楼']],
  // Every common way of writing building 3.
  ['碧湖小区3幢', ['building XB-01 碧湖小区3号楼']],
  ['碧湖小区3号楼', ['building XB-01 碧湖小区3号楼']],
  ['碧湖小区3号', ['building XB-01 碧湖小区3号楼']],
  ['碧湖小区三号楼', ['building XB-01 碧湖小区3号楼']],
  ['碧湖小区三栋', ['building XB-01 碧湖小区3号楼']],
  ['碧湖小区第三栋', ['building XB-01 碧湖小区3号楼']],
  ['碧湖小区3座', ['building XB-01 碧湖小区3号楼']],
  ['碧湖小区3#', ['building XB-01 碧湖小区3号楼']],
  ['碧湖小区3-2-501', ['building XB-01 碧湖小区3号楼']],
  ['碧湖小区 3', ['building XB-01 碧湖小区3号楼']],
  ['碧湖小区３栋', ['building XB-01 碧湖小区3号楼']],
  [' 碧 湖 小 区　３ 栋 ', ['building XB-01 碧湖小区3号楼']],
  ['碧湖小区3栋2单元501', ['building XB-01 碧湖小区3号楼']],
  ['碧湖小区的3栋', ['building XB-01 碧湖小区3号楼']],
  ['福州市鼓楼区徐碧街道碧湖小区3栋', ['building XB-01 碧湖小区3号楼']],
  // The other half of a split estate, and a label without the estate's name.
  ['碧湖小区9号楼', ['building XB-02 9栋']],
  // Letters, Chinese numerals to 99, leading zeros, #.
  ['江滨花园A座', ['building XB-04 A座']],
  ['江滨 a栋', ['building XB-04 A座']],
  ['东霞苑十二栋', ['building DX-02 十二栋']],
  ['东霞苑 12幢', ['building DX-02 十二栋']],
  ['霞光小区二十三号楼', ['building DX-03 二十三号楼']],
  ['霞光小区23#', ['building DX-03 二十三号楼']],
  ['沙洲花园3栋', ['building QL-03 03栋']],
  ['霞光小区 8#', ['building DX-05 8#']],
  // A building with no number, by its label.
  ['江滨花园综合楼', ['building XB-04 综合楼']],
  // Names with a numeral, two characters, or that look like a road.
  ['九龙花园5栋', ['building CG-04 5栋']],
  ['翠园3栋', ['building XT-03 3栋']],
  ['列东街住宅3号楼', ['building XT-02 3号楼']],
  ['列东街 12号楼', ['building XT-05 12号楼']],
  // Shortened names: the estate's ending dropped, or changed, or typed halfway.
  ['桂花 4幢', ['building CG-02 4幢']],
  ['电力3号', ['building DX-04 3号']],
  ['徐碧3栋', ['building XB-03 3幢']],
  ['碧湖小', ['estate XB-01 碧湖小区', 'estate XB-02 碧湖小区']],
  // A short name two estates share: both, the resident chooses.
  ['碧湖 三号楼', ['building XB-01 碧湖小区3号楼', 'building XB-07 3栋']],
  // Estate alone; an estate split across grids gives each grid.
  ['碧湖小区', ['estate XB-01 碧湖小区', 'estate XB-02 碧湖小区']],
  ['江滨花园', ['estate XB-04 江滨花园', 'estate XB-05 江滨花园']],
  ['东霞苑', ['estate DX-01 东霞苑', 'estate DX-02 东霞苑']],
  ['北山', ['estate CG-03 北山小区', 'estate CG-06 北山小区']],
  // Road and number.
  ['碧湖路12号', ['building XB-06 碧湖路12号楼']],
  ['碧湖路 14 号', ['building XB-06 碧湖路14号楼']],
  ['碧湖路十六号', ['building XB-06 碧湖路16号楼']],
  ['碧湖路18号3单元', ['building XB-06 碧湖路18号楼']],
  ['龙岗路5号', ['building QL-02 3栋']],
  ['碧湖路', ['road XB-06 碧湖路']],
  // Grids by name, number and code; communities.
  ['徐碧第一网格', ['grid XB-01']],
  ['东霞2网格', ['grid DX-02']],
  ['新亭第7网格', ['grid XT-07']],
  ['乾龙社区第3网格', ['grid QL-03']],
  ['XB-01', ['grid XB-01']],
  ['ｘｂ０１', ['grid XB-01']],
  ['第5网格', ['grid CG-05', 'grid DX-05', 'grid QL-05', 'grid XB-05', 'grid XT-05']],
  ['崇桂社区', ['CG-01', 'CG-02', 'CG-03', 'CG-04', 'CG-05', 'CG-06'].map((g) => `community ${g}`)],
  // 徐碧 is 徐碧新村's short name and 徐碧社区's: the estate first, then the community's other grids.
  ['徐碧', ['estate XB-03 徐碧新村', ...XB.filter((g) => g !== 'XB-03').map((g) => `community ${g}`)]],
  // A community narrows the estate; one that does not hold it is not silently ignored.
  ['徐碧社区碧湖小区3栋', ['building XB-01 碧湖小区3号楼']],
  ['东霞社区碧湖小区3栋', ['none unclear', '~ XB-01']],
  // The estate exists, the building does not: say so and list the estate's grids.
  ['碧湖小区99栋', ['none no-such-building', '~ XB-01', '~ XB-02']],
  ['碧湖小区 A座', ['none no-such-building', '~ XB-01', '~ XB-02']],
  ['碧湖路13号', ['none no-such-number', '~ XB-06']],
  // Typos never land on a grid; a name one character off is suggested, not matched.
  ['碧胡小区3栋', ['none unknown', '~ XB-01', '~ XB-02']],
  ['湖碧小区', ['none unknown', '~ XB-01', '~ XB-02']],
  ['碧湖小区东区3栋', ['none unclear', '~ XB-01', '~ XB-02']],
  ['XB-99', ['none unknown']],
  ['花园小区', ['none unknown']],
  ['3栋', ['none need-place']],
  // Empty, hostile, huge.
  ['', ['none empty']],
  ['  ，。 ', ['none empty']],
  ['<script>alert(1)</script>', ['none unknown']],
  ['"><img src=x onerror=alert(1)>碧湖小区', ['none unclear', '~ XB-01', '~ XB-02']],
  ['碧湖小区3栋'.repeat(2000), ['none too-long']],
]

describe('the grid finder: what residents type', () => {
  it('reads the fixed street: 34 grids, 277 buildings', () => {
    expect(DIRECTORY).toHaveLength(277)
    expect(new Set([...DIRECTORY.map((b) => b.grid), ...GRIDS_WITHOUT_BUILDINGS.map((g) => g.code)]).size).toBe(34)
    expect(TABLE.length).toBeGreaterThanOrEqual(30)
  })

  it.each(TABLE)('%s', (query, expected) => {
    expect(summary(finder.find(query))).toEqual(expected)
  })

  it('marks an answer with several grids as ambiguous, and one grid as not', () => {
    const split = finder.find('江滨花园')
    expect(split.found && split.ambiguous).toBe(true)
    const one = finder.find('江滨花园 E座')
    expect(one.found && !one.ambiguous).toBe(true)
  })

  it('finds every building of the street in every common form', () => {
    const CN = ['', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十']
    const cn = (n: number) => (n <= 10 ? CN[n] : n < 20 ? `十${CN[n - 10]}` : `${CN[Math.floor(n / 10)]}十${n % 10 ? CN[n % 10] : ''}`)
    const fullWidth = (s: string) => s.replace(/[0-9A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0))
    let checked = 0
    for (const b of DIRECTORY) {
      if (!b.estate) continue
      const n = buildingNumber(b.label, b.estate)
      if (n === null) continue
      const forms = [`${b.estate} ${n}栋`, `${b.estate}${n}幢`, `${b.estate}${n}号楼`, `${b.estate}${n}#`, `${b.estate} ${fullWidth(n)}座`, `${b.estate}${n}栋2单元501`, `${b.estate}${n}-1-302`]
      if (/^\d+$/.test(n)) forms.push(`${b.estate}第${cn(Number(n))}栋`, `${b.estate}${cn(Number(n))}号楼`)
      for (const form of forms) {
        const answer = finder.find(form)
        expect(answer.found, form).toBe(true)
        if (!answer.found) continue
        expect(answer.matches.map((m) => `${m.grid.code} ${m.building}`), form).toEqual([`${b.grid} ${b.label}`])
        checked++
      }
    }
    expect(checked).toBeGreaterThan(2000)
  })

  it('answers hostile input safely: nothing typed comes back, and patterns built to make a matcher backtrack end at once', () => {
    const hostile = [
      '<script>alert("x")</script>碧湖小区3栋',
      '碧湖小区3栋' + '1'.repeat(50) + 'x',
      '区'.repeat(55) + 'x碧湖小区',
      '碧湖路' + '9'.repeat(55) + 'x',
      '\u0000\u200b\u202e碧湖小区\ud800 3栋',
      '㍿'.repeat(MAX_QUERY_LENGTH),
      '第'.repeat(MAX_QUERY_LENGTH),
      '十'.repeat(MAX_QUERY_LENGTH),
      'x'.repeat(10_000),
    ]
    for (const query of hostile) {
      const answer = finder.find(query)
      const text = JSON.stringify(answer)
      expect(text).not.toContain('<script')
      expect(text).not.toContain('alert')
      expect(text).not.toContain('xxxx')
    }
    // Invisible characters do not hide a building.
    expect(summary(finder.find('\u200b碧湖\u00ad小区\ufeff3栋'))).toEqual(['building XB-01 碧湖小区3号楼'])
    expect(finder.find(undefined as unknown as string)).toMatchObject({ found: false, why: 'empty' })
  })

  it('says in words what it found and why nothing matched', () => {
    const found = finder.find('碧湖小区 3栋')
    expect(found.found && describeMatch(found.matches[0])).toBe('碧湖小区3号楼 → XB-01 · 徐碧第1网格（徐碧社区）')
    const nine = finder.find('碧湖小区9栋')
    expect(nine.found && describeMatch(nine.matches[0])).toBe('碧湖小区 9栋 → XB-02 · 徐碧第2网格（徐碧社区）')
    const estate = finder.find('江滨花园')
    expect(estate.found && describeMatch(estate.matches[1], 'en')).toBe('江滨花园 (E座, F座, G座) → XB-05 · 徐碧第5网格 (徐碧社区)')
    const missing = finder.find('碧湖小区99栋')
    expect(!missing.found && describeNoMatch(missing)).toBe('碧湖小区没有编号为“99”的楼栋。这个小区的楼栋在下面这些网格，请核对后选择：')
    const road = finder.find('碧湖路13号')
    expect(!road.found && describeNoMatch(road, 'en')).toBe('No number 13 on 碧湖路. Its buildings are in these grids; check and choose:')
    const long = finder.find('x'.repeat(MAX_QUERY_LENGTH + 1))
    expect(!long.found && describeNoMatch(long)).toContain(`最多 ${MAX_QUERY_LENGTH} 个字`)
  })

  it('finder.* texts have both languages, and their Chinese punctuation is full-width', () => {
    const entries = Object.entries(messages).filter(([k]) => k.startsWith('finder.'))
    expect(entries.length).toBeGreaterThan(10)
    for (const [key, { zh, en }] of entries) {
      expect(zh && en, key).toBeTruthy()
      expect(zh, key).not.toMatch(/[,:;?!()"]/)
    }
  })

  it('keeps to the limit asked for', () => {
    const answer = finder.find('崇桂社区', { limit: 2 })
    expect(answer.found && answer.matches.map((m) => m.grid.code)).toEqual(['CG-01', 'CG-02'])
  })
})

describe('normalisation helpers (also the import’s stable building codes)', () => {
  it.each([
    ['三', 3],
    ['十', 10],
    ['十二', 12],
    ['二十', 20],
    ['二十三', 23],
    ['九十九', 99],
    ['两', 2],
    ['叁拾伍', 35],
    ['五〇一', 501],
    ['十十', null],
    ['一十二十', null],
    ['零十', null],
    ['', null],
  ] as const)('chineseNumber(%s) = %s', (text, n) => {
    expect(chineseNumber(text)).toBe(n)
  })

  it.each([
    ['3栋', '3'],
    ['3幢', '3'],
    ['3号楼', '3'],
    ['3号', '3'],
    ['三号楼', '3'],
    ['三栋', '3'],
    ['第三栋', '3'],
    ['3座', '3'],
    ['3#', '3'],
    ['3#楼', '3'],
    ['３栋', '3'],
    ['０３栋', '3'],
    ['十二栋', '12'],
    ['二十三号楼', '23'],
    ['A座', 'A'],
    ['a栋', 'A'],
    ['B2幢', 'B2'],
    ['3A栋', '3A'],
    ['3-1栋', '3-1'],
    ['12', '12'],
    ['碧湖小区3号楼', '3'],
    ['综合楼', null],
    ['老干部活动中心', null],
    ['A区', null],
  ] as const)('buildingNumber(%s) = %s', (label, n) => {
    expect(buildingNumber(label)).toBe(n)
  })

  it('reads a label whose estate name ends in a numeral by dropping the estate first', () => {
    expect(buildingNumber('东一村1栋', '东一村')).toBe('1')
    expect(buildingNumber('九龙花园5栋', '九龙花园')).toBe('5')
  })

  it('gives one building code to every spelling of a building, and different codes to different buildings', () => {
    const spellings = ['3栋', '3幢', '3号楼', '三号楼', '第三栋', '３＃', '碧湖小区3号楼', ' 3 栋 ']
    expect(new Set(spellings.map((label) => buildingCode('碧湖小区', label)))).toEqual(new Set(['碧湖小区/3']))
    expect(buildingCode('碧湖小区', '综合楼')).toBe('碧湖小区/综合楼')
    const codes = DIRECTORY.map((b) => buildingCode(b.estate || b.grid, b.label))
    expect(new Set(codes).size).toBe(DIRECTORY.length)
  })

  it('reads addresses, estate names, grid codes and folded text', () => {
    expect(parseAddress('碧湖路12号')).toEqual({ road: '碧湖路', number: '12' })
    expect(parseAddress('碧湖路 12 号')).toEqual({ road: '碧湖路', number: '12' })
    expect(parseAddress('碧湖路十二号')).toEqual({ road: '碧湖路', number: '12' })
    expect(parseAddress('中山大道1-3号')).toEqual({ road: '中山大道', number: '1' })
    expect(parseAddress('碧湖小区')).toBeNull()
    expect(estateNames('碧湖花园小区')).toEqual(['碧湖花园小区', '碧湖花园', '碧湖'])
    expect(estateNames('翠园')).toEqual(['翠园'])
    expect(estateNames('东霞苑')).toEqual(['东霞苑', '东霞'])
    expect(gridCodeKey('XB-01')).toBe(gridCodeKey('xb 1'))
    expect(gridCodeKey('XB-10')).not.toBe(gridCodeKey('XB-01'))
    expect(fold('碧湖小区 3 2 501')).toBe('碧湖小区3-2-501')
    expect(fold('ＡＢ　１２３，第三栋')).toBe('ab123第3栋')
  })
})
