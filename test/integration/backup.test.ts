import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'

import type { Payload } from 'payload'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { closeDeliveryChannels } from '../../src/delivery/channels'
import { runBackupJob } from '../../src/jobs/backup'
import { ensureBuild } from '../../src/server/build'
import { sqliteUrl } from '../../src/server/env'
import { listBackups } from '../../src/store/backup'
import { addSubscribers, deliveriesOf, drain, publishIssue } from '../delivery/support'
import { PASSWORD, smallStreet, type Id } from '../support/fixtures'
import { testPayload } from '../support/payload'
import { type ServerProcess, startServerProcess } from '../support/server-process'
import { startSmtpServer, type SmtpTestServer } from '../support/smtp-server'
import { uploadImage } from '../site/support'

/**
 * Backups of the embedded SQLite database (and the images), online.
 *
 * `npm run backup` runs as its own process while this one delivers an issue
 * by email (receipts and progress written batch after batch) and saves
 * content at the same time; `npm run restore` brings the backup back into an
 * empty directory (and refuses a non-empty one); the real server starts on
 * it, and every row committed before the backup began is there.
 *
 * On the MongoDB leg the commands refuse with the advice to use mongodump
 * (docs/deployment.md) and the daily job does nothing: MongoDB is backed up
 * with its own tools.
 */
const mongoLeg = process.env.TEST_DB === 'mongo'
const run = promisify(execFile)

let payload: Payload
let street: Awaited<ReturnType<typeof smallStreet>>
let smtp: SmtpTestServer | null = null
let server: ServerProcess | null = null
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'street-news-backup-test-'))

/** `npm run backup|restore` as its own process; resolves with its exit code and output. */
async function cli(name: 'backup' | 'restore', args: string[], env: Record<string, string>) {
  try {
    const { stdout } = await run(process.execPath, ['scripts/launch.mjs', `src/cli/${name}.ts`, ...args], { env: { ...process.env, NODE_ENV: 'production', ...env }, timeout: 120_000 })
    return { code: 0, out: stdout }
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string }
    return { code: e.code ?? -1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` }
  }
}

const dbFile = () => sqliteUrl().replace(/^file:/, '')

beforeAll(async () => {
  payload = await testPayload()
  street = await smallStreet(payload)
})

afterAll(async () => {
  await server?.stop()
  await closeDeliveryChannels()
  await smtp?.close()
  fs.rmSync(work, { recursive: true, force: true })
})

describe.skipIf(mongoLeg)('backup and restore of the embedded database', () => {
  it('backs up while a delivery and saves are writing, restores into an empty directory, and the server started on it has every row committed before the backup began', async () => {
    await ensureBuild()
    smtp = await startSmtpServer({ keep: false })
    Object.assign(process.env, { SMTP_URL: smtp.url, MAIL_FROM: '聚焦徐碧 <news@street.test>', DELIVERY_BATCH_SIZE: '25', DELIVERY_CONCURRENCY: '2' })
    const image = await uploadImage(payload, 'backup-cover.jpg', '封面')
    await addSubscribers(payload, 1500, { grid: street.gridA1.id, prefix: 'bk-' })
    const issue = await publishIssue(payload, '备份期间发送的一期')
    const delivery = (await deliveriesOf(payload, 'issues', issue.id)).find((d) => d.channel === 'email')!

    // The delivery runs in this process, batch after batch, and saves go on beside it.
    let saving = true
    const saved: Id[] = []
    const saves = (async () => {
      for (let i = 0; saving; i++) {
        const c = (await payload.create({ collection: 'communities', data: { code: `BK-${i}`, name: `备份中 ${i}` }, overrideAccess: true })) as { id: Id }
        saved.push(c.id)
        await new Promise((r) => setTimeout(r, 10))
      }
    })()
    const delivering = drain(payload, 50)
    await expect.poll(() => smtp!.accepted(), { timeout: 60_000, interval: 50 }).toBeGreaterThan(100)

    // Committed before the backup began: what this process has seen finish.
    const receiptsBefore = (await payload.db.find({ collection: 'delivery-receipts', limit: 0, pagination: false })).docs.map((r) => String(r.id))
    const savedBefore = [...saved]
    const sentBefore = smtp.accepted()
    const backupDir = path.join(work, 'backups')
    const backup = await cli('backup', ['--out', backupDir], { DATABASE_URI: sqliteUrl() })
    const sentAfter = smtp.accepted()
    saving = false
    await saves
    expect(backup.code, backup.out).toBe(0)
    expect(backup.out).toContain('备份完成')
    // Writes really went on while it ran: the delivery had more to send when it began, and sent more meanwhile.
    expect(sentBefore).toBeLessThan(1500)
    expect(sentAfter).toBeGreaterThan(sentBefore)
    expect(receiptsBefore.length).toBeGreaterThan(0)

    const [made] = await listBackups(backupDir)
    expect(made).toBeDefined()
    const manifest = JSON.parse(fs.readFileSync(path.join(made.path, 'backup.json'), 'utf8'))
    expect(manifest).toMatchObject({ format: 1, database: 'street-news.db', secret: false })
    expect(manifest.mediaFiles).toBeGreaterThanOrEqual(3) // the image and its two sizes
    expect(fs.readdirSync(made.path).filter((n) => n.endsWith('.partial'))).toEqual([])

    // Restore: a non-empty directory is refused, an empty one filled.
    const busy = path.join(work, 'busy')
    fs.mkdirSync(busy)
    fs.writeFileSync(path.join(busy, 'keep.txt'), 'mine')
    const refused = await cli('restore', [made.path], { DATA_DIR: busy, MEDIA_DIR: '', DATABASE_URI: '' })
    expect(refused.code).toBe(3)
    expect(refused.out).toContain('不是空目录')
    expect(fs.readdirSync(busy)).toEqual(['keep.txt'])
    const restored = path.join(work, 'restored')
    const restore = await cli('restore', [made.path], { DATA_DIR: restored, MEDIA_DIR: '', DATABASE_URI: '' })
    expect(restore.code, restore.out).toBe(0)
    expect(fs.existsSync(path.join(restored, 'media', image.filename))).toBe(true)

    // The server on the restored directory: nothing sent from it (no SMTP), every committed row there.
    server = await startServerProcess({ env: { DATA_DIR: restored, MEDIA_DIR: '', DATABASE_URI: '', SMTP_URL: '', SEED_DEMO: '' } })
    const login = await fetch(`${server.base}/api/users/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: street.admin.email, password: PASSWORD }),
    })
    expect(login.status).toBe(200)
    const token = ((await login.json()) as { token: string }).token
    const get = async (p: string) => {
      const res = await fetch(`${server!.base}/api/${p}`, { headers: { Authorization: `JWT ${token}` } })
      expect(res.status, p).toBe(200)
      return res.json() as Promise<any>
    }
    for (let i = 0; i < savedBefore.length; i += 50) {
      const ids = savedBefore.slice(i, i + 50)
      const page = await get(`communities?where[id][in]=${ids.join(',')}&limit=50&depth=0`)
      expect(page.totalDocs).toBe(ids.length)
    }
    expect((await get(`issues/${issue.id}?depth=0`)).title).toBe('备份期间发送的一期')
    expect((await get(`deliveries/${delivery.id}?depth=0`)).channel).toBe('email')
    const file = await fetch(`${server.base}/api/media/file/${encodeURIComponent(image.filename)}`)
    expect(file.status).toBe(200)
    // Receipts are nobody's to read through the API: read the restored file itself.
    const { createClient } = await import('@libsql/client')
    const db = createClient({ url: `file:${path.join(restored, 'street-news.db')}` })
    try {
      const rows = (await db.execute('SELECT id FROM delivery_receipts')).rows.map((r) => String(r.id))
      const inBackup = new Set(rows)
      expect(receiptsBefore.filter((id) => !inBackup.has(id))).toEqual([])
    } finally {
      db.close()
    }
    // The delivery went on to the end in the original database.
    await delivering
    expect(smtp.accepted()).toBe(1500)
  }, 600_000)

  it('makes the daily backup once a day at BACKUP_HOUR and keeps BACKUP_KEEP_DAYS of them; a second backup links unchanged images', async () => {
    const dir = path.join(work, 'daily')
    fs.mkdirSync(dir, { recursive: true })
    // Two old backups: one past the retention, one within it.
    for (const name of ['street-news-20200101T010000Z', 'street-news-20261128T190000Z', 'street-news-20200101T010000Z.partial']) {
      fs.mkdirSync(path.join(dir, name))
      fs.writeFileSync(path.join(dir, name, 'backup.json'), '{}')
    }
    Object.assign(process.env, { BACKUP_DIR: dir, BACKUP_KEEP_DAYS: '3', BACKUP_HOUR: '3' })
    try {
      // 02:30 street time (UTC+8): before the hour.
      expect(await runBackupJob(payload, new Date('2026-11-30T18:30:00Z'))).toBeNull()
      const first = await runBackupJob(payload, new Date('2026-11-30T19:30:00Z'))
      expect(first).not.toBeNull()
      expect(first!.pruned.sort()).toEqual(['street-news-20200101T010000Z', 'street-news-20200101T010000Z.partial'])
      // Once a day, however many ticks.
      expect(await runBackupJob(payload, new Date('2026-11-30T23:00:00Z'))).toBeNull()
      const names = (await listBackups(dir)).map((b) => b.name)
      expect(names).toEqual(['street-news-20261130T193000Z', 'street-news-20261128T190000Z'])
      // The next day: a new backup, images hard-linked from the previous one.
      const second = await runBackupJob(payload, new Date('2026-12-01T19:30:00Z'))
      expect(second).not.toBeNull()
      const manifest = JSON.parse(fs.readFileSync(path.join(second!.dir, 'backup.json'), 'utf8'))
      expect(manifest.mediaFiles).toBeGreaterThan(0)
      expect(manifest.mediaLinked).toBe(manifest.mediaFiles)
      // 2026-11-28T19:00Z is now older than three days.
      expect(second!.pruned).toEqual(['street-news-20261128T190000Z'])
      expect(fs.existsSync(dbFile())).toBe(true)
    } finally {
      delete process.env.BACKUP_HOUR
      delete process.env.BACKUP_KEEP_DAYS
      process.env.BACKUP_DIR = 'off'
    }
  }, 120_000)
})

describe.skipIf(!mongoLeg)('backups on MongoDB', () => {
  it('has npm run backup and restore refuse with the advice to use mongodump, and no daily job', async () => {
    const backup = await cli('backup', ['--out', path.join(work, 'never')], {})
    expect(backup.code).toBe(2)
    expect(backup.out).toContain('mongodump')
    expect(fs.existsSync(path.join(work, 'never'))).toBe(false)
    const restore = await cli('restore', [work], { DATA_DIR: path.join(work, 'empty') })
    expect(restore.code).toBe(2)
    expect(restore.out).toContain('mongorestore')
    process.env.BACKUP_DIR = path.join(work, 'daily')
    try {
      expect(await runBackupJob(payload, new Date('2026-11-30T19:30:00Z'))).toBeNull()
      expect(fs.existsSync(path.join(work, 'daily'))).toBe(false)
    } finally {
      process.env.BACKUP_DIR = 'off'
    }
  })
})
