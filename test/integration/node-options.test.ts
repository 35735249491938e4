import { spawn, spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'

import { describe, expect, it } from 'vitest'

import { NODE_CONDITIONS, withNodeConditions } from '../../scripts/node-options.mjs'

/**
 * Our processes load lexical's production build directly (scripts/node-options.mjs):
 * its Node entry files, with their top-level `await import()`, ended Node 20
 * processes while they loaded (exit code 13) in 1 start of 5, more under load.
 */
const lexicalEntry = (nodeOptions: string, how: 'launcher' | 'node') =>
  spawnSync(
    process.execPath,
    how === 'launcher' ? ['scripts/launch.mjs', '-e', "console.log(import.meta.resolve('lexical'))"] : ['--input-type=module', '-e', "console.log(import.meta.resolve('lexical'))"],
    { env: { ...process.env, NODE_OPTIONS: nodeOptions }, encoding: 'utf8', timeout: 60_000 },
  )

/** Start a plain Node process that loads Payload's rich-text package (lexical and a dozen @lexical packages); its exit code. */
const loadRichText = (nodeOptions: string) =>
  new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', "await import('@payloadcms/richtext-lexical'); process.exit(0)"], {
      env: { ...process.env, NODE_OPTIONS: nodeOptions },
      stdio: 'ignore',
    })
    child.on('exit', (code) => resolve(code))
  })

describe('Node options', () => {
  it('test processes load a build of lexical directly, never the entry file with the top-level await', () => {
    // Processes a test starts inherit the condition; vitest's own add `development`, which lexical lists first.
    expect(process.env.NODE_OPTIONS?.split(/\s+/)).toContain(NODE_CONDITIONS)
    expect(import.meta.resolve('lexical')).toMatch(/\/lexical\/dist\/Lexical\.(dev|prod)\.mjs$/)
    expect(createRequire(import.meta.url).resolve('lexical')).toMatch(/\/lexical\/dist\/Lexical\.(dev|prod)\.js$/)
  })

  it('the launcher adds the condition for what it starts, with NODE_OPTIONS empty or set', () => {
    for (const options of ['', '--no-deprecation']) {
      const r = lexicalEntry(options, 'launcher')
      expect(r.status, r.stderr).toBe(0)
      expect(r.stdout.trim()).toMatch(/\/lexical\/dist\/Lexical\.prod\.mjs$/)
    }
    // Without it, Node picks the entry file with the top-level await.
    expect(lexicalEntry('', 'node').stdout.trim()).toMatch(/\/lexical\/dist\/Lexical\.node\.mjs$/)
    expect(withNodeConditions('--no-deprecation')).toBe(`--no-deprecation ${NODE_CONDITIONS}`)
    expect(withNodeConditions(withNodeConditions(''))).toBe(NODE_CONDITIONS)
  })

  it('twelve processes in a row load the rich-text package and exit cleanly', async () => {
    const codes: (number | null)[] = []
    for (let i = 0; i < 6; i++) codes.push(...(await Promise.all([loadRichText(NODE_CONDITIONS), loadRichText(NODE_CONDITIONS)])))
    expect(codes).toEqual(Array(12).fill(0))
  })
})
