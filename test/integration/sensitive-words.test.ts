import { ValidationError, type Payload } from 'payload'
import { beforeAll, describe, expect, it } from 'vitest'

import { findSensitiveWords, parseWordList } from '../../src/hooks/sensitiveWords'
import { doc, link, list, p, quote, table } from '../../src/seed/lexical'
import { body, PASSWORD, smallStreet } from '../support/fixtures'
import { rest, tokenFor } from '../support/http'
import { testPayload } from '../support/payload'

/**
 * The sensitive-word list (敏感词) from the site settings: publication is
 * refused with each word shown in its context; drafts may still be saved.
 */
let payload: Payload
let street: Awaited<ReturnType<typeof smallStreet>>
const editor = () => ({ ...street.editor, collection: 'users' }) as never

async function refusal(p: Promise<unknown>) {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  )
  expect(err, 'publication was expected to be refused').toBeInstanceOf(ValidationError)
  return (err as ValidationError).data.errors as { path: string; message: string }[]
}

const publish = (collection: 'announcements' | 'issues' | 'events' | 'policies', data: Record<string, unknown>) =>
  payload.create({ collection, data: { ...data, _status: 'published' } as never, overrideAccess: false, user: editor() })

const count = async (collection: string, title: string) =>
  (await payload.count({ collection: collection as never, where: { title: { equals: title } }, overrideAccess: true })).totalDocs

beforeAll(async () => {
  payload = await testPayload()
  street = await smallStreet(payload)
  await payload.updateGlobal({
    slug: 'site-settings',
    // One per line; commas (both kinds) also separate; blanks ignored; Latin words match in any case.
    data: { sensitiveWords: '违禁词\n\n内部资料,绝密\nSecretWord' },
    overrideAccess: true,
  })
})

describe('sensitive words', () => {
  it('refuse publication, naming the word in its context, and store nothing', async () => {
    const title = '关于违禁词的通知'
    const errors = await refusal(
      publish('events', { title, startsAt: new Date().toISOString(), location: '活动室', wholeStreet: true }),
    )
    expect(errors).toHaveLength(1)
    expect(errors[0].path).toBe('title')
    expect(errors[0].message).toContain('内容包含敏感词，不能发布')
    expect(errors[0].message).toContain('“违禁词”')
    // The word with the text around it, marked.
    expect(errors[0].message).toContain('关于【违禁词】的通知')
    expect(await count('events', title)).toBe(0)
  })

  it('let a draft with the word be saved, and refuse to publish it later', async () => {
    const d = await payload.create({
      collection: 'policies',
      data: { title: '草稿可以保存', issuingBody: '区民政局', summary: '这份文件属于内部资料,请勿外传。', body: body('正文') },
      overrideAccess: false,
      user: editor(),
    })
    expect(d._status).toBe('draft')
    const errors = await refusal(
      payload.update({ collection: 'policies', id: d.id, data: { _status: 'published' }, overrideAccess: false, user: editor() }),
    )
    expect(errors[0].path).toBe('summary')
    expect(errors[0].message).toContain('这份文件属于【内部资料】,请勿外传')
    const stored = await payload.findByID({ collection: 'policies', id: d.id, overrideAccess: true })
    expect(stored._status).toBe('draft')
  })

  it('find words in rich text: paragraphs, lists, quotes, tables and link addresses', async () => {
    const cases: [string, object, string][] = [
      ['段落', doc(p('第一段。'), p('第二段提到绝密事项。')), '第二段提到【绝密】事项'],
      ['列表', doc(list('bullet', ['一', '二是违禁词'])), '二是【违禁词】'],
      ['引用', doc(quote('引用里的内部资料')), '引用里的【内部资料】'],
      ['表格', doc(table([['项目', '说明'], ['甲', '表格中的绝密']])), '表格中的【绝密】'],
      ['链接', doc(p(link('https://example.invalid/secretword/x', '原文'))), '【secretword】'],
    ]
    for (const [name, richText, context] of cases) {
      const title = `富文本${name}`
      const errors = await refusal(publish('announcements', { title, grids: [street.gridA1.id], body: richText }))
      expect(errors[0].path, name).toBe('body')
      expect(errors[0].message, name).toContain(context)
      expect(await count('announcements', title)).toBe(0)
    }
  })

  it('find words in an issue’s articles (title, author, summary, body) and name the article', async () => {
    const article = (n: number, extra: Record<string, unknown> = {}) => ({ title: `第${n}篇`, body: body('干净的正文'), ...extra })
    const cases: [Record<string, unknown>, string][] = [
      [article(2, { title: '标题有违禁词' }), 'articles.1.title'],
      [article(2, { author: '绝密作者' }), 'articles.1.author'],
      [article(2, { summary: '摘要:内部资料' }), 'articles.1.summary'],
      [article(2, { body: doc(p('正文里有 SECRETWORD 一词')) }), 'articles.1.body'],
    ]
    for (const [second, path] of cases) {
      const errors = await refusal(publish('issues', { title: '第二篇有问题的一期', articles: [article(1), second] }))
      expect(errors[0].path).toBe(path)
    }
    expect(await count('issues', '第二篇有问题的一期')).toBe(0)
  })

  it('find words in a policy’s Q&A', async () => {
    const errors = await refusal(
      publish('policies', {
        title: '医保政策解读',
        issuingBody: '区医保局',
        summary: '通俗解读',
        body: body('正文'),
        qa: [
          { question: '谁可以申请?', answer: '本街道户籍居民。' },
          { question: '要带什么材料?', answer: '身份证,不需要绝密文件。' },
        ],
      }),
    )
    expect(errors[0].path).toBe('qa.1.answer')
    expect(errors[0].message).toContain('不需要【绝密】文件')
  })

  it('list every word found, each with its context', async () => {
    const errors = await refusal(
      publish('announcements', { title: '违禁词一', grids: [street.gridA1.id], body: doc(p('还有绝密二')) }),
    )
    expect(errors[0].message).toContain('“违禁词”')
    expect(errors[0].message).toContain('“绝密”')
    expect(errors[0].message).toContain('还有【绝密】二')
  })

  it('publish fine once the words are gone, or when the list is empty', async () => {
    expect((await publish('announcements', { title: '干净的公告', grids: [street.gridA1.id], body: body('一切正常') }))._status).toBe('published')
    await payload.updateGlobal({ slug: 'site-settings', data: { sensitiveWords: '' }, overrideAccess: true })
    try {
      expect((await publish('announcements', { title: '违禁词现在可以了', grids: [street.gridA1.id], body: body('x') }))._status).toBe(
        'published',
      )
    } finally {
      await payload.updateGlobal({ slug: 'site-settings', data: { sensitiveWords: '违禁词\n内部资料,绝密\nSecretWord' }, overrideAccess: true })
    }
  })

  it('look only at what readers see: ids, dates and the review note are not text', async () => {
    // On MongoDB ids are hex strings: a word that happens to occur in one must not block publication.
    const gridId = String(street.gridA1.id)
    const inId = gridId.length > 6 ? gridId.slice(-6) : 'zzzzzz'
    await payload.updateGlobal({ slug: 'site-settings', data: { sensitiveWords: `${inId}\n审核意见里的词` }, overrideAccess: true })
    try {
      const a = await payload.create({
        collection: 'announcements',
        data: { title: '普通公告', grids: [street.gridA1.id], body: body('没有问题的正文'), review: { status: 'pending', comment: '审核意见里的词' } },
        overrideAccess: true,
      })
      const published = await payload.update({ collection: 'announcements', id: a.id, data: { _status: 'published' }, overrideAccess: false, user: editor() })
      expect(published._status).toBe('published')
    } finally {
      await payload.updateGlobal({ slug: 'site-settings', data: { sensitiveWords: '违禁词\n内部资料,绝密\nSecretWord' }, overrideAccess: true })
    }
  })

  it('through REST: 400, Chinese message, the field named', async () => {
    const token = await tokenFor(payload, street.editor.email, PASSWORD)
    const r = await rest('POST', 'announcements', {
      token,
      body: { title: '接口发布', grids: [street.gridA1.id], body: body('正文含违禁词'), _status: 'published' },
    })
    expect(r.status).toBe(400)
    expect(r.body.errors[0].message).toMatch(/字段是无效的/)
    expect(r.body.errors[0].data.errors[0].path).toBe('body')
    expect(r.body.errors[0].data.errors[0].message).toContain('正文含【违禁词】')
  })

  it('are checked for grid leaders publishing directly too', async () => {
    await payload.updateGlobal({ slug: 'site-settings', data: { allowGridLeaderDirectPublish: true }, overrideAccess: true })
    const errors = await refusal(
      payload.create({
        collection: 'announcements',
        data: { title: '网格长直发', grids: [street.gridA1.id], body: body('含内部资料'), _status: 'published' },
        overrideAccess: false,
        user: { ...street.leaderA, collection: 'users' } as never,
      }),
    )
    expect(errors[0].message).toContain('含【内部资料】')
  })
})


describe('sensitive words through disguises', () => {
  const words = ['办证', '内部资料', 'SecretWord', 'A8']
  // [text as written, the word expected (or null: no hit), the context reported in the original text]
  const cases: [string, string | null, string][] = [
    ['代办证件', '办证', '代【办证】件'],
    ['代办 证件', '办证', '代【办 证】件'],
    ['代办\u3000证件', '办证', '代【办\u3000证】件'],
    ['代办．证件', '办证', '代【办．证】件'],
    ['代办.证件', '办证', '代【办.证】件'],
    ['代办,证件', '办证', '代【办,证】件'],
    ['代办\uFF0C证件', '办证', '代【办\uFF0C证】件'],
    ['代办、证件', '办证', '代【办、证】件'],
    ['代办-证件', '办证', '代【办-证】件'],
    ['代办·证件', '办证', '代【办·证】件'],
    ['代办★证件', '办证', '代【办★证】件'],
    ['代办\u200B证件', '办证', '代【办\u200B证】件'],
    ['代办 . , 证件', '办证', '代【办 . , 证】件'],
    ['内 部 资 料', '内部资料', '【内 部 资 料】'],
    ['这是内部（资料）', '内部资料', '这是【内部（资料】）'],
    ['ＳＥＣＲＥＴＷＯＲＤ', 'SecretWord', '【ＳＥＣＲＥＴＷＯＲＤ】'],
    ['s e c r e t w o r d!', 'SecretWord', '【s e c r e t w o r d】!'],
    ['型号Ａ８', 'A8', '型号【Ａ８】'],
    ['型号A 8', 'A8', '型号【A 8】'],
    ['型号ａ８', 'A8', '型号【ａ８】'],
    // A line break separates paragraphs, not characters.
    ['去街道办\n证件齐全', null, ''],
    ['办理证件', null, ''],
    ['型号A9', null, ''],
  ]
  it.each(cases)('%j', (text, word, context) => {
    const hits = findSensitiveWords({ title: text }, words)
    if (!word) return expect(hits).toEqual([])
    expect(hits).toEqual([{ word, path: 'title', context }])
  })

  it('report the original text around the word, with the ellipses where it was cut', () => {
    const [hit] = findSensitiveWords({ summary: '这是一段很长的说明文字：代办．证件请联系我们，电话在下面。' }, ['办证'])
    expect(hit.context).toBe('…长的说明文字：代【办．证】件请联系我们，电…')
  })

  it('read the list split at line breaks and at half- and full-width commas', () => {
    expect(parseWordList('办证\n内部资料,绝密\uFF0C 机密 \n\n')).toEqual(['办证', '内部资料', '绝密', '机密'])
    // A word that is only punctuation finds nothing (it would match everywhere).
    expect(findSensitiveWords({ title: '任何文字。' }, ['。', '  '])).toEqual([])
  })

  it('refuse publication of a disguised word through REST, naming the field and the text as written', async () => {
    await payload.updateGlobal({ slug: 'site-settings', data: { sensitiveWords: '违禁词\n办证' }, overrideAccess: true })
    try {
      const token = await tokenFor(payload, street.editor.email, PASSWORD)
      const r = await rest('POST', 'announcements', {
        token,
        body: { title: '楼道里贴了代办．证件的广告', grids: [street.gridA1.id], body: body('请大家留意。'), _status: 'published' },
      })
      expect(r.status).toBe(400)
      expect(r.body.errors[0].data.errors[0].path).toBe('title')
      expect(r.body.errors[0].data.errors[0].message).toContain('“办证”')
      expect(r.body.errors[0].data.errors[0].message).toContain('楼道里贴了代【办．证】件的广告')
      expect(await count('announcements', '楼道里贴了代办．证件的广告')).toBe(0)
    } finally {
      await payload.updateGlobal({ slug: 'site-settings', data: { sensitiveWords: '违禁词\n内部资料,绝密\nSecretWord' }, overrideAccess: true })
    }
  })
})
