import type { Payload, Where } from 'payload'

import type { Id } from '../access'
import { t } from '../i18n/messages'
import { staffMailSender } from '../jobs/nudge'
import { smsSettings } from '../server/smsEnv'
import { currentLink, type RelayBuilding, type RelayGrid } from './links'

/**
 * Heads are told (issue 18): when a notice for their grid is published (an
 * announcement for the grid, or urgent street content), each head with a
 * link and the consent recorded gets their link: by email through the staff
 * mailer when the head has an email. SMS is not sent to heads yet: the
 * approved SMS templates end with a short-link code (/s/CODE), which heads'
 * links do not have; a head with only a phone is logged, as is a head with
 * neither.
 */
export type TellNotice = { type: string; id: Id; title: string; urgent: boolean; grids: Id[] | null }
export type Told = { building: string; by: 'email' | 'none' }

/** The grids whose heads hear of a notice: an announcement's grids, every grid for urgent street content; none otherwise. */
async function gridsToTell(payload: Payload, n: TellNotice): Promise<RelayGrid[]> {
  const gridWhere: Where | null = n.type === 'announcements' ? (n.grids?.length ? { id: { in: n.grids } } : null) : n.urgent ? {} : null
  if (!gridWhere) return []
  const { docs } = await payload.find({ collection: 'grids', where: gridWhere, limit: 0, pagination: false, depth: 0, overrideAccess: true, select: { code: true, name: true, buildings: true } })
  return docs as unknown as RelayGrid[]
}

export async function tellHeads(payload: Payload, n: TellNotice): Promise<Told[]> {
  const log = payload.logger.child({ component: 'relay' })
  const told: Told[] = []
  const sender = staffMailSender()
  for (const grid of await gridsToTell(payload, n)) {
    for (const b of (grid.buildings ?? []) as RelayBuilding[]) {
      const link = currentLink(b)
      if (!link || !b.code) continue
      if (!b.headConsent) {
        log.info({ building: b.code, contentType: n.type }, 'head not told: no consent recorded')
        continue
      }
      if (b.headEmail && sender) {
        const building = [b.estate, b.name].filter(Boolean).join(' ')
        sender.send(
          {
            to: b.headEmail,
            subject: t('relay.tell.subject', 'zh', { building, title: n.title }),
            text: t('relay.tell.body', 'zh', { head: b.head ?? '', grid: grid.name, title: n.title, link }),
          },
          log,
        )
        told.push({ building: b.code, by: 'email' })
        continue
      }
      // SMS is configured or not, a head's link cannot go into the approved templates (see above).
      log.info({ building: b.code, contentType: n.type, phone: Boolean(b.headPhone), sms: smsSettings() !== null }, 'head not told: no email')
      told.push({ building: b.code, by: 'none' })
    }
  }
  return told
}
