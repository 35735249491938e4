/**
 * Each helper exists once (issue 12, habits): the small helpers that had
 * grown copies are defined in exactly one module of src/ and imported
 * everywhere else, and the copies' telltale bodies appear nowhere else.
 */
import fs from 'node:fs'
import path from 'node:path'

import { describe, expect, it } from 'vitest'

const ROOT = process.cwd()

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`
    if (e.isDirectory()) return sourceFiles(rel)
    return /\.(ts|tsx|mts|js|mjs)$/.test(e.name) ? [rel] : []
  })
}

const sources = sourceFiles('src').map((file) => ({ file, text: fs.readFileSync(path.join(ROOT, file), 'utf8') }))

/** Where each helper is defined: its one home. */
const HOMES: Record<string, string> = {
  positive: 'src/server/env.ts',
  noTransaction: 'src/store/noTransaction.ts',
  nowIso: 'src/delivery/rows.ts',
  MAX_ERRORS_KEPT: 'src/delivery/rows.ts',
  remember: 'src/delivery/rows.ts',
  updateDelivery: 'src/delivery/rows.ts',
  csvCell: 'src/lib/csv.ts',
  csvLine: 'src/lib/csv.ts',
  plainTextOfRichText: 'src/templates/plainText.ts',
}

/** Names of the copies that were merged: a delivery row writer is updateDelivery, not a local save. */
const GONE = ['save']

const definitions = (name: string) =>
  sources.flatMap(({ file, text }) =>
    [...text.matchAll(new RegExp(`^\\s*(?:export\\s+)?(?:async\\s+)?(?:function\\s*\\*?|const|let|var)\\s+${name}\\b`, 'gm'))].map(() => file),
  )

/** Text that only the helper's own module may contain (a copy under another name would show it). */
const TELLTALES: [RegExp, string][] = [
  [/transactionID:\s*undefined/, 'src/store/noTransaction.ts'],
  [/replace\(\/"\/g,\s*'""'\)/, 'src/lib/csv.ts'],
  [/\bprocess\.env\[/, 'src/server/env.ts'],
]

describe('each helper exists once', () => {
  for (const [name, home] of Object.entries(HOMES)) {
    it(`${name} is defined once, in ${home}`, () => {
      expect(definitions(name)).toEqual([home])
    })
  }

  it('the merged copies are gone', () => {
    expect(GONE.flatMap((name) => definitions(name).map((f) => `${name} in ${f}`))).toEqual([])
  })

  for (const [pattern, home] of TELLTALES) {
    it(`${pattern} appears only in ${home}`, () => {
      expect(sources.filter(({ text }) => pattern.test(text)).map(({ file }) => file)).toEqual([home])
    })
  }
})
