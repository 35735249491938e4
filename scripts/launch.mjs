#!/usr/bin/env node
/**
 * Run a TypeScript entry point with tsx and our Node options
 * and memory settings (scripts/node-options.mjs): `node scripts/launch.mjs src/server/start.ts`
 * (or `node scripts/launch.mjs -e CODE`, as node's own -e). Signals reach the
 * child; its exit code or signal is passed through unchanged.
 */
import { spawn } from 'node:child_process'

import { memoryEnv, memoryFlags, withNodeConditions } from './node-options.mjs'

const [entry, ...args] = process.argv.slice(2)
if (!entry) {
  process.stderr.write('usage: node scripts/launch.mjs ENTRY.ts [args…]\n')
  process.exit(2)
}

let flags
try {
  flags = memoryFlags()
} catch (err) {
  process.stderr.write(`${err.message}\n`)
  process.exit(2)
}
const child = spawn(process.execPath, [...flags, '--import', 'tsx', entry, ...args], {
  stdio: 'inherit',
  env: { ...process.env, ...memoryEnv(), NODE_OPTIONS: withNodeConditions(process.env.NODE_OPTIONS) },
})
const forwarded = ['SIGINT', 'SIGTERM', 'SIGHUP']
for (const signal of forwarded) process.on(signal, () => child.kill(signal))

child.on('exit', (code, signal) => {
  if (!signal) process.exit(code ?? 1)
  // End the same way; our own forwarding handler would otherwise swallow the signal.
  for (const s of forwarded) process.removeAllListeners(s)
  process.kill(process.pid, signal)
})
