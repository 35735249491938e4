import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import type { Server } from 'node:http'
import os from 'node:os'
import path from 'node:path'

import type { Payload } from 'payload'
import type { Browser } from 'playwright-core'

/**
 * The environment of an e2e test that runs the Express app in its own process
 * (resident pages need no Next build): a fresh data directory with an embedded
 * SQLite database, a random secret, Chinese time. Call at module level, before
 * the server's modules are imported; remove the returned directory afterwards
 * (closeInProcess).
 */
export function inProcessEnv(name: string, extra: Record<string, string> = {}): string {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `street-news-e2e-${name}-`))
  Object.assign(process.env, {
    DATA_DIR: dataDir,
    MEDIA_DIR: path.join(dataDir, 'media'),
    PAYLOAD_SECRET: randomBytes(24).toString('hex'),
    TZ: 'Asia/Shanghai',
    LOG_LEVEL: process.env.LOG_LEVEL || 'warn',
    DATABASE_URI: '',
    ...extra,
  })
  return dataDir
}

/**
 * The end of such a test, in afterAll: the browser closed, the app's open
 * connections and its listener closed, Payload destroyed, then the data
 * directory from inProcessEnv removed. Whatever else a file started (a
 * stand-in provider, an emulator) it closes itself, after this.
 */
export async function closeInProcess(dataDir: string, app: { browser?: Browser; server?: Server; payload?: Payload }): Promise<void> {
  await app.browser?.close()
  const { server } = app
  if (server) {
    server.closeAllConnections()
    await new Promise((r) => server.close(r))
  }
  await app.payload?.destroy?.()
  fs.rmSync(dataDir, { recursive: true, force: true })
}
