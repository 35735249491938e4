import fs from 'node:fs/promises'
import path from 'node:path'

import type { Payload, PayloadHandler } from 'payload'

import { isEditor } from '../access/roles'
import { ChannelError } from '../channels/types'
import {
  WechatClient,
  explainPublishStatus,
  explainWechatError,
  fitBodyImage,
  toWechatHtml,
  type DraftArticle,
} from '../channels/wechat'
import type { ContentSlug } from '../model/content'
import type { DeliveryDoc, DeliveryStatus } from '../model/deliveries'
import { langOf, t } from '../i18n/messages'
import { env, wechatAccount, wechatSettings } from '../server/env'
import { loadSettings, mediaFor, richValues } from '../content/data'
import { claimSlot, deleteClaims, newestClaims, type ClaimRow } from '../store/claims'
import { claimNext, processOwner, withLease, type Lease } from '../store/leases'
import { formatDateTime, streetDay } from '../templates/format'
import { isMediaDoc, mediaSrc, type MediaDoc } from '../templates/html'
import { mediaFileOf, wechatArticles } from '../templates/wechat'
import { channelConfigured, deliverySettings } from './config'
import { contentUrl } from './links'
import { nowIso, remember, updateDelivery } from './rows'
import { noTransaction } from '../store/noTransaction'

/**
 * The WeChat stages of a delivery (no recipient list): upload the body images
 * and the cover thumb → draft/add → freepublish/submit → poll freepublish/get
 * until final → article URLs stored, delivery done. Mass send (群发) is a
 * separate editor action on a published delivery; retraction deletes the
 * published article through a job.
 *
 * Every stage's result is written to the delivery's `wechat` field before the
 * next stage starts, so a restart resumes where it stopped. What a crash can
 * still repeat, and how it is bounded:
 * - an image uploaded but not yet recorded is uploaded again (harmless);
 * - a draft made but not yet recorded is made again: one unused draft in the
 *   draft box, never a second publish (only the recorded draft is submitted);
 * - a submit whose answer was lost: `submitAt` is written before the call, so
 *   the next run knows; it submits the same draft again, and WeChat refuses a
 *   draft that was already published (it left the draft box, 40007): the
 *   delivery then pauses and asks the editor to look, never publishing twice.
 */
const DELIVERIES = 'deliveries'
const MINUTE = 60_000

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

/** The wait before the n-th look at something WeChat is still working on: doubling from the first poll, up to the longest. */
export function pollDelayMs(n: number): number {
  const { pollFirstMs, pollMaxMs } = wechatSettings()
  return Math.min(pollMaxMs, pollFirstMs * 2 ** Math.min(n, 20))
}

// ---------------------------------------------------------------------------
// The client of this process, made from the environment and kept (its token cache is worth keeping).

let cached: { key: string; client: WechatClient } | null = null

export function wechatClient(): WechatClient {
  const account = wechatAccount() ?? { appId: '', appSecret: '', apiBase: '' }
  const key = `${account.appId}|${account.appSecret}|${account.apiBase}`
  if (cached?.key !== key) {
    cached = {
      key,
      client: new WechatClient({ appId: account.appId, appSecret: account.appSecret, baseUrl: account.apiBase || undefined }),
    }
  }
  return cached.client
}

/** Forget this process's client (new settings, the end of a test): the next call fetches a token again. */
export function forgetWechatClient() {
  cached = null
}

// ---------------------------------------------------------------------------
// Small helpers


async function readDelivery(payload: Payload, id: string | number): Promise<DeliveryDoc | null> {
  return payload.db.findOne<DeliveryDoc>({ collection: DELIVERIES, where: { id: { equals: id } }, req: noTransaction() })
}

const stateOf = (d: Pick<DeliveryDoc, 'wechat'>): WechatState => ({ stage: 'images', ...((d.wechat ?? {}) as Partial<WechatState>) }) as WechatState

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
function explain(err: ChannelError, lang = 'zh'): string {
  if (typeof err.code === 'string' && !/^\d+$/.test(err.code)) return err.message
  return explainWechatError(err.code, err.message, lang)
}


// ---------------------------------------------------------------------------
// Articles and media

type Content = Record<string, unknown> & { id: string | number; _status?: string }

async function mediaFolder(payload: Payload): Promise<string> {
  const upload = payload.collections.media?.config.upload as { staticDir?: string } | undefined
  return path.resolve(upload?.staticDir || env.mediaDir)
}

/** The bytes of a media file, or null when it is not on disk (logged: the image is left out). */
async function readMedia(payload: Payload, name: string): Promise<Buffer | null> {
  try {
    return await fs.readFile(path.join(await mediaFolder(payload), name))
  } catch (err) {
    payload.logger.warn({ err, file: name, component: 'wechat' }, 'media file missing; the image is left out of the WeChat article')
    return null
  }
}

type Built = { articles: DraftArticle[]; changed: boolean }

/**
 * The draft's articles from the content as it stands now, uploading each body
 * image not uploaded before (recorded in `st.images` right away) and the cover
 * thumb when there is none yet. `changed` says whether `st` got new media.
 */
async function buildArticles(payload: Payload, d: DeliveryDoc, doc: Content, st: WechatState, persist: () => Promise<void>): Promise<Built> {
  const client = wechatClient()
  const collection = d.contentType as ContentSlug
  const media = await mediaFor(payload, richValues(collection, doc))
  const sources = wechatArticles({ collection, doc, media })
  const url = contentUrl(collection, doc)
  st.images ??= []
  let changed = false
  const seen = { firstImage: null as string | null }
  const upload = async (src: string): Promise<string | null> => {
    const name = mediaFileOf(src)
    if (!name) return null // not one of ours: WeChat shows only uploaded images
    seen.firstImage ??= name
    const known = st.images!.find((i) => i.file === name)
    if (known) return known.url
    const data = await readMedia(payload, name)
    if (!data) return null
    let body: Buffer
    try {
      body = await fitBodyImage(data)
    } catch (err) {
      payload.logger.warn({ err, file: name, component: 'wechat' }, 'image cannot be converted for WeChat; left out')
      return null
    }
    const uploaded = await client.uploadImage(body, name.replace(/\.[^.]+$/, ''))
    st.images!.push({ file: name, url: uploaded })
    changed = true
    await persist()
    return uploaded
  }
  const contents: string[] = []
  for (const s of sources) contents.push(await toWechatHtml(s.html, (src) => upload(src)))
  if (!st.thumbMediaId) {
    const cover = sources.find((s) => s.cover)?.cover
    const settings = await loadSettings(payload)
    const logo = isMediaDoc(settings.logo) ? settings.logo : undefined
    const candidates = [fileOf(cover), seen.firstImage, fileOf(logo)].filter((x): x is string => !!x)
    let image: Buffer | null = null
    let of = ''
    for (const name of candidates) {
      image = await readMedia(payload, name)
      if (image) {
        of = name
        break
      }
    }
    // No picture at all: a plain cover in the periodical's red (WeChat requires a thumb for every article).
    image ??= await plainCover()
    st.thumbMediaId = (await client.uploadThumb(image)).mediaId
    st.thumbOf = of
    changed = true
    await persist()
  }
  const articles = sources.map((s, i) => ({
    title: s.title,
    ...(s.author ? { author: s.author } : {}),
    ...(s.digest ? { digest: s.digest } : {}),
    content: contents[i],
    contentSourceUrl: collection === 'issues' ? `${url}#a${i + 1}` : url,
    thumbMediaId: st.thumbMediaId!,
  }))
  return { articles, changed }
}

/** The original file of a media document (the thumb is made from the best picture we have). */
function fileOf(m: MediaDoc | undefined): string | null {
  if (!m || (m.mimeType && !m.mimeType.startsWith('image/'))) return null
  const src = mediaSrc(m, '')?.src
  return src ? mediaFileOf(src) : null
}

async function plainCover(): Promise<Buffer> {
  const sharp = (await import('sharp')).default
  return sharp({ create: { width: 900, height: 383, channels: 3, background: '#b3261e' } }).jpeg({ quality: 80 }).toBuffer()
}

async function loadContent(payload: Payload, d: Pick<DeliveryDoc, 'contentType' | 'contentId'>): Promise<Content | null> {
  return (await payload.findByID({ collection: d.contentType, id: d.contentId, depth: 1, overrideAccess: true, disableErrors: true })) as Content | null
}

// ---------------------------------------------------------------------------
// The stages

/**
 * Work a claimed WeChat delivery as far as it can go now (called by the
 * pipeline's runner for a `wechat` delivery, after its preflight checks).
 * Returns true when the delivery is finished for good.
 */
export async function runWechatDelivery(payload: Payload, claimed: DeliveryDoc, doc: Content, lease?: Lease): Promise<boolean> {
  const log = payload.logger.child({ component: 'wechat', delivery: claimed.id })
  let st = stateOf(claimed)
  if (st.stage === 'published') {
    await updateDelivery(payload, claimed.id, { status: 'done', finishedAt: claimed.finishedAt ?? nowIso(), nextAttemptAt: null })
    return true
  }
  // An editor's resume after a failed publish starts again from a new draft; uploaded media are kept.
  if (st.stage === 'failed') st = { stage: 'images', images: st.images, thumbMediaId: st.thumbMediaId, thumbOf: st.thumbOf }
  const resumed = claimed.status === 'running'
  const d: DeliveryDoc = { ...claimed, status: 'running', startedAt: claimed.startedAt ?? nowIso(), resumes: (claimed.resumes ?? 0) + (resumed ? 1 : 0) }
  await updateDelivery(payload, d.id, { status: 'running', startedAt: d.startedAt, resumes: d.resumes, nextAttemptAt: null, reason: null, wechat: st })
  if (resumed) log.warn({ stage: st.stage }, 'resuming a WeChat delivery whose worker stopped')
  const persist = () => updateDelivery(payload, d.id, { wechat: st })
  /** Withdrawn, paused or cancelled meanwhile, or the lease is gone: stop before the next call. */
  const stopped = async () => {
    if (lease && lease.until.getTime() < Date.now()) return true
    const current = await readDelivery(payload, d.id)
    return current?.status !== 'running'
  }
  try {
    if (st.stage === 'images') {
      await buildArticles(payload, d, doc, st, persist)
      st.stage = 'draft'
      st.retries = 0
      await persist()
      log.info({ images: st.images?.length ?? 0 }, 'WeChat images uploaded')
      if (await stopped()) return false
    }
    if (st.stage === 'draft') {
      if (!st.draftMediaId) {
        const { articles } = await buildArticles(payload, d, doc, st, persist)
        st.draftMediaId = await wechatClient().addDraft(articles)
        st.retries = 0
        await persist()
        log.info({ draft: st.draftMediaId, articles: articles.length }, 'WeChat draft added')
      }
      // Last look before the one call that cannot be taken back.
      if (await stopped()) return false
      const answerLost = !!st.submitAt
      st.submitAt = nowIso()
      await persist()
      let submitted: { publishId: string }
      try {
        submitted = await wechatClient().submitPublish(st.draftMediaId)
      } catch (err) {
        if (answerLost && err instanceof ChannelError && err.code === 40007) {
          // The draft left the draft box: the earlier submit most likely went through, its answer lost.
          st = { ...st, stage: 'failed', draftMediaId: undefined, submitAt: undefined }
          await updateDelivery(payload, d.id, { status: 'paused', reason: t('wechat.reason.publishUnknown'), wechat: st, lastErrors: remember(d.lastErrors, 'config', '40007', t('wechat.reason.publishUnknown')) })
          log.error('a submit whose answer was lost: the draft is gone; the editor must check the platform')
          return false
        }
        throw err
      }
      const { pollFirstMs, publishTimeoutMs } = wechatSettings()
      st = { ...st, stage: 'publishing', publishId: submitted.publishId, submittedAt: nowIso(), submitAt: undefined, pollAt: new Date(Date.now() + pollFirstMs).toISOString(), polls: 0, retries: 0 }
      // Waiting for the result is the poll job's (src/jobs/wechatPoll.ts); the runner takes it back only past the deadline.
      await updateDelivery(payload, d.id, { wechat: st, reason: t('wechat.reason.publishing'), nextAttemptAt: new Date(Date.now() + publishTimeoutMs).toISOString() })
      log.info({ publishId: st.publishId }, 'WeChat publish submitted')
      return false
    }
    if (st.stage === 'publishing') return await pollPublish(payload, d, st)
    return false
  } catch (err) {
    if (!(err instanceof ChannelError)) throw err
    return failStage(payload, d, st, err)
  }
}

/** A stage's call failed: defer (temporary, daily quota), or pause with the editor's explanation. */
async function failStage(payload: Payload, d: DeliveryDoc, st: WechatState, err: ChannelError): Promise<boolean> {
  const log = payload.logger.child({ component: 'wechat', delivery: d.id })
  const detail = explain(err)
  const code = String(err.code)
  const withCode = t('format.withCode', 'zh', { text: detail, code })
  const errors = remember(d.lastErrors, err.kind, code, withCode)
  log.warn({ kind: err.kind, code, message: err.message, stage: st.stage }, 'WeChat call failed')
  if (err.code === 53503) {
    // The platform refused this draft: a resume makes a new one from the content as edited meanwhile.
    st = { ...st, stage: 'draft', draftMediaId: undefined, submitAt: undefined }
  }
  if (err.kind === 'retryable') {
    const retries = (st.retries ?? 0) + 1
    st.retries = retries
    const { maxRetries } = wechatSettings()
    if (retries >= maxRetries) {
      await updateDelivery(payload, d.id, { status: 'paused', reason: t('wechat.reason.errorBudget', 'zh', { count: retries, detail: withCode }), wechat: st, lastErrors: errors })
      return false
    }
    const s = deliverySettings()
    const wait = err.retryAfterMs ?? Math.min(15 * MINUTE, s.retryBaseMs * 2 ** (retries - 1))
    const until = new Date(Date.now() + wait)
    await updateDelivery(payload, d.id, { status: 'queued', nextAttemptAt: until.toISOString(), reason: t('wechat.reason.deferred', 'zh', { detail, code, time: formatDateTime(until) }), wechat: st, lastErrors: errors })
    return false
  }
  if (err.kind === 'quota') {
    // The daily API quota (45009) comes back with the street's next day.
    const until = new Date(nextStreetDay().getTime() + MINUTE)
    await updateDelivery(payload, d.id, { status: 'queued', nextAttemptAt: until.toISOString(), reason: t('wechat.reason.deferred', 'zh', { detail, code, time: formatDateTime(until) }), wechat: st, lastErrors: errors })
    return false
  }
  // Settings, permission (48001), whitelist (40164), content: a person has to act, then resume.
  await updateDelivery(payload, d.id, { status: 'paused', reason: t('wechat.reason.paused', 'zh', { detail, code }), wechat: st, lastErrors: errors })
  return false
}

/** One freepublish/get: final states end the stage; "publishing" schedules the next poll. */
async function pollPublish(payload: Payload, d: DeliveryDoc, st: WechatState): Promise<boolean> {
  const log = payload.logger.child({ component: 'wechat', delivery: d.id })
  const { publishTimeoutMs } = wechatSettings()
  const state = await wechatClient().getPublish(st.publishId!)
  st.publishStatus = state.status
  st.polls = (st.polls ?? 0) + 1
  st.retries = 0
  if (state.status === 1) {
    const since = Date.now() - new Date(st.submittedAt ?? Date.now()).getTime()
    if (since >= publishTimeoutMs) {
      await updateDelivery(payload, d.id, { status: 'paused', reason: t('wechat.reason.publishTimeout', 'zh', { hours: Math.round(publishTimeoutMs / 3600_000) }), wechat: st })
      return false
    }
    st.pollAt = new Date(Date.now() + pollDelayMs(st.polls)).toISOString()
    await updateDelivery(payload, d.id, { status: 'running', wechat: st, nextAttemptAt: new Date(new Date(st.submittedAt!).getTime() + publishTimeoutMs).toISOString() })
    return false
  }
  if (state.status === 0) {
    st = { ...st, stage: 'published', articleId: state.articleId, articleUrls: state.articleUrls, pollAt: undefined }
    const count = state.articleUrls.length
    await updateDelivery(payload, d.id, {
      status: 'done',
      finishedAt: nowIso(),
      nextAttemptAt: null,
      reason: t('wechat.reason.published', 'zh', { count }),
      total: count,
      submitted: count,
      failed: 0,
      wechat: st,
    })
    log.info({ articleId: st.articleId, urls: count }, 'WeChat publish done')
    return true
  }
  // 2 originality check failed, 3 failed, 4 rejected by review, 5 deleted, 6 blocked: explained per status.
  const detail = explainPublishStatus(state.status)
  const status: DeliveryStatus = state.status === 3 ? 'paused' : 'failed'
  st = { ...st, stage: 'failed', pollAt: undefined, ...(state.articleId ? { articleId: state.articleId } : {}) }
  await updateDelivery(payload, d.id, {
    status,
    ...(status === 'failed' ? { finishedAt: nowIso() } : {}),
    nextAttemptAt: null,
    reason: t('wechat.reason.publishFailed', 'zh', { detail }),
    wechat: st,
    lastErrors: remember(d.lastErrors, 'config', `publish_status:${state.status}`, detail),
  })
  log.warn({ publishStatus: state.status, failIdx: state.failIdx }, 'WeChat publish did not succeed')
  return status === 'failed'
}

// ---------------------------------------------------------------------------
// The poll job's work (src/jobs/wechat.ts)

/** One due poll of one delivery, under its lease: publish status while publishing, mass-send status after a mass send. */
export async function pollWechatDelivery(payload: Payload, id: string | number, owner = processOwner): Promise<boolean> {
  const { leaseMs } = deliverySettings()
  const claimed = await claimNext<DeliveryDoc>(payload, {
    collection: DELIVERIES,
    where: { and: [{ id: { equals: id } }, { channel: { equals: 'wechat' } }, { status: { in: ['running', 'done'] } }] },
    owner,
    leaseMs,
  })
  if (!claimed) return false
  await withLease(
    payload,
    claimed.lease,
    leaseMs,
    async () => {
      const d = claimed.item
      const st = stateOf(d)
      try {
        if (d.status === 'running' && st.stage === 'publishing' && st.publishId) return await pollPublish(payload, d, st)
        if (d.status === 'done' && st.massSend?.msgId && st.massSend.status === 'sending') return await pollMassSend(payload, d, st)
      } catch (err) {
        if (!(err instanceof ChannelError)) throw err
        // A poll that failed is simply tried again later; only a setting problem stops it.
        if (d.status === 'running' && err.kind !== 'retryable') return failStage(payload, d, st, err)
        payload.logger.warn({ component: 'wechat', delivery: d.id, code: err.code, message: err.message }, 'WeChat poll failed; trying again later')
        const later = new Date(Date.now() + wechatSettings().pollMaxMs).toISOString()
        if (d.status === 'running') await updateDelivery(payload, d.id, { wechat: { ...st, pollAt: later } })
        else await updateDelivery(payload, d.id, { nextAttemptAt: later })
      }
      return false
    },
    () => false,
  )
  return true
}

/** Is this delivery due for a poll now? */
export function pollDue(d: DeliveryDoc, now = Date.now()): boolean {
  const st = stateOf(d)
  if (d.status === 'running') return st.stage === 'publishing' && !!st.publishId && (!st.pollAt || new Date(st.pollAt).getTime() <= now)
  if (d.status === 'done') return !!st.massSend?.msgId && st.massSend.status === 'sending' && !!d.nextAttemptAt && new Date(d.nextAttemptAt).getTime() <= now
  return false
}

async function pollMassSend(payload: Payload, d: DeliveryDoc, st: WechatState): Promise<boolean> {
  const ms = st.massSend!
  const state = await wechatClient().getMassSend(ms.msgId!)
  const confirmBy = new Date(ms.confirmBy).getTime()
  if (state.status === 'sending') {
    // Past the confirmation window (and a margin for WeChat's own clock) an unconfirmed send has lapsed.
    if (Date.now() > confirmBy + 10 * MINUTE) {
      st.massSend = { ...ms, status: 'failed', error: t('wechat.mass.lapsed', 'zh', { time: formatDateTime(ms.confirmBy) }), code: 'SENDING' }
      await updateDelivery(payload, d.id, { wechat: st, nextAttemptAt: null })
      return true
    }
    const next = new Date(Date.now() + Math.min(wechatSettings().pollMaxMs, MINUTE))
    await updateDelivery(payload, d.id, { nextAttemptAt: next.toISOString() })
    return false
  }
  if (state.status === 'sent') st.massSend = { ...ms, status: 'sent', error: undefined, code: undefined }
  else {
    const lapsed = Date.now() > confirmBy
    const error = state.status === 'deleted' ? t('wechat.mass.deleted') : lapsed ? t('wechat.mass.lapsed', 'zh', { time: formatDateTime(ms.confirmBy) }) : t('wechat.mass.failed', 'zh', { detail: state.raw })
    st.massSend = { ...ms, status: 'failed', error, code: state.raw }
  }
  await updateDelivery(payload, d.id, { wechat: st, nextAttemptAt: null })
  return true
}

/** Every WeChat delivery the poll job should look at (few: running publishes, mass sends awaiting their result). */
export async function wechatPollCandidates(payload: Payload): Promise<DeliveryDoc[]> {
  const { docs } = await payload.db.find({
    collection: DELIVERIES,
    where: {
      and: [
        { channel: { equals: 'wechat' } },
        { or: [{ status: { equals: 'running' } }, { and: [{ status: { equals: 'done' } }, { nextAttemptAt: { exists: true } }] }] },
      ],
    },
    sort: 'createdAt',
    limit: 200,
    pagination: false,
    req: noTransaction(),
  })
  return docs as unknown as DeliveryDoc[]
}

// ---------------------------------------------------------------------------
// Mass send (群发): an editor's explicit action

const MASS_SCOPE = 'wechat-mass:'
const massOwner = (id: string | number) => `delivery:${id}`

/** clientmsgid: from the delivery (its id and creation time, so a reset database never reuses one), plus the attempt after a lapse. */
export function clientMsgIdOf(d: Pick<DeliveryDoc, 'id' | 'createdAt'>, attempt = 1): string {
  const created = d.createdAt ? new Date(d.createdAt).getTime().toString(36) : '0'
  return `sn-${d.id}-${created}${attempt > 1 ? `-${attempt}` : ''}`
}

type Reply = { status: number; body: Record<string, unknown> }
const reply = (status: number, body: Record<string, unknown>): Reply => ({ status, body })

export type QuotaView = { day: string; massSentToday: boolean; lastMassSend?: { deliveryId: string; title: string; at: string; status?: string } }

/** Today's mass-send quota of the street's account, and the last mass send. */
export async function wechatQuota(payload: Payload): Promise<QuotaView> {
  const day = streetDay()
  const today = (await newestClaims(payload, [MASS_SCOPE + day])).get(MASS_SCOPE + day)
  const { docs } = await payload.db.find({ collection: 'claims', where: { scope: { like: MASS_SCOPE } }, sort: '-createdAt', limit: 1, pagination: false, req: noTransaction() })
  const last = (docs[0] as unknown as (ClaimRow & { createdAt?: string }) | undefined) ?? undefined
  const view: QuotaView = { day, massSentToday: !!today }
  if (last) {
    const deliveryId = String(last.owner).replace(/^delivery:/, '')
    const d = await payload.db.findOne<DeliveryDoc>({ collection: DELIVERIES, where: { id: { equals: deliveryId } }, req: noTransaction() })
    const ms = d ? stateOf(d).massSend : undefined
    view.lastMassSend = { deliveryId, title: d?.title ?? '', at: ms?.requestedAt ?? String(last.createdAt ?? ''), ...(ms ? { status: ms.status } : {}) }
  }
  return view
}

/**
 * Mass send a published WeChat delivery to all followers. Refused, before any
 * WeChat call, when the street's account already mass sent today: the day is
 * claimed in the claims ledger (one insert under a unique index), so of two
 * clicks or processes only one passes.
 */
export async function massSend(payload: Payload, id: string, by: string, lang: 'zh' | 'en' = 'zh'): Promise<Reply> {
  const d = await readDelivery(payload, id)
  if (!d) return reply(404, { message: t('wechat.mass.notFound', lang), errors: [{ field: 'id', message: t('wechat.mass.notFound', lang) }] })
  if (d.channel !== 'wechat') return reply(409, { message: t('wechat.mass.notWechat', lang) })
  if (!channelConfigured('wechat')) return reply(409, { message: t('delivery.reason.notConfigured.wechat', lang) })
  const st = stateOf(d)
  if (st.stage !== 'published' || d.status !== 'done') return reply(409, { message: t('wechat.mass.notPublished', lang) })
  if (st.deleted) return reply(409, { message: t('wechat.mass.contentGone', lang) })
  let ms = st.massSend
  if (ms?.msgId && ms.status !== 'failed') return reply(200, { ok: true, message: t('wechat.mass.alreadySent', lang, { msgId: ms.msgId }), massSend: ms })
  if (ms?.code === '45028') return reply(409, { message: t('wechat.mass.failed', lang, { detail: explainWechatError(45028, '', lang) }), massSend: ms })
  const doc = await loadContent(payload, d)
  if (!doc || doc._status !== 'published') return reply(409, { message: t('wechat.mass.contentGone', lang) })

  const day = streetDay()
  const scope = MASS_SCOPE + day
  const claim = await claimSlot(payload, { scope, slot: 1, owner: massOwner(d.id) })
  if (!claim) {
    const holder = (await newestClaims(payload, [scope])).get(scope)
    if (holder && holder.owner !== massOwner(d.id)) {
      const other = await readDelivery(payload, String(holder.owner).replace(/^delivery:/, ''))
      const at = (other && stateOf(other).massSend?.requestedAt) || (holder as ClaimRow & { createdAt?: string }).createdAt
      return reply(409, { message: t('wechat.mass.usedToday', lang, { day, title: other?.title ?? '', time: formatDateTime(at) }), massSentToday: true })
    }
    // Ours already: a second click while the first is being submitted, or a retry after a failure or a crash.
    const fresh = stateOf((await readDelivery(payload, d.id)) ?? d).massSend
    const recent = (at: unknown) => Date.now() - new Date(String(at ?? 0)).getTime() < 2 * MINUTE
    // No record yet: the other request claimed the day a moment ago (or died right after; then go on after a while).
    const inFlight = fresh ? fresh.status === 'sending' && !fresh.msgId && recent(fresh.requestedAt) : recent((holder as { createdAt?: string } | undefined)?.createdAt)
    if (inFlight) return reply(409, { message: t('wechat.mass.inProgress', lang) })
    if (fresh?.msgId && fresh.status !== 'failed') return reply(200, { ok: true, message: t('wechat.mass.alreadySent', lang, { msgId: fresh.msgId }), massSend: fresh })
    ms = fresh
  }
  // A lapsed send (it has a msg_id) needs a new clientmsgid: the old one would answer with the lapsed send.
  const attempt = (ms?.attempt ?? 1) + (ms?.msgId ? 1 : 0)
  const requestedAt = new Date()
  const next: WechatMassSend = {
    status: 'sending',
    clientMsgId: clientMsgIdOf(d, attempt),
    requestedAt: requestedAt.toISOString(),
    confirmBy: new Date(requestedAt.getTime() + wechatSettings().confirmWindowMs).toISOString(),
    by,
    attempt,
    ...(ms?.draftMediaId && !ms.msgId ? { draftMediaId: ms.draftMediaId } : {}),
  }
  st.massSend = next
  const persist = () => updateDelivery(payload, d.id, { wechat: st })
  await persist()
  const log = payload.logger.child({ component: 'wechat', delivery: d.id })
  try {
    if (!next.draftMediaId) {
      // freepublish took the published draft out of the draft box: a fresh draft, with the images uploaded before.
      const { articles } = await buildArticles(payload, d, doc, st, persist)
      next.draftMediaId = await wechatClient().addDraft(articles)
      await persist()
    }
    const sent = await wechatClient().massSendToAll(next.draftMediaId, { clientMsgId: next.clientMsgId })
    next.msgId = sent.msgId
    if (sent.msgDataId) next.msgDataId = sent.msgDataId
    await updateDelivery(payload, d.id, { wechat: st, nextAttemptAt: new Date(Date.now() + wechatSettings().pollFirstMs).toISOString() })
    log.info({ msgId: sent.msgId, repeated: sent.repeated, clientMsgId: next.clientMsgId }, 'WeChat mass send submitted')
    const message = `${t(sent.repeated ? 'wechat.mass.alreadySent' : 'wechat.mass.submitted', lang, { msgId: sent.msgId })}${t('wechat.mass.confirmWindow', lang, { time: formatDateTime(next.confirmBy) })}`
    return reply(200, { ok: true, message, massSend: next })
  } catch (err) {
    if (!(err instanceof ChannelError)) throw err
    const detail = explain(err, lang)
    next.status = 'failed'
    next.error = detail
    next.code = String(err.code)
    await persist()
    log.warn({ kind: err.kind, code: err.code, message: err.message }, 'WeChat mass send failed')
    // A setting or content problem sent nothing: the day stays free. A quota (45028) or an unknown outcome keeps it taken.
    if (err.kind === 'config') await deleteClaims(payload, scope)
    return reply(err.kind === 'quota' ? 409 : 502, { ok: false, kind: err.kind, code: err.code, message: t('wechat.mass.failed', lang, { detail }), massSend: next })
  }
}

/** POST /api/deliveries/:id/mass-send { confirm: true }: editors only. */
export const massSendEndpoint: PayloadHandler = async (req) => {
  const lang = langOf(req)
  if (!isEditor(req.user as never)) return Response.json({ message: t('wechat.mass.forbidden', lang) }, { status: 403 })
  let body: Record<string, unknown> = {}
  try {
    const parsed = req.json ? await req.json() : null
    if (parsed && typeof parsed === 'object') body = parsed as Record<string, unknown>
  } catch {
    body = {}
  }
  if (body.confirm !== true) {
    return Response.json({ message: t('wechat.mass.invalid', lang), errors: [{ field: 'confirm', message: t('wechat.mass.confirmRequired', lang) }] }, { status: 400 })
  }
  const id = String(req.routeParams?.id ?? '')
  const user = req.user as { id?: unknown; email?: string } | null
  const r = await massSend(req.payload, id, String(user?.email ?? user?.id ?? ''), lang)
  return Response.json(r.body, { status: r.status })
}

/** GET /api/deliveries/wechat-quota: editors only. */
export const wechatQuotaEndpoint: PayloadHandler = async (req) => {
  const lang = langOf(req)
  if (!isEditor(req.user as never)) return Response.json({ message: t('wechat.mass.forbidden', lang) }, { status: 403 })
  return Response.json(await wechatQuota(req.payload))
}

// ---------------------------------------------------------------------------
// Retraction: the hook queues a job (src/jobs/wechat.ts) that deletes the published article

export type RetractOutcome = 'deleted' | 'nothing' | 'failed' | 'later'

/**
 * Delete a retracted content's published WeChat article (freepublish/delete),
 * under the delivery's lease so it never runs beside its stages. 'later' while
 * the answer is not known yet (its stages hold the lease, WeChat is still
 * publishing, WeChat is busy): the job queues itself again. On the `final`
 * attempt a 'later' is recorded as a failure the editor is told about.
 */
export async function retractWechat(payload: Payload, id: string | number, { final = false, owner = processOwner } = {}): Promise<RetractOutcome> {
  const { leaseMs } = deliverySettings()
  const claimed = await claimNext<DeliveryDoc>(payload, { collection: DELIVERIES, where: { and: [{ id: { equals: id } }, { channel: { equals: 'wechat' } }] }, owner, leaseMs })
  if (!claimed) return (await readDelivery(payload, id)) ? 'later' : 'nothing'
  const outcome = await withLease(
    payload,
    claimed.lease,
    leaseMs,
    async () => {
      const d = claimed.item
      const st = stateOf(d)
      if (st.deleted) return 'deleted' as const
      const client = wechatClient()
      try {
        if (!st.articleId && st.publishId) {
          const state = await client.getPublish(st.publishId)
          st.publishStatus = state.status
          if (state.status === 1) {
            if (!final) return 'later' as const
            st.deleteError = t('wechat.reason.publishTimeout', 'zh', { hours: Math.round(wechatSettings().publishTimeoutMs / 3600_000) })
            await updateDelivery(payload, d.id, { wechat: st, reason: t('wechat.retract.failed', 'zh', { detail: st.deleteError }) })
            return 'failed' as const
          }
          if (state.articleId && (state.status === 0 || state.status === 6)) st.articleId = state.articleId
        }
        if (!st.articleId) {
          const unknown = !!st.submitAt
          if (unknown) st.deleteError = t('wechat.reason.publishUnknown')
          await updateDelivery(payload, d.id, { wechat: st, ...(d.status === 'cancelled' && !unknown ? { reason: t('wechat.retract.nothing') } : {}) })
          return unknown ? ('failed' as const) : ('nothing' as const)
        }
        await client.deletePublished(st.articleId)
        st.deleted = true
        st.deletedAt = nowIso()
        st.publishStatus = 5
        st.deleteError = undefined
        await updateDelivery(payload, d.id, { wechat: st, reason: t('wechat.retract.deleted'), nextAttemptAt: null })
        payload.logger.info({ component: 'wechat', delivery: d.id, articleId: st.articleId }, 'WeChat article deleted after retraction')
        return 'deleted' as const
      } catch (err) {
        if (!(err instanceof ChannelError)) throw err
        const detail = explain(err)
        st.deleteError = t('format.withCode', 'zh', { text: detail, code: String(err.code) })
        await updateDelivery(payload, d.id, { wechat: st, reason: t('wechat.retract.failed', 'zh', { detail }), lastErrors: remember(d.lastErrors, err.kind, String(err.code), detail) })
        payload.logger.warn({ component: 'wechat', delivery: d.id, code: err.code, message: err.message }, 'deleting the WeChat article failed')
        return (err.kind === 'retryable' || err.kind === 'quota') && !final ? ('later' as const) : ('failed' as const)
      }
    },
    () => false,
  )
  return outcome
}

