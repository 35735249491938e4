/**
 * `npm run backup [-- --out DIR]`: a backup of the embedded SQLite database
 * and the uploaded images now, while the server runs (store/backup.ts), into
 * DIR, or BACKUP_DIR (by default `backups` beside DATA_DIR). Prints where it
 * went; exits non-zero on failure. MongoDB is backed up with mongodump.
 */
import fs from 'node:fs'
import path from 'node:path'

// Sets the environment (not a read): before the settings module is imported, like server/start.ts.
if (fs.existsSync('.env')) process.loadEnvFile('.env')
// The same database file `npm start` uses (production names it street-news.db).
;(process.env as Record<string, string>).NODE_ENV ??= 'production'

const { t } = await import('../i18n/messages')
const { env, sqliteUrl } = await import('../server/env')
const { createBackup } = await import('../store/backup')

const say = (line: string) => process.stdout.write(`${line}\n`)
const both = (key: Parameters<typeof t>[0], vars?: Record<string, string | number>) => `${t(key, 'zh', vars)}\n${t(key, 'en', vars)}`

const outAt = process.argv.indexOf('--out')
const out = outAt >= 0 ? process.argv[outAt + 1] : undefined

if (env.isMongo) {
  say(both('backup.cli.mongo'))
  process.exit(2)
}
try {
  const target = path.resolve(out || env.backupDir || path.join(path.dirname(env.dataDir), 'backups'))
  const { dir, manifest } = await createBackup({ database: sqliteUrl(), mediaDir: env.mediaDir, dataDir: env.dataDir }, target)
  say(both('backup.cli.done', { dir, size: `${(manifest.databaseBytes / 1024 / 1024).toFixed(1)} MB`, media: manifest.mediaFiles }))
} catch (err) {
  say(both('backup.cli.failed', { error: err instanceof Error ? err.message : String(err) }))
  process.exit(1)
}
