import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { startServerProcess } from '../../support/server-process'

export const E2E_OUT = path.join(process.cwd(), 'test-results', 'e2e')

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
  const logFile = path.join(E2E_OUT, `${opts.name}.log`)
  const removeData = () => fs.rmSync(dataDir, { recursive: true, force: true })
  try {
    const server = await startServerProcess({
      logFile,
      env: { DATA_DIR: dataDir, MEDIA_DIR: path.join(dataDir, 'media'), DATABASE_URI: '', SEED_DEMO: '', BACKUP_DIR: 'off', ...opts.env },
    })
    return {
      baseUrl: server.base,
      logFile,
      stop: async () => {
        await server.stop(10_000)
        removeData()
      },
    }
  } catch (err) {
    removeData()
    throw new Error(`${(err as Error).message}\n(see ${logFile})`)
  }
}
