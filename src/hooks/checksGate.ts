import { type CollectionAfterChangeHook, type CollectionBeforeChangeHook, type PayloadRequest, ValidationError } from 'payload'

import { isAdmin, type StaffUser } from '../access/roles'
import { findingMessage, kindLabel, pathLabel, type Finding } from '../checks'
import { coverOf, isSerious, uncovered } from '../checks/settings'
import { checkContent } from '../content/checks'
import { type Lang, langOf, type MessageKey, t } from '../i18n/messages'
import { audit } from './audit'

/**
 * The pre-publish checks' gate (issue 16), on every save of every content
 * type, whichever way it comes (admin, REST, GraphQL, the Local API, a
 * scheduled publication): a publication with a serious finding (严重) is
 * refused, 400, each field named; warnings never block; drafts always save.
 *
 * An admin, or an editor for urgent content, may publish despite serious
 * findings by recording a reason (`checksOverride.reason`). Who and when are
 * set here, never taken from the request, and so is what the override covers:
 * the serious findings present when it was recorded (hashed). A later new
 * problem is not covered. Anyone else's attempt to set or change the reason is
 * refused. The override goes to the audit log after the save.
 */

export type Override = { reason?: string | null; by?: string | null; at?: string | null; covers?: string | null }
type ContentDoc = { id?: string | number; title?: string; _status?: string; urgent?: boolean | null; checksOverride?: Override | null; [k: string]: unknown }

/**
 * The override recorded by this save, for the audit after it. On req.context,
 * not the hook's `context` argument: a Local API call with this req inside the
 * save (reading the settings) gives req a new context object. Keyed by the
 * document: Payload saves a bulk update's documents side by side on one req,
 * and one whose save fails after its checks leaves its mark behind.
 */
const auditKey = (collection: string, id: unknown) => `checksOverrideAudit:${collection}:${id === undefined || id === null ? 'new' : String(id)}`
const MAX_LISTED = 5

const clean = (v: unknown): string => (typeof v === 'string' ? v.trim() : '')

/** A staff member as the audit log names them (src/hooks/audit.ts). */
const nameOf = (user: (StaffUser & { name?: string | null; email?: string | null }) | null) => (user ? user.name || user.email || String(user.id) : null)

type OverrideArgs = Pick<Parameters<CollectionBeforeChangeHook>[0], 'data' | 'originalDoc' | 'req' | 'collection'> & {
  /** Whether this user may record or clear a reason here. */
  may: boolean
  /** What a user who may not is told (400 on `checksOverride.reason`). */
  notAllowed: MessageKey
}

/**
 * The override (`checksOverride`) as this save leaves it, for content and
 * policy documents alike: the stored one, or the reason the request records
 * (who and when set here, `covers` left for the caller to fill from its
 * findings) or clears. Anyone who may not is refused when the reason asked
 * differs from the stored one. `recording` is the new reason, if one is.
 */
export function overrideOf({ data, originalDoc, req, collection, may, notAllowed }: OverrideArgs): { override: Override; recording: string | null } {
  const stored: Override = (originalDoc as ContentDoc | undefined)?.checksOverride ?? {}
  const storedReason = clean(stored.reason)
  const asked = (data as ContentDoc).checksOverride
  const askedReason = asked === undefined ? storedReason : clean(asked?.reason)
  if (askedReason === storedReason) {
    return { override: { reason: storedReason || null, by: typeof stored.by === 'string' ? stored.by : null, at: stored.at ?? null, covers: stored.covers ?? null }, recording: null }
  }
  if (!may) {
    const lang = langOf(req)
    throw new ValidationError(
      { collection: collection.slug, errors: [{ path: 'checksOverride.reason', message: t(notAllowed, lang), label: t('field.checksOverride.reason', lang) }], req },
      req.t,
    )
  }
  if (!askedReason) return { override: { reason: null, by: null, at: null, covers: null }, recording: null }
  return { override: { reason: askedReason, by: nameOf(req.user as StaffUser | null), at: new Date().toISOString(), covers: null }, recording: askedReason }
}

/**
 * Marks an override for the audit log after the save (auditChecksOverride), with its detail (in Chinese, as the log keeps it).
 * `id`: the document's (its originalDoc's), none for a create.
 */
export function auditAfterSave(req: PayloadRequest, collection: string, id: unknown, detail: string): void {
  req.context[auditKey(collection, id)] = { detail }
}

/** Admins always; editors for urgent content. */
export function mayOverride(user: StaffUser | null | undefined, doc: { urgent?: boolean | null }): boolean {
  return isAdmin(user) || (user?.role === 'editor' && doc.urgent === true)
}

/** One ValidationError entry per field with serious findings, its findings listed with their context. */
function refusal(findings: Finding[], lang: Lang) {
  const byPath = new Map<string, Finding[]>()
  for (const f of findings) byPath.set(f.path, [...(byPath.get(f.path) ?? []), f])
  return [...byPath].map(([path, list]) => {
    const shown = list.slice(0, MAX_LISTED).map((f) =>
      t('format.withCode', lang, { text: `${kindLabel(f.kind, lang)}“${f.match}”`, code: f.context }),
    )
    const found = `${shown.join(t('format.listSeparator', lang))}${list.length > MAX_LISTED ? '…' : ''}${t('format.listSeparator', lang)}${findingMessage(list[0], lang)}`
    return { path, label: pathLabel(path, lang), message: t('error.checksSerious', lang, { found }) }
  })
}

export const checksGate: CollectionBeforeChangeHook = async ({ data, originalDoc, req, collection }) => {
  const lang = langOf(req)
  const user = req.user as StaffUser | null
  const before = (originalDoc ?? {}) as ContentDoc
  const merged: ContentDoc = { ...before, ...(data as ContentDoc) }

  const { override, recording } = overrideOf({ data, originalDoc, req, collection, may: mayOverride(user, merged), notAllowed: 'error.checksOverrideNotAllowed' })

  const publishing = merged._status === 'published'
  if (publishing || recording) {
    const findings = await checkContent(req.payload, collection.slug, merged, req)
    if (recording) {
      override.covers = coverOf(findings)
      auditAfterSave(req, collection.slug, before.id, t('audit.detail.checksOverride', 'zh', { count: findings.filter(isSerious).length, reason: recording }))
    }
    if (publishing) {
      const blocking = override.reason ? uncovered(findings, override.covers) : findings.filter(isSerious)
      if (blocking.length) throw new ValidationError({ collection: collection.slug, errors: refusal(blocking, lang), req }, req.t)
    }
  }
  data.checksOverride = override
  return data
}

/** The override, once saved, in the audit log with its reason (content and policy documents). */
export const auditChecksOverride: CollectionAfterChangeHook = async ({ doc, req, collection, operation }) => {
  const key = auditKey(collection.slug, operation === 'create' ? null : (doc as ContentDoc).id)
  const recorded = req.context[key] as { detail: string } | undefined
  if (!recorded) return doc
  delete req.context[key]
  const d = doc as ContentDoc
  await audit(req, 'checks-override', { collection: collection.slug, id: d.id, title: d.title ?? null }, recorded.detail)
  return doc
}
