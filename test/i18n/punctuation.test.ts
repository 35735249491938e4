import fs from 'node:fs'
import path from 'node:path'

import { describe, expect, it } from 'vitest'

import { messages } from '../../src/i18n/messages'
import { HISTORY_CONTENT } from '../../src/seed/history'
import { demoDocuments } from '../support/demoRecording'

/**
 * Chinese text takes full-width punctuation (GB/T 15834: ，。：；？！（）):
 * a half-width , : ; ? ! ( ) right beside a Chinese character is a slip.
 * Times (8:00), URLs and English text are not touched by the rule, since
 * their marks stand between Latin letters or digits.
 */
const HAN = '[\\u3400-\\u9fff\\uf900-\\ufaff]'
const HALF_WIDTH_BESIDE_HAN = new RegExp(`${HAN}[,:;?!()]|[,:;?!()]${HAN}`, 'u')

/** Every string held anywhere in a value (documents, rich-text JSON, settings). */
function strings(value: unknown, at = ''): { at: string; text: string }[] {
  if (typeof value === 'string') return [{ at, text: value }]
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${at}.${i}`))
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => strings(v, at ? `${at}.${k}` : k))
  return []
}

const slips = (list: { at: string; text: string }[]) => list.filter((s) => HALF_WIDTH_BESIDE_HAN.test(s.text)).map((s) => `${s.at}: ${s.text}`)

/** Source text without comments (English prose there may quote Chinese words). */
function codeOf(file: string): string {
  return fs
    .readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`])\/\/.*$/gm, '$1')
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name)
    return e.isDirectory() ? filesUnder(p) : /\.tsx?$/.test(e.name) ? [p] : []
  })
}

describe('full-width punctuation in Chinese text', () => {
  it('the rule itself catches a half-width mark on either side of a Chinese character', () => {
    for (const bad of ['请稍后,再试', '原因:超时', '(演示)', '好吗?', '注意!请', '停水;停电']) expect(HALF_WIDTH_BESIDE_HAN.test(bad)).toBe(true)
    for (const good of ['请稍后，再试', '8:00 至 17:00', 'https://example.org/a?b=1', 'XB-01 (required)', '（演示）']) {
      expect(HALF_WIDTH_BESIDE_HAN.test(good)).toBe(false)
    }
  })

  it('in every Chinese message of the catalogue', () => {
    const zh = Object.entries(messages).map(([key, entry]) => ({ at: key, text: (entry as { zh: string }).zh }))
    expect(zh.length).toBeGreaterThan(500)
    expect(slips(zh)).toEqual([])
  })

  it('in the demo street: its content, rich text, site settings and the contents of its history', async () => {
    const { created, settings } = await demoDocuments()
    const all = [
      ...strings(settings, 'settings'),
      ...created.flatMap((c) => strings(c.data, `${c.collection}#${c.id}`)),
      ...strings(HISTORY_CONTENT, 'history'),
    ]
    expect(all.filter((s) => /[\u4e00-\u9fff]/.test(s.text)).length).toBeGreaterThan(30)
    expect(slips(all)).toEqual([])
  })

  it('in the templates’ own text', () => {
    const files = filesUnder(path.resolve('src/templates'))
    expect(files.length).toBeGreaterThan(5)
    const found = files.flatMap((f) =>
      codeOf(f)
        .split('\n')
        .map((line, i) => ({ at: `${path.relative(process.cwd(), f)}:${i + 1}`, text: line })),
    )
    expect(slips(found)).toEqual([])
  })
})
