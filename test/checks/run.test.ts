import { describe, expect, it } from 'vitest'

import { applyFixes, checkText, findingMessage, fixLabel, kindLabel, maskAll, pathLabel, runChecks, severityLabel } from '../../src/checks/index'
import type { Finding } from '../../src/checks/types'
import { messages } from '../../src/i18n/messages'
import { bold, doc, image, link, p, table } from '../../src/seed/lexical'

const NOW = new Date('2026-11-27T00:00:00Z')

const issue = () => ({
  id: 12,
  number: 7,
  _status: 'draft',
  title: '中华人民共合国成立纪念',
  summary: '请按装好设备，，谢谢。',
  cover: { id: 1, alt: '封面' },
  articles: [
    {
      title: '困难家庭补助公示',
      body: doc(
        p('经审核，以下家庭符合条件：'),
        table([
          ['户主', '身份证号', '联系电话'],
          ['张小三', '350402198506120036', '13812345678'],
          ['李四', '11010519491231002X', '139 0598 1234'],
        ]),
        // The phone number runs over a formatted run: 138 + bold 1234 + 5679.
        p('联系人王小明，电话138', bold('1234'), '5679，热线0598-8955018。'),
        p('详见', link('https://gov.example/a?tel=13712345678', '原文'), '。'),
        image(9),
      ),
    },
    { title: '第二篇', summary: '国务办公厅的的通知' },
  ],
})

describe('runChecks', () => {
  const findings = runChecks(issue(), { collection: 'issues', settings: { hotline: '0598-8955018', media: () => ({ alt: '' }) }, now: NOW })

  it('returns findings in field order (as the editor sees them), then by offset', () => {
    expect(findings.map((f) => [f.path, f.kind, f.match])).toEqual([
      ['title', 'official-name', '中华人民共合国'],
      ['summary', 'typo', '按装'],
      ['summary', 'doubled-punct', '，，'],
      ['articles.0.body', 'personal-name', '张小三'],
      ['articles.0.body', 'id-number', '350402198506120036'],
      ['articles.0.body', 'mobile', '13812345678'],
      ['articles.0.body', 'personal-name', '李四'],
      ['articles.0.body', 'id-number', '11010519491231002X'],
      ['articles.0.body', 'mobile', '139 0598 1234'],
      ['articles.0.body', 'personal-name', '王小明'],
      ['articles.0.body', 'mobile', '13812345679'],
      ['articles.0.body', 'image-alt', ''],
      ['articles.0.body', 'mobile', '13712345678'],
      ['articles.1.summary', 'official-name', '国务办公厅'],
      ['articles.1.summary', 'doubled-char', '的的'],
    ])
    const serious = findings.filter((f) => f.severity === 'serious').map((f) => f.kind)
    expect(new Set(serious)).toEqual(new Set(['official-name', 'personal-name', 'id-number', 'mobile']))
  })

  it('keeps offsets into the field text and the stored strings', () => {
    const phone = findings.find((f) => f.match === '13812345679')!
    expect(phone.spans.map((s) => [s.node, s.text])).toEqual([
      [[2, 0], '138'],
      [[2, 1], '1234'],
      [[2, 2], '5679'],
    ])
    expect(phone.context).toBe('联系人王小明，电话【13812345679】，热线0598-89…')
    const inUrl = findings.find((f) => f.match === '13712345678')!
    expect(inUrl.spans[0]).toMatchObject({ source: 'url', node: [3, 1] })
  })

  it('are plain JSON', () => {
    expect(JSON.parse(JSON.stringify(findings))).toEqual(findings)
  })

  it('runs on plain text from elsewhere (the WeChat HTML text)', () => {
    expect(checkText('联系电话：13812345678', 'wechat', { now: NOW }).map((f) => [f.path, f.kind])).toEqual([['wechat', 'mobile']])
  })
})

describe('maskAll: one-click masking in place', () => {
  const original = issue()
  const findings = runChecks(original, { collection: 'issues', settings: { hotline: '0598-8955018' }, now: NOW })
  const masked = maskAll(original, findings)

  it('masks names and numbers in their own text nodes, keeping the formatting', () => {
    type Node = { text?: string; format?: number; fields?: { url: string }; children: Node[] }
    const body = (masked.articles[0].body as unknown as { root: Node }).root.children
    const cell = (r: number, c: number) => body[1].children[r].children[c].children[0].children[0].text
    expect([cell(1, 0), cell(1, 1), cell(1, 2)]).toEqual(['张*三', '3504**********0036', '138****5678'])
    expect([cell(2, 0), cell(2, 1), cell(2, 2)]).toEqual(['李*', '1101**********002X', '139****1234'])
    expect(body[2].children.map((n) => [n.text, n.format])).toEqual([
      ['联系人王*明，电话138****5679', 0],
      ['', 1],
      ['，热线0598-8955018。', 0],
    ])
    expect(body[3].children[1].fields?.url).toBe('https://gov.example/a?tel=137****5678')
  })

  it('changes nothing else, and not the original document', () => {
    expect(masked.title).toBe(original.title)
    expect(masked.summary).toBe(original.summary)
    expect(masked.id).toBe(12)
    expect(JSON.stringify(original)).toBe(JSON.stringify(issue()))
    expect(runChecks(masked, { collection: 'issues', settings: { hotline: '0598-8955018' }, now: NOW }).filter((f) => f.fix?.kind === 'mask')).toEqual([])
  })

  it('applies replacements too (applyFixes), and skips what it cannot or should not apply', () => {
    const result = applyFixes(original, findings)
    expect(result.doc.title).toBe('中华人民共和国成立纪念')
    expect(result.doc.summary).toBe('请安装好设备，谢谢。')
    expect(result.doc.articles[1].summary).toBe('国务院办公厅的通知')
    expect(result.skipped.map((s) => [s.finding.kind, s.reason])).toEqual([])

    // The text changed since the check: that finding is left alone, the others still apply.
    const edited = issue()
    edited.title = '庆祝中华人民共合国成立'
    const again = applyFixes(edited, findings)
    expect(again.doc.title).toBe('庆祝中华人民共合国成立')
    expect(again.skipped.map((s) => [s.finding.path, s.reason])).toEqual([['title', 'changed']])

    // The alt text lives on the media document; a finding without a fix has nothing to apply.
    const alt: Finding = { ...findings[0], path: 'articles.0.body', spans: [{ node: [4], source: 'alt', from: 0, to: 2, text: '照片' }] }
    const noFix: Finding = { ...findings[0], fix: undefined }
    expect(applyFixes(original, [alt, noFix]).skipped.map((s) => s.reason)).toEqual(['not-in-document', 'no-fix'])

    // Two fixes over the same characters: the first wins.
    const twice = applyFixes(original, [findings[0], { ...findings[0], fix: { kind: 'replace', text: '别的' } }])
    expect(twice.doc.title).toBe('中华人民共和国成立纪念')
    expect(twice.skipped.map((s) => s.reason)).toEqual(['overlap'])
  })
})

describe('messages', () => {
  const f = runChecks({ title: '渡假村', summary: '电话13812345678' }, { collection: 'announcements', now: NOW })

  it('explains each finding in zh (default) and en, through the catalogue', () => {
    expect(findingMessage(f[0])).toBe('疑似错别字：“渡假”应为“度假”。')
    expect(findingMessage(f[0], 'en')).toBe('Likely wrong characters: “渡假” should be “度假”.')
    expect(fixLabel(f[0])).toBe('改为“度假”')
    expect(fixLabel(f[1], 'en')).toBe('Mask as “138****5678”')
    expect([severityLabel('serious'), severityLabel('warning'), severityLabel('serious', 'en')]).toEqual(['严重', '提示', 'Serious'])
    expect(kindLabel('mobile')).toBe('手机号码')
    expect(pathLabel('articles.2.body')).toBe('文章 3 · 正文')
    expect(pathLabel('qa.0.answer', 'en')).toBe('Q&A item 1 · Answer')
  })

  it('check.* entries have both languages, and Chinese punctuation is full-width', () => {
    const entries = Object.entries(messages).filter(([k]) => k.startsWith('check.'))
    expect(entries.length).toBeGreaterThan(20)
    for (const [key, { zh, en }] of entries) {
      expect(zh && en, key).toBeTruthy()
      expect(zh, key).not.toMatch(/[,:;?!()]/)
    }
  })

  it('the Chinese of the whole catalogue raises no finding (a corpus of valid text)', () => {
    const zh = Object.values(messages)
      .map((m) => m.zh)
      .join('\n')
    expect(checkText(zh, 'messages', { now: NOW }).map((x) => x.context)).toEqual([])
  })
})
