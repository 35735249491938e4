import { t, type MessageKey } from '../../i18n/messages'
import { ChannelError } from '../types'

/** What WeChat refuses, checked before any call: a refused draft costs no API call and no quota. */

/** Documented limits (draft/add, media/uploadimg, material/add_material thumb, mass send). */
export const WECHAT_LIMITS = {
  articles: 8,
  titleChars: 32,
  authorChars: 16,
  digestChars: 128,
  contentChars: 20_000,
  contentBytes: 1024 * 1024,
  sourceUrlBytes: 1024,
  bodyImageBytes: 1024 * 1024,
  thumbBytes: 64 * 1024,
  clientMsgIdBytes: 64,
} as const

export type DraftArticle = {
  title: string
  author?: string
  /** Shown for single-article drafts only. */
  digest?: string
  /** WeChat-ready HTML (see toWechatHtml). */
  content: string
  /** The resident page ("阅读原文"). */
  contentSourceUrl?: string
  thumbMediaId: string
  needOpenComment?: boolean
  onlyFansCanComment?: boolean
}

const chars = (s: string) => Array.from(s).length
/** A byte count as a person reads it (1.2 MB, 300 KB). */
export const sizeText = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`)

/** JPEG and PNG by their magic numbers, the only types uploadimg takes. */
export function imageType(data: Uint8Array): 'jpg' | 'png' | null {
  if (data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'jpg'
  if (data[0] === 0x89 && data[1] === 0x50 && data[2] === 0x4e && data[3] === 0x47) return 'png'
  return null
}

/** Refuses a draft that WeChat would refuse, before any call; the message names the article and field. */
export function checkDraft(articles: DraftArticle[]): void {
  const L = WECHAT_LIMITS
  const refuse = (code: string, field: string, message: string) => {
    throw new ChannelError('config', code, message, { field })
  }
  if (!articles.length) refuse('draft.no-articles', 'articles', t('wechat.check.noArticles'))
  if (articles.length > L.articles) {
    refuse('draft.too-many-articles', 'articles', t('wechat.check.tooManyArticles', 'zh', { max: L.articles, count: articles.length }))
  }
  articles.forEach((a, i) => {
    const index = i + 1
    const at = (f: string) => `articles[${i}].${f}`
    const required = (value: string | undefined, f: string, label: MessageKey) => {
      if (!value || !value.trim()) refuse('draft.required', at(f), t('wechat.check.required', 'zh', { index, field: t(label) }))
    }
    const max = (value: string | undefined, f: string, label: MessageKey, limit: number) => {
      const count = value ? chars(value) : 0
      if (count > limit) refuse('draft.too-long', at(f), t('wechat.check.tooLong', 'zh', { index, field: t(label), max: limit, count }))
    }
    required(a.title, 'title', 'field.title')
    required(a.content, 'content', 'field.body')
    required(a.thumbMediaId, 'thumbMediaId', 'field.cover')
    max(a.title, 'title', 'field.title', L.titleChars)
    max(a.author, 'author', 'field.author', L.authorChars)
    max(a.digest, 'digest', 'field.summary', L.digestChars)
    max(a.content, 'content', 'field.body', L.contentChars - 1)
    if (Buffer.byteLength(a.content) >= L.contentBytes) refuse('draft.content-too-large', at('content'), t('wechat.check.contentTooLarge', 'zh', { index }))
    if (a.contentSourceUrl && (!/^https?:\/\/\S+$/.test(a.contentSourceUrl) || Buffer.byteLength(a.contentSourceUrl) > L.sourceUrlBytes)) {
      refuse('draft.source-url', at('contentSourceUrl'), t('wechat.check.sourceUrl', 'zh', { index }))
    }
  })
}
