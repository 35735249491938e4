/**
 * WeChat errcodes and publish states: which kind each is for the pipeline.
 * What each means for the editor is in src/i18n/wechat.ts.
 */
import { failure, type ErrorKind, type SendFailure } from '../types'

/** The token is invalid, replaced or expired: fetch a new one and retry the call once. */
export const TOKEN_ERRORS = new Set([40001, 40014, 42001])

/** The platform answers this when a clientmsgid was already used: the earlier mass send stands. */
export const CLIENTMSGID_EXISTS = 45065

const KIND: Record<number, ErrorKind> = {
  [-1]: 'retryable', // system busy
  40001: 'retryable',
  40014: 'retryable',
  42001: 'retryable',
  45011: 'retryable', // per-minute frequency limit
  45066: 'retryable', // same clientmsgid retried too fast (wait a minute)
  45009: 'quota', // daily API call quota reached
  45028: 'quota', // no mass-send quota left today
}

/**
 * The kind of a WeChat errcode. Codes not listed are 'config': an unknown code
 * needs a person (wrong settings, missing permission such as 48001, IP not on
 * the whitelist 40164, content refused such as 53503), and retrying blindly
 * would only spend the daily quota.
 */
export function wechatErrorKind(code: number): ErrorKind {
  return KIND[code] ?? 'config'
}

export function wechatFailure(code: number, message: string): SendFailure {
  return failure(wechatErrorKind(code), code, message)
}

export type PublishStatus = 0 | 1 | 2 | 3 | 4 | 5 | 6

/** freepublish/get publish_status: 0 success, 1 publishing, 2–4 failed, 5 deleted after success, 6 blocked after success. */
export function publishStatusFailure(status: number): SendFailure | null {
  if (status === 0 || status === 1) return null
  return failure('config', `publish_status:${status}`, `WeChat publish_status ${status}`)
}
