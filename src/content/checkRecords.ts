import type { Payload, PayloadRequest } from 'payload'

import type { Finding } from '../checks'
import { findingKey } from '../checks/settings'

/**
 * The checks' history (collection check-records): reconcile the findings of
 * one run with the open records of that content. A finding not yet recorded
 * opens a record; an open record whose finding is gone is closed as fixed.
 *
 * A run sees some findings only: a save knows every finding except the
 * external dead links (checked over the network only when an editor asks);
 * the editor's link check knows only those. Each run reconciles its own part;
 * an external dead link whose URL left the content is fixed on the next save.
 */
export const CHECK_RECORDS = 'check-records'

/** Kinds whose matched text is personal information: never stored. */
const PERSONAL = new Set(['id-number', 'mobile', 'bank-card', 'personal-name'])
const INTERNAL_DEAD = new Set(['check.msg.deadLink.draft', 'check.msg.deadLink.withdrawn', 'check.msg.deadLink.missing'])

export const isExternalDeadLink = (f: Finding) => f.kind === 'dead-link' && !INTERNAL_DEAD.has(f.message)

export type CheckRecord = {
  id: string | number
  contentType: string
  contentId: string
  title?: string | null
  kind: string
  severity: string
  path?: string | null
  key: string
  text?: string | null
  external?: boolean | null
  firstSeenAt: string
  fixedAt?: string | null
}

type Run = {
  collection: string
  id: string | number
  title?: string | null
  findings: readonly Finding[]
  /** `save`: every finding but external dead links; `links`: external dead links only. */
  part: 'save' | 'links'
  /** The document's text as saved (for `save`): an external dead link whose URL is gone from it is fixed. */
  docText?: string
  now?: Date
  req?: PayloadRequest
}

/** The URLs of a content's external dead links recorded and not fixed (the link watch's, the editor's link check's). */
export async function openExternalDeadLinks(payload: Payload, collection: string, id: string | number, req?: PayloadRequest): Promise<Set<string>> {
  const { docs } = await payload.find({
    collection: CHECK_RECORDS as never,
    where: { and: [{ contentType: { equals: collection } }, { contentId: { equals: String(id) } }, { kind: { equals: 'dead-link' } }, { external: { equals: true } }, { fixedAt: { exists: false } }] },
    limit: 0,
    pagination: false,
    depth: 0,
    overrideAccess: true,
    req,
  })
  return new Set((docs as unknown as CheckRecord[]).map((r) => r.text).filter((u): u is string => Boolean(u)))
}

const recordKey = (kind: string, key: string, path: string | null | undefined) => `${kind}|${key}|${path ?? ''}`

export async function reconcileCheckRecords(payload: Payload, run: Run): Promise<{ opened: number; fixed: number }> {
  const now = (run.now ?? new Date()).toISOString()
  const contentId = String(run.id)
  const { docs } = await payload.find({
    collection: CHECK_RECORDS as never,
    where: { and: [{ contentType: { equals: run.collection } }, { contentId: { equals: contentId } }, { fixedAt: { exists: false } }] },
    limit: 0,
    pagination: false,
    depth: 0,
    overrideAccess: true,
    req: run.req,
  })
  const open = docs as unknown as CheckRecord[]
  const inPart = (external: boolean) => (run.part === 'links' ? external : !external)
  const current = new Map<string, Finding>()
  for (const f of run.findings) {
    if (!inPart(isExternalDeadLink(f))) continue
    current.set(recordKey(f.kind, findingKey(f), f.path), f)
  }
  const openKeys = new Set(open.map((r) => recordKey(r.kind, r.key, r.path)))
  let opened = 0
  let fixed = 0
  for (const [k, f] of current) {
    if (openKeys.has(k)) continue
    const external = isExternalDeadLink(f)
    await payload.create({
      collection: CHECK_RECORDS as never,
      data: {
        contentType: run.collection,
        contentId,
        title: run.title ?? null,
        kind: f.kind,
        severity: f.severity,
        path: f.path,
        key: findingKey(f),
        text: PERSONAL.has(f.kind) ? null : f.kind === 'dead-link' ? (f.vars?.url ?? f.match) : f.match,
        external,
        firstSeenAt: now,
      } as never,
      overrideAccess: true,
      req: run.req,
    })
    opened++
  }
  for (const r of open) {
    const external = Boolean(r.external)
    let gone = inPart(external) && !current.has(recordKey(r.kind, r.key, r.path))
    // A save cannot judge an external link, but can see that it was taken out.
    if (!gone && run.part === 'save' && external && run.docText != null && r.text) gone = !run.docText.includes(r.text)
    if (!gone) continue
    await payload.update({ collection: CHECK_RECORDS as never, id: r.id, data: { fixedAt: now } as never, overrideAccess: true, req: run.req })
    fixed++
  }
  return { opened, fixed }
}
