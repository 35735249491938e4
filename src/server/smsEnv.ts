import { publicUrl, ruleFromEnv, text } from './env'

/**
 * The SMS channel's settings (issue 17), apart from the settings module for
 * its size: the provider's keys, sign name, templates and price, the limits
 * on verification codes, and the callback secret. Read at call time, so a
 * test may set them after start.
 */
/** SMS configured with the correction and withdrawal notices' template (SMS_TEMPLATE_CHANGE): SMS notices can go. */
export const smsNoticesConfigured = (): boolean => !!smsSettings()?.templates.change

/** The settings without which SMS is not configured (SMS_API_BASE has a default). */
export const SMS_REQUIRED_SETTINGS = [
  'SMS_ACCESS_KEY_ID',
  'SMS_ACCESS_KEY_SECRET',
  'SMS_SIGN_NAME',
  'SMS_TEMPLATE_NOTICE',
  'SMS_TEMPLATE_URGENT',
  'SMS_PRICE_PER_SEGMENT',
] as const

export type SmsSettings = {
  accessKeyId: string
  accessKeySecret: string
  /** Without 【】, as the provider's API takes it. */
  signName: string
  /** change: SMS_TEMPLATE_CHANGE, the correction and withdrawal notices' template; null when unset (no SMS notices). */
  templates: { notice: string; urgent: string; change: string | null }
  /** Yuan per segment, for estimates and the budget. */
  pricePerSegment: number
  /** Empty: the provider's own endpoint. */
  apiBase: string
  /** The short-link base written into the templates: PUBLIC_URL/s/ */
  linkBase: string
  /** SMS_TEMPLATE_CODE: the verification-code template; null when unset (residents cannot subscribe by number). */
  verifyTemplate: string | null
  /** SMS_TEMPLATE_RELAY: the building heads' template (issue 18); null when unset (heads are then told by email). */
  relayTemplate: string | null
}

/** The SMS settings that are missing (empty when SMS is configured). */
export function smsMissingSettings(): string[] {
  return SMS_REQUIRED_SETTINGS.filter((name) => !text(name))
}

/**
 * The SMS channel's settings (Alibaba Cloud SMS, docs/channels.md "SMS"), or
 * null when one is missing: the channel is then not configured. A value that
 * is set but unusable throws, naming the variable.
 */
export function smsSettings(): SmsSettings | null {
  if (smsMissingSettings().length) return null
  const read = (name: (typeof SMS_REQUIRED_SETTINGS)[number]) => text(name)
  const signName = read('SMS_SIGN_NAME').replace(/^【(.*)】$/, '$1').trim()
  if (Array.from(signName).length < 2 || Array.from(signName).length > 12) {
    throw new Error(`SMS_SIGN_NAME must be the approved sign name of 2 to 12 characters, with or without 【】, not "${read('SMS_SIGN_NAME')}"`)
  }
  const template = (name: 'SMS_TEMPLATE_NOTICE' | 'SMS_TEMPLATE_URGENT' | 'SMS_TEMPLATE_CODE' | 'SMS_TEMPLATE_RELAY' | 'SMS_TEMPLATE_CHANGE') => {
    const code = text(name)
    if (!/^SMS_\d+$/.test(code)) throw new Error(`${name} must be an approved template code such as SMS_123456789, not "${code}"`)
    return code
  }
  const priceRaw = read('SMS_PRICE_PER_SEGMENT')
  const price = Number(priceRaw)
  if (!/^\d+(\.\d+)?$/.test(priceRaw) || !Number.isFinite(price)) {
    throw new Error(`SMS_PRICE_PER_SEGMENT must be the price of one segment in yuan, e.g. 0.045, not "${priceRaw}"`)
  }
  const apiBase = text('SMS_API_BASE')
  if (apiBase && !/^https?:\/\/[^/?#@\s]+\/?$/.test(apiBase)) {
    throw new Error(`SMS_API_BASE must be http(s)://host[:port] with no path, not "${apiBase}"`)
  }
  return {
    accessKeyId: read('SMS_ACCESS_KEY_ID'),
    accessKeySecret: read('SMS_ACCESS_KEY_SECRET'),
    signName,
    templates: {
      notice: template('SMS_TEMPLATE_NOTICE'),
      urgent: template('SMS_TEMPLATE_URGENT'),
      change: text('SMS_TEMPLATE_CHANGE') ? template('SMS_TEMPLATE_CHANGE') : null,
    },
    pricePerSegment: price,
    apiBase,
    linkBase: `${publicUrl()}/s/`,
    verifyTemplate: text('SMS_TEMPLATE_CODE') ? template('SMS_TEMPLATE_CODE') : null,
    relayTemplate: text('SMS_TEMPLATE_RELAY') ? template('SMS_TEMPLATE_RELAY') : null,
  }
}

/**
 * Verification codes for subscribing by mobile number (SMS costs money, and
 * a form that sends texts invites SMS pumping): codes a number may get per
 * minute and per day, codes per client address per hour, and codes the whole
 * street sends per China day (SMS_CODES_PER_DAY, default 200).
 */
type Rule = { limit: number; windowMs: number }
export function smsCodeLimits(): { perNumberMinute: Rule; perNumberDay: Rule; perAddress: Rule; streetPerDay: number } {
  const raw = text('SMS_CODES_PER_DAY')
  if (raw && !/^\d{1,7}$/.test(raw)) throw new Error(`SMS_CODES_PER_DAY must be a whole number of codes a day, not "${raw}"`)
  return {
    perNumberMinute: ruleFromEnv('RATE_SMS_CODE_NUMBER', { limit: 1, windowMs: 60_000 }),
    perNumberDay: ruleFromEnv('RATE_SMS_CODE_NUMBER_DAY', { limit: 5, windowMs: 86_400_000 }),
    perAddress: ruleFromEnv('RATE_SMS_CODE_IP', { limit: 10, windowMs: 3_600_000 }),
    streetPerDay: raw ? Number(raw) : 200,
  }
}

/**
 * SMS_CALLBACK_SECRET: the secret part of the paths the provider pushes
 * delivery reports and replies to (/sms/callback/SECRET/report and /up). The
 * provider's HTTP push is not signed, so the path is the only proof a push is
 * the provider's. Null when unset: the callback routes then answer 404.
 */
export function smsCallbackSecret(): string | null {
  const raw = text('SMS_CALLBACK_SECRET')
  if (!raw) return null
  if (!/^[A-Za-z0-9_-]{24,128}$/.test(raw)) throw new Error('SMS_CALLBACK_SECRET must be 24 to 128 letters, digits, - or _ (e.g. openssl rand -hex 24)')
  return raw
}
