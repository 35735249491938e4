/**
 * `npm run restore -- BACKUP_DIRECTORY`: bring a backup made by
 * `npm run backup` or the daily backup (store/backup.ts) back into DATA_DIR,
 * which must be empty or missing (as must MEDIA_DIR when it lies outside
 * it): a restore never writes over data. Then start the server on it.
 */
import fs from 'node:fs'
import path from 'node:path'

// Sets the environment (not a read): before the settings module is imported, like server/start.ts.
if (fs.existsSync('.env')) process.loadEnvFile('.env')
;(process.env as Record<string, string>).NODE_ENV ??= 'production'

const { t } = await import('../i18n/messages')
const { env, sqliteUrl } = await import('../server/env')
const { restoreBackup, RestoreRefused } = await import('../store/backup')

const say = (line: string) => process.stdout.write(`${line}\n`)
const both = (key: Parameters<typeof t>[0], vars?: Record<string, string | number>) => `${t(key, 'zh', vars)}\n${t(key, 'en', vars)}`

const from = process.argv[2]
if (!from || from.startsWith('-')) {
  say(both('restore.cli.usage'))
  process.exit(2)
}
if (env.isMongo) {
  say(both('backup.cli.mongo'))
  process.exit(2)
}
try {
  const manifest = await restoreBackup(path.resolve(from), { database: sqliteUrl(), mediaDir: env.mediaDir, dataDir: env.dataDir })
  say(both('restore.cli.done', { dir: env.dataDir, createdAt: manifest.createdAt }))
} catch (err) {
  if (err instanceof RestoreRefused) {
    const key = err.reason === 'notEmpty' ? 'restore.cli.notEmpty' : err.reason === 'notBackup' ? 'restore.cli.notBackup' : 'restore.cli.exists'
    say(both(key, { dir: err.path }))
    process.exit(3)
  }
  say(both('restore.cli.failed', { error: err instanceof Error ? err.message : String(err) }))
  process.exit(1)
}
