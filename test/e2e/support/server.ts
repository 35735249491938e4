import { type ChildProcess, spawn } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

const ROOT = process.cwd()
export const E2E_OUT = path.join(ROOT, 'test-results', 'e2e')

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo
      srv.close(() => resolve(port))
    })
  })
}

/** Poll /healthz until the server answers 200, the child dies, or time runs out. */
async function waitHealthy(url: string, child: ChildProcess, logFile: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n')
      throw new Error(`server exited (${child.exitCode ?? child.signalCode}) before it was healthy; ${logFile} ends with:\n${tail}`)
    }
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) })
      if (res.ok) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`server not healthy after ${timeoutMs / 1000} s; see ${logFile}`)
}

export type E2EServer = { baseUrl: string; logFile: string; stop: () => Promise<void> }

/**
 * The real server (`npm start`, production build already made) on a free
 * port with a fresh data directory, so it migrates and seeds the demo street
 * as a fresh install does. `env` adds settings (channels, delivery tuning) on
 * top of the defaults; the log goes to test-results/e2e/<name>.log.
 */
export async function startServer(opts: { name: string; env?: Record<string, string> }): Promise<E2EServer> {
  fs.mkdirSync(E2E_OUT, { recursive: true })
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `street-news-${opts.name}-`))
  const port = await freePort()
  const baseUrl = `http://127.0.0.1:${port}`
  const logFile = path.join(E2E_OUT, `${opts.name}.log`)
  const log = fs.openSync(logFile, 'w')

  // `npm start` itself: the launcher retries a start lost to Node 20's module-hook race.
  const child = spawn(process.execPath, ['scripts/launch.mjs', 'src/server/start.ts'], {
    cwd: ROOT,
    // Own process group: the launcher runs node as a child, and both must stop at the end.
    detached: true,
    stdio: ['ignore', log, log],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      PUBLIC_URL: baseUrl,
      DATA_DIR: dataDir,
      MEDIA_DIR: path.join(dataDir, 'media'),
      DATABASE_URI: '',
      SEED_DEMO: '',
      PROCESS_ROLE: 'all',
      ...opts.env,
    },
  })
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r))
      try {
        process.kill(-child.pid!, 'SIGTERM')
      } catch {
        // already gone
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL')
        } catch {
          // already gone
        }
      }, 10_000)
      await exited
      clearTimeout(timer)
    }
    fs.closeSync(log)
    fs.rmSync(dataDir, { recursive: true, force: true })
  }

  try {
    await waitHealthy(baseUrl, child, logFile, 180_000)
  } catch (err) {
    await stop()
    throw err
  }
  return { baseUrl, logFile, stop }
}
