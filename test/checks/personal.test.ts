import { describe, expect, it } from 'vitest'

import { detectPersonalInfo, idCheckDigit, isValidIdNumber, luhnValid, nameNextTo, normalizePhone } from '../../src/checks/detect/personal'
import { maskCardNumber, maskIdNumber, maskMobile, maskName } from '../../src/checks/mask'
import type { CheckSettings } from '../../src/checks/types'
import { unitOf } from './support'

const NOW = new Date('2026-11-27T00:00:00Z')
const kinds = (text: string, settings: CheckSettings = {}) =>
  detectPersonalInfo(unitOf(text), settings, NOW).map((f) => [f.kind, f.match])

describe('ID numbers (GB 11643 check digit)', () => {
  // Check digits worked out independently of the code under test (ISO 7064 MOD 11-2 by hand/script).
  it.each([
    ['11010519491231002X', true, 'the standard sample, check digit X'],
    ['11010519491231002x', true, 'lower-case x'],
    ['350402198506120036', true, 'Sanming, 1985'],
    ['350102199001011238', true, 'Fuzhou, 1990'],
    ['440304197811305672', true, 'Shenzhen, 1978'],
    ['350403200002290011', true, '29 February of a leap year'],
    ['110105194912310021', false, 'wrong check digit'],
    ['350402198506120037', false, 'wrong check digit (off by one)'],
    ['350102199001011237', false, 'wrong check digit'],
    ['350403200102290019', false, 'right check digit, 29 February 2001 does not exist'],
    ['350403203001010012', false, 'born in the future'],
    ['350403189912310012', false, 'born before 1900'],
    ['35040219850612003', false, '17 digits'],
  ])('%s → %s (%s)', (id, valid) => {
    expect(isValidIdNumber(id, NOW)).toBe(valid)
  })

  it('computes the check digit', () => {
    expect(idCheckDigit('11010519491231002')).toBe('X')
    expect(idCheckDigit('35040219850612003')).toBe('6')
  })

  it.each([
    ['身份证号：350402198506120036。', [['id-number', '350402198506120036']]],
    ['身份证号 350402 19850612 0036 已登记', [['id-number', '350402 19850612 0036']]],
    ['身份证号：350402198506120037。', []],
    ['订单号 3504021985061200361 不是身份证', []],
    ['编号A350402198506120036', []],
    ['身份证号：350402**********0036', []],
    // The 15-digit form only right after the word 身份证 (plenty of other 15-digit numbers exist).
    ['身份证：350402850612003', [['id-number', '350402850612003']]],
    ['流水号 350402850612003', []],
  ])('%s', (text, expected) => {
    expect(kinds(text)).toEqual(expected)
  })
})

describe('mobile numbers', () => {
  it.each([
    ['电话13812345678', [['mobile', '13812345678']]],
    ['电话 138 1234 5678。', [['mobile', '138 1234 5678']]],
    ['电话 138-1234-5678', [['mobile', '138-1234-5678']]],
    ['电话+86 13812345678', [['mobile', '+86 13812345678']]],
    ['电话+86-138-1234-5678', [['mobile', '+86-138-1234-5678']]],
    ['电话(+86)13812345678', [['mobile', '(+86)13812345678']]],
    ['电话 0086 13812345678', [['mobile', '0086 13812345678']]],
    ['电话１３８１２３４５６７８', [['mobile', '１３８１２３４５６７８']]],
    ['电话19912345678和16612345678', [['mobile', '19912345678'], ['mobile', '16612345678']]],
    // Not mobiles
    ['电话12812345678', []],
    ['电话138****5678', []],
    ['热线 0598-8955018', []],
    ['编号 1381234567890', []],
    ['订单 213812345678', []],
    ['1381234567', []],
    ['如 13800000000 或 0598-8955018', []],
    ['电话 13800000001', [['mobile', '13800000001']]],
  ])('%s', (text, expected) => {
    expect(kinds(text)).toEqual(expected)
  })

  it('leaves public numbers alone: the hotline, contact fields, staff phones, numbers marked public', () => {
    const settings: CheckSettings = { hotline: '+86 139-0598-0000', publicNumbers: ['138 1234 5678', null, ''] }
    expect(kinds('值班手机13812345678，热线13905980000，网格员13700001111', settings)).toEqual([['mobile', '13700001111']])
    expect(normalizePhone('+86 138-1234-5678')).toBe('13812345678')
    expect(normalizePhone('0598-8955018')).toBe('05988955018')
  })
})

describe('bank card numbers (Luhn)', () => {
  it.each([
    ['6222021234567890128', true],
    ['6228480012345671', true],
    ['4111111111111111', true],
    ['6222021234567890127', false],
    ['6228480012345672', false],
  ])('%s passes Luhn: %s', (digits, ok) => {
    expect(luhnValid(digits)).toBe(ok)
  })

  it.each([
    ['卡号6222021234567890128', [['bank-card', '6222021234567890128']]],
    ['卡号 6222 0212 3456 7890 128', [['bank-card', '6222 0212 3456 7890 128']]],
    ['卡号 6228-4800-1234-5671', [['bank-card', '6228-4800-1234-5671']]],
    ['卡号6222021234567890127', []],
    ['卡号6222********0128', []],
    ['统一社会信用代码 6228480012345671', []],
    ['快递单号 6228480012345671', []],
    ['62284800123456710000', []],
  ])('%s', (text, expected) => {
    expect(kinds(text)).toEqual(expected)
  })
})

describe('names next to numbers', () => {
  it.each([
    ['联系人：王小明，电话：13812345678', '王小明'],
    ['王小明电话13812345678', '王小明'],
    ['请联系网格长张三13812345678', '张三'],
    ['户主李四 身份证号 350402198506120036', '李四'],
    ['1\t欧阳小明\t男\t350402198506120036', '欧阳小明'],
    ['13812345678（郑丽萍）', '郑丽萍'],
    ['联系人黄建华，手机号码 138 1234 5678', '黄建华'],
  ])('%s → %s', (text, name) => {
    const found = detectPersonalInfo(unitOf(text), {}, NOW).filter((f) => f.kind === 'personal-name')
    expect(found.map((f) => f.match)).toEqual([name])
    expect(found[0].severity).toBe('serious')
    expect(found[0].fix).toEqual({ kind: 'mask', text: maskName(name) })
  })

  it.each([
    '请拨打13812345678咨询',
    '应急电话13812345678',
    '社区服务站13812345678',
    '王先生13812345678',
    '张三：\n13812345678',
    '高中 13812345678',
  ])('no name in %s', (text) => {
    const found = detectPersonalInfo(unitOf(text), {}, NOW).filter((f) => f.kind === 'personal-name')
    expect(found).toEqual([])
  })

  it('finds no name next to a public number', () => {
    expect(detectPersonalInfo(unitOf('网格员王小明13812345678'), { publicNumbers: ['13812345678'] }, NOW)).toEqual([])
  })

  it('reports one name once when it stands next to two numbers', () => {
    const found = detectPersonalInfo(unitOf('张三 13812345678 13912345678'), {}, NOW)
    expect(found.map((f) => f.kind)).toEqual(['mobile', 'personal-name', 'mobile'])
  })

  it('locates names within a line', () => {
    expect(nameNextTo('王小明\n13812345678', 4, 15)).toBeNull()
  })
})

describe('masking in the standard forms', () => {
  it.each([
    [maskName, '张三', '张*'],
    [maskName, '张小三', '张*三'],
    [maskName, '欧阳小明', '欧**明'],
    [maskName, '张', '张'],
    [maskMobile, '13812341234', '138****1234'],
    [maskMobile, '138 1234 5678', '138****5678'],
    [maskMobile, '+86 138-1234-5678', '+86 138****5678'],
    [maskIdNumber, '350102199001011238', '3501**********1238'],
    [maskIdNumber, '11010519491231002x', '1101**********002X'],
    [maskIdNumber, '350402850612003', '3504*******2003'],
    [maskCardNumber, '6222 0212 3456 7890 128', '6222***********0128'],
    [maskCardNumber, '6228480012345671', '6228********5671'],
  ] as const)('%o(%s) = %s', (fn, input, masked) => {
    expect(fn(input)).toBe(masked)
  })

  it('every number finding carries its mask; a masked text is not reported again', () => {
    const text = '张三，身份证号350102199001011238，电话13812345678，卡号6222021234567890128'
    const found = detectPersonalInfo(unitOf(text), {}, NOW)
    expect(found.map((f) => [f.kind, f.fix?.text])).toEqual([
      ['id-number', '3501**********1238'],
      ['personal-name', '张*'],
      ['mobile', '138****5678'],
      ['bank-card', '6222***********0128'],
    ])
    let masked = text
    for (const f of [...found].sort((a, b) => b.offset - a.offset)) masked = masked.slice(0, f.offset) + f.fix!.text + masked.slice(f.offset + f.length)
    expect(masked).toBe('张*，身份证号3501**********1238，电话138****5678，卡号6222***********0128')
    expect(detectPersonalInfo(unitOf(masked), {}, NOW)).toEqual([])
  })
})
