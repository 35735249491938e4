/**
 * Alibaba Cloud SMS answers to kinds. A send answers in one of three ways:
 * - HTTP 200 with Code "OK" (accepted) or a business code (isv.*, isp.*): the
 *   call was refused as a whole and nothing was sent;
 * - HTTP 4xx/5xx from the API gateway (signature, access key, throttling,
 *   parameters), which the SDK throws as ClientError/ServerError/ThrottlingError
 *   carrying the code;
 * - no answer (connection refused or reset, timeout), which the SDK throws as
 *   Node's error: the message may or may not have gone out.
 */
import { failure, type ErrorKind, type SendFailure } from '../types'

const KIND: Record<string, ErrorKind> = {
  // Temporary on the provider's side.
  'isp.SYSTEM_ERROR': 'retryable',
  'isp.GATEWAY_ERROR': 'retryable',
  'isp.UNKNOWN': 'retryable',
  ServiceUnavailable: 'retryable',
  InternalError: 'retryable',
  // A fresh nonce is made for each attempt.
  SignatureNonceUsed: 'retryable',
  // This number's frequency limit (per minute, hour or day): that number waits.
  'isv.BUSINESS_LIMIT_CONTROL': 'retryable',

  // Money and account allowances: wait until the balance or the day's/month's cap is back.
  'isv.AMOUNT_NOT_ENOUGH': 'quota',
  'isv.OUT_OF_SERVICE': 'quota', // 业务停机: the account stopped for arrears
  'isv.BILLING_DEDUCTION_ERROR': 'quota',
  'isv.DAY_LIMIT_CONTROL': 'quota', // the daily cap set in the console
  'isv.MONTH_LIMIT_CONTROL': 'quota',

  // This number can never receive: not a mobile number.
  'isv.MOBILE_NUMBER_ILLEGAL': 'recipient-gone',
  'isv.PHONE_NUMBER_ILLEGAL': 'recipient-gone',

  // Our settings or content: a person has to act.
  'isv.SMS_TEMPLATE_ILLEGAL': 'config',
  'isv.SMS_SIGNATURE_ILLEGAL': 'config',
  'isv.SMS_SIGN_ILLEGAL': 'config',
  'isv.TEMPLATE_MISSING_PARAMETERS': 'config',
  'isv.TEMPLATE_PARAMS_ILLEGAL': 'config',
  'isv.INVALID_PARAMETERS': 'config',
  'isv.INVALID_JSON_PARAM': 'config',
  'isv.PARAM_LENGTH_LIMIT': 'config',
  'isv.PARAM_NOT_SUPPORT_URL': 'config',
  'isv.BLACK_KEY_CONTROL_LIMIT': 'config',
  'isv.SMS_CONTENT_ILLEGAL': 'config',
  'isv.MOBILE_COUNT_OVER_LIMIT': 'config',
  'isv.PRODUCT_UN_SUBSCRIPT': 'config',
  'isv.PRODUCT_UNSUBSCRIBE': 'config',
  'isv.ACCOUNT_NOT_EXISTS': 'config',
  'isv.ACCOUNT_ABNORMAL': 'config',
  'isv.DENY_IP_RANGE': 'config',
  'isp.RAM_PERMISSION_DENY': 'config',
  'InvalidAccessKeyId.NotFound': 'config',
  'InvalidAccessKeyId.Inactive': 'config',
  SignatureDoesNotMatch: 'config',
  IncompleteSignature: 'config',
  'InvalidTimeStamp.Expired': 'config', // our clock is off by more than 15 minutes
  'InvalidTimeStamp.Format': 'config',
}

/** Business codes that concern one number of a SendBatchSms call: the call is refused whole, so the batch is sent again number by number to find it. */
export const NUMBER_LEVEL_CODES = new Set(['isv.MOBILE_NUMBER_ILLEGAL', 'isv.PHONE_NUMBER_ILLEGAL', 'isv.BUSINESS_LIMIT_CONTROL'])

/**
 * The kind of a provider code. Any throttling code (Throttling, Throttling.User,
 * Throttling.Api…) is retryable. An unlisted code is config when the gateway
 * answered 4xx or the call answered 200 (an unknown refusal needs a person, and
 * blind retries would spend money), retryable on 5xx.
 */
export function smsErrorKind(code: string, httpStatus = 200): ErrorKind {
  const known = KIND[code]
  if (known) return known
  if (/Throttling/.test(code)) return 'retryable'
  return httpStatus >= 500 ? 'retryable' : 'config'
}

/** China's time, where the provider counts its days (UTC+8, no daylight saving). */
const CHINA_OFFSET_MS = 8 * 3600_000

/**
 * How long a number must wait after isv.BUSINESS_LIMIT_CONTROL, from the
 * provider's message ("触发分钟级流控Permits:1", "触发小时级流控…",
 * "触发天级流控…"): a minute, an hour, or until the next day in China.
 */
export function businessLimitWaitMs(message: string, now = Date.now()): number {
  if (/天级|day/i.test(message)) {
    const local = now + CHINA_OFFSET_MS
    const nextMidnight = (Math.floor(local / 86_400_000) + 1) * 86_400_000
    return nextMidnight - local
  }
  if (/小时级|hour/i.test(message)) return 3600_000
  return 60_000
}

/** The failure for a business code in a 200 answer. */
export function smsFailure(code: string, message: string, now = Date.now()): SendFailure {
  const text = `${code}: ${message}`
  if (code === 'isv.BUSINESS_LIMIT_CONTROL') return failure('retryable', code, text, businessLimitWaitMs(message, now))
  return failure(smsErrorKind(code), code, text)
}

type SdkError = Error & { code?: unknown; statusCode?: number; retryAfter?: number; data?: { Message?: string } }

/** Node network errors after which trying again may help (the message may have gone out). */
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND', 'ECONNABORTED', 'UND_ERR_SOCKET'])

/** Anything the SDK throws, as a failure. */
export function mapSmsError(err: unknown): SendFailure {
  const e = err as SdkError
  const message = e?.message || String(err)
  if (typeof e?.statusCode === 'number' && typeof e.code === 'string') {
    const kind = smsErrorKind(e.code, e.statusCode)
    const retryAfter = typeof e.retryAfter === 'number' && e.retryAfter >= 0 ? e.retryAfter : undefined
    return failure(kind, e.code, message, kind === 'retryable' ? retryAfter : undefined)
  }
  if (e?.name === 'RequestTimeoutError') return failure('retryable', 'timeout', message)
  if (typeof e?.code === 'string' && NETWORK.has(e.code)) return failure('retryable', e.code, message)
  // The SDK's own checks (a request it would not build), or a response it could not read.
  if (e?.name === 'SyntaxError') return failure('retryable', 'bad-response', message)
  return failure('config', typeof e?.code === 'string' ? e.code : 'sms', message)
}
