/**
 * No file in src/ over 400 lines (issue 12, done when): a module that grows
 * past that is split along its seams. The message catalogue, the generated
 * migrations and a generated payload-types.ts are data, not modules.
 */
import fs from 'node:fs'
import path from 'node:path'

import { describe, expect, it } from 'vitest'

const ROOT = process.cwd()
const MAX_LINES = 400

/** Files allowed to be longer, by their path from the repository root (a trailing slash: a whole folder). */
const ALLOWED = [
  'src/i18n/messages.ts',
  'src/migrations/',
  'src/payload-types.ts',
]

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`
    if (e.isDirectory()) return sourceFiles(rel)
    return /\.(ts|tsx|mts|cts|js|mjs|cjs)$/.test(e.name) ? [rel] : []
  })
}

/** Lines as an editor counts them: a final newline does not start another line. */
const lineCount = (text: string) => (text === '' ? 0 : text.replace(/\r?\n$/, '').split(/\r?\n/).length)

const allowed = (file: string) => ALLOWED.some((a) => (a.endsWith('/') ? file.startsWith(a) : file === a))

describe('file size', () => {
  it(`no file in src/ is over ${MAX_LINES} lines but the catalogue, the migrations and the generated types`, () => {
    const long = sourceFiles('src')
      .filter((file) => !allowed(file))
      .map((file) => ({ file, lines: lineCount(fs.readFileSync(path.join(ROOT, file), 'utf8')) }))
      .filter(({ lines }) => lines > MAX_LINES)
      .map(({ file, lines }) => `${file}: ${lines} lines`)
    expect(long).toEqual([])
  })

  it('counts lines as an editor does, so the limit is exact', () => {
    expect(lineCount('')).toBe(0)
    expect(lineCount('a')).toBe(1)
    expect(lineCount('a\n')).toBe(1)
    expect(lineCount('a\nb\n')).toBe(2)
    expect(lineCount('a\r\nb')).toBe(2)
    expect(lineCount(`${'x\n'.repeat(MAX_LINES + 1)}`)).toBe(MAX_LINES + 1)
  })

  it('the allowance names only files that exist or the folder of generated migrations', () => {
    // A stale entry (a file since split or renamed) would let its successor grow unnoticed.
    const missing = ALLOWED.filter((a) => a !== 'src/payload-types.ts' && !fs.existsSync(path.join(ROOT, a)))
    expect(missing).toEqual([])
  })
})
