import { describe, expect, it } from 'vitest'

import { runChecks } from '../../src/checks/index'
import { checkSettingsOf, coverOf, officialNamesOf, uncovered } from '../../src/checks/settings'

describe('official names from site settings', () => {
  it('read one wrong form a line (commas and 、 also separate), blanks and rows without a wrong form dropped', () => {
    expect(
      officialNamesOf([
        { correct: ' 李明华 ', wrong: '李名华\n\n李明化，李鸣华、 李明桦 ' },
        { correct: '王建国', wrong: '' },
        { correct: '', wrong: '张三' },
        { correct: '赵书记', wrong: null },
      ]),
    ).toEqual([{ correct: '李明华', wrong: ['李名华', '李明化', '李鸣华', '李明桦'] }])
    expect(officialNamesOf(null)).toEqual([])
  })

  it('reach the detector through checkSettingsOf, with the hotline and staff phones as public numbers', () => {
    const settings = checkSettingsOf({ hotline: '0598-8955018', officialNames: [{ correct: '李明华', wrong: '李名华' }] }, 'http://127.0.0.1:3000', [
      '13900001111',
      null,
      ' ',
    ])
    expect(settings.publicNumbers).toEqual(['13900001111'])
    const findings = runChecks({ title: '李名华来访', summary: '值班电话13900001111' }, { collection: 'announcements', settings })
    expect(findings.map((f) => [f.path, f.kind, f.severity])).toEqual([['title', 'official-name', 'serious']])
  })
})

describe('what an override covers', () => {
  const doc = (text: string) => ({ title: '公示', summary: text })
  const check = (text: string) => runChecks(doc(text), { collection: 'announcements' })

  it('the serious findings present when it was recorded, wherever they move; not a new one; never warnings', () => {
    const before = check('张小三 350402198506120036')
    const covers = coverOf(before)
    expect(covers.split(' ')).toHaveLength(2)
    expect(covers).not.toContain('350402198506120036')
    expect(uncovered(before, covers)).toEqual([])
    expect(uncovered(check('说明。张小三 350402198506120036'), covers)).toEqual([])
    const later = uncovered(check('张小三 350402198506120036，王小明 11010519491231002X'), covers)
    expect(later.map((f) => f.match)).toEqual(['王小明', '11010519491231002X'])
    expect(uncovered(check('按装空调'), '')).toEqual([])
    expect(uncovered(before, null).length).toBe(2)
  })
})
