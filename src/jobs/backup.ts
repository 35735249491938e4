import type { Payload } from 'payload'

import { env, sqliteUrl } from '../server/env'
import { createBackup, pruneBackups } from '../store/backup'
import { streetHour } from '../templates/format'
import { daySlot, onceInWindow } from './periodic'

/**
 * The daily backup of the embedded database and the images (store/backup.ts),
 * at the first tick at or after BACKUP_HOUR of the street's day, claimed once
 * per day; then backups older than BACKUP_KEEP_DAYS go. Off when BACKUP_DIR
 * is `off`, and on MongoDB (backed up with its own tools, docs/deployment.md).
 * A failed backup is logged and tried again the next day; `npm run backup`
 * makes one at any time.
 */
export type BackupRun = { dir: string; ms: number; databaseBytes: number; mediaFiles: number; pruned: string[] }

export async function runBackupJob(payload: Payload, now = new Date()): Promise<BackupRun | null> {
  const backupDir = env.backupDir
  if (payload.db.name !== 'sqlite' || !backupDir || streetHour(now) < env.backupHour) return null
  return onceInWindow(payload, 'job:backup', daySlot(now), async () => {
    const log = payload.logger.child({ component: 'backup' })
    const started = Date.now()
    try {
      const { dir, manifest } = await createBackup({ database: sqliteUrl(), mediaDir: env.mediaDir, dataDir: env.dataDir }, backupDir, now)
      const pruned = await pruneBackups(backupDir, env.backupKeepDays, now)
      const run = { dir, ms: Date.now() - started, databaseBytes: manifest.databaseBytes, mediaFiles: manifest.mediaFiles, pruned }
      log.info(run, 'daily backup written')
      return run
    } catch (err) {
      log.error({ err, backupDir }, 'daily backup failed')
      throw err
    }
  })
}
