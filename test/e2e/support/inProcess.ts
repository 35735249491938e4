import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/**
 * The environment of an e2e test that runs the Express app in its own process
 * (resident pages need no Next build): a fresh data directory with an embedded
 * SQLite database, a random secret, Chinese time. Call at module level, before
 * the server's modules are imported; remove the returned directory afterwards.
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
