#!/usr/bin/env node
/**
 * Run a TypeScript entry point with tsx: `node scripts/launch.mjs src/server/start.ts`
 * (or `node scripts/launch.mjs -e CODE`, as node's own -e).
 *
 * Why a launcher: on Node 20, tsx's module hooks run off-thread, and under
 * load a dynamic import can be lost between the threads; the process then
 * ends with exit code 13 ("unsettled top-level await") before it has started
 * anything. Such a start is safe to repeat, so it is retried (up to 3 times).
 * Any other exit, or a signal, passes through unchanged.
 */
import { spawn } from 'node:child_process'

const [entry, ...args] = process.argv.slice(2)
if (!entry) {
  process.stderr.write('usage: node scripts/launch.mjs ENTRY.ts [args…]\n')
  process.exit(2)
}

const UNSETTLED_TOP_LEVEL_AWAIT = 13
const MAX_RETRIES = 3
let retries = 0
let child

function run() {
  child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], { stdio: 'inherit' })
  child.on('exit', (code, signal) => {
    if (code === UNSETTLED_TOP_LEVEL_AWAIT && retries < MAX_RETRIES) {
      retries++
      process.stderr.write(`[launch] ${entry} stopped while loading (exit 13, Node 20 module-hook race); starting again (${retries}/${MAX_RETRIES})\n`)
      run()
      return
    }
    if (signal) process.kill(process.pid, signal)
    else process.exit(code ?? 1)
  })
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => child?.kill(signal))
}
run()
