import { spawn, spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'

import { describe, expect, it } from 'vitest'

import { memoryFlags, NODE_CONDITIONS, withNodeConditions } from '../../scripts/node-options.mjs'

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

  it('the launcher starts with the memory settings, which an operator can change or turn off, and refuses a bad one', () => {
    const launched = (env: Record<string, string>) =>
      spawnSync(process.execPath, ['scripts/launch.mjs', '-e', 'console.log(JSON.stringify({ flags: process.execArgv, arenas: process.env.MALLOC_ARENA_MAX }))'], {
        env: { ...process.env, HEAP_GROWING_PERCENT: '', MALLOC_ARENA_MAX: '', ...env },
        encoding: 'utf8',
        timeout: 60_000,
      })
    const seen = (r: ReturnType<typeof launched>) => JSON.parse(r.stdout.trim().split('\n').pop()!) as { flags: string[]; arenas: string }
    const byDefault = launched({})
    expect(byDefault.status, byDefault.stderr).toBe(0)
    expect(seen(byDefault).flags).toContain('--heap-growing-percent=50')
    expect(seen(byDefault).arenas).toBe('2')
    const tuned = seen(launched({ HEAP_GROWING_PERCENT: '80', MALLOC_ARENA_MAX: '4' }))
    expect(tuned.flags).toContain('--heap-growing-percent=80')
    expect(tuned.arenas).toBe('4')
    expect(seen(launched({ HEAP_GROWING_PERCENT: '0' })).flags.some((f) => f.startsWith('--heap-growing-percent'))).toBe(false)
    const bad = launched({ HEAP_GROWING_PERCENT: 'lots' })
    expect(bad.status).toBe(2)
    expect(bad.stderr).toContain('HEAP_GROWING_PERCENT must be a whole number from 0 to 400, not "lots"')
    expect(() => memoryFlags({ ...process.env, HEAP_GROWING_PERCENT: '401' })).toThrow(/HEAP_GROWING_PERCENT/)
  })

  it('twelve processes in a row load the rich-text package and exit cleanly', async () => {
    const codes: (number | null)[] = []
    for (let i = 0; i < 6; i++) codes.push(...(await Promise.all([loadRichText(NODE_CONDITIONS), loadRichText(NODE_CONDITIONS)])))
    expect(codes).toEqual(Array(12).fill(0))
  })
})
