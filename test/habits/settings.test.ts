/**
 * One settings module (issue 12, habits): every `process.env` read in src/
 * goes through src/server/env.ts, and every variable the code reads is listed
 * in .env.example and docs/configuration.md.
 */
import fs from 'node:fs'
import path from 'node:path'

import { describe, expect, it } from 'vitest'

const ROOT = process.cwd()
/** The settings module, and its SMS part (split off for size). */
const SETTINGS = ['src/server/env.ts', 'src/server/smsEnv.ts']

/**
 * The only files in src/ that may touch `process.env` besides the settings
 * module: each *sets* the environment for Node, Next or Payload before
 * anything else is imported (or hands it to a child process), so it cannot
 * go through the module that reads it.
 */
const SETS_ENVIRONMENT: Record<string, string> = {
  'src/server/start.ts': 'loads .env and sets NODE_ENV, TZ and NEXT_TELEMETRY_DISABLED before the server is imported',
  'src/server/build.ts': "passes the environment on to Next's build, with NODE_ENV=production",
  'src/cli/backup.ts': 'loads .env and sets NODE_ENV before the settings are imported',
  'src/cli/restore.ts': 'loads .env and sets NODE_ENV before the settings are imported',
}

/** Variables `npm start` and `npm run dev` set themselves. */
const SET_BY_SCRIPTS = ['NODE_ENV']

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`
    if (e.isDirectory()) return sourceFiles(rel)
    return /\.(ts|tsx|mts|js|mjs)$/.test(e.name) ? [rel] : []
  })
}

const read = (rel: string) => fs.readFileSync(path.join(ROOT, rel), 'utf8')
const files = sourceFiles('src')

describe('settings', () => {
  it('reads process.env only in the settings module (and the few files that set it)', () => {
    const offenders = files
      .filter((f) => !SETTINGS.includes(f) && !(f in SETS_ENVIRONMENT))
      .flatMap((f) =>
        read(f)
          .split('\n')
          .map((line, i) => ({ line, at: `${f}:${i + 1}` }))
          .filter(({ line }) => /\bprocess\.env\b/.test(line))
          .map(({ at, line }) => `${at}: ${line.trim()}`),
      )
    expect(offenders).toEqual([])
  })

  it('lists no exception that no longer touches process.env', () => {
    const stale = Object.keys(SETS_ENVIRONMENT).filter((f) => !fs.existsSync(path.join(ROOT, f)) || !/\bprocess\.env\b/.test(read(f)))
    expect(stale).toEqual([])
  })

  it('documents every variable the code reads in .env.example and docs/configuration.md', () => {
    const names = new Set<string>()
    const module = SETTINGS.map(read).join('\n')
    for (const m of module.matchAll(/\bprocess\.env\.([A-Z][A-Z0-9_]*)/g)) names.add(m[1])
    for (const m of module.matchAll(/'([A-Z][A-Z0-9]*_[A-Z0-9_]+|[A-Z]{2,})'/g)) names.add(m[1])
    // Named settings read through the module's parsers from elsewhere (rate rules beside their routes).
    for (const f of files) for (const m of read(f).matchAll(/\b(?:ruleFromEnv|positive|wholeNumber|byteSize)\(\s*'([A-Z][A-Z0-9_]*)'/g)) names.add(m[1])
    expect(names.size).toBeGreaterThan(40)

    const exampleText = read('.env.example')
    const example = new Set([...exampleText.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]))
    // Set by the scripts, never in .env: .env.example names it in a comment.
    for (const n of SET_BY_SCRIPTS) if (new RegExp(`\\b${n}\\b`).test(exampleText)) example.add(n)
    const docs = new Set([...read('docs/configuration.md').matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]))
    const missing = [...names].sort().flatMap((n) => [
      ...(example.has(n) ? [] : [`${n} not in .env.example`]),
      ...(docs.has(n) ? [] : [`${n} not in docs/configuration.md`]),
    ])
    expect(missing).toEqual([])
  })
})
