import { describe, expect, it } from 'vitest'

import { OFFICIAL_NAMES } from '../../src/checks/lists/officialNames'
import { detectOfficialNames } from '../../src/checks/detect/officialNames'
import { runChecks } from '../../src/checks/index'
import { doc, h, link, list, p, quote, table } from '../../src/seed/lexical'
import { unitOf } from './support'

const found = (text: string, extra?: Parameters<typeof detectOfficialNames>[1]) =>
  detectOfficialNames(unitOf(text), extra).map((f) => [f.match, f.fix?.text])

describe('official names and serious wording', () => {
  it.each([
    ['中华人民共合国成立七十七周年', '中华人民共合国', '中华人民共和国'],
    ['国务办公厅印发通知', '国务办公厅', '国务院办公厅'],
    ['三明市人民检查院', '人民检查院', '人民检察院'],
    ['中共中央纪律检察委员会', '纪律检察委员会', '纪律检查委员会'],
    ['学习贯彻二十大三中全会精神', '二十大三中全会', '二十届三中全会'],
    ['中国共产党第二十届全国代表大会', '中国共产党第二十届全国代表大会', '中国共产党第二十次全国代表大会'],
    ['第十四次全国人民代表大会第二次会议', '第十四次全国人民代表大会', '第十四届全国人民代表大会'],
    ['国务院、中共中央印发', '国务院、中共中央', '中共中央、国务院'],
    ['三明市福建省徐碧街道', '三明市福建省', '福建省三明市'],
    ['徐璧街道办事处', '徐璧街道', '徐碧街道'],
    ['干龙社区居委会', '干龙社区', '乾龙社区'],
    ['坚持中国特色社会主意', '中国特色社会主意', '中国特色社会主义'],
  ])('%s', (text, match, correct) => {
    const f = detectOfficialNames(unitOf(text))
    expect(f.map((x) => [x.match, x.fix?.text])).toEqual([[match, correct]])
    expect(f[0]).toMatchObject({ kind: 'official-name', severity: 'serious', message: 'check.msg.officialName', vars: { correct } })
  })

  it('reports nothing in the correct names', () => {
    const all = OFFICIAL_NAMES.map((n) => n.correct).join('，')
    expect(found(all)).toEqual([])
  })

  it.each([
    '中华人民共和国国务院办公厅',
    '全国人民代表大会常务委员会',
    '十四届全国人大二次会议',
    '党的二十届三中全会',
    '中共中央、国务院印发',
    '福建省三明市三元区徐碧街道',
    '三名市民代表',
    '中华民国时期的老建筑',
    '最高人民检察院检察委员会',
    '梅列区',
  ])('no report in %s', (text) => {
    expect(found(text)).toEqual([])
  })

  it("takes the street's own names and titles from settings", () => {
    const extra = [
      { correct: '林晓峰', wrong: ['林小峰', '林晓锋'] },
      { correct: '徐碧街道党工委书记', wrong: ['徐碧街道党委书记'] },
      // A slip in settings: a "wrong form" inside the correct name would flag the name itself.
      { correct: '陈静', wrong: ['陈静', '陈', ''] },
    ]
    expect(found('林小峰书记、林晓峰、林晓锋，陈静陈述意见', extra)).toEqual([
      ['林小峰', '林晓峰'],
      ['林晓锋', '林晓峰'],
    ])
    expect(found('徐碧街道党委书记', extra)).toEqual([['徐碧街道党委书记', '徐碧街道党工委书记']])
    expect(found('林小峰', [])).toEqual([])
  })
})

describe('dictionary hits in every field type', () => {
  const W = '国务办公厅'
  const issue = {
    title: `${W}标题`,
    summary: `摘要${W}`,
    articles: [
      { title: `文章${W}`, author: W, summary: `${W}。`, body: doc(p('段落', W)) },
      {
        title: '第二篇',
        body: doc(h(3, `小标题${W}`), list('bullet', ['一', `列表${W}`]), quote(`引文${W}`), table([['表头', '值'], ['单元格', W]]), p(link('https://example.org', `链接${W}`))),
      },
    ],
  }
  it('issues: title, summary, each article field, and in the body headings, lists, quotes, tables and link text', () => {
    const f = runChecks(issue, { collection: 'issues' }).filter((x) => x.kind === 'official-name')
    expect(f.map((x) => [x.path, x.spans[0].node ?? null])).toEqual([
      ['title', null],
      ['summary', null],
      ['articles.0.title', null],
      ['articles.0.author', null],
      ['articles.0.summary', null],
      ['articles.0.body', [0, 1]],
      ['articles.1.body', [0, 0]],
      ['articles.1.body', [1, 1, 0]],
      ['articles.1.body', [2, 0]],
      ['articles.1.body', [3, 1, 1, 0, 0]],
      ['articles.1.body', [4, 0, 0]],
    ])
    expect(f.every((x) => x.match === W)).toBe(true)
  })

  it('policies: the Q&A entries, issuing body and source', () => {
    const policy = {
      title: '政策',
      issuingBody: W,
      summary: '通俗解读',
      body: doc(p('正文')),
      qa: [
        { question: `问${W}`, answer: '答' },
        { question: '问', answer: `答${W}` },
      ],
    }
    expect(runChecks(policy, { collection: 'policies' }).map((x) => x.path)).toEqual(['issuingBody', 'qa.0.question', 'qa.1.answer'])
  })

  it('events and announcements', () => {
    const event = { title: '活动', location: `${W}礼堂`, organiser: W, signup: `向${W}报名`, body: doc(p(W)) }
    expect(runChecks(event, { collection: 'events' }).map((x) => x.path)).toEqual(['location', 'organiser', 'signup', 'body'])
    const notice = { title: W, summary: W, body: doc(p(W)), review: { comment: W } }
    // The review comment is staff-only: never checked.
    expect(runChecks(notice, { collection: 'announcements' }).map((x) => x.path)).toEqual(['title', 'summary', 'body'])
  })
})
