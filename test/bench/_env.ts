import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/**
 * The environment every benchmark runs in: a fresh data directory (so a fresh
 * SQLite file), a random secret, production mode, no DATABASE_URI; `extra` on
 * top. Call it before Payload's config is loaded. Returns the directory (the
 * benchmark removes it when done).
 */
export function benchEnvironment(name: string, extra: Record<string, string> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `street-news-bench-${name}-`))
  Object.assign(process.env, {
    DATA_DIR: dir,
    MEDIA_DIR: path.join(dir, 'media'),
    PAYLOAD_SECRET: randomBytes(24).toString('hex'),
    LOG_LEVEL: process.env.LOG_LEVEL || 'warn',
    TZ: process.env.TZ || 'Asia/Shanghai',
    NODE_ENV: 'production',
    // The daily backup would run at the first scheduler tick, inside the measurement.
    BACKUP_DIR: 'off',
    ...extra,
  })
  delete process.env.DATABASE_URI
  return dir
}
