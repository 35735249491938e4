import { SmsChannel } from '../../channels/sms'
import { smsSettings } from '../../server/smsEnv'

/** The SMS client for the current settings (read at call time, so a test may set them after start), made again when they change. */
type Cached = { key: string; channel: SmsChannel }
let cached: Cached | null = null

export function smsChannel(): SmsChannel {
  const s = smsSettings()
  if (!s) throw new Error('SMS is not configured')
  const key = JSON.stringify(s)
  if (cached?.key !== key) cached = { key, channel: new SmsChannel({ ...s, apiBase: s.apiBase || undefined }) }
  return cached.channel
}
