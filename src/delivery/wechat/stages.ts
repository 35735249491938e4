import type { Payload } from 'payload'

import { ChannelError } from '../../channels/types'
import { explainPublishStatus } from '../../i18n/wechat'
import type { ContentSlug } from '../../model/content'
import type { DeliveryDoc, DeliveryStatus } from '../../model/deliveries'
import { t } from '../../i18n/messages'
import { wechatSettings } from '../../server/env'
import type { Lease } from '../../store/leases'
import { formatDateTime } from '../../templates/format'
import { deliverySettings } from '../config'
import type { StagesDriver } from '../driver'
import { nowIso, remember, updateDelivery } from '../rows'
import { assertWechatChecks } from './checks'
import { buildArticles, type Content } from './media'
import { pollDelayMs, wechatClient } from './settings'
import { explain, MINUTE, nextStreetDay, readDelivery, stateOf, type WechatState } from './state'

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
    // The checks over the WeChat HTML, before the first call that puts it on WeChat.
    if (st.stage === 'images' || (st.stage === 'draft' && !st.draftMediaId)) await assertWechatChecks(payload, d.contentType as ContentSlug, doc)
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
      // Waiting for the result is the poll job's (src/jobs/wechat.ts, wechat/polling.ts); the runner takes it back only past the deadline.
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

/** The WeChat driver (src/delivery/drivers.ts): no recipient list, its own resumable stages. */
export const wechatDriver: StagesDriver = { kind: 'stages', run: runWechatDelivery }

/** A stage's call failed: defer (temporary, daily quota), or pause with the editor's explanation. */
export async function failStage(payload: Payload, d: DeliveryDoc, st: WechatState, err: ChannelError): Promise<boolean> {
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
export async function pollPublish(payload: Payload, d: DeliveryDoc, st: WechatState): Promise<boolean> {
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
