import type {
  CollectionAfterChangeHook,
  CollectionBeforeChangeHook,
  CollectionBeforeDeleteHook,
  Field,
  GlobalAfterChangeHook,
  Payload,
  PayloadHandler,
  PayloadRequest,
  Where,
} from 'payload'
import { Forbidden } from 'payload'

import { isAdmin } from '../access'
import { type Lang, langOf, type MessageKey, t } from '../i18n/messages'
import { csvLine } from '../lib/csv'
import { formatDateTime, streetZone } from '../templates/format'
import { audit, AUDIT_ACTIONS, type AuditAction } from './audit'

/**
 * The audit log beyond appending an entry (audit.ts): it cannot be changed
 * or deleted through any API, it is kept AUDIT_RETENTION_DAYS (at least 180)
 * and then deleted by the housekeeping alone, and admins filter and export
 * it. Also the entries for site-settings changes and delivery status changes.
 */
export const AUDIT_SLUG = 'audit-log'

export type AuditEntry = {
  id: string | number
  action: AuditAction
  actor?: string | number | { id: string | number } | null
  actorName?: string | null
  targetCollection?: string | null
  targetId?: string | null
  targetTitle?: string | null
  detail?: string | null
  createdAt: string
}

// ---------------------------------------------------------------- append-only

/** An entry never changes, whoever asks (REST, GraphQL, the Local API even with overrideAccess). */
export const refuseAuditChange: CollectionBeforeChangeHook = ({ operation, req, data }) => {
  if (operation === 'update') throw new Forbidden(req.t)
  return data
}

/** Nor is one deleted through Payload: the retention job deletes with the adapter (pruneAuditLog in jobs/housekeeping.ts). */
export const refuseAuditDelete: CollectionBeforeDeleteHook = ({ req }) => {
  throw new Forbidden(req.t)
}

// ---------------------------------------------------------------- filters

/** Target types the filter offers, with their labels (collections, and the site settings). */
export const AUDIT_TARGETS: Record<string, MessageKey> = {
  issues: 'col.issues.plural',
  events: 'col.events.plural',
  policies: 'col.policies.plural',
  'policy-documents': 'col.policy-documents.plural',
  announcements: 'col.announcements.plural',
  deliveries: 'col.deliveries.plural',
  subscribers: 'col.subscribers.plural',
  grids: 'col.grids.plural',
  communities: 'col.communities.plural',
  media: 'col.media.plural',
  users: 'col.users.plural',
  'site-settings': 'global.site-settings',
  'read-rollups': 'col.read-rollups.plural',
  'audit-log': 'col.audit-log.plural',
  inspection: 'inspect.title',
}

export type AuditFilters = { action?: AuditAction; actor?: string; from?: string; to?: string; collection?: string }
export type FilterProblem = { field: keyof AuditFilters; message: string }

const DAY = /^\d{4}-\d{2}-\d{2}$/
const validDay = (v: string) => {
  const d = new Date(`${v}T00:00:00Z`)
  return DAY.test(v) && !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v
}

/** The filters of a query string (the view's form, the export link); each problem names its field. */
export function readAuditFilters(params: URLSearchParams, lang: Lang = 'zh'): { filters: AuditFilters; problems: FilterProblem[] } {
  const filters: AuditFilters = {}
  const problems: FilterProblem[] = []
  const get = (k: string) => (params.get(k) ?? '').trim()
  const action = get('action')
  if (action) {
    if ((AUDIT_ACTIONS as readonly string[]).includes(action)) filters.action = action as AuditAction
    else problems.push({ field: 'action', message: t('auditView.error.action', lang) })
  }
  const actor = get('actor')
  if (actor) {
    if (actor === 'system' || /^[A-Za-z0-9]{1,24}$/.test(actor)) filters.actor = actor
    else problems.push({ field: 'actor', message: t('auditView.error.actor', lang) })
  }
  for (const field of ['from', 'to'] as const) {
    const v = get(field)
    if (!v) continue
    if (validDay(v)) filters[field] = v
    else problems.push({ field, message: t('auditView.error.date', lang) })
  }
  if (filters.from && filters.to && filters.from > filters.to) problems.push({ field: 'from', message: t('auditView.error.range', lang) })
  const collection = get('collection')
  if (collection) {
    if (collection in AUDIT_TARGETS) filters.collection = collection
    else problems.push({ field: 'collection', message: t('auditView.error.collection', lang) })
  }
  return { filters, problems }
}

/** The instant a street day (YYYY-MM-DD) begins, in the street's time zone (TZ). */
export function streetDayStart(day: string): Date {
  const utcMidnight = Date.parse(`${day}T00:00:00Z`)
  const offsetAt = (instant: number) => {
    const parts = new Intl.DateTimeFormat('en-US', { timeZone: streetZone(), hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(new Date(instant))
    const n = (type: string) => Number(parts.find((p) => p.type === type)?.value)
    return Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second')) - instant
  }
  const first = utcMidnight - offsetAt(utcMidnight)
  return new Date(utcMidnight - offsetAt(first))
}

export function auditWhere(f: AuditFilters): Where {
  const and: Where[] = []
  if (f.action) and.push({ action: { equals: f.action } })
  if (f.actor === 'system') and.push({ actor: { exists: false } })
  else if (f.actor) and.push({ actor: { equals: f.actor } })
  if (f.collection) and.push({ targetCollection: { equals: f.collection } })
  if (f.from) and.push({ createdAt: { greater_than_equal: streetDayStart(f.from).toISOString() } })
  if (f.to) {
    const next = new Date(Date.parse(`${f.to}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)
    and.push({ createdAt: { less_than: streetDayStart(next).toISOString() } })
  }
  return and.length ? { and } : {}
}

/** One page of entries, newest first (the view). */
export async function auditPage(payload: Payload, f: AuditFilters, page = 1, limit = 50) {
  const r = await payload.find({ collection: AUDIT_SLUG, where: auditWhere(f), sort: '-createdAt', page, limit, depth: 0, overrideAccess: true })
  return { entries: r.docs as unknown as AuditEntry[], total: r.totalDocs, page: r.page ?? page, pages: Math.max(1, r.totalPages) }
}

/** The staff accounts the filter offers (names, for admins). */
export async function auditActors(payload: Payload): Promise<{ id: string; name: string }[]> {
  const { docs } = await payload.find({ collection: 'users', sort: 'name', limit: 0, pagination: false, depth: 0, overrideAccess: true, select: { name: true, email: true } })
  return (docs as unknown as { id: string | number; name?: string; email?: string }[]).map((u) => ({ id: String(u.id), name: u.name || u.email || String(u.id) }))
}

export const actionLabel = (action: string, lang: Lang = 'zh') => t(`audit.${action}` as MessageKey, lang)
export const targetLabel = (collection: string | null | undefined, lang: Lang = 'zh') =>
  collection && AUDIT_TARGETS[collection] ? t(AUDIT_TARGETS[collection], lang) : (collection ?? '')

/** The filters in words, for the export's own entry. */
function describeFilters(f: AuditFilters, lang: Lang): string {
  const parts: string[] = []
  if (f.action) parts.push(`${t('auditView.filter.action', lang)}=${actionLabel(f.action, lang)}`)
  if (f.actor) parts.push(`${t('auditView.filter.actor', lang)}=${f.actor}`)
  if (f.collection) parts.push(`${t('auditView.filter.collection', lang)}=${targetLabel(f.collection, lang)}`)
  if (f.from || f.to) parts.push(`${f.from ?? '…'}~${f.to ?? '…'}`)
  if (!parts.length) return ''
  return lang === 'zh' ? `（${parts.join('，')}）` : ` (${parts.join(', ')})`
}

// ---------------------------------------------------------------- CSV export

export const AUDIT_CSV_HEADS: MessageKey[] = ['audit.at', 'auditView.col.iso', 'audit.action', 'audit.actor', 'auditView.col.collection', 'auditView.col.id', 'auditView.col.title', 'audit.detail']

export function auditCsvLine(e: AuditEntry, lang: Lang = 'zh'): string {
  return csvLine([formatDateTime(e.createdAt), new Date(e.createdAt).toISOString(), actionLabel(e.action, lang), e.actorName ?? '', targetLabel(e.targetCollection, lang), e.targetId ?? '', e.targetTitle ?? '', e.detail ?? ''])
}

/**
 * GET /api/audit-log/export.csv[?action=&actor=&from=&to=&collection=]: the
 * entries the filter selects, oldest first, as UTF-8 CSV with a byte-order
 * mark (Excel), every cell safe from formula injection; admins only; the
 * export is itself recorded.
 */
export const auditCsvEndpoint: PayloadHandler = async (req) => {
  const lang = langOf(req)
  if (!isAdmin(req.user)) return Response.json({ message: t('auditView.error.forbidden', lang), errors: [] }, { status: 403 })
  const params = req.searchParams ?? new URL(req.url ?? '', 'http://localhost').searchParams
  const { filters, problems } = readAuditFilters(params, lang)
  if (problems.length) return Response.json({ message: t('auditView.error.invalid', lang), errors: problems }, { status: 400 })
  const where = auditWhere(filters)
  const lines: string[] = [csvLine(AUDIT_CSV_HEADS.map((k) => t(k, lang)))]
  for (let page = 1; ; page++) {
    const r = await req.payload.find({ collection: AUDIT_SLUG, where, sort: 'createdAt', page, limit: 500, depth: 0, overrideAccess: true })
    for (const e of r.docs as unknown as AuditEntry[]) lines.push(auditCsvLine(e, lang))
    if (!r.hasNextPage) break
  }
  await audit(req, 'export', { collection: AUDIT_SLUG }, t('audit.detail.export', 'zh', { n: lines.length - 1, filters: describeFilters(filters, 'zh') }))
  const day = new Date().toISOString().slice(0, 10)
  return new Response(`\ufeff${lines.join('')}`, {
    status: 200,
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="audit-log-${day}.csv"`,
      'Cache-Control': 'private, no-store',
    },
  })
}

// ---------------------------------------------------------------- entries of other collections

type Named = { name?: string; label?: unknown; fields?: Field[]; tabs?: { fields: Field[] }[] }

/** Fields Payload keeps itself: their change is no one's edit. */
const BOOKKEEPING = new Set(['id', 'createdAt', 'updatedAt', 'globalType', '_status'])

/** Every data field of a config with its Chinese label, rows and tabs opened. */
function fieldLabels(fields: Field[], out = new Map<string, string>()): Map<string, string> {
  for (const f of fields as Named[]) {
    if (f.name && BOOKKEEPING.has(f.name)) continue
    if (f.name) {
      const l = f.label as { zh?: string } | string | undefined
      out.set(f.name, typeof l === 'string' ? l : (l?.zh ?? f.name))
    } else if (f.fields) fieldLabels(f.fields, out)
    else if (f.tabs) for (const tab of f.tabs) fieldLabels(tab.fields, out)
  }
  return out
}

const sameValue = (a: unknown, b: unknown) => {
  const norm = (v: unknown) => JSON.stringify(v && typeof v === 'object' && 'id' in (v as object) ? (v as { id: unknown }).id : (v ?? null))
  return norm(a) === norm(b)
}

/**
 * Site settings: which fields changed, named, never their values (the
 * settings may one day hold secrets; the sensitive-word list is long).
 */
export const auditSettingsChange: GlobalAfterChangeHook = async ({ doc, previousDoc, req, global }) => {
  const labels = fieldLabels(global.fields)
  const changed = [...labels.keys()].filter((name) => !sameValue((doc as Record<string, unknown>)[name], (previousDoc as Record<string, unknown> | undefined)?.[name]))
  if (changed.length) await audit(req, 'settings-change', { collection: global.slug }, t('audit.detail.settings', 'zh', { fields: changed.map((n) => labels.get(n)).join('、') }))
  return doc
}

/** An editor's pause, resume, cancel or retry of a delivery (the pipeline's own changes bypass hooks). */
export const auditDeliveryChange: CollectionAfterChangeHook = async ({ doc, previousDoc, operation, req }) => {
  if (operation !== 'update' || !previousDoc || doc.status === previousDoc.status) return doc
  const action: AuditAction | null =
    doc.status === 'paused'
      ? 'delivery-pause'
      : doc.status === 'cancelled'
        ? 'delivery-cancel'
        : doc.status === 'queued'
          ? previousDoc.status === 'paused'
            ? 'delivery-resume'
            : 'delivery-retry'
          : null
  if (!action) return doc
  const detail = t('audit.detail.delivery', 'zh', {
    channel: t(`channel.${doc.channel}` as MessageKey),
    from: t(`delivery.status.${previousDoc.status}` as MessageKey),
    to: t(`delivery.status.${doc.status}` as MessageKey),
  })
  await audit(req, action, { collection: 'deliveries', id: doc.id, title: doc.title ?? null }, detail)
  return doc
}

/** A WeChat mass send this request made (not a repeat answered from the record). */
export async function auditMassSend(req: PayloadRequest, delivery: { id: string | number; title?: string | null }, result: { msgId?: string; error?: string }) {
  const detail = result.msgId ? t('audit.detail.massSend', 'zh', { msgId: result.msgId }) : t('audit.detail.massSendFailed', 'zh', { detail: result.error ?? '' })
  await audit(req, 'mass-send', { collection: 'deliveries', id: delivery.id, title: delivery.title ?? null }, detail)
}
