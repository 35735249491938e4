/**
 * What a WeChat errcode or publish state means for the editor, in plain words,
 * from the message catalogue. Here rather than beside the WeChat client
 * (channels/wechat/errors.ts, which says what kind each is for the pipeline):
 * the admin's deliveries panel explains them in the browser, and must not
 * bundle a channel.
 */
import { messages, t, type MessageKey } from './messages'

/** The editor's explanation of an errcode (or one of our own check codes), in `lang`. */
export function explainWechatError(code: number | string, message = '', lang = 'zh'): string {
  const key = `wechat.err.${code}`
  if (key in messages) return t(key as MessageKey, lang)
  return t('wechat.err.other', lang, { code, message })
}

/** freepublish/get publish_status in words: 0 success, 1 publishing, 2–4 failed, 5 deleted after success, 6 blocked after success. */
export function explainPublishStatus(status: number, lang = 'zh'): string {
  const key = `wechat.publish.${status}`
  return key in messages ? t(key as MessageKey, lang) : t('wechat.err.other', lang, { code: `publish_status ${status}`, message: '' })
}
