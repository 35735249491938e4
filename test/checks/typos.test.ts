import { describe, expect, it } from 'vitest'

import { TYPO_PAIRS } from '../../src/checks/lists/typos'
import { detectTypos } from '../../src/checks/detect/typos'
import { unitOf } from './support'

const SOURCES = new Set(['Y05', 'Y12', 'Y13', 'Y15', 'Y16', 'Y17', 'Y19', 'Y20', 'Y21', 'Y23', 'YJ', 'G', 'K', 'C'])

describe('the shipped list of wrong characters', () => {
  it('has at least 300 pairs, each with a named source, none twice, none its own correction', () => {
    expect(TYPO_PAIRS.length).toBeGreaterThanOrEqual(300)
    const seen = new Set<string>()
    for (const [wrong, correct, source, except] of TYPO_PAIRS) {
      expect(SOURCES.has(source), `${wrong}: source ${source}`).toBe(true)
      expect(wrong, wrong).not.toBe(correct)
      expect(seen.has(wrong), `${wrong} listed twice`).toBe(false)
      seen.add(wrong)
      expect(wrong.length, wrong).toBeGreaterThanOrEqual(2)
      for (const e of except ?? []) expect(e.includes(wrong), `${wrong}: exception ${e} must contain it`).toBe(true)
    }
  })

  it.each(TYPO_PAIRS.map(([wrong, correct]) => [wrong, correct]))('%s is reported, with %s as the fix', (wrong, correct) => {
    const found = detectTypos(unitOf(`前文${wrong}后文`))
    expect(found).toHaveLength(1)
    expect(found[0]).toMatchObject({ kind: 'typo', severity: 'warning', match: wrong, offset: 2, length: wrong.length, fix: { kind: 'replace', text: correct } })
  })

  it('reports nothing in the correct forms', () => {
    const all = TYPO_PAIRS.map(([, correct]) => correct).join('，')
    expect(detectTypos(unitOf(all)).map((f) => f.match)).toEqual([])
  })

  // Valid text that contains a listed wrong word across a word boundary, or is a near miss.
  it.each([
    '请按装修标准收费',
    '从试点过渡假期结束后的安排',
    '这幅画和一副对联',
    '东拼西凑和整合资源',
    '综合症状表现为发热',
    '要克服练习薄弱环节',
    '群众竟争相报名参加',
    '研究竞争格局',
    '请回复盖章后的文件',
    '既便民又利民',
    '打腊月里的年货',
    '谢谢大家的配合',
    '度假村、安装、部署、拨打热线',
    '消费卷入纠纷',
    '一家俱乐部',
    '特权横行必须整治',
    '请勿对帐篷内的物品拍照',
    '通讯期间保持畅通',
  ])('no report in %s', (text) => {
    expect(detectTypos(unitOf(text)).map((f) => f.match)).toEqual([])
  })

  it('finds several, left to right, longest first', () => {
    const found = detectTypos(unitOf('不予理采的渡假村要按装空调'))
    expect(found.map((f) => [f.match, f.offset, f.fix?.text])).toEqual([
      ['不予理采', 0, '不予理睬'],
      ['渡假', 5, '度假'],
      ['按装', 9, '安装'],
    ])
  })

  it('leaves URLs alone', () => {
    const unit = unitOf('拨打https://example.org/a按装')
    unit.segments = [
      { start: 0, end: 2, source: 'field' },
      { start: 2, end: unit.text.length, source: 'url', node: [0] },
    ]
    expect(detectTypos(unit)).toEqual([])
  })
})
