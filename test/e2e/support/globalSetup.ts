import { type ChildProcess, spawn } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

import type { TestProject } from 'vitest/node'

import { ensureBuild } from '../../../src/server/build'

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string
  }
}

const ROOT = process.cwd()
export const E2E_OUT = path.join(ROOT, 'test-results', 'e2e')

function freePort(): Promise<number> {
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

/**
 * Before the browser tests: make sure the production build is current, then
 * start the real server (`npm start`) on a free port with a fresh data
 * directory, so it migrates and seeds the demo street as a fresh install does.
 */
export default async function globalSetup(project: TestProject) {
  fs.rmSync(E2E_OUT, { recursive: true, force: true })
  fs.mkdirSync(E2E_OUT, { recursive: true })

  // While writing tests: E2E_BASE_URL points at a server already running on a
  // freshly seeded database, and nothing is built or started here.
  if (process.env.E2E_BASE_URL) {
    project.provide('baseUrl', process.env.E2E_BASE_URL.replace(/\/+$/, ''))
    return
  }

  await ensureBuild()
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'street-news-e2e-'))
  const port = await freePort()
  const baseUrl = `http://127.0.0.1:${port}`
  const logFile = path.join(E2E_OUT, 'server.log')
  const log = fs.openSync(logFile, 'w')

  const started = Date.now()
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
  process.stderr.write(`[e2e] server ready at ${baseUrl} in ${Math.round((Date.now() - started) / 1000)} s (log: ${path.relative(ROOT, logFile)})\n`)

  project.provide('baseUrl', baseUrl)
  return stop
}
