import type { UIFieldServerProps } from 'payload'

import { isAdmin, isEditor, isGridScoped } from '../access/roles'
import { EDITOR_TRANSITIONS } from '../model/deliveries'
import { env } from '../server/env'
import { smsMissingSettings } from '../server/smsEnv'
import { DeliveriesPanelClient } from './DeliveriesPanelClient'
import { DeliveriesReadOnly, ownAnnouncementDeliveries } from './DeliveriesPanelReadOnly'

/**
 * 发送情况 on a content's edit page (the `deliveriesPanel` UI field of every
 * content collection). Drawn on the server so that what only the server knows
 * reaches the browser as props: who may see deliveries, the transitions an
 * editor may make (one table, in Deliveries.ts), the VAPID public key for
 * a test push, whether SMS is configured (a test text message), and whether the viewer is an admin (who may restore the
 * residents a delivery suppressed). Grid leaders and community staff cannot
 * read deliveries: on their own announcement they see its deliveries read-only
 * (DeliveriesPanelReadOnly.tsx); elsewhere the panel is not drawn at all.
 */
export default async function DeliveriesPanel({ req, user, i18n, collectionSlug, id, data }: UIFieldServerProps) {
  const viewer = (req?.user ?? user) as never
  const lang = i18n?.language === 'en' ? 'en' : 'zh'
  if (isGridScoped(viewer) && collectionSlug === 'announcements' && req) {
    const deliveries = await ownAnnouncementDeliveries(req, id, lang)
    return deliveries ? <DeliveriesReadOnly deliveries={deliveries} published={(data as { _status?: string } | undefined)?._status === 'published'} lang={lang} /> : null
  }
  if (!isEditor(viewer)) return null
  return (
    <DeliveriesPanelClient
      admin={isAdmin(viewer)}
      collection={collectionSlug}
      transitions={EDITOR_TRANSITIONS}
      vapidPublicKey={env.vapidPublicKey || null}
      smsConfigured={smsMissingSettings().length === 0}
      lang={lang}
    />
  )
}
