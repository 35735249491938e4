import path from 'node:path'


/**
 * The settings module: every setting the system reads from the environment,
 * with its default and its validation, is read here and nowhere else in src/
 * (test/checks/settings.test.ts fails on a `process.env` elsewhere; the few
 * files that must *set* the environment for Node, Next or Payload before
 * anything is imported are listed there). Values are read at each use, so
 * tests and operators can change them without a rebuild.
 * .env.example and docs/configuration.md list the same names (the same test
 * compares them).
 */
export const env = {
  /** NODE_ENV=production (set by `npm start`): the built admin, the production database file. */
  get production() {
    return process.env.NODE_ENV === 'production'
  },
  get port() {
    return Number(process.env.PORT || 3000)
  },
  get host() {
    return process.env.HOST || '127.0.0.1'
  },
  /** The street's time zone (TZ): schedules, "today", daily figures. */
  get timeZone() {
    return process.env.TZ || 'Asia/Shanghai'
  },
  /** Express's "trust proxy" value (TRUST_PROXY), or '' when not behind a proxy. */
  get trustProxy() {
    return process.env.TRUST_PROXY || ''
  },
  /** Level of the structured JSON log (pino). */
  get logLevel() {
    return process.env.LOG_LEVEL || 'info'
  },
  /** How often the job runner looks for due work (node-cron, with seconds). */
  get jobTickCron() {
    return process.env.JOB_TICK_CRON || '*/5 * * * * *'
  },
  /** Lease on a running scheduled job, in seconds. */
  get jobLeaseSeconds() {
    return positive('JOB_LEASE_SECONDS', 300)
  },
  /** The longest wait a failed staff sign-in imposes before the next try (0 to 60 seconds). */
  get loginBackoffMaxSeconds() {
    return wholeNumber('LOGIN_BACKOFF_MAX_SECONDS', '10', 0, 60, 'seconds')
  },
  /** MONGODB_COMPAT as written (store/mongo.ts validates it against the server). */
  get mongodbCompat() {
    return process.env.MONGODB_COMPAT || ''
  },
  /** The first admin, created by the seed when none exists (ADMIN_EMAIL, ADMIN_PASSWORD, ADMIN_NAME). */
  get firstAdmin() {
    return { email: process.env.ADMIN_EMAIL || '', password: process.env.ADMIN_PASSWORD || '', name: process.env.ADMIN_NAME || '管理员' }
  },
  /** The VAPID public key browsers subscribe with ('' when web push is not configured). */
  get vapidPublicKey() {
    return text('VAPID_PUBLIC_KEY')
  },
  /** VAPID_SUBJECT ('' when unset). */
  get vapidSubject() {
    return text('VAPID_SUBJECT')
  },
  /** MAIL_FROM as written ('' when unset). */
  get mailFrom() {
    return text('MAIL_FROM')
  },
  /** PUSH_TRUSTED_ORIGINS as written (delivery/config.ts parses the origins). */
  get pushTrustedOrigins() {
    return process.env.PUSH_TRUSTED_ORIGINS ?? ''
  },
  /** LINK_CHECK_TRUSTED_ORIGINS as written (content/links.ts parses the origins). */
  get linkCheckTrustedOrigins() {
    return process.env.LINK_CHECK_TRUSTED_ORIGINS ?? ''
  },
  /** The external link checker's wait for each request, in milliseconds. */
  get linkCheckTimeoutMs() {
    return wholeNumber('LINK_CHECK_TIMEOUT_MS', '5000', 100, 60_000, 'milliseconds')
  },
  /** An extra certificate authority file for a push service of our own ('' for none). */
  get pushCaFile() {
    return process.env.PUSH_CA_FILE ?? ''
  },
  get role(): 'all' | 'web' | 'worker' {
    const r = process.env.PROCESS_ROLE || 'all'
    if (r !== 'all' && r !== 'web' && r !== 'worker') throw new Error(`PROCESS_ROLE must be all, web or worker, not "${r}"`)
    return r
  },
  get dataDir() {
    return path.resolve(process.env.DATA_DIR || 'data')
  },
  /** Uploaded images: MEDIA_DIR, or DATA_DIR/media. */
  get mediaDir() {
    return process.env.MEDIA_DIR ? path.resolve(process.env.MEDIA_DIR) : path.join(env.dataDir, 'media')
  },
  /** PAYLOAD_SECRET as set, or '' (src/server/secret.ts decides what an unset one means). */
  get payloadSecret() {
    return process.env.PAYLOAD_SECRET || ''
  },
  /** PHONE_KEY as set, or '' (src/server/secret.ts decides what an unset one means). */
  get phoneKey() {
    return process.env.PHONE_KEY || ''
  },
  get databaseUri() {
    return process.env.DATABASE_URI || ''
  },
  get isMongo() {
    return /^mongodb(\+srv)?:\/\//.test(env.databaseUri)
  },
  get seedDemo() {
    return process.env.SEED_DEMO === '1' || process.env.SEED_DEMO === 'true'
  },
  /** The demo street's three months of readership (src/seed/history.ts), on unless 0 or false. */
  get seedDemoHistory() {
    return !['0', 'false'].includes(process.env.SEED_DEMO_HISTORY ?? '')
  },
  /** Audit-log entries are kept this many days, never fewer than 180 (docs/privacy.md); only the retention job deletes them. */
  get auditRetentionDays() {
    const raw = process.env.AUDIT_RETENTION_DAYS || '365'
    const d = Number(raw)
    if (!Number.isInteger(d) || d < 180 || d > 36500) throw new Error(`AUDIT_RETENTION_DAYS must be a whole number of days, at least 180 (six months), not "${raw}"`)
    return d
  },
  /** Readership figures below this many people show as "<k" (docs/privacy.md). */
  get minGroupSize() {
    const raw = process.env.MIN_GROUP_SIZE || '3'
    const k = Number(raw)
    if (!Number.isInteger(k) || k < 1 || k > 1000) throw new Error(`MIN_GROUP_SIZE must be a whole number from 1 to 1000, not "${raw}"`)
    return k
  },
  /** Read events wait in memory at most this long before they are written (a normal stop writes them at once). */
  get readFlushMs() {
    const raw = process.env.READ_FLUSH_MS || '1000'
    const ms = Number(raw)
    if (!Number.isInteger(ms) || ms < 10 || ms > 600_000) throw new Error(`READ_FLUSH_MS must be a whole number of milliseconds from 10 to 600000, not "${raw}"`)
    return ms
  },
  /** A staff session ends after this many minutes without a request (docs/deployment.md). */
  get staffIdleMinutes() {
    const raw = process.env.STAFF_IDLE_MINUTES || '30'
    const m = Number(raw)
    if (!Number.isInteger(m) || m < 1 || m > 1440) throw new Error(`STAFF_IDLE_MINUTES must be a whole number of minutes from 1 to 1440, not "${raw}"`)
    return m
  },
  /** Strict-Transport-Security max-age (seconds) sent when PUBLIC_URL is https; 0 sends none. */
  get hstsMaxAge() {
    const raw = process.env.HSTS_MAX_AGE || '31536000'
    const s = Number(raw)
    if (!Number.isInteger(s) || s < 0 || s > 63_072_000) throw new Error(`HSTS_MAX_AGE must be a whole number of seconds from 0 to 63072000, not "${raw}"`)
    return s
  },
  /** Raw read events are deleted after this many days; the daily rollups stay (docs/privacy.md). */
  get readRetentionDays() {
    const raw = process.env.READ_RETENTION_DAYS || '90'
    const d = Number(raw)
    if (!Number.isInteger(d) || d < 1 || d > 3650) throw new Error(`READ_RETENTION_DAYS must be a whole number of days from 1 to 3650, not "${raw}"`)
    return d
  },
  /** Shows /healthz's details (database, write probe, scheduler, errors) to a caller that sends it as X-Health-Token; unset: admins only. */
  get healthToken() {
    return process.env.HEALTH_TOKEN || ''
  },
  /** Largest REST or GraphQL request body (JSON, forms) the API accepts; larger ones get 413. */
  get apiBodyLimit() {
    return byteSize('API_BODY_LIMIT', '2mb')
  },
  /** Largest upload (a multipart request to an upload collection, file included); larger ones get 413. */
  get uploadLimit() {
    return byteSize('UPLOAD_LIMIT', '20mb')
  },
  /**
   * Where the daily backup of the embedded database and media goes: BACKUP_DIR,
   * by default `backups` beside DATA_DIR; `off` turns the daily backup off.
   */
  get backupDir(): string | null {
    const raw = (process.env.BACKUP_DIR || '').trim()
    if (raw.toLowerCase() === 'off') return null
    return raw ? path.resolve(raw) : path.join(path.dirname(env.dataDir), 'backups')
  },
  /** Daily backups older than this many days are deleted (the newest one always stays). */
  get backupKeepDays() {
    return wholeNumber('BACKUP_KEEP_DAYS', '14', 1, 3650, 'days')
  },
  /** The daily backup runs at the first scheduler tick at or after this hour of the street's day. */
  get backupHour() {
    return wholeNumber('BACKUP_HOUR', '3', 0, 23, 'an hour of the day')
  },
  /**
   * The daily re-check of published content's external links (jobs/linkWatch.ts)
   * starts at the first tick at or after this hour of the street's day: LINK_WATCH_HOUR,
   * 4 by default; `off` (null) turns it off.
   */
  get linkWatchHour(): number | null {
    if ((process.env.LINK_WATCH_HOUR || '').trim().toLowerCase() === 'off') return null
    return wholeNumber('LINK_WATCH_HOUR', '4', 0, 23, 'an hour of the day')
  },
}

/** A trimmed setting, '' when unset. */
export function text(name: string): string {
  return process.env[name]?.trim() ?? ''
}

/** A positive number from the environment (unset or empty: the fallback); anything else throws, naming the variable. */
export function positive(name: string, fallback: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, not "${raw}"`)
  return n
}

export function wholeNumber(name: string, fallback: string, min: number, max: number, unit: string): number {
  const raw = process.env[name] || fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be a whole number from ${min} to ${max} (${unit}), not "${raw}"`)
  return n
}

const UNITS: Record<string, number> = { '': 1, b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }

/** A size such as 2mb, 512kb or 1048576 (bytes), in bytes. */
export function byteSize(name: string, fallback: string): number {
  const raw = (process.env[name] || fallback).trim()
  const m = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i.exec(raw)
  const bytes = m ? Math.floor(Number(m[1]) * UNITS[(m[2] ?? '').toLowerCase()]) : NaN
  if (!Number.isFinite(bytes) || bytes < 1024) throw new Error(`${name} must be a size of at least 1kb, such as 2mb, 512kb or 1048576 (bytes), not "${raw}"`)
  return bytes
}

/**
 * A rate rule from the environment: "COUNT/SECONDS" (e.g. "10/600"), else the default.
 * An unreadable value stops the start rather than silently turning a limit off.
 */
export function ruleFromEnv(name: string, fallback: { limit: number; windowMs: number }): { limit: number; windowMs: number } {
  const raw = text(name)
  if (!raw) return fallback
  const m = /^(\d{1,9})\/(\d{1,7})$/.exec(raw)
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) throw new Error(`${name} must look like COUNT/SECONDS (e.g. 10/600), not "${raw}"`)
  return { limit: Number(m[1]), windowMs: Number(m[2]) * 1000 }
}

/** The delivery settings (docs/configuration.md, Deliveries). */
export const deliverySettings = () => ({
  /** Messages in flight at once per delivery: also the most that can be sent twice after a crash. */
  concurrency: Math.floor(positive('DELIVERY_CONCURRENCY', 20)),
  /** The same for an urgent delivery, which runs in a lane of its own beside a running bulk one. */
  urgentConcurrency: Math.floor(positive('DELIVERY_URGENT_CONCURRENCY', 10)),
  /** Recipients per batch (the unit of progress). */
  batchSize: Math.floor(positive('DELIVERY_BATCH_SIZE', 200)),
  /** A delivery that could not start this long after its publish time waits for an editor. */
  startWindowMinutes: positive('DELIVERY_START_WINDOW_MINUTES', 60),
  /** Attempts per recipient for a temporary failure, and the first backoff (doubling, capped). */
  maxAttempts: Math.floor(positive('DELIVERY_MAX_ATTEMPTS', 4)),
  retryBaseMs: positive('DELIVERY_RETRY_BASE_MS', 1000),
  retryMaxMs: positive('DELIVERY_RETRY_MAX_MS', 60_000),
  /** Failures in a row (after retries) that pause a delivery. */
  errorBudget: Math.floor(positive('DELIVERY_ERROR_BUDGET', 50)),
  leaseMs: positive('DELIVERY_LEASE_SECONDS', 120) * 1000,
  /** On SIGTERM, how long running deliveries get to finish their in-flight sends and go back to the queue. */
  stopGraceMs: positive('DELIVERY_STOP_GRACE_MS', 20_000),
  pushTtlSeconds: Math.floor(positive('PUSH_TTL_SECONDS', 24 * 3600)),
})

/** WeChat's tunables (docs/configuration.md, WeChat). */
export const wechatSettings = () => ({
  /** First freepublish/get poll after a submit; later polls double, up to pollMaxMs. */
  pollFirstMs: positive('WECHAT_POLL_FIRST_SECONDS', 5) * 1000,
  pollMaxMs: positive('WECHAT_POLL_MAX_SECONDS', 300) * 1000,
  /** A publish still "publishing" this long after its submit pauses the delivery. */
  publishTimeoutMs: positive('WECHAT_PUBLISH_TIMEOUT_HOURS', 24) * 3600_000,
  /** Temporary failures in a row before the delivery pauses. */
  maxRetries: Math.floor(positive('WECHAT_MAX_RETRIES', 8)),
  confirmWindowMs: 30 * 60_000,
})

/** SMTP for resident mail and staff mail (SMTP_URL, MAIL_FROM), or null when one is missing. */
export function emailSettings(): { url: string; from: string } | null {
  const url = text('SMTP_URL')
  const from = text('MAIL_FROM')
  return url && from ? { url, from } : null
}

/** Web push's VAPID key pair and contact (VAPID_*), or null when one is missing. */
export function vapidSettings(): { publicKey: string; privateKey: string; subject: string } | null {
  const publicKey = text('VAPID_PUBLIC_KEY')
  const privateKey = text('VAPID_PRIVATE_KEY')
  const subject = text('VAPID_SUBJECT')
  return publicKey && privateKey && subject ? { publicKey, privateKey, subject } : null
}

/** The WeChat official account (WECHAT_APP_ID, WECHAT_APP_SECRET; WECHAT_API_BASE for a stand-in), or null when not configured. */
export function wechatAccount(): { appId: string; appSecret: string; apiBase: string } | null {
  const appId = text('WECHAT_APP_ID')
  const appSecret = text('WECHAT_APP_SECRET')
  return appId && appSecret ? { appId, appSecret, apiBase: process.env.WECHAT_API_BASE || '' } : null
}


/** Absolute base URL for links that leave the server (messages, previews, share cards). */
export function publicUrl(): string {
  return (process.env.PUBLIC_URL || `http://${env.host}:${env.port}`).replace(/\/+$/, '')
}

/** The SQLite file used when DATABASE_URI is unset; dev and production never share one. */
export function sqliteUrl(): string {
  if (env.databaseUri.startsWith('file:')) return env.databaseUri
  const name = env.production ? 'street-news.db' : 'street-news-dev.db'
  return `file:${path.join(env.dataDir, name)}`
}
