import { type ChildProcess, spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

import { freePort } from './ferretdb'

const ROOT = process.cwd()

export type ServerProcess = {
  base: string
  child: ChildProcess
  /** Everything the server wrote so far (stdout and stderr). */
  output: () => string
  /** SIGTERM to the whole process group (SIGKILL after `graceMs`); resolves with the exit code. */
  stop: (graceMs?: number) => Promise<number | null>
  /** SIGKILL to the whole process group. */
  kill: () => void
  /** The pid of the server itself (the launcher's child: scripts/launch.mjs starts it with tsx). Linux only. */
  serverPid: () => number
}

/**
 * The real server as `npm start` runs it (scripts/launch.mjs), production mode, on a free
 * loopback port, in its own process group so that the launcher and the server
 * stop together. Resolves once /healthz answers 200. `env` comes on top of
 * this process's environment; `logFile` also receives the output. `user`
 * runs it as that unprivileged user (uid and gid; needs root), so that file
 * permissions apply to it: the data directory must then be its own.
 */
export async function startServerProcess(
  opts: { env?: Record<string, string>; logFile?: string; timeoutMs?: number; user?: { uid: number; gid: number } } = {},
): Promise<ServerProcess> {
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const chunks: string[] = []
  const log = opts.logFile ? fs.openSync(opts.logFile, 'w') : null
  const child = spawn(process.execPath, [path.join('scripts', 'launch.mjs'), 'src/server/start.ts'], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Without the demo's readership history unless a test asks for it (SEED_DEMO_HISTORY in docs/configuration.md).
    env: { ...process.env, NODE_ENV: 'production', HOST: '127.0.0.1', PORT: String(port), PUBLIC_URL: base, PROCESS_ROLE: 'all', SEED_DEMO_HISTORY: '0', ...opts.env },
    ...(opts.user ? { uid: opts.user.uid, gid: opts.user.gid } : {}),
  })
  const collect = (d: Buffer) => {
    chunks.push(String(d))
    if (log !== null) fs.writeSync(log, d)
  }
  child.stdout!.on('data', collect)
  child.stderr!.on('data', collect)
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  exited.then(() => log !== null && fs.closeSync(log)).catch(() => {})
  const output = () => chunks.join('')
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, s)
    } catch {
      // already gone
    }
  }
  const running = () => child.exitCode === null && child.signalCode === null
  const stop = async (graceMs = 15_000) => {
    if (!running()) return child.exitCode
    signal('SIGTERM')
    const timer = setTimeout(() => signal('SIGKILL'), graceMs)
    const code = await exited
    clearTimeout(timer)
    return code
  }
  const serverPid = () => {
    const children = fs.readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)
    if (children.length !== 1) throw new Error(`expected the launcher to have one child, found ${children.length}`)
    return Number(children[0])
  }
  const server: ServerProcess = { base, child, output, stop, kill: () => signal('SIGKILL'), serverPid }

  const deadline = Date.now() + (opts.timeoutMs ?? 180_000)
  for (;;) {
    if (!running()) throw new Error(`server exited (${child.exitCode ?? child.signalCode}) before it was healthy:\n${output().split('\n').slice(-30).join('\n')}`)
    try {
      if ((await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2000) })).ok) return server
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      server.kill()
      throw new Error(`server not healthy after ${(opts.timeoutMs ?? 180_000) / 1000} s:\n${output().split('\n').slice(-30).join('\n')}`)
    }
    await new Promise((r) => setTimeout(r, 250))
  }
}
