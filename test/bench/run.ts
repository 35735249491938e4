/**
 * `npm run bench -- NAME [args]`: runs test/bench/NAME.ts in its own process,
 * passing the remaining arguments (e.g. --quick) through, and exits with its code.
 * Benchmarks are not part of `npm test`.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const dir = path.dirname(fileURLToPath(import.meta.url))
const [name, ...args] = process.argv.slice(2)
const available = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.startsWith('_'))
  .map((f) => f.slice(0, -3))
  .sort()

if (!name || !/^[a-z0-9-]+$/.test(name) || !available.includes(name)) {
  process.stderr.write(`usage: npm run bench -- NAME [--quick]\n${name ? `unknown benchmark "${name}". ` : ''}available: ${available.join(', ')}\n`)
  process.exit(2)
}

const tsx = path.resolve('node_modules', '.bin', 'tsx')
const child = spawn(tsx, [path.join(dir, `${name}.ts`), ...args], { stdio: 'inherit' })
const forward = (signal: NodeJS.Signals) => child.kill(signal)
process.on('SIGINT', forward)
process.on('SIGTERM', forward)
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
