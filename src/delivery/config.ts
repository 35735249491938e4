import type { DeliveryChannel } from '../model/deliveries'
import { originsFrom } from '../lib/outbound'

/**
 * The delivery settings from the environment (docs/configuration.md), read
 * at each use so tests and operators can change them without a rebuild.
 */
const positive = (name: string, fallback: number): number => {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, not "${raw}"`)
  return n
}

export const deliverySettings = () => ({
  /** Messages in flight at once per delivery: also the most that can be sent twice after a crash. */
  concurrency: Math.floor(positive('DELIVERY_CONCURRENCY', 20)),
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
  pushTtlSeconds: Math.floor(positive('PUSH_TTL_SECONDS', 24 * 3600)),
})

/**
 * Push services of our own (PUSH_TRUSTED_ORIGINS, comma-separated origins):
 * exempt from the outbound guard, so they may be plain http or on a private
 * network. It applies to residents' subscriptions, editors' test sends and
 * the deliveries alike; every other endpoint must be https to a public address.
 */
export const pushTrustedOrigins = (): string[] => originsFrom(process.env.PUSH_TRUSTED_ORIGINS, 'PUSH_TRUSTED_ORIGINS')

const set = (...names: string[]) => names.every((n) => !!process.env[n]?.trim())

/** Is a channel configured in this environment? A channel that is not is recorded as skipped, never a crash. */
export function channelConfigured(channel: DeliveryChannel): boolean {
  if (channel === 'email') return set('SMTP_URL', 'MAIL_FROM')
  if (channel === 'webpush') return set('VAPID_PUBLIC_KEY', 'VAPID_PRIVATE_KEY', 'VAPID_SUBJECT')
  return set('WECHAT_APP_ID', 'WECHAT_APP_SECRET')
}
