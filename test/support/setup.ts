import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/**
 * Runs in each test process before its test file: a fresh data directory and
 * database of its own, on the leg TEST_DB chooses.
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'street-news-test-'))
process.env.DATA_DIR = dir
process.env.MEDIA_DIR = path.join(dir, 'media')
process.env.PAYLOAD_SECRET ||= randomBytes(24).toString('hex')
process.env.PHONE_KEY ||= randomBytes(24).toString('hex')
process.env.TZ ||= 'Asia/Shanghai'
process.env.LOG_LEVEL ||= 'warn'
process.env.PUBLIC_URL ||= 'http://127.0.0.1:3000'
// The daily backup would otherwise run at a test's first scheduler tick; its own tests turn it on.
process.env.BACKUP_DIR ||= 'off'
// The daily external link watch goes out to the network: tests call it themselves (test/checks/link-watch.test.ts).
process.env.LINK_WATCH_HOUR ||= 'off'

if (process.env.TEST_DB === 'mongo') {
  const base = process.env.TEST_MONGODB_URI
  if (!base) throw new Error('TEST_DB=mongo needs TEST_MONGODB_URI (test/support/globalSetup.ts starts FerretDB)')
  const url = new URL(base)
  url.pathname = `/sn_${randomBytes(6).toString('hex')}`
  process.env.DATABASE_URI = url.toString()
} else {
  delete process.env.DATABASE_URI
}
