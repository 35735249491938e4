import { describe, expect, it } from 'vitest'

import { ALLOWED_DOUBLES } from '../../src/checks/lists/doubled'
import { detectDoubledChars, detectDoubledPunctuation } from '../../src/checks/detect/doubled'
import { unitOf } from './support'

const chars = (text: string) => detectDoubledChars(unitOf(text)).map((f) => [f.match, f.offset, f.fix?.text])
const punct = (text: string) => detectDoubledPunctuation(unitOf(text)).map((f) => [f.match, f.offset, f.fix?.text ?? null])

describe('doubled characters', () => {
  it.each([
    ['我们的的工作', [['的的', 2, '的']]],
    ['已经完成了了。', [['了了', 4, '了']]],
    ['这是是一个通知', [['是是', 1, '是']]],
    ['活动在在社区举行', [['在在', 2, '在']]],
    ['我我们', [['我我', 0, '我']]],
    ['大家的的的意见', [['的的的', 2, '的']]],
  ])('%s', (text, expected) => {
    expect(chars(text)).toEqual(expected)
    expect(detectDoubledChars(unitOf(text))[0].severity).toBe('warning')
  })

  it.each([
    '谢谢大家',
    '常常来看看',
    '天天向上，家家户户',
    '人人有责，小区格格有人管',
    '为了了解居民需求',
    '除了了解情况',
    '这件事不了了之',
    '的的确确如此',
    '达到目的的手段',
    '关键是是否参加',
    '现在在社区工作',
    '实实在在办事',
    '请专家把把关',
    '一把把钥匙',
    '首都都市圈',
    '被被告人起诉',
    '我们将将来的规划公布',
    '妈妈、爸爸、宝宝',
  ])('no report in %s', (text) => {
    expect(chars(text)).toEqual([])
  })

  it('every allowed context really contains a doubled character', () => {
    for (const a of ALLOWED_DOUBLES) expect([...a].some((c, i) => c === a[i + 1]), a).toBe(true)
  })
})

describe('doubled punctuation', () => {
  it.each([
    ['你好，，世界', [['，，', 2, '，']]],
    ['结束。。', [['。。', 2, '。']]],
    ['等等。。。', [['。。。', 2, '……']]],
    ['一、、二', [['、、', 1, '、']]],
    ['好，。', [['，。', 1, null]]],
    ['真的！！', [['！！', 2, '！']]],
    ['谁？？', [['？？', 1, '？']]],
  ])('%s', (text, expected) => {
    expect(punct(text)).toEqual(expected)
  })

  it.each(['真的吗？！', '什么！？', '等等……', '这是——一个破折号', '结束。”他说', '他说：“好。”'])('no report in %s', (text) => {
    expect(punct(text)).toEqual([])
  })
})
