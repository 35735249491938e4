/**
 * `npm test`: every test CI runs, stage by stage, each stage timed:
 *   lint (import cycles, layering: eslint.config.mjs) → typecheck → integration on SQLite → the same suite on the MongoDB-wire
 *   server (FerretDB unless TEST_MONGODB_URI is set) → end-to-end in chromium.
 * Ends with per-stage counts, the tests each leg excluded (with reasons), and
 * one closing line "total: N passed, N failed, N skipped".
 *
 *   npm test                     everything
 *   npm test -- sqlite mongo     only those stages (lint, typecheck, sqlite, mongo, e2e)
 *
 * An unknown stage name exits 2 with the list of known stages.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

import { FERRETDB_EXCLUSIONS } from './support/legs'

type Skipped = { name: string; title: string }
type Counts = { passed: number; failed: number; skipped: number; skippedNames: Skipped[]; failedNames: string[] }
type Stage = { name: string; run: () => { ok: boolean; counts?: Counts } }

const ROOT = process.cwd()
const OUT = path.join(ROOT, 'test-results')
fs.mkdirSync(OUT, { recursive: true })
const bin = (name: string) => path.join(ROOT, 'node_modules', '.bin', name)

function run(cmd: string, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } })
  return r.status === 0
}

function vitestCounts(file: string): Counts | undefined {
  if (!fs.existsSync(file)) return undefined
  const report = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    testResults: { name: string; status?: string; message?: string; assertionResults: { status: string; fullName: string; title: string }[] }[]
  }
  const counts: Counts = { passed: 0, failed: 0, skipped: 0, skippedNames: [], failedNames: [] }
  for (const f of report.testResults) {
    for (const a of f.assertionResults) {
      const name = `${path.relative(ROOT, f.name)} › ${a.fullName}`
      if (a.status === 'passed') counts.passed++
      else if (a.status === 'failed') (counts.failed++, counts.failedNames.push(name))
      else (counts.skipped++, counts.skippedNames.push({ name, title: a.title }))
    }
    // A file that failed to load, or whose setup failed (its tests then count as skipped),
    // must not pass silently.
    if (!f.assertionResults.length) (counts.failed++, counts.failedNames.push(`${path.relative(ROOT, f.name)} (did not load)`))
    else if (f.status === 'failed' && !f.assertionResults.some((a) => a.status === 'failed')) {
      counts.failed++
      counts.failedNames.push(`${path.relative(ROOT, f.name)} (setup failed: ${(f.message ?? '').split('\n')[0]})`)
    }
  }
  return counts
}

function vitest(leg: string, config: string | null, env: Record<string, string>) {
  const json = path.join(OUT, `${leg}.json`)
  fs.rmSync(json, { force: true })
  const args = ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${json}`]
  if (config) args.push('--config', config)
  const ok = run(bin('vitest'), args, env)
  const counts = vitestCounts(json)
  return { ok: ok && !!counts && counts.failed === 0, counts }
}

const stages: Stage[] = [
  { name: 'lint', run: () => ({ ok: run(bin('eslint'), ['--max-warnings=0', '.']) }) },
  { name: 'typecheck', run: () => ({ ok: run(bin('tsc'), ['--noEmit', '-p', '.']) }) },
  { name: 'sqlite', run: () => vitest('sqlite', null, { TEST_DB: 'sqlite' }) },
  { name: 'mongo', run: () => vitest('mongo', null, { TEST_DB: 'mongo' }) },
  {
    name: 'e2e',
    run: () => (fs.existsSync(path.join(ROOT, 'vitest.e2e.config.ts')) ? vitest('e2e', 'vitest.e2e.config.ts', {}) : { ok: true }),
  },
]

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'))
const unknown = wanted.filter((w) => !stages.some((s) => s.name === w))
if (unknown.length) {
  process.stderr.write(`unknown stage: ${unknown.join(', ')}; the stages are: ${stages.map((s) => s.name).join(', ')}\n`)
  process.exit(2)
}
const results: { name: string; ok: boolean; seconds: number; counts?: Counts }[] = []
for (const stage of stages) {
  if (wanted.length && !wanted.includes(stage.name)) continue
  process.stdout.write(`\n=== stage ${stage.name} ===\n`)
  const started = Date.now()
  const r = stage.run()
  const seconds = Math.round((Date.now() - started) / 100) / 10
  results.push({ name: stage.name, seconds, ...r })
  process.stdout.write(`=== stage ${stage.name}: ${r.ok ? 'ok' : 'FAILED'} in ${seconds} s ===\n`)
}

const total = { passed: 0, failed: 0, skipped: 0 }
process.stdout.write('\n=== summary ===\n')
for (const r of results) {
  const c = r.counts
  if (c) {
    total.passed += c.passed
    total.failed += c.failed
    total.skipped += c.skipped
  } else if (!r.ok) total.failed++
  const detail = c ? `${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped` : r.ok ? 'ok' : 'FAILED'
  process.stdout.write(`${r.name.padEnd(10)} ${String(r.seconds).padStart(7)} s   ${detail}\n`)
  for (const n of c?.failedNames ?? []) process.stdout.write(`  failed: ${n}\n`)
  for (const n of c?.skippedNames ?? []) {
    const listed = r.name === 'mongo' && FERRETDB_EXCLUSIONS.find((e) => e.test === n.title)
    process.stdout.write(listed ? `  excluded on FerretDB: ${n.name}\n` : `  not run on this leg: ${n.name}\n`)
  }
}
// The FerretDB leg's exclusions, with their reasons (one list: test/support/legs.ts).
const mongo = results.find((r) => r.name === 'mongo')
if (mongo?.counts) {
  const excluded = FERRETDB_EXCLUSIONS.filter((e) => mongo.counts!.skippedNames.some((n) => n.title === e.test))
  process.stdout.write(`mongo leg exclusions (test/support/legs.ts): ${excluded.length}\n`)
  for (const e of excluded) process.stdout.write(`  - ${e.test}: ${e.reason}\n`)
}
process.stdout.write(`total: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped\n`)
process.exit(results.every((r) => r.ok) ? 0 : 1)
