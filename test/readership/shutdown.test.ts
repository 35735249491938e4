import { type ChildProcess, spawn } from 'node:child_process'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { openPixelUrl } from '../../src/delivery/links'
import { readerKey } from '../../src/readership/tokens'
import { ensureBuild } from '../../src/server/build'
import { freePort } from '../support/ferretdb'
import { testPayload } from '../support/payload'
import { BROWSER } from './support'

/**
 * The real server (`tsx src/server/start.ts`, as `npm start` runs it) stopped
 * with SIGTERM right after answering a burst of pixels: every read it
 * answered is in the database afterwards. READ_FLUSH_MS is set far beyond the
 * test's length, so the buffer's timer writes none of them: what the last
 * scheduler tick before the stop did not write (it flushes before the rollup),
 * only the shutdown path writes. Builds the admin first if the build is not current.
 */
const mongoLeg = process.env.TEST_DB === 'mongo'
const ROOT = process.cwd()
const READS = 1500
let server: ChildProcess
let base: string
const output: string[] = []

async function waitHealthy(timeoutMs: number) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (server.exitCode !== null || server.signalCode !== null) throw new Error(`server exited (${server.exitCode ?? server.signalCode}):\n${output.slice(-30).join('')}`)
    try {
      if ((await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2000) })).ok) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`server not healthy after ${timeoutMs / 1000} s:\n${output.slice(-30).join('')}`)
}

beforeAll(async () => {
  await ensureBuild()
  const port = await freePort()
  base = `http://127.0.0.1:${port}`
  // The server writes to this test's own database: the file testPayload() opens afterwards (or this leg's MongoDB database).
  const databaseUri = mongoLeg ? process.env.DATABASE_URI! : `file:${path.join(process.env.DATA_DIR!, 'street-news-dev.db')}`
  for (let attempt = 1; ; attempt++) {
    output.length = 0
    server = spawn(path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['src/server/start.ts'], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_ENV: 'production', HOST: '127.0.0.1', PORT: String(port), PUBLIC_URL: base, DATABASE_URI: databaseUri, PROCESS_ROLE: 'all', LOG_LEVEL: 'info', READ_FLUSH_MS: '600000', SEED_DEMO: '' },
    })
    server.stdout!.on('data', (d) => output.push(String(d)))
    server.stderr!.on('data', (d) => output.push(String(d)))
    try {
      await waitHealthy(180_000)
      return
    } catch (err) {
      // tsx on Node 20 can end a start with exit 13 while loading modules on a busy machine (see db-start.test.ts).
      if (server.exitCode !== 13 || attempt === 3) throw err
    }
  }
}, 900_000)

afterAll(async () => {
  if (!server || server.exitCode !== null || server.signalCode !== null) return
  process.kill(-server.pid!, 'SIGKILL')
})

describe('a normal stop of the server', () => {
  it('writes every read it answered before the process ends', async () => {
    const t = (i: number) => ({ channel: 'email' as const, contentType: 'issues' as const, contentId: 'stop-1', grid: '1', reader: readerKey('issues', 'stop-1', `ref-${i}`) })
    let next = 0
    let answered = 0
    const worker = async () => {
      while (next < READS) {
        const i = next++
        const res = await fetch(openPixelUrl(t(i), base), { headers: { 'user-agent': BROWSER } })
        await res.arrayBuffer()
        if (res.status === 200) answered++
      }
    }
    await Promise.all(Array.from({ length: 16 }, worker))
    expect(answered).toBe(READS)

    const exited = new Promise<number | null>((r) => server.once('exit', (code) => r(code)))
    process.kill(-server.pid!, 'SIGTERM')
    const timer = setTimeout(() => process.kill(-server.pid!, 'SIGKILL'), 30_000)
    const code = await exited
    clearTimeout(timer)
    expect(code, output.slice(-20).join('')).toBe(0)
    expect(output.join('')).toContain('stopping')

    const payload = await testPayload()
    const stored = (await payload.db.count({ collection: 'read-events', where: { contentId: { equals: 'stop-1' } } })).totalDocs
    expect(stored).toBe(READS)
  })
})
