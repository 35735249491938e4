/**
 * A typed client of the WeChat official-account API, for the calls a street
 * office needs: token, images, draft, publish, mass send and statistics.
 *
 * - The token comes from stable_token (normal mode, shared safely by every
 *   process), cached until shortly before it expires; a call answered with
 *   40001/40014/42001 fetches the token again and is retried once.
 * - Documented limits are checked before a call, with a clear error naming the
 *   field, so a refused draft costs no API call and no quota.
 * - Every failure is a ChannelError with the kind the pipeline acts on and the
 *   vendor's errcode kept.
 */
import { t } from '../../i18n/messages'
import { ChannelError } from '../types'
import { CLIENTMSGID_EXISTS, TOKEN_ERRORS, wechatErrorKind, type PublishStatus } from './errors'
import { fitThumb } from './images'
import { checkDraft, type DraftArticle, imageType, sizeText, WECHAT_LIMITS } from './limits'

export { fitBodyImage, fitThumb } from './images'
export { checkDraft, type DraftArticle, imageType, WECHAT_LIMITS } from './limits'

/** The official API host; WECHAT_API_BASE points elsewhere (the local emulator in tests and development). */
export const WECHAT_API_BASE = 'https://api.weixin.qq.com'

export type WechatConfig = {
  appId: string
  appSecret: string
  baseUrl?: string
  timeoutMs?: number
  /** Clock, for tests of token expiry. */
  now?: () => number
}

export type PublishState = {
  publishId: string
  status: PublishStatus
  articleId?: string
  /** Permanent article URLs, in article order (status 0 only). */
  articleUrls: string[]
  /** 1-based indexes of articles that failed (status 2–4). */
  failIdx: number[]
}

export type ArticleDayStats = {
  refDate: string
  msgid: string
  title: string
  readUsers: number
  reads: number
  shareUsers: number
  shares: number
  favUsers: number
  favs: number
}

export type ArticleStats = Omit<ArticleDayStats, 'refDate'> & { days: number }

type WechatReply = { errcode?: number; errmsg?: string; [key: string]: unknown }

/** message/mass/get msg_status, in our words (SENDING covers an unconfirmed send under 群发保护). */
export type MassSendState = { msgId: string; status: 'sending' | 'sent' | 'failed' | 'deleted'; raw: string }

export class WechatClient {
  private readonly base: string
  private readonly timeoutMs: number
  private readonly now: () => number
  private cached: { token: string; refreshAt: number } | null = null
  private pending: Promise<string> | null = null
  private ticketCached: { ticket: string; refreshAt: number } | null = null
  private ticketPending: Promise<string> | null = null
  /** How many times a token was fetched (for tests and the log). */
  tokenFetches = 0
  /** How many times a jsapi_ticket was fetched. */
  ticketFetches = 0

  constructor(private readonly config: WechatConfig) {
    if (!config.appId || !config.appSecret) throw new Error('WECHAT_APP_ID and WECHAT_APP_SECRET are required for the WeChat channel')
    this.base = (config.baseUrl || WECHAT_API_BASE).replace(/\/+$/, '')
    this.timeoutMs = config.timeoutMs ?? 20_000
    this.now = config.now ?? Date.now
  }

  /** A valid access token: cached; fetched once for all concurrent callers when due. */
  async token(): Promise<string> {
    if (this.cached && this.now() < this.cached.refreshAt) return this.cached.token
    this.pending ??= this.fetchToken().finally(() => (this.pending = null))
    return this.pending
  }

  private async fetchToken(): Promise<string> {
    const reply = await this.request('/cgi-bin/stable_token', {
      grant_type: 'client_credential',
      appid: this.config.appId,
      secret: this.config.appSecret,
      force_refresh: false,
    })
    const token = reply.access_token
    const expiresIn = Number(reply.expires_in)
    if (typeof token !== 'string' || !(expiresIn > 0)) throw new ChannelError('retryable', 'bad-token-reply', 'stable_token answered without a token')
    this.tokenFetches++
    // The platform renews a token in its last 5 minutes (both stay valid meanwhile): ask again then.
    const keepS = Math.max(expiresIn - 300, expiresIn / 2)
    this.cached = { token, refreshAt: this.now() + keepS * 1000 }
    return token
  }

  /**
   * The JS-SDK's jsapi_ticket (ticket/getticket?type=jsapi), cached and renewed
   * as the token is: the platform limits how often it may be fetched, so every
   * page's wx.config signs with the one cached here until its last 5 minutes.
   */
  async jsapiTicket(): Promise<string> {
    if (this.ticketCached && this.now() < this.ticketCached.refreshAt) return this.ticketCached.ticket
    this.ticketPending ??= this.fetchTicket().finally(() => (this.ticketPending = null))
    return this.ticketPending
  }

  /** Forget the cached ticket (a page reported an invalid signature): the next call fetches one. */
  forgetJsapiTicket(ticket?: string) {
    if (!ticket || this.ticketCached?.ticket === ticket) this.ticketCached = null
  }

  private async fetchTicket(): Promise<string> {
    const reply = await this.call('/cgi-bin/ticket/getticket', undefined, '&type=jsapi')
    const ticket = reply.ticket
    const expiresIn = Number(reply.expires_in)
    if (typeof ticket !== 'string' || !ticket || !(expiresIn > 0)) throw new ChannelError('retryable', 'bad-ticket-reply', 'getticket answered without a ticket')
    this.ticketFetches++
    const keepS = Math.max(expiresIn - 300, expiresIn / 2)
    this.ticketCached = { ticket, refreshAt: this.now() + keepS * 1000 }
    return ticket
  }

  /** One HTTP round trip (GET without a body); throws a ChannelError for network trouble, HTTP errors and non-zero errcodes. */
  private async request(path: string, body: unknown, query = ''): Promise<WechatReply> {
    let res: Response
    try {
      const url = `${this.base}${path}${query}`
      const signal = AbortSignal.timeout(this.timeoutMs)
      res =
        body === undefined
          ? await fetch(url, { signal })
          : await fetch(url, {
              method: 'POST',
              body: body instanceof FormData ? body : JSON.stringify(body),
              headers: body instanceof FormData ? undefined : { 'content-type': 'application/json; charset=utf-8' },
              signal,
            })
    } catch (err) {
      throw new ChannelError('retryable', 'network', `WeChat ${path}: ${(err as Error).message}`)
    }
    if (!res.ok) throw new ChannelError(res.status >= 500 || res.status === 429 ? 'retryable' : 'config', res.status, `WeChat ${path}: HTTP ${res.status}`)
    let reply: WechatReply
    try {
      reply = (await res.json()) as WechatReply
    } catch {
      throw new ChannelError('retryable', 'bad-response', `WeChat ${path}: the answer is not JSON`)
    }
    if (reply.errcode && reply.errcode !== 0 && reply.errcode !== CLIENTMSGID_EXISTS) {
      throw new ChannelError(wechatErrorKind(reply.errcode), reply.errcode, `WeChat ${path}: ${reply.errcode} ${reply.errmsg ?? ''}`.trim())
    }
    return reply
  }

  /** An authenticated call; on a token error the token is fetched again and the call retried once. */
  private async call(path: string, body: unknown, query = ''): Promise<WechatReply> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.token()
      try {
        return await this.request(path, body, `?access_token=${encodeURIComponent(token)}${query}`)
      } catch (err) {
        const code = err instanceof ChannelError ? err.code : null
        if (attempt > 0 || typeof code !== 'number' || !TOKEN_ERRORS.has(code)) throw err
        if (this.cached?.token === token) this.cached = null
      }
    }
  }

  /** media/uploadimg: a body image (JPG/PNG under 1 MB) → its URL for article HTML. */
  async uploadImage(data: Buffer, filename = 'image'): Promise<string> {
    const type = imageType(data)
    if (!type) throw new ChannelError('config', 'uploadimg.type', t('wechat.check.imageType'), { field: 'image' })
    if (data.length >= WECHAT_LIMITS.bodyImageBytes) {
      throw new ChannelError('config', 'uploadimg.too-large', t('wechat.check.imageTooLarge', 'zh', { size: sizeText(data.length) }), { field: 'image' })
    }
    const reply = await this.call('/cgi-bin/media/uploadimg', this.form(data, type, filename))
    if (typeof reply.url !== 'string') throw new ChannelError('retryable', 'bad-response', 'uploadimg answered without a url')
    return reply.url
  }

  /** material/add_material type=thumb: the cover, made a JPEG under 64 KB first → its permanent media_id. */
  async uploadThumb(image: Buffer): Promise<{ mediaId: string; url?: string }> {
    const jpeg = await fitThumb(image)
    const reply = await this.call('/cgi-bin/material/add_material', this.form(jpeg, 'jpg', 'cover'), '&type=thumb')
    if (typeof reply.media_id !== 'string') throw new ChannelError('retryable', 'bad-response', 'add_material answered without a media_id')
    return { mediaId: reply.media_id, ...(typeof reply.url === 'string' ? { url: reply.url } : {}) }
  }

  private form(data: Buffer, type: 'jpg' | 'png', name: string): FormData {
    const form = new FormData()
    form.append('media', new Blob([new Uint8Array(data)], { type: type === 'jpg' ? 'image/jpeg' : 'image/png' }), `${name}.${type}`)
    return form
  }

  /** draft/add: up to 8 articles → the draft's media_id. Checked against the documented limits first. */
  async addDraft(articles: DraftArticle[]): Promise<string> {
    checkDraft(articles)
    const reply = await this.call('/cgi-bin/draft/add', {
      articles: articles.map((a) => ({
        article_type: 'news',
        title: a.title,
        ...(a.author ? { author: a.author } : {}),
        ...(a.digest && articles.length === 1 ? { digest: a.digest } : {}),
        content: a.content,
        ...(a.contentSourceUrl ? { content_source_url: a.contentSourceUrl } : {}),
        thumb_media_id: a.thumbMediaId,
        need_open_comment: a.needOpenComment ? 1 : 0,
        only_fans_can_comment: a.onlyFansCanComment ? 1 : 0,
      })),
    })
    if (typeof reply.media_id !== 'string') throw new ChannelError('retryable', 'bad-response', 'draft/add answered without a media_id')
    return reply.media_id
  }

  /** freepublish/submit: publish a draft (a permanent link; notifies nobody). The draft leaves the draft box. */
  async submitPublish(mediaId: string): Promise<{ publishId: string; msgDataId?: string }> {
    const reply = await this.call('/cgi-bin/freepublish/submit', { media_id: mediaId })
    if (reply.publish_id === undefined) throw new ChannelError('retryable', 'bad-response', 'freepublish/submit answered without a publish_id')
    return { publishId: String(reply.publish_id), ...(reply.msg_data_id !== undefined ? { msgDataId: String(reply.msg_data_id) } : {}) }
  }

  /** freepublish/get: the publish job's state; poll until it is not 1 (publishing). */
  async getPublish(publishId: string): Promise<PublishState> {
    const reply = await this.call('/cgi-bin/freepublish/get', { publish_id: publishId })
    const detail = reply.article_detail as { item?: { idx: number; article_url: string }[] } | undefined
    const items = [...(detail?.item ?? [])].sort((a, b) => a.idx - b.idx)
    return {
      publishId: String(reply.publish_id ?? publishId),
      status: Number(reply.publish_status) as PublishStatus,
      ...(reply.article_id ? { articleId: String(reply.article_id) } : {}),
      articleUrls: items.map((i) => i.article_url),
      failIdx: Array.isArray(reply.fail_idx) ? (reply.fail_idx as number[]) : [],
    }
  }

  /** freepublish/delete: withdraw published articles (index 0: all of them, else the 1-based article). */
  async deletePublished(articleId: string, index = 0): Promise<void> {
    await this.call('/cgi-bin/freepublish/delete', { article_id: articleId, index })
  }

  /**
   * message/mass/sendall to all followers: one successful mass send a day for a
   * subscription account. The draft (media_id from draft/add) leaves the draft
   * box once sent, so a content already published needs a fresh draft of the
   * same articles for its mass send. clientmsgid makes the call idempotent: a
   * repeat answers 45065 with the first send's msg_id, returned here as
   * `repeated: true` without spending the day's quota.
   */
  async massSendToAll(mediaId: string, options: { clientMsgId: string; sendIgnoreReprint?: boolean }): Promise<{ msgId: string; msgDataId?: string; repeated: boolean }> {
    if (!options.clientMsgId || Buffer.byteLength(options.clientMsgId) > WECHAT_LIMITS.clientMsgIdBytes) {
      throw new ChannelError('config', 'clientmsgid', t('wechat.check.clientMsgId'), { field: 'clientMsgId' })
    }
    const reply = await this.call('/cgi-bin/message/mass/sendall', {
      filter: { is_to_all: true },
      mpnews: { media_id: mediaId },
      msgtype: 'mpnews',
      send_ignore_reprint: options.sendIgnoreReprint ? 1 : 0,
      clientmsgid: options.clientMsgId,
    })
    if (reply.msg_id === undefined) throw new ChannelError('retryable', 'bad-response', 'mass/sendall answered without a msg_id')
    return {
      msgId: String(reply.msg_id),
      ...(reply.msg_data_id !== undefined ? { msgDataId: String(reply.msg_data_id) } : {}),
      repeated: reply.errcode === CLIENTMSGID_EXISTS,
    }
  }

  /**
   * message/mass/get: the state of a mass send. SENDING while the platform is
   * still sending, or while an administrator has not yet confirmed it when the
   * account has mass-send protection (群发保护) on.
   */
  async getMassSend(msgId: string): Promise<MassSendState> {
    const reply = await this.call('/cgi-bin/message/mass/get', { msg_id: msgId })
    const raw = String(reply.msg_status ?? '')
    const status = raw === 'SEND_SUCCESS' ? 'sent' : raw === 'SENDING' ? 'sending' : raw === 'DELETE' ? 'deleted' : 'failed'
    return { msgId: String(reply.msg_id ?? msgId), status, raw }
  }

  /** datacube/getarticlesummary for one day (YYYY-MM-DD, at most yesterday): reading of mass-sent articles that day. */
  async articleSummary(day: string): Promise<ArticleDayStats[]> {
    const reply = await this.call('/datacube/getarticlesummary', { begin_date: day, end_date: day })
    return ((reply.list as Record<string, unknown>[] | undefined) ?? []).map((r) => ({
      refDate: String(r.ref_date),
      msgid: String(r.msgid),
      title: String(r.title ?? ''),
      ...readingFigures(r),
    }))
  }

  /** datacube/getarticletotal for one send day: each article's cumulative figures, latest stat day. */
  async articleTotal(day: string): Promise<ArticleDayStats[]> {
    const reply = await this.call('/datacube/getarticletotal', { begin_date: day, end_date: day })
    return ((reply.list as { ref_date: string; msgid: string; title: string; details?: Record<string, unknown>[] }[] | undefined) ?? []).map((r) => {
      const last = [...(r.details ?? [])].sort((a, b) => String(a.stat_date).localeCompare(String(b.stat_date))).pop() ?? {}
      return {
        refDate: r.ref_date,
        msgid: String(r.msgid),
        title: r.title ?? '',
        ...readingFigures(last),
      }
    })
  }

  /**
   * Aggregate reading per article over [from, to] (YYYY-MM-DD, inclusive), one
   * summary call per day. Users are summed per day, so a reader of two days
   * counts twice: WeChat gives no unique count across days.
   */
  async articleStats(from: string, to: string): Promise<ArticleStats[]> {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(from) || !/^\d{4}-\d{2}-\d{2}$/.test(to)) throw new Error('articleStats takes YYYY-MM-DD dates')
    if (Date.parse(to) - Date.parse(from) > 366 * 86_400_000) throw new Error('articleStats covers at most a year at a time')
    const byMsg = new Map<string, ArticleStats>()
    for (let day = from; day <= to; day = nextDay(day)) {
      for (const d of await this.articleSummary(day)) {
        const s = byMsg.get(d.msgid) ?? { msgid: d.msgid, title: d.title, readUsers: 0, reads: 0, shareUsers: 0, shares: 0, favUsers: 0, favs: 0, days: 0 }
        s.readUsers += d.readUsers
        s.reads += d.reads
        s.shareUsers += d.shareUsers
        s.shares += d.shares
        s.favUsers += d.favUsers
        s.favs += d.favs
        s.days++
        byMsg.set(d.msgid, s)
      }
    }
    return [...byMsg.values()]
  }
}

function nextDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + 1)
  return d.toISOString().slice(0, 10)
}

/** The reading figures of a datacube row, in our names (missing figures count as 0). */
function readingFigures(row: Record<string, unknown>) {
  return {
    readUsers: Number(row.int_page_read_user ?? 0),
    reads: Number(row.int_page_read_count ?? 0),
    shareUsers: Number(row.share_user ?? 0),
    shares: Number(row.share_count ?? 0),
    favUsers: Number(row.add_to_fav_user ?? 0),
    favs: Number(row.add_to_fav_count ?? 0),
  }
}
