import type { Payload, PayloadRequest, Where } from 'payload'

import { extractLinks, type CheckSettings, type InternalTarget, type LinkResult, type LinkStates, type TargetState } from '../checks'
import { checkExternalLinks } from '../checks/links/external'
import { targetOfLink } from '../checks/links/internal'
import { originsFrom } from '../lib/outbound'
import { env } from '../server/env'

/**
 * What the dead-link check (src/checks/links/internal.ts) needs to know of a
 * document's links: the state of the site's own content they point at (a
 * database read, done on every save: the publish gate, the checks endpoint),
 * and, only when an editor asks, whether the external ones open (network,
 * never in the save path).
 */

/** The document being checked: a link to itself is as published as it is about to be. */
export type SelfRef = { collection: string; id?: string | number | null; number?: unknown; status?: unknown }

/** Links checked at most per request; the rest wait for the next check. */
export const MAX_EXTERNAL_LINKS = 100

const keyOf = (t: InternalTarget) => `${t.collection}|${t.key}|${t.value}`

type StateDoc = { id: string | number; number?: number | null; code?: string | null; _status?: string | null; withdrawnAt?: string | null }

/** A grid (no drafts) is there or not; a content is published, withdrawn (a notice) or a draft, as the site shows it (content/data.ts). */
const stateOf = (doc: StateDoc | undefined, drafts: boolean): TargetState =>
  !doc ? 'missing' : !drafts || doc._status === 'published' ? 'published' : doc.withdrawnAt ? 'withdrawn' : 'draft'

/** Ids this database could hold (a number on SQLite, an ObjectId on MongoDB): anything else is missing without a query. */
function validId(payload: Payload, value: string): boolean {
  return payload.db.defaultIDType === 'number' ? /^\d{1,15}$/.test(value) : /^[0-9a-f]{24}$/i.test(value)
}

function isSelf(self: SelfRef | undefined, t: InternalTarget): boolean {
  if (!self || self.collection !== t.collection) return false
  if (t.key === 'number') return self.number != null && String(self.number) === t.value
  return t.key === 'id' && self.id != null && String(self.id) === t.value
}

/** The state of every content a document links to on this site, in one query per collection. */
export async function internalLinkStates(
  payload: Payload,
  doc: unknown,
  collection: string,
  settings: CheckSettings,
  req?: PayloadRequest,
  self?: SelfRef,
): Promise<LinkStates['internal']> {
  const targets = extractLinks(doc, { collection, settings })
    .map((l) => targetOfLink(l, settings.publicUrl))
    .filter((t): t is InternalTarget => t !== null)
  if (!targets.length) return null
  const states = new Map<string, TargetState>()
  const groups = new Map<string, InternalTarget[]>()
  for (const t of targets) {
    if (isSelf(self, t)) states.set(keyOf(t), self!.status === 'published' ? 'published' : 'draft')
    else groups.set(`${t.collection}|${t.key}`, [...(groups.get(`${t.collection}|${t.key}`) ?? []), t])
  }
  for (const list of groups.values()) {
    const { collection: slug, key } = list[0]
    const values = [...new Set(list.map((t) => t.value))]
    const queried =
      key === 'number' ? values.filter((v) => /^\d{1,9}$/.test(v)).map(Number) : key === 'id' ? values.filter((v) => validId(payload, v)) : values
    const found: StateDoc[] = []
    if (queried.length) {
      const where: Where = { [key]: { in: queried } }
      const select = key === 'code' ? { code: true } : { number: true, _status: true, withdrawnAt: true }
      const { docs } = await payload.find({
        collection: slug,
        where,
        limit: queried.length,
        pagination: false,
        depth: 0,
        draft: false,
        overrideAccess: true,
        select: select as never,
        req,
      })
      found.push(...(docs as unknown as StateDoc[]))
    }
    const byValue = new Map(found.map((d) => [String(key === 'number' ? d.number : key === 'code' ? d.code : d.id), d]))
    for (const t of list) states.set(keyOf(t), stateOf(byValue.get(key === 'number' ? String(Number(t.value)) : t.value), key !== 'code'))
  }
  return (t) => states.get(keyOf(t))
}

export type ExternalCheck = { lookup: LinkStates['external']; checked: number; dead: number }

/** Checks a document's external http(s) links now (the checks endpoint, when asked), with this site's settings. */
export async function externalLinkStates(doc: unknown, collection: string, settings: CheckSettings): Promise<ExternalCheck> {
  const urls = [
    ...new Set(
      extractLinks(doc, { collection, settings })
        .filter((l) => !l.internal && (l.scheme === 'http' || l.scheme === 'https'))
        .map((l) => l.url),
    ),
  ].slice(0, MAX_EXTERNAL_LINKS)
  if (!urls.length) return { lookup: null, checked: 0, dead: 0 }
  const results: Map<string, LinkResult> = await checkExternalLinks(urls, {
    trustedOrigins: originsFrom(env.linkCheckTrustedOrigins, 'LINK_CHECK_TRUSTED_ORIGINS'),
    timeoutMs: env.linkCheckTimeoutMs,
  })
  return { lookup: (url) => results.get(url), checked: results.size, dead: [...results.values()].filter((r) => !r.ok).length }
}
