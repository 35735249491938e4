import type { CollectionBeforeChangeHook, CollectionConfig, PayloadHandler } from 'payload'
import { ValidationError } from 'payload'

import { editorsOnly, nobody } from '../access'
import { audit } from '../hooks/audit'
import { auditDeliveryChange, auditMassSend } from '../hooks/auditLog'
import { dateTimePicker } from '../fields/dates'
import { label, langOf, t } from '../i18n/messages'
import { engineEndpoint } from '../jobs/nudge'

/**
 * A delivery: one content sent over one channel to one audience (see the
 * glossary). Created only by the publish hook (src/hooks/deliveries.ts), at
 * most once per (content, channel, audience): `key` is unique in the
 * database. Run by the pipeline (src/delivery/), which writes progress with
 * adapter calls (no hooks); editors change only the status (pause, resume,
 * cancel, retry failed recipients), through the transitions allowed below.
 */
export {
  DELIVERY_CHANNELS,
  DELIVERY_STATUSES,
  type DeliveryChannel,
  type DeliveryDoc,
  type DeliveryError,
  type DeliveryStatus,
  EDITOR_TRANSITIONS,
  UNFINISHED,
} from '../model/deliveries'
import { DELIVERY_CHANNELS, DELIVERY_KINDS, DELIVERY_STATUSES, type DeliveryDoc, type DeliveryStatus, EDITOR_TRANSITIONS } from '../model/deliveries'

const editorTransition: CollectionBeforeChangeHook = async ({ data, originalDoc, req, operation }) => {
  if (operation !== 'update' || !originalDoc) return data
  const before = originalDoc as DeliveryDoc
  // Only the status is the editor's to change; everything else stays as the pipeline wrote it.
  const next = (data.status ?? before.status) as DeliveryStatus
  const out = data as Partial<DeliveryDoc> & Record<string, unknown>
  for (const k of Object.keys(out)) if (k !== 'status') out[k] = (before as unknown as Record<string, unknown>)[k]
  out.status = next
  if (next === before.status) return out
  if (!EDITOR_TRANSITIONS[before.status]?.includes(next)) {
    const lang = langOf(req)
    throw new ValidationError(
      {
        collection: 'deliveries',
        errors: [{ path: 'status', label: t('field.deliveryStatus', lang), message: t('delivery.error.transition', lang, { from: t(`delivery.status.${before.status}`, lang), to: t(`delivery.status.${next}`, lang) }) }],
        req,
      },
      req.t,
    )
  }
  if (next === 'queued') {
    // Resuming is the editor's go-ahead (also past the start window).
    out.goAhead = true
    out.reason = null
    out.nextAttemptAt = null
    if (before.status === 'partial' || before.status === 'failed') {
      // Retry failed recipients: forget their failures and walk the audience again; submitted ones keep their receipts.
      await req.payload.db.deleteMany({
        collection: 'delivery-receipts',
        where: { and: [{ delivery: { equals: String(before.id) } }, { status: { equals: 'failed' } }] },
        req,
      })
      out.cursor = null
      out.failed = 0
      out.finishedAt = null
      // Those the retry finds gone may fall back: the fallback is planned again once it finishes.
      out.fallbackPlanned = false
    }
  }
  if (next === 'paused') out.reason = t('delivery.reason.pausedByEditor')
  if (next === 'cancelled') {
    out.reason = t('delivery.reason.cancelledByEditor')
    out.finishedAt = new Date().toISOString()
  }
  return out
}

/**
 * The editor's mass send, and its audit entry when this request made a send
 * (submitted, or refused by WeChat); a repeat answered from the record adds none.
 */
const massSend = engineEndpoint('massSend')
const massSendAudited: PayloadHandler = async (req) => {
  const started = new Date().toISOString()
  const res = await massSend(req)
  const body = (await res.clone().json().catch(() => null)) as { massSend?: { requestedAt?: string; status?: string; msgId?: string; error?: string; code?: string } } | null
  const ms = body?.massSend
  if (ms?.requestedAt && ms.requestedAt >= started) {
    const id = String(req.routeParams?.id ?? '')
    const d = (await req.payload.findByID({ collection: 'deliveries', id, depth: 0, overrideAccess: true, disableErrors: true, req })) as { title?: string | null } | null
    await auditMassSend(req, { id, title: d?.title ?? null }, ms.status === 'failed' ? { error: `${ms.error ?? ''}(${ms.code ?? ''})` } : { msgId: ms.msgId })
  }
  return res
}

/**
 * The admin's restore of the residents a delivery suppressed with one code (a relay
 * incident), and its audit entry when residents were restored: by delivery and count,
 * never by address (the log outlives the records).
 */
const restoreSuppressed = engineEndpoint('restoreSuppressed')
const restoreSuppressedAudited: PayloadHandler = async (req) => {
  const res = await restoreSuppressed(req)
  const body = (await res.clone().json().catch(() => null)) as { restored?: number; code?: string; title?: string | null; channel?: string } | null
  if (res.status === 200 && body?.restored) {
    const detail = t(body.channel === 'sms' ? 'audit.detail.restoreSmsOff' : 'audit.detail.restoreSuppressed', 'zh', { code: body.code ?? '', count: body.restored })
    await audit(req, 'unsuppress', { collection: 'deliveries', id: String(req.routeParams?.id ?? ''), title: body.title ?? null }, detail)
  }
  return res
}

/** 进度 shown in the list: submitted / total, failures and gone, and at running time the estimated time left. */
export function progressText(d: Partial<DeliveryDoc>, now = Date.now(), lang: 'zh' | 'en' = 'zh'): string {
  const total = d.total ?? 0
  const done = (d.submitted ?? 0) + (d.failed ?? 0) + (d.gone ?? 0)
  const parts = [t('delivery.progress', lang, { submitted: d.submitted ?? 0, total, failed: d.failed ?? 0, gone: d.gone ?? 0 })]
  if (d.status === 'running' && d.startedAt && done > 0 && total > done) {
    const elapsed = now - new Date(d.startedAt).getTime()
    const left = Math.ceil(((elapsed / done) * (total - done)) / 60_000)
    parts.push(t('delivery.eta', lang, { minutes: Math.max(1, left) }))
  }
  return parts.join(' · ')
}

const num = (name: string) => ({ name, type: 'number' as const, label: label(`field.delivery.${name}` as never), admin: { readOnly: true } })

export const Deliveries: CollectionConfig = {
  slug: 'deliveries',
  labels: { singular: label('col.deliveries.singular'), plural: label('col.deliveries.plural') },
  admin: {
    group: label('group.content'),
    useAsTitle: 'title',
    defaultColumns: ['title', 'channel', 'status', 'progress', 'reason', 'createdAt'],
    hidden: ({ user }) => !['admin', 'editor'].includes(String((user as { role?: string } | null)?.role)),
  },
  defaultSort: '-createdAt',
  access: { read: editorsOnly, create: nobody, update: editorsOnly, delete: nobody },
  lockDocuments: false,
  // An editor's pause, resume, cancel or retry is written to the audit log.
  hooks: { beforeChange: [editorTransition], afterChange: [auditDeliveryChange] },
  // A test-send of a content, before publishing, to one address (email) or this device (web push): src/delivery/testSend.ts, handler in src/delivery/endpoints.ts.
  // The handlers are the engine's, reached through its registry (src/jobs/nudge.ts), never imported here.
  endpoints: [
    { path: '/test-send', method: 'post', handler: engineEndpoint('testSend') },
    // WeChat mass send (群发): today's quota, and the editor's explicit send of a published delivery (src/delivery/wechat/massSend.ts, handlers in src/delivery/endpoints.ts).
    { path: '/wechat-quota', method: 'get', handler: engineEndpoint('wechatQuota') },
    { path: '/:id/mass-send', method: 'post', handler: massSendAudited },
    // Residents a delivery suppressed (counts per code), and the admin's restore of one code's (src/delivery/suppression.ts).
    { path: '/:id/suppressed', method: 'get', handler: engineEndpoint('suppressed') },
    { path: '/:id/restore-suppressed', method: 'post', handler: restoreSuppressedAudited },
  ],
  fields: [
    // (contentType, contentId, channel, audience): the invariant "at most once", held by the database.
    { name: 'key', type: 'text', required: true, unique: true, index: true, admin: { hidden: true } },
    { name: 'title', type: 'text', label: label('field.title'), admin: { readOnly: true } },
    {
      name: 'contentType',
      type: 'select',
      required: true,
      label: label('field.delivery.contentType'),
      options: ['issues', 'events', 'policies', 'announcements'].map((value) => ({ value, label: label(`col.${value}.singular` as never) })),
      admin: { readOnly: true },
    },
    { name: 'contentId', type: 'text', required: true, index: true, label: label('field.delivery.contentId'), admin: { readOnly: true } },
    {
      name: 'channel',
      type: 'select',
      required: true,
      label: label('field.channel'),
      options: DELIVERY_CHANNELS.map((value) => ({ value, label: label(`channel.${value}`) })),
      admin: { readOnly: true },
    },
    { name: 'audience', type: 'text', required: true, label: label('field.delivery.audience'), admin: { readOnly: true } },
    // The content itself, or a notice of its correction or withdrawal to those the content's delivery reached.
    {
      name: 'kind',
      type: 'select',
      defaultValue: 'content',
      label: label('audience.field.kind'),
      options: DELIVERY_KINDS.map((value) => ({ value, label: label(`audience.kind.${value}`) })),
      admin: { readOnly: true },
    },
    { name: 'notice', type: 'number', label: label('audience.field.noticeNumber'), admin: { readOnly: true, condition: (data) => !!data?.notice } },
    { name: 'original', type: 'text', admin: { hidden: true } },
    // A fallback's round (src/delivery/fallback.ts), and the planner's mark on a delivery whose fallback was planned.
    { name: 'round', type: 'number', label: label('fallback.field.round'), admin: { readOnly: true, condition: (data) => !!data?.round } },
    { name: 'fallbackPlanned', type: 'checkbox', admin: { hidden: true } },
    {
      name: 'status',
      type: 'select',
      required: true,
      defaultValue: 'queued',
      index: true,
      label: label('field.deliveryStatus'),
      options: DELIVERY_STATUSES.map((value) => ({ value, label: label(`delivery.status.${value}`) })),
    },
    {
      name: 'progress',
      type: 'text',
      virtual: true,
      label: label('field.delivery.progress'),
      admin: { readOnly: true },
      hooks: { afterRead: [({ data, req }) => progressText((data ?? {}) as Partial<DeliveryDoc>, Date.now(), langOf(req))] },
    },
    // Shown without the server's setting names to anyone but an admin (src/components/DeliveryReason.tsx).
    {
      name: 'reason',
      type: 'text',
      label: label('field.delivery.reason'),
      admin: { readOnly: true, components: { Cell: '/components/DeliveryReason#DeliveryReasonCell', Field: '/components/DeliveryReason#DeliveryReasonField' } },
    },
    { name: 'urgent', type: 'checkbox', label: label('field.urgent'), admin: { readOnly: true } },
    { name: 'publishedAt', type: 'date', label: label('field.publishDate'), admin: { readOnly: true, date: dateTimePicker } },
    { name: 'goAhead', type: 'checkbox', label: label('field.delivery.goAhead'), admin: { readOnly: true } },
    // Last subscriber id of the last finished batch (ids in stable order); receipts cover the batch in progress.
    { name: 'cursor', type: 'text', admin: { hidden: true } },
    num('total'),
    num('submitted'),
    num('failed'),
    num('gone'),
    num('inFlightLimit'),
    num('resumes'),
    num('maxDuplicates'),
    { name: 'startedAt', type: 'date', label: label('field.delivery.startedAt'), admin: { readOnly: true, date: dateTimePicker } },
    { name: 'finishedAt', type: 'date', label: label('field.delivery.finishedAt'), admin: { readOnly: true, date: dateTimePicker } },
    { name: 'nextAttemptAt', type: 'date', admin: { hidden: true } },
    { name: 'lastErrors', type: 'json', label: label('field.delivery.lastErrors'), admin: { readOnly: true } },
    // WeChat stages (no recipient list): thumb/draft media ids, publish id and status, article URLs, mass send.
    { name: 'wechat', type: 'json', admin: { hidden: true } },
  ],
  indexes: [{ fields: ['status', 'createdAt'] }, { fields: ['contentType', 'contentId'] }],
}

/**
 * One row per (delivery, subscriber) that the pipeline has finished with:
 * written right after the channel answered, so that a restarted delivery
 * skips everyone already answered and re-sends only to those in flight.
 */
export const DeliveryReceipts: CollectionConfig = {
  slug: 'delivery-receipts',
  labels: { singular: label('col.delivery-receipts.singular'), plural: label('col.delivery-receipts.plural') },
  admin: { hidden: true },
  access: { read: nobody, create: nobody, update: nobody, delete: nobody },
  lockDocuments: false,
  fields: [
    { name: 'delivery', type: 'text', required: true },
    { name: 'subscriber', type: 'text', required: true },
    { name: 'status', type: 'select', required: true, options: ['submitted', 'failed', 'gone', 'skipped'].map((value) => ({ value, label: value })) },
    { name: 'code', type: 'text' },
  ],
  indexes: [{ fields: ['delivery', 'subscriber'], unique: true }],
}
