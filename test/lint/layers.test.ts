/**
 * The lint rules of eslint.config.mjs bite: an upward import, an import of site/ from the
 * engine, a hook importing the scheduler and a two-file cycle (through a type import and
 * an `await import()`) each fail with the rule meant for it; and src/ has no error beyond
 * the debt recorded in eslint-suppressions.json (which ESLint's CLI, the lint stage, also
 * refuses to let grow).
 */
import fs from 'node:fs'
import path from 'node:path'

import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

const ROOT = path.resolve(__dirname, '../..')
const eslint = new ESLint({ cwd: ROOT, ignore: false })

async function rulesFor(code: string, filePath: string) {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, filePath) })
  return result.messages.map((m) => m.ruleId)
}

describe('lint: layering and cycles', () => {
  it('an upward import from the kernel into delivery fails', async () => {
    const rules = await rulesFor(`import { runDelivery } from '../delivery/pipeline'\nexport const x = runDelivery\n`, 'src/store/upward.ts')
    expect(rules).toContain('import-x/no-restricted-paths')
  })

  it('the engine importing site/ fails', async () => {
    const rules = await rulesFor(`import { createSiteRouter } from '../site/router'\nexport const x = createSiteRouter\n`, 'src/readership/fixture.ts')
    expect(rules).toContain('import-x/no-restricted-paths')
  })

  it('a hook importing the scheduler fails, even as a type import', async () => {
    const rules = await rulesFor(`import type * as s from '../jobs/scheduler'\nexport type X = typeof s\n`, 'src/hooks/fixture.ts')
    expect(rules).toContain('import-x/no-restricted-paths')
  })

  it('the model importing Payload or our shells fails', async () => {
    expect(await rulesFor(`import type { Payload } from 'payload'\nexport type P = Payload\n`, 'src/model/fixture.ts')).toContain('no-restricted-imports')
    expect(await rulesFor(`import { env } from '../server/env'\nexport const e = env\n`, 'src/model/fixture.ts')).toContain('import-x/no-restricted-paths')
  })

  it('a two-file cycle fails on both files, through a type import and an await import()', async () => {
    const results = await eslint.lintFiles(['test/lint/fixtures/cycleA.ts', 'test/lint/fixtures/cycleB.ts'])
    for (const r of results) {
      const cycle = r.messages.filter((m) => m.ruleId === 'street-news/no-cycle')
      expect(cycle, path.basename(r.filePath)).toHaveLength(1)
      expect(cycle[0].message).toMatch(/cycleA\.ts → test\/lint\/fixtures\/cycleB\.ts|cycleB\.ts → test\/lint\/fixtures\/cycleA\.ts/)
    }
  })

  it('a downward import passes', async () => {
    expect(await rulesFor(`import { t } from '../i18n/messages'\nexport const x = t\n`, 'src/delivery/fixture.ts')).toEqual([])
  })

  it('src/ has no error beyond the recorded debt of eslint-suppressions.json', async () => {
    const recorded = JSON.parse(fs.readFileSync(path.join(ROOT, 'eslint-suppressions.json'), 'utf8')) as Record<string, Record<string, { count: number }>>
    const results = await eslint.lintFiles(['src'])
    const over: string[] = []
    for (const r of results) {
      const file = path.relative(ROOT, r.filePath)
      // Payload writes this one (npm run generate:types); the lint stage ignores it too.
      if (file === 'src/payload-types.ts') continue
      const counts = new Map<string, number>()
      for (const m of r.messages) counts.set(String(m.ruleId), (counts.get(String(m.ruleId)) ?? 0) + 1)
      for (const [rule, n] of counts) if (n > (recorded[file]?.[rule]?.count ?? 0)) over.push(`${file} ${rule} ×${n}`)
    }
    expect(over).toEqual([])
  })
})
