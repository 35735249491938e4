/**
 * A local emulator of the WeChat official-account API endpoints Street News
 * uses, following their documented behaviour, for tests and development:
 *
 *   npx tsx test/support/wechat-emulator.ts --port 8123 [--mass-protection]
 *
 * then WECHAT_API_BASE=http://127.0.0.1:8123 with the printed app id and secret.
 *
 * What it does as the platform does:
 * - stable_token: normal mode returns the current token while it has more than
 *   5 minutes left, then a new one (the old one stays valid to its end);
 *   force_refresh issues a new token and invalidates the earlier ones (at most
 *   20 a day, not within 30 s of the last); 40013/40125 for a wrong app id or
 *   secret. Calls with an unknown or replaced token get 40001, an expired one
 *   42001, none 41001.
 * - media/uploadimg: JPG/PNG only (40005), under 1 MB (40009); the URL it
 *   returns serves the image back (GET /mmbiz/…).
 * - material/add_material type=thumb: JPG only, at most 64 KB.
 * - draft/add: 1–8 articles, title ≤ 32, author ≤ 16, digest ≤ 128 characters,
 *   content < 20,000 characters and < 1 MB, content_source_url ≤ 1 KB,
 *   thumb_media_id of an uploaded thumb; scripts and images not uploaded
 *   through uploadimg are filtered out of the stored content.
 * - freepublish/submit → publish_id (the draft leaves the draft box);
 *   freepublish/get answers publish_status 1 for the configured number of polls,
 *   then the configured outcome (0 with article URLs, or 2/3/4/6);
 *   freepublish/delete → status 5.
 * - message/mass/sendall (mpnews): one successful mass send per day (China
 *   time), 45028 after that; a clientmsgid used in the last 24 h answers 45065
 *   with the first send's msg_id and spends no quota; clientmsgid over 64 bytes
 *   45067; the draft leaves the draft box.
 * - message/mass/get → msg_status SEND_SUCCESS; with mass-send protection on
 *   (群发保护, option massProtection) SENDING until an administrator confirms
 *   (control confirm-mass), SEND_FAIL once 30 minutes pass unconfirmed (the
 *   emulator's choice: the lapsed send still counts for the day).
 * - ticket/getticket?type=jsapi (GET, with the access token): a jsapi_ticket
 *   valid 7200 s (option ticketTtlSeconds); each call issues a new one and the
 *   earlier ones stay valid to their end (emulator's choice; the documentation
 *   asks callers to cache it because calls are limited). verifyJsSignature()
 *   checks a wx.config signature the way the JS-SDK's backend does: against
 *   the unexpired tickets, the URL without its `#…`.
 * - datacube/getarticlesummary and getarticletotal: aggregate figures for
 *   mass-sent articles (one day per call, up to yesterday; 61501 otherwise).
 * Where the documentation names no errcode for a refusal (too many articles,
 * unknown publish_id/article_id) the emulator's choice is marked in the code.
 *
 * Control endpoints for tests, under /__emulator/: GET state; POST inject
 * {code, path?, times?, errmsg?}, advance {seconds}, rotate-token,
 * expire-tokens, publish-outcome {status, polls?}, publish-status
 * {publish_id, status}, confirm-mass {msg_id}, verify-js-signature {url, nonceStr,
 * timestamp, signature}, reset. The same controls are methods of the object
 * startWechatEmulator() returns.
 */
import { createHash, randomBytes } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { pathToFileURL } from 'node:url'

export type EmulatorOptions = {
  port?: number
  appId?: string
  appSecret?: string
  tokenTtlSeconds?: number
  /** Lifetime of a jsapi_ticket (default 7200 s, as documented). */
  ticketTtlSeconds?: number
  /** How many freepublish/get polls answer 1 (publishing) before the outcome (default 1). */
  publishPolls?: number
  /** The final publish_status (default 0, success). */
  publishOutcome?: 0 | 2 | 3 | 4 | 6
  followers?: number
  /** Mass-send protection (群发保护): a send waits for an administrator's confirmation, 30 minutes at most. */
  massProtection?: boolean
}

type Article = { title: string; author?: string; digest?: string; content: string; content_source_url?: string; thumb_media_id: string }
type Publish = { publishId: number; msgDataId: number; articles: Article[]; pollsLeft: number; outcome: number; status: number; articleId: string }
type MassSend = { msgId: number; msgDataId: number; clientmsgid?: string; day: string; at: number; articles: Article[]; confirmed: boolean }
type Injection = { code: number; path?: string; times: number; errmsg?: string }
type Reply = Record<string, unknown>

const ERRMSG: Record<number, string> = {
  40001: 'invalid credential, access_token is invalid or not latest',
  40002: 'invalid grant_type',
  40004: 'invalid media type',
  40005: 'invalid file type',
  40007: 'invalid media_id',
  40008: 'invalid message type',
  40009: 'invalid image size',
  40013: 'invalid appid',
  40125: 'invalid appsecret',
  40164: 'invalid ip 127.0.0.1, not in whitelist',
  41001: 'access_token missing',
  42001: 'access_token expired',
  43001: 'require GET method',
  43002: 'require POST method',
  44002: 'empty post data',
  44003: 'empty news data',
  44004: 'empty content',
  45002: 'content size out of limit',
  45003: 'title size out of limit',
  45004: 'description size out of limit',
  45005: 'url size out of limit',
  45008: 'article size out of limit',
  45009: 'reach max api daily quota limit',
  45028: 'has no masssend quota',
  45065: 'clientmsgid exist',
  45067: 'clientmsgid size out of limit',
  45110: 'author size out of limit',
  47001: 'data format error',
  48001: 'api unauthorized',
  53503: 'draft can not be published',
  61500: 'date format error',
  61501: 'date range error',
}

const DAY_MS = 86_400_000
const chars = (s: string) => Array.from(s).length
const isJpeg = (b: Uint8Array) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff
const isPng = (b: Uint8Array) => b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47

export async function startWechatEmulator(options: EmulatorOptions = {}) {
  const appId = options.appId ?? 'wxemulator0000001'
  const appSecret = options.appSecret ?? randomBytes(16).toString('hex')
  const config = {
    tokenTtlMs: (options.tokenTtlSeconds ?? 7200) * 1000,
    ticketTtlMs: (options.ticketTtlSeconds ?? 7200) * 1000,
    publishPolls: options.publishPolls ?? 1,
    publishOutcome: options.publishOutcome ?? 0,
    followers: options.followers ?? 523,
    massProtection: options.massProtection ?? false,
  }
  let offsetMs = 0
  const now = () => Date.now() + offsetMs
  /** The platform's day is China's (UTC+8), whatever the host's time zone. */
  const dayOf = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 10)

  const fresh = () => ({
    tokens: new Map<string, { expiresAt: number; revoked: boolean }>(),
    tickets: new Map<string, { expiresAt: number }>(),
    current: null as string | null,
    force: { day: '', count: 0, lastAt: 0 },
    images: new Map<string, { type: string; data: Buffer }>(),
    materials: new Map<string, { type: string; bytes: number }>(),
    drafts: new Map<string, { articles: Article[]; filteredImages: number }>(),
    publishes: new Map<number, Publish>(),
    massSends: [] as MassSend[],
    injections: [] as Injection[],
    calls: [] as { path: string; errcode: number }[],
    seq: 0,
  })
  let state = fresh()
  let origin = ''
  /** Paths whose calls are held unanswered (crash tests): released later, or dropped unprocessed if the caller went away. */
  const holds = new Set<string>()
  let waiting: { path: string; release: () => void }[] = []
  /** Released calls whose caller went away are processed anyway (the platform got the call; its answer was lost). */
  let processGone = false

  const id = (prefix: string) => `${prefix}${(++state.seq).toString().padStart(6, '0')}${randomBytes(8).toString('base64url')}`
  const err = (code: number, errmsg?: string, extra: Reply = {}): Reply => ({
    errcode: code,
    errmsg: `${errmsg ?? ERRMSG[code] ?? 'error'} rid: ${randomBytes(6).toString('hex')}`,
    ...extra,
  })

  function issueToken(): Reply {
    const token = randomBytes(48).toString('base64url')
    state.tokens.set(token, { expiresAt: now() + config.tokenTtlMs, revoked: false })
    state.current = token
    return { access_token: token, expires_in: Math.floor(config.tokenTtlMs / 1000) }
  }

  function rotateToken() {
    for (const t of state.tokens.values()) t.revoked = true
    return issueToken()
  }

  function stableToken(body: Reply): Reply {
    if (body.grant_type !== 'client_credential') return err(40002)
    if (body.appid !== appId) return err(40013)
    if (body.secret !== appSecret) return err(40125)
    const cur = state.current ? state.tokens.get(state.current) : undefined
    const live = cur && !cur.revoked && cur.expiresAt > now()
    if (body.force_refresh === true) {
      const today = dayOf(now())
      if (state.force.day !== today) state.force = { day: today, count: 0, lastAt: 0 }
      // Within 30 s of the last forced refresh the platform does not refresh again.
      if (live && now() - state.force.lastAt < 30_000) return { access_token: state.current, expires_in: Math.floor((cur.expiresAt - now()) / 1000) }
      if (state.force.count >= 20) return err(45009)
      state.force.count++
      state.force.lastAt = now()
      return rotateToken()
    }
    // Normal mode: the same token until its last 5 minutes, then a new one (the old one lives on to its end).
    if (live && cur.expiresAt - now() > 300_000) return { access_token: state.current, expires_in: Math.floor((cur.expiresAt - now()) / 1000) }
    return issueToken()
  }

  function checkToken(token: string | null): Reply | null {
    if (!token) return err(41001)
    const t = state.tokens.get(token)
    if (!t || t.revoked) return err(40001)
    if (t.expiresAt <= now()) return err(42001)
    return null
  }

  function getTicket(url: URL): Reply {
    if (url.searchParams.get('type') !== 'jsapi') return err(40097, 'invalid args') // emulator's choice: only type=jsapi
    const ticket = randomBytes(32).toString('base64url')
    state.tickets.set(ticket, { expiresAt: now() + config.ticketTtlMs })
    return { errcode: 0, errmsg: 'ok', ticket, expires_in: Math.floor(config.ticketTtlMs / 1000) }
  }

  /** The JS-SDK's check of wx.config: sha1 of the four fields with an unexpired ticket. */
  function verifyJsSignature(c: { url: string; nonceStr: string; timestamp: number | string; signature: string }): boolean {
    const page = String(c.url).split('#')[0]
    for (const [ticket, t] of state.tickets) {
      if (t.expiresAt <= now()) continue
      const plain = `jsapi_ticket=${ticket}&noncestr=${c.nonceStr}&timestamp=${c.timestamp}&url=${page}`
      if (createHash('sha1').update(plain).digest('hex') === c.signature) return true
    }
    return false
  }

  async function upload(req: http.IncomingMessage, body: Buffer, kind: 'uploadimg' | 'thumb' | 'image'): Promise<Reply> {
    let file: File | null = null
    try {
      const form = await new Response(new Uint8Array(body), { headers: { 'content-type': req.headers['content-type'] ?? '' } }).formData()
      const media = form.get('media')
      file = typeof media === 'string' ? null : media
    } catch {
      return err(44002)
    }
    if (!file) return err(44002)
    const data = Buffer.from(await file.arrayBuffer())
    if (kind === 'thumb') {
      if (!isJpeg(data)) return err(40005)
      if (data.length > 64 * 1024) return err(40009)
    } else if (kind === 'uploadimg') {
      if (!isJpeg(data) && !isPng(data)) return err(40005)
      if (data.length >= 1024 * 1024) return err(40009)
    } else if (data.length > 10 * 1024 * 1024 || !(isJpeg(data) || isPng(data))) return err(40009)
    const key = id('img')
    const type = isPng(data) ? 'png' : 'jpg'
    state.images.set(key, { type, data })
    const url = `${origin}/mmbiz/${key}.${type}`
    if (kind === 'uploadimg') return { url }
    const mediaId = id('thumb')
    state.materials.set(mediaId, { type: kind, bytes: data.length })
    return { media_id: mediaId, url }
  }

  function addDraft(body: Reply): Reply {
    const articles = body.articles as Article[] | undefined
    if (!Array.isArray(articles) || !articles.length) return err(44003)
    if (articles.length > 8) return err(45008) // emulator's choice of code: the docs give the limit, not the code
    const stored: Article[] = []
    let filteredImages = 0
    for (const a of articles) {
      if (typeof a.title !== 'string' || !a.title.trim()) return err(47001, 'data format error: title')
      if (typeof a.content !== 'string' || !a.content.trim()) return err(44004)
      if (!a.thumb_media_id || !state.materials.has(a.thumb_media_id)) return err(40007)
      if (chars(a.title) > 32) return err(45003)
      if (a.author && chars(a.author) > 16) return err(45110)
      if (a.digest && chars(a.digest) > 128) return err(45004)
      if (chars(a.content) >= 20_000 || Buffer.byteLength(a.content) >= 1024 * 1024) return err(45002)
      if (a.content_source_url && Buffer.byteLength(a.content_source_url) > 1024) return err(45005)
      // The platform removes JS and every image that did not come from uploadimg.
      const content = a.content
        .replace(/<script\b[\s\S]*?<\/script\s*>/gi, '')
        .replace(/<img\b[^>]*>/gi, (tag) => {
          const src = /\ssrc\s*=\s*"([^"]*)"/i.exec(tag)?.[1] ?? ''
          if (src.startsWith(`${origin}/mmbiz/`)) return tag
          filteredImages++
          return ''
        })
      stored.push({ ...a, content })
    }
    const mediaId = id('draft')
    state.drafts.set(mediaId, { articles: stored, filteredImages })
    return { media_id: mediaId }
  }

  function submitPublish(body: Reply): Reply {
    const draft = state.drafts.get(String(body.media_id ?? ''))
    if (!draft) return err(40007)
    state.drafts.delete(String(body.media_id))
    const publishId = 100_000_000 + ++state.seq
    const p: Publish = {
      publishId,
      msgDataId: 2_247_483_000 + state.seq,
      articles: draft.articles,
      pollsLeft: config.publishPolls,
      outcome: config.publishOutcome,
      status: 1,
      articleId: id('art'),
    }
    state.publishes.set(publishId, p)
    return { errcode: 0, errmsg: 'ok', publish_id: publishId, msg_data_id: p.msgDataId }
  }

  function getPublish(body: Reply): Reply {
    const p = state.publishes.get(Number(body.publish_id))
    if (!p) return err(53502, 'invalid publish_id') // emulator's choice of code
    if (p.status === 1) {
      if (p.pollsLeft > 0) p.pollsLeft--
      else p.status = p.outcome
    }
    const reply: Reply = { publish_id: p.publishId, publish_status: p.status }
    if (p.status === 0 || p.status === 5 || p.status === 6) reply.article_id = p.articleId
    if (p.status === 0) {
      reply.article_detail = {
        count: p.articles.length,
        item: p.articles.map((_, i) => ({ idx: i + 1, article_url: `${origin}/s/${p.articleId}_${i + 1}` })),
      }
    }
    reply.fail_idx = p.status >= 2 && p.status <= 4 ? p.articles.map((_, i) => i + 1) : []
    return reply
  }

  function deletePublished(body: Reply): Reply {
    const p = [...state.publishes.values()].find((x) => x.articleId === body.article_id && (x.status === 0 || x.status === 6))
    if (!p) return err(53600, 'invalid article_id') // emulator's choice of code
    p.status = 5
    return { errcode: 0, errmsg: 'ok' }
  }

  function massSend(body: Reply): Reply {
    if (body.msgtype !== 'mpnews') return err(40008)
    const filter = body.filter as { is_to_all?: boolean } | undefined
    if (!filter || typeof filter.is_to_all !== 'boolean') return err(47001, 'data format error: filter')
    const clientmsgid = body.clientmsgid === undefined ? undefined : String(body.clientmsgid)
    if (clientmsgid !== undefined && Buffer.byteLength(clientmsgid) > 64) return err(45067)
    if (clientmsgid !== undefined) {
      const earlier = state.massSends.find((m) => m.clientmsgid === clientmsgid && now() - m.at < DAY_MS)
      if (earlier) return err(45065, undefined, { msg_id: earlier.msgId })
    }
    const mediaId = String((body.mpnews as { media_id?: string } | undefined)?.media_id ?? '')
    const draft = state.drafts.get(mediaId)
    if (!draft) return err(40007)
    const today = dayOf(now())
    if (state.massSends.some((m) => m.day === today)) return err(45028)
    state.drafts.delete(mediaId)
    const m: MassSend = {
      msgId: 1_000_000_000 + ++state.seq,
      msgDataId: 2_247_483_000 + state.seq,
      clientmsgid,
      day: today,
      at: now(),
      articles: draft.articles,
      confirmed: !config.massProtection,
    }
    state.massSends.push(m)
    return { errcode: 0, errmsg: 'send job submission success', msg_id: m.msgId, msg_data_id: m.msgDataId }
  }

  const CONFIRM_WINDOW_MS = 30 * 60_000
  function massStatus(m: MassSend): string {
    if (m.confirmed) return 'SEND_SUCCESS'
    return now() - m.at > CONFIRM_WINDOW_MS ? 'SEND_FAIL' : 'SENDING'
  }

  function massGet(body: Reply): Reply {
    const m = state.massSends.find((x) => String(x.msgId) === String(body.msg_id ?? ''))
    if (!m) return err(40007, 'invalid msg_id') // emulator's choice of code
    return { msg_id: m.msgId, msg_status: massStatus(m) }
  }

  /** Figures of one mass-sent article `k` days after its send day: made up, but consistent and decreasing. */
  function figures(idx: number, k: number) {
    const users = Math.max(1, Math.floor((config.followers * 0.4) / idx / (k + 1)))
    return {
      int_page_read_user: users,
      int_page_read_count: users + Math.floor(users / 3),
      ori_page_read_user: Math.floor(users / 10),
      ori_page_read_count: Math.floor(users / 8),
      share_user: Math.floor(users / 12),
      share_count: Math.floor(users / 10),
      add_to_fav_user: Math.floor(users / 25),
      add_to_fav_count: Math.floor(users / 25),
    }
  }

  function datacube(body: Reply, total: boolean): Reply {
    const begin = String(body.begin_date ?? '')
    const end = String(body.end_date ?? '')
    if (!/^\d{4}-\d{2}-\d{2}$/.test(begin) || !/^\d{4}-\d{2}-\d{2}$/.test(end)) return err(61500)
    // These two reports cover one day per call, and data exists up to yesterday.
    if (begin !== end || end >= dayOf(now())) return err(61501)
    const daysBetween = (a: string, b: string) => Math.round((Date.parse(b) - Date.parse(a)) / DAY_MS)
    const list: Reply[] = []
    for (const m of state.massSends) {
      m.articles.forEach((a, i) => {
        const msgid = `${m.msgDataId}_${i + 1}`
        if (!total) {
          const k = daysBetween(m.day, begin)
          if (k >= 0 && k <= 6) list.push({ ref_date: begin, msgid, title: a.title, ...figures(i + 1, k) })
          return
        }
        if (m.day !== begin) return
        const details: Reply[] = []
        const sum: Record<string, number> = {}
        for (let k = 0; k <= 6 && daysBetween(begin, dayOf(now())) > k; k++) {
          for (const [key, v] of Object.entries(figures(i + 1, k))) sum[key] = (sum[key] ?? 0) + v
          const statDate = new Date(Date.parse(begin) + k * DAY_MS).toISOString().slice(0, 10)
          details.push({ stat_date: statDate, target_user: config.followers, ...sum })
        }
        list.push({ ref_date: begin, msgid, title: a.title, details })
      })
    }
    return { list }
  }

  function inject(code: number, opts: { path?: string; times?: number; errmsg?: string } = {}) {
    state.injections.push({ code, path: opts.path, times: opts.times ?? 1, errmsg: opts.errmsg })
  }
  function takeInjection(path: string): Injection | null {
    const hit = state.injections.find((i) => i.times > 0 && (!i.path || i.path === path))
    if (!hit) return null
    hit.times--
    state.injections = state.injections.filter((i) => i.times > 0)
    return hit
  }

  const controls = {
    inject,
    advance(seconds: number) {
      offsetMs += seconds * 1000
    },
    rotateToken,
    expireTokens() {
      for (const t of state.tokens.values()) t.expiresAt = Math.min(t.expiresAt, now())
    },
    verifyJsSignature,
    setPublishOutcome(status: 0 | 2 | 3 | 4 | 6, polls = config.publishPolls) {
      config.publishOutcome = status
      config.publishPolls = polls
    },
    /** An administrator confirms a protected mass send in WeChat (within 30 minutes, or it has lapsed). */
    confirmMassSend(msgId: number | string) {
      const m = state.massSends.find((x) => String(x.msgId) === String(msgId))
      if (!m) throw new Error(`No mass send ${msgId}`)
      if (massStatus(m) === 'SENDING') m.confirmed = true
      return massStatus(m)
    },
    setMassProtection(on: boolean) {
      config.massProtection = on
    },
    setPublishStatus(publishId: number | string, status: number) {
      const p = state.publishes.get(Number(publishId))
      if (!p) throw new Error(`No publish ${publishId}`)
      p.status = status
    },
    reset() {
      state = fresh()
      offsetMs = 0
      // Holds too: a test that failed while a call was held must not leave it to the next.
      holds.clear()
      processGone = false
      const w = waiting
      waiting = []
      for (const x of w) x.release()
    },
    snapshot() {
      const today = dayOf(now())
      return {
        now: new Date(now()).toISOString(),
        day: today,
        tokens: { current: state.current, issued: state.tokens.size },
        ticketsIssued: state.tickets.size,
        materials: state.materials.size,
        images: state.images.size,
        drafts: [...state.drafts].map(([mediaId, d]) => ({ mediaId, titles: d.articles.map((a) => a.title), filteredImages: d.filteredImages })),
        publishes: [...state.publishes.values()].map((p) => ({ publishId: p.publishId, status: p.status, articleId: p.articleId, titles: p.articles.map((a) => a.title) })),
        massSends: state.massSends.map((m) => ({ msgId: m.msgId, msgDataId: m.msgDataId, clientmsgid: m.clientmsgid, day: m.day, status: massStatus(m) })),
        massQuotaLeftToday: state.massSends.some((m) => m.day === today) ? 0 : 1,
        calls: state.calls.length,
      }
    },
  }

  async function control(action: string, body: Reply): Promise<Reply> {
    switch (action) {
      case 'state':
        return controls.snapshot()
      case 'inject':
        inject(Number(body.code), { path: body.path as string | undefined, times: body.times as number | undefined, errmsg: body.errmsg as string | undefined })
        return { ok: true }
      case 'advance':
        controls.advance(Number(body.seconds ?? 0))
        return { ok: true, now: new Date(now()).toISOString() }
      case 'rotate-token':
        return rotateToken()
      case 'expire-tokens':
        controls.expireTokens()
        return { ok: true }
      case 'publish-outcome':
        controls.setPublishOutcome(Number(body.status) as 0, body.polls === undefined ? undefined : Number(body.polls))
        return { ok: true }
      case 'publish-status':
        controls.setPublishStatus(String(body.publish_id), Number(body.status))
        return { ok: true }
      case 'confirm-mass':
        return { ok: true, status: controls.confirmMassSend(String(body.msg_id)) }
      case 'verify-js-signature':
        return { ok: true, valid: verifyJsSignature(body as never) }
      case 'reset':
        controls.reset()
        return { ok: true }
      default:
        throw new Error(`Unknown control ${action}`)
    }
  }

  async function api(req: http.IncomingMessage, url: URL, raw: Buffer): Promise<Reply> {
    const path = url.pathname
    const injected = takeInjection(path)
    if (injected) return err(injected.code, injected.errmsg)
    const multipart = /^multipart\/form-data/i.test(req.headers['content-type'] ?? '')
    let body: Reply = {}
    if (!multipart && req.method === 'POST') {
      if (!raw.length) return err(44002)
      try {
        body = JSON.parse(raw.toString('utf8'))
      } catch {
        return err(47001)
      }
    }
    if (path === '/cgi-bin/stable_token') return stableToken(body)
    const bad = checkToken(url.searchParams.get('access_token'))
    if (bad) return bad
    if (path === '/cgi-bin/ticket/getticket') return getTicket(url)
    switch (path) {
      case '/cgi-bin/media/uploadimg':
        return upload(req, raw, 'uploadimg')
      case '/cgi-bin/material/add_material': {
        const type = url.searchParams.get('type')
        if (type !== 'thumb' && type !== 'image') return err(40004)
        return upload(req, raw, type)
      }
      case '/cgi-bin/draft/add':
        return addDraft(body)
      case '/cgi-bin/freepublish/submit':
        return submitPublish(body)
      case '/cgi-bin/freepublish/get':
        return getPublish(body)
      case '/cgi-bin/freepublish/delete':
        return deletePublished(body)
      case '/cgi-bin/message/mass/sendall':
        return massSend(body)
      case '/cgi-bin/message/mass/get':
        return massGet(body)
      case '/datacube/getarticlesummary':
        return datacube(body, false)
      case '/datacube/getarticletotal':
        return datacube(body, true)
      default:
        return err(40066, 'invalid url')
    }
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size <= 12 * 1024 * 1024) chunks.push(c)
    })
    req.on('end', async () => {
      const url = new URL(req.url ?? '/', origin)
      const send = (status: number, reply: Reply) =>
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(reply))
      try {
        const image = /^\/mmbiz\/([A-Za-z0-9_-]+)\.(jpg|png)$/.exec(url.pathname)
        if (req.method === 'GET' && image) {
          const img = state.images.get(image[1])
          if (!img) return res.writeHead(404).end()
          return res.writeHead(200, { 'content-type': img.type === 'png' ? 'image/png' : 'image/jpeg' }).end(img.data)
        }
        if (url.pathname.startsWith('/__emulator/')) {
          const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {}
          return send(200, await control(url.pathname.slice('/__emulator/'.length), body))
        }
        // getticket is the one GET of the API the street uses.
        const isGet = url.pathname === '/cgi-bin/ticket/getticket'
        if (req.method !== (isGet ? 'GET' : 'POST')) return send(200, err(isGet ? 43001 : 43002))
        if (holds.has(url.pathname)) {
          await new Promise<void>((release) => waiting.push({ path: url.pathname, release }))
          // The caller died while held: the platform never saw the call (unless told it did).
          if ((res.destroyed || req.socket.destroyed) && !processGone) return
        }
        const reply = await api(req, url, Buffer.concat(chunks))
        state.calls.push({ path: url.pathname, errcode: Number(reply.errcode ?? 0) })
        send(200, reply)
      } catch (e) {
        send(400, { error: (e as Error).message })
      }
    })
  })

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', () => resolve()))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  return {
    url: origin,
    appId,
    appSecret,
    now,
    /** Every API call answered (control endpoints excluded), with its errcode. */
    get calls() {
      return state.calls
    },
    get drafts() {
      return state.drafts
    },
    /** jsapi_tickets issued so far. */
    get ticketsIssued() {
      return state.tickets.size
    },
    get massSends() {
      return state.massSends
    },
    get publishes() {
      return state.publishes
    },
    get materials() {
      return state.materials
    },
    /** Hold every call to `path` unanswered until release(); a held call whose caller went away is never processed. */
    hold(path: string) {
      holds.add(path)
    },
    /** Calls waiting on a hold. */
    get held() {
      return waiting.map((w) => w.path)
    },
    release({ evenIfGone = false }: { evenIfGone?: boolean } = {}) {
      processGone = evenIfGone
      holds.clear()
      const w = waiting
      waiting = []
      for (const x of w) x.release()
    },
    ...controls,
    close: () =>
      new Promise<void>((resolve) => {
        holds.clear()
        for (const x of waiting) x.release()
        waiting = []
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

export type WechatEmulator = Awaited<ReturnType<typeof startWechatEmulator>>

// Run on its own for development: npx tsx test/support/wechat-emulator.ts --port 8123 [--mass-protection]
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`)
    return i > 0 ? process.argv[i + 1] : undefined
  }
  const emu = await startWechatEmulator({
    port: Number(arg('port') ?? 8123),
    appId: arg('app-id'),
    appSecret: arg('app-secret') ?? 'emulator-secret',
    massProtection: process.argv.includes('--mass-protection'),
  })
  process.stdout.write(
    `WeChat API emulator listening on ${emu.url}\n` +
      `  WECHAT_API_BASE=${emu.url}\n  WECHAT_APP_ID=${emu.appId}\n  WECHAT_APP_SECRET=${emu.appSecret}\n` +
      `  state: GET ${emu.url}/__emulator/state\n`,
  )
  const stop = () => emu.close().then(() => process.exit(0))
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}
