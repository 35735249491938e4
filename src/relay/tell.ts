import type { Payload, Where } from 'payload'

import type { Id } from '../access'
import { t } from '../i18n/messages'
import { CONTENT_SLUGS, type ContentSlug } from '../model/content'
import { currentLink, type RelayBuilding, type RelayGrid } from './links'

/**
 * Heads are told (issue 18): when a notice for their grid is published (an
 * announcement for the grid, or urgent street content), each head with a
 * current link and the consent recorded gets their link. This module says
 * who and with what words; the sending is a job (src/jobs/relayTell.ts,
 * queued by the publish hook): by SMS where the SMS channel and the heads'
 * template (SMS_TEMPLATE_RELAY) are configured and the head has a mobile
 * number, the link behind a short link /s/CODE; otherwise by email when the
 * head has one; a head with neither is logged.
 */
export type TellNotice = { type: ContentSlug; id: Id; title: string; urgent: boolean; grids: Id[] | null }
export type TellHead = { grid: RelayGrid; building: RelayBuilding; code: string; version: number; link: string }

type Doc = { id: Id; title?: string | null; urgent?: boolean | null; _status?: string | null; withdrawnAt?: string | null; grids?: (Id | { id: Id })[] | null }

/** The content as it stands now, when it is still published and tells heads; null otherwise (unpublished, withdrawn, gone). */
export async function noticeToTell(payload: Payload, type: string, id: Id): Promise<TellNotice | null> {
  if (!(CONTENT_SLUGS as readonly string[]).includes(type)) return null
  const d = (await payload.findByID({ collection: type as ContentSlug, id, depth: 0, overrideAccess: true, disableErrors: true }).catch(() => null)) as Doc | null
  if (!d || d._status !== 'published' || d.withdrawnAt) return null
  const grids = (d.grids ?? []).map((g) => (typeof g === 'object' ? g.id : g))
  return { type: type as ContentSlug, id: d.id, title: d.title ?? '', urgent: Boolean(d.urgent), grids: type === 'announcements' ? grids : null }
}

/** The grids whose heads hear of a notice: an announcement's grids, every grid for urgent street content; none otherwise. */
async function gridsToTell(payload: Payload, n: TellNotice): Promise<RelayGrid[]> {
  const gridWhere: Where | null = n.type === 'announcements' ? (n.grids?.length ? { id: { in: n.grids } } : null) : n.urgent ? {} : null
  if (!gridWhere) return []
  const { docs } = await payload.find({ collection: 'grids', where: gridWhere, limit: 0, pagination: false, depth: 0, overrideAccess: true, select: { code: true, name: true, buildings: true } })
  return docs as unknown as RelayGrid[]
}

/** The heads to tell of a notice: a current link and the consent recorded (a head without consent is logged, never told). */
export async function headsToTell(payload: Payload, n: TellNotice): Promise<TellHead[]> {
  const log = payload.logger.child({ component: 'relay' })
  const heads: TellHead[] = []
  for (const grid of await gridsToTell(payload, n)) {
    for (const b of grid.buildings ?? []) {
      const link = currentLink(b)
      if (!link || !b.code) continue
      if (!b.headConsent) {
        log.info({ building: b.code, contentType: n.type }, 'head not told: no consent recorded')
        continue
      }
      heads.push({ grid, building: b, code: b.code, version: b.relayVersion!, link })
    }
  }
  return heads
}

export const buildingLabel = (b: RelayBuilding) => [b.estate, b.name].filter(Boolean).join(' ') || b.code || ''

/** The email a head gets: the notice, what to do, their link. */
export function tellMail(n: TellNotice, h: TellHead): { subject: string; text: string; html: string } {
  const subject = t('relay.tell.subject', 'zh', { building: buildingLabel(h.building), title: n.title })
  const text = t('relay.tell.body', 'zh', { head: h.building.head ?? '', grid: h.grid.name, title: n.title, link: h.link })
  const esc = (s: string) => s.replace(/[&<>"]/g, (ch) => `&#${ch.charCodeAt(0)};`)
  const html = text
    .split('\n')
    .map((line) => (line === h.link ? `<p><a href="${esc(line)}">${esc(line)}</a></p>` : `<p>${esc(line)}</p>`))
    .join('')
  return { subject, text, html }
}
