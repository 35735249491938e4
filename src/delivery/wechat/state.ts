import type { Payload } from 'payload'

import { ChannelError } from '../../channels/types'
import { explainWechatError } from '../../i18n/wechat'
import type { DeliveryDoc } from '../../model/deliveries'
import { noTransaction } from '../../store/noTransaction'
import { streetDay } from '../../templates/format'

/**
 * A WeChat delivery's state (its `wechat` field), read and explained: what every
 * stage, the polls, the mass send and the retraction share.
 */
export const DELIVERIES = 'deliveries'
export const MINUTE = 60_000

export type WechatStage = 'images' | 'draft' | 'publishing' | 'published' | 'failed'

export type WechatMassSend = {
  status: 'sending' | 'sent' | 'failed'
  clientMsgId: string
  msgId?: string
  msgDataId?: string
  requestedAt: string
  /** With mass-send protection (群发保护) on, an administrator must confirm in WeChat before this. */
  confirmBy: string
  by?: string
  error?: string
  code?: string
  /** The fresh draft made for the send (the published one left the draft box). */
  draftMediaId?: string
  attempt?: number
  pollAt?: string
  /** Whom it went to: always the whole account (a subscription account cannot send by grid). */
  audience?: 'all'
  /** The grids the content itself targets, when it targets some only (the editor confirmed the whole account). */
  contentGrids?: number
}

export type WechatState = {
  stage: WechatStage
  /**
   * Body images already uploaded (media file name and uploadimg URL), reused by every later draft.
   * A list, not a map keyed by file name: MongoDB-wire servers refuse keys with dots.
   */
  images?: { file: string; url: string }[]
  thumbMediaId?: string
  /** The media file the thumb was made from ('' for the generated plain cover). */
  thumbOf?: string
  draftMediaId?: string
  /** Written just before freepublish/submit: a run that finds it without a publishId lost the answer. */
  submitAt?: string
  publishId?: string
  publishStatus?: number
  submittedAt?: string
  pollAt?: string
  polls?: number
  articleId?: string
  articleUrls?: string[]
  /** WeChat calls that failed in a row (temporary failures), for the backoff and the error budget. */
  retries?: number
  massSend?: WechatMassSend
  deleted?: boolean
  deletedAt?: string
  deleteError?: string
}


export async function readDelivery(payload: Payload, id: string | number): Promise<DeliveryDoc | null> {
  return payload.db.findOne<DeliveryDoc>({ collection: DELIVERIES, where: { id: { equals: id } }, req: noTransaction() })
}

export const stateOf = (d: Pick<DeliveryDoc, 'wechat'>): WechatState => ({ stage: 'images', ...((d.wechat ?? {}) as Partial<WechatState>) }) as WechatState

/** The first moment of the street's next day. */
export function nextStreetDay(from: Date = new Date()): Date {
  const today = streetDay(from)
  // The day changes within 25 hours whatever the zone's offset: find the first minute that is another day.
  let lo = from.getTime()
  let hi = lo + 25 * 3600_000
  while (hi - lo > MINUTE) {
    const mid = lo + Math.floor((hi - lo) / 2)
    if (streetDay(new Date(mid)) === today) lo = mid
    else hi = mid
  }
  return new Date(hi)
}

/** The editor's words for a WeChat failure: our own checks carry their message; vendor codes are explained from the catalogue. */
export function explain(err: ChannelError, lang = 'zh'): string {
  if (typeof err.code === 'string' && !/^\d+$/.test(err.code)) return err.message
  return explainWechatError(err.code, err.message, lang)
}
