import fs from 'node:fs'
import fsp from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import { Worker } from 'node:worker_threads'

/**
 * Backups of the embedded database (SQLite) and the uploaded images, and
 * their restore into an empty data directory. MongoDB is backed up with its
 * own tools (docs/deployment.md).
 *
 * A backup is a directory `street-news-YYYYMMDDTHHMMSSZ` (UTC) under the
 * backup folder:
 * - `street-news.db`: the database as of one moment, made with SQLite's
 *   `VACUUM INTO` on a connection of its own. It is one read transaction, so
 *   it is consistent while saves and deliveries go on (WAL lets them write
 *   meanwhile) and holds every row committed before it began. It runs in a
 *   worker thread: the driver is synchronous and would otherwise stop the
 *   server's event loop for the length of the copy. The copy is checked
 *   (`PRAGMA quick_check`) before it counts.
 * - `media/`: the uploaded images, copied after the database, so every image
 *   a row of the copy names is there (Payload writes the file before the row).
 *   Uploaded files never change, so a file the previous backup holds with the
 *   same size is hard-linked, not copied again: a daily backup costs the
 *   database and the day's new images.
 * - `payload-secret`: the generated session secret, when there is one
 *   (tracking links in messages already sent are signed with it).
 * - `backup.json`: what the backup holds.
 * It is written as `….partial` and renamed when complete, so a backup that
 * was interrupted is never taken for one.
 */
export const BACKUP_DB_FILE = 'street-news.db'
const PREFIX = 'street-news-'
const NAME = /^street-news-(\d{8}T\d{6}Z)$/
const PARTIAL = '.partial'

export type BackupManifest = {
  format: 1
  createdAt: string
  database: string
  databaseBytes: number
  mediaFiles: number
  mediaLinked: number
  secret: boolean
}

export type BackupSource = {
  /** The database file (a path, or a file: URL as DATABASE_URI gives it). */
  database: string
  mediaDir: string
  dataDir: string
}

/** The file of a database given as a path or a file: URL (DATABASE_URI's form). */
const filePath = (database: string) => path.resolve(database.replace(/^file:(\/\/)?/, '').replace(/\?.*$/, ''))

const stamp = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z')
const fromStamp = (s: string) => new Date(`${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T${s.slice(9, 11)}:${s.slice(11, 13)}:${s.slice(13, 15)}Z`)

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const { createClient } = require(workerData.driver)
;(async () => {
  let source, copy
  try {
    source = createClient({ url: workerData.url })
    await source.execute('PRAGMA busy_timeout = 15000')
    await source.execute({ sql: 'VACUUM INTO ?', args: [workerData.target] })
    copy = createClient({ url: workerData.targetUrl })
    const check = await copy.execute('PRAGMA quick_check')
    const verdict = check.rows.map((r) => Object.values(r)[0]).join('; ')
    parentPort.postMessage(verdict === 'ok' ? { ok: true } : { ok: false, error: 'the copy failed its check: ' + verdict })
  } catch (err) {
    parentPort.postMessage({ ok: false, error: String((err && err.message) || err) })
  } finally {
    try { source && source.close() } catch {}
    try { copy && copy.close() } catch {}
  }
})()
`

/** Copy the database as of one moment into `target` (a new file), off the calling thread. */
function vacuumInto(database: string, target: string): Promise<void> {
  const driver = createRequire(createRequire(import.meta.url).resolve('@payloadcms/db-sqlite')).resolve('@libsql/client')
  const url = database.startsWith('file:') ? database : `file:${database}`
  const worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [], workerData: { driver, url, target, targetUrl: `file:${target}` } })
  return new Promise<void>((resolve, reject) => {
    worker.once('message', (m: { ok: boolean; error?: string }) => (m.ok ? resolve() : reject(new Error(`copying the database failed: ${m.error}`))))
    worker.once('error', reject)
    worker.once('exit', (code) => reject(new Error(`the backup thread stopped (exit ${code})`)))
  }).finally(() => void worker.terminate())
}

/** The complete backups in `dir`, newest first. */
export async function listBackups(dir: string): Promise<{ name: string; path: string; createdAt: Date }[]> {
  const names = await fsp.readdir(dir).catch(() => [] as string[])
  return names
    .map((name) => ({ name, m: NAME.exec(name) }))
    .filter((e): e is { name: string; m: RegExpExecArray } => e.m !== null)
    .map(({ name, m }) => ({ name, path: path.join(dir, name), createdAt: fromStamp(m[1]) }))
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
}

async function* filesUnder(root: string, rel = ''): AsyncGenerator<string> {
  const entries = await fsp.readdir(path.join(root, rel), { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return []
    throw err
  })
  for (const e of entries) {
    const r = path.join(rel, e.name)
    if (e.isDirectory()) yield* filesUnder(root, r)
    else if (e.isFile()) yield r
  }
}

/** Copy `from` into the new directory `to`; a file `previous` holds with the same size is hard-linked instead. */
async function copyMedia(from: string, to: string, previous: string | null): Promise<{ files: number; linked: number }> {
  let files = 0
  let linked = 0
  await fsp.mkdir(to, { recursive: true })
  for await (const rel of filesUnder(from)) {
    const src = path.join(from, rel)
    const dst = path.join(to, rel)
    await fsp.mkdir(path.dirname(dst), { recursive: true })
    files++
    if (previous) {
      const old = path.join(previous, rel)
      const [a, b] = await Promise.all([fsp.stat(src).catch(() => null), fsp.stat(old).catch(() => null)])
      if (a && b && a.size === b.size) {
        try {
          await fsp.link(old, dst)
          linked++
          continue
        } catch {
          // another file system, or links not allowed: copy
        }
      }
    }
    // A file deleted since the listing is simply not in the backup.
    await fsp.copyFile(src, dst).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err
      files--
    })
  }
  return { files, linked }
}

/** Make one backup under `backupDir`; resolves with its directory and manifest. */
export async function createBackup(source: BackupSource, backupDir: string, now = new Date()): Promise<{ dir: string; manifest: BackupManifest }> {
  const database = filePath(source.database)
  if (!fs.existsSync(database)) throw new Error(`no database file at ${database}`)
  await fsp.mkdir(backupDir, { recursive: true, mode: 0o700 })
  const finalDir = path.join(backupDir, `${PREFIX}${stamp(now)}`)
  const partial = finalDir + PARTIAL
  if (fs.existsSync(finalDir)) throw new Error(`${finalDir} exists already`)
  await fsp.rm(partial, { recursive: true, force: true })
  await fsp.mkdir(partial, { mode: 0o700 })
  try {
    const dbCopy = path.join(partial, BACKUP_DB_FILE)
    await vacuumInto(database, dbCopy)
    await fsp.chmod(dbCopy, 0o600)
    const previous = (await listBackups(backupDir))[0]
    const media = await copyMedia(path.resolve(source.mediaDir), path.join(partial, 'media'), previous ? path.join(previous.path, 'media') : null)
    const secretFile = path.join(source.dataDir, '.payload-secret')
    const secret = fs.existsSync(secretFile)
    if (secret) await fsp.copyFile(secretFile, path.join(partial, 'payload-secret'))
    if (secret) await fsp.chmod(path.join(partial, 'payload-secret'), 0o600)
    const manifest: BackupManifest = {
      format: 1,
      createdAt: now.toISOString(),
      database: BACKUP_DB_FILE,
      databaseBytes: (await fsp.stat(dbCopy)).size,
      mediaFiles: media.files,
      mediaLinked: media.linked,
      secret,
    }
    await fsp.writeFile(path.join(partial, 'backup.json'), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 })
    await fsp.rename(partial, finalDir)
    return { dir: finalDir, manifest }
  } catch (err) {
    await fsp.rm(partial, { recursive: true, force: true }).catch(() => {})
    throw err
  }
}

/**
 * Delete backups older than `keepDays` (the newest always stays, however
 * old) and pieces of interrupted ones; resolves with the deleted names.
 */
export async function pruneBackups(backupDir: string, keepDays: number, now = new Date()): Promise<string[]> {
  const cutoff = now.getTime() - keepDays * 86_400_000
  const [newest, ...older] = await listBackups(backupDir)
  const doomed = older.filter((b) => b.createdAt.getTime() < cutoff).map((b) => b.name)
  if (newest) {
    for (const name of await fsp.readdir(backupDir)) {
      const m = /^street-news-(\d{8}T\d{6}Z)\.partial$/.exec(name)
      if (m && fromStamp(m[1]).getTime() < now.getTime() - 86_400_000) doomed.push(name)
    }
  }
  for (const name of doomed) await fsp.rm(path.join(backupDir, name), { recursive: true, force: true })
  return doomed
}

/** Why a restore did nothing: the target holds data, or the source is not a backup. */
export class RestoreRefused extends Error {
  constructor(
    readonly reason: 'notEmpty' | 'notBackup' | 'exists',
    readonly path: string,
    message: string,
  ) {
    super(message)
  }
}

/** What is in a directory (ignoring nothing): an empty or missing one is []. */
const contents = (dir: string) => fsp.readdir(dir).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? [] : Promise.reject(err)))

/**
 * Bring `backup` (a backup directory) back: the database to `target.database`,
 * the images to `target.mediaDir`, the session secret into `target.dataDir`.
 * Refuses (RestoreRefused) unless the data directory, and a media directory
 * outside it, are empty or missing: a restore never writes over data.
 */
export async function restoreBackup(backup: string, target: BackupSource): Promise<BackupManifest> {
  const manifestFile = path.join(backup, 'backup.json')
  if (!fs.existsSync(manifestFile)) throw new RestoreRefused('notBackup', backup, `${backup} is not a Street News backup (no backup.json)`)
  const manifest = JSON.parse(await fsp.readFile(manifestFile, 'utf8')) as BackupManifest
  const dataDir = path.resolve(target.dataDir)
  const mediaDir = path.resolve(target.mediaDir)
  const database = filePath(target.database)
  for (const dir of new Set([dataDir, mediaDir])) {
    const found = await contents(dir)
    if (found.length) {
      throw new RestoreRefused('notEmpty', dir, `${dir} is not empty (${found.slice(0, 5).join(', ')}${found.length > 5 ? ', …' : ''}): restore only into an empty directory`)
    }
  }
  if (fs.existsSync(database)) throw new RestoreRefused('exists', database, `${database} exists already: restore only where there is no database`)
  await fsp.mkdir(path.dirname(database), { recursive: true })
  await fsp.copyFile(path.join(backup, manifest.database), database, fs.constants.COPYFILE_EXCL)
  await fsp.chmod(database, 0o600)
  await fsp.mkdir(mediaDir, { recursive: true })
  await fsp.cp(path.join(backup, 'media'), mediaDir, { recursive: true, errorOnExist: true, force: false }).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err
  })
  if (manifest.secret) {
    await fsp.mkdir(dataDir, { recursive: true })
    await fsp.copyFile(path.join(backup, 'payload-secret'), path.join(dataDir, '.payload-secret'), fs.constants.COPYFILE_EXCL)
    await fsp.chmod(path.join(dataDir, '.payload-secret'), 0o600)
  }
  return manifest
}
