import type { Field } from 'payload'
import { describe, expect, it } from 'vitest'

import { classifyUrl, extractImages, extractLinks, extractUnits, READER_FIELDS } from '../../src/checks/extract'
import { spansOf } from '../../src/checks/findings'
import { bold, doc, h, image, link, list, p, quote, table } from '../../src/seed/lexical'

const body = doc(
  h(2, '标题'),
  p('第一段', bold('加粗'), '结束。'),
  list('bullet', ['甲', '乙']),
  quote('引文'),
  table([
    ['姓名', '电话'],
    ['张三', '13812345678'],
  ]),
  p('见', link('https://example.org/x', '链接文字'), '。'),
  { type: 'paragraph', children: [{ type: 'text', text: '换' }, { type: 'linebreak' }, { type: 'text', text: '行' }] },
  image(7),
  {
    type: 'paragraph',
    children: [{ type: 'link', fields: { linkType: 'internal', doc: { relationTo: 'issues', value: 3 } }, children: [{ type: 'text', text: '上一期' }] }],
  },
)

describe('text of Lexical rich text', () => {
  const [unit] = extractUnits({ body }, 'announcements', { media: (id) => (id === 7 ? { alt: '志愿者合影' } : null) })

  it('keeps every text node: headings, formatted runs, lists, quotes, table cells, link text; URLs and alt text after the body', () => {
    expect(unit.path).toBe('body')
    expect(unit.text).toBe(
      ['标题', '第一段加粗结束。', '甲', '乙', '引文', '姓名\t电话', '张三\t13812345678', '见链接文字。', '换\n行', '上一期', 'https://example.org/x', '志愿者合影'].join('\n'),
    )
  })

  it('maps offsets back to the text node that holds them', () => {
    const at = unit.text.indexOf('加粗结')
    expect(spansOf(unit, at, at + 3)).toEqual([
      { node: [1, 1], source: 'text', from: 0, to: 2, text: '加粗' },
      { node: [1, 2], source: 'text', from: 0, to: 1, text: '结' },
    ])
    const phone = unit.text.indexOf('138')
    expect(spansOf(unit, phone, phone + 11)).toEqual([{ node: [4, 1, 1, 0, 0], source: 'text', from: 0, to: 11, text: '13812345678' }])
    const url = unit.text.indexOf('https')
    expect(spansOf(unit, url, url + 5)).toEqual([{ node: [5, 1], source: 'url', from: 0, to: 5, text: 'https' }])
    const alt = unit.text.indexOf('志愿者')
    expect(spansOf(unit, alt, alt + 3)).toEqual([{ node: [7], source: 'alt', from: 0, to: 3, text: '志愿者' }])
  })

  it('lists links and images with their paths', () => {
    expect(unit.links).toEqual([
      { url: 'https://example.org/x', text: '链接文字', path: 'body', node: [5, 1], from: 'link', internal: false, scheme: 'https' },
      { url: '', text: '上一期', path: 'body', node: [8, 0], from: 'link', internal: true, scheme: 'relative', doc: { relationTo: 'issues', value: 3 } },
    ])
    expect(unit.images).toEqual([{ path: 'body', node: [7], offset: unit.text.indexOf('上一期') - 1, id: 7, alt: '志愿者合影' }])
  })

  it('survives odd input: unknown nodes give their text, junk gives nothing, depth is bounded', () => {
    let deep: Record<string, unknown> = { type: 'text', text: '底' }
    for (let i = 0; i < 100; i++) deep = { type: 'paragraph', children: [deep] }
    const odd = {
      root: { type: 'root', children: [{ type: 'mystery', children: [{ type: 'text', text: '谜' }] }, null, 5, { type: 'paragraph' }, deep] },
    }
    expect(extractUnits({ body: odd }, 'announcements')[0].text).toBe('谜')
    expect(extractUnits(null, 'issues')).toEqual([])
    expect(extractUnits({ body: 'not rich text' }, 'announcements')[0].text).toBe('not rich text')
  })
})

describe('links', () => {
  it.each([
    ['https://street.example/issues/3', true, 'https'],
    ['http://street.example/x', false, 'http'],
    ['https://other.example/', false, 'https'],
    ['/issues/3', true, 'relative'],
    ['#top', true, 'relative'],
    ['//cdn.example/x.js', false, 'other'],
    ['mailto:office@street.example', false, 'mailto'],
    ['tel:0598-8955018', false, 'tel'],
    ['javascript:alert(1)', false, 'other'],
  ])('%s: internal %s, %s', (url, internal, scheme) => {
    expect(classifyUrl(url, 'https://street.example')).toEqual({ internal, scheme })
  })

  it('finds bare URLs in text and URL fields, once each', () => {
    const policy = {
      title: '政策',
      summary: '原文见 https://gov.example/doc/1，解读见本站。See https://gov.example/en/1.',
      body: doc(p(link('https://gov.example/doc/2', 'https://gov.example/doc/2'))),
      sourceUrl: 'https://gov.example/doc/1',
    }
    expect(extractLinks(policy, { collection: 'policies', settings: { publicUrl: 'https://street.example' } }).map((l) => [l.path, l.from, l.url])).toEqual([
      ['summary', 'text', 'https://gov.example/doc/1'],
      ['summary', 'text', 'https://gov.example/en/1'],
      ['body', 'link', 'https://gov.example/doc/2'],
      ['sourceUrl', 'field', 'https://gov.example/doc/1'],
    ])
  })

  it('knows images by upload node and upload field, alt known or not', () => {
    const issue = {
      title: '期刊',
      cover: { id: 1, alt: '' },
      articles: [{ title: '一', body: doc(image(2), image(3), { type: 'upload', relationTo: 'media', value: { id: 4, alt: '有说明' } }) }],
    }
    const media = (id: string | number) => (id === 2 ? { alt: null } : null)
    expect(extractImages(issue, { collection: 'issues', settings: { media } }).map((i) => [i.path, i.id, i.alt])).toEqual([
      ['cover', 1, null],
      ['articles.0.body', 2, null],
      ['articles.0.body', 3, undefined],
      ['articles.0.body', 4, '有说明'],
    ])
  })
})

/** A value for every reader text field of a collection config (arrays get two rows). */
function fill(fields: Field[]): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const f of fields as (Field & { name?: string; fields?: Field[]; tabs?: { fields: Field[] }[] })[]) {
    if (!('name' in f) || !f.name) {
      Object.assign(out, fill(f.fields ?? []), ...(f.tabs ?? []).map((t) => fill(t.fields)))
      continue
    }
    if (f.type === 'text' || f.type === 'textarea') out[f.name] = `${f.name}文字`
    else if (f.type === 'richText') out[f.name] = doc(p(`${f.name}正文`))
    else if (f.type === 'array') out[f.name] = [fill(f.fields ?? []), fill(f.fields ?? [])]
    else if (f.type === 'group') out[f.name] = fill(f.fields ?? [])
  }
  return out
}

describe('the field lists match the collections', () => {
  // src/checks may not import collections/ or hooks/; the test may, and fails when they drift apart.
  it.each(Object.keys(READER_FIELDS))('%s', async (slug) => {
    const { readerTextPieces } = await import('../../src/hooks/textOf')
    const configs = {
      issues: (await import('../../src/collections/Issues')).Issues,
      events: (await import('../../src/collections/Events')).Events,
      policies: (await import('../../src/collections/Policies')).Policies,
      announcements: (await import('../../src/collections/Announcements')).Announcements,
    }
    const config = configs[slug as keyof typeof configs]
    const sample = fill(config.fields)
    const theirs = readerTextPieces(sample, config.fields as never).map((x) => x.path)
    const ours = extractUnits(sample, slug).map((u) => u.path)
    expect(ours).toEqual(theirs)
    expect(theirs.length).toBeGreaterThan(2)
  })
})
