import type { PayloadRequest } from 'payload'

import { type Id, isGridScoped } from '../access'
import { progressText } from '../collections/Deliveries'
import { type Lang, type MessageKey, t } from '../i18n/messages'
import type { DeliveryDoc } from '../model/deliveries'
import { reasonFor } from '../readership/home'
import { formatDateTime } from '../templates/format'

/**
 * 发送情况 for the grid leader (or community staff member) on their own
 * announcement's page: each delivery's channel, status, progress and reason,
 * read-only. They cannot read the deliveries collection, so the server reads
 * the rows here, once it has checked through their own access that the
 * announcement is theirs.
 */
export type ReadOnlyDelivery = { id: Id; channel: string; status: string; progress: string; reason: string | null; finishedAt: string | null }

export async function ownAnnouncementDeliveries(req: PayloadRequest, id: Id | undefined, lang: Lang): Promise<ReadOnlyDelivery[] | null> {
  if (!isGridScoped(req.user) || id == null) return null
  const own = await req.payload.count({ collection: 'announcements', where: { id: { equals: id } }, overrideAccess: false, req })
  if (!own.totalDocs) return null
  const { docs } = await req.payload.find({
    collection: 'deliveries',
    where: { and: [{ contentType: { equals: 'announcements' } }, { contentId: { equals: String(id) } }] },
    limit: 20,
    depth: 0,
    overrideAccess: true,
    req,
  })
  return (docs as unknown as DeliveryDoc[]).map((d) => ({
    id: d.id,
    channel: d.channel,
    status: d.status,
    progress: d.channel === 'wechat' ? '' : progressText(d, Date.now(), lang),
    reason: reasonFor(d.reason, d.channel, false, lang),
    finishedAt: d.finishedAt ?? null,
  }))
}

export function DeliveriesReadOnly({ deliveries, published, lang }: { deliveries: ReadOnlyDelivery[]; published: boolean; lang: Lang }) {
  return (
    <div className="deliveries-panel deliveries-panel--read-only field-type" id="deliveries-panel" style={{ marginTop: 24 }}>
      <h3 style={{ margin: '0 0 8px' }}>{t('panel.title', lang)}</h3>
      <p className="deliveries-panel__note" style={{ fontSize: 12, color: 'var(--theme-elevation-600)' }}>
        {t('home.panel.readOnly', lang)}
      </p>
      {deliveries.length ? (
        deliveries.map((d) => (
          <section
            key={String(d.id)}
            className="deliveries-panel__delivery"
            data-channel={d.channel}
            data-status={d.status}
            style={{ border: '1px solid var(--theme-elevation-150)', borderRadius: 4, padding: '10px 14px', marginBottom: 8 }}
          >
            <div style={{ display: 'flex', justifyContent: 'space-between', gap: 8, flexWrap: 'wrap' }}>
              <strong>{t(`channel.${d.channel}` as MessageKey, lang)}</strong>
              <span className="deliveries-panel__status">{t(`delivery.status.${d.status}` as MessageKey, lang)}</span>
            </div>
            {d.progress ? <div className="deliveries-panel__progress" style={{ fontSize: 12 }}>{d.progress}</div> : null}
            {d.finishedAt ? <div style={{ fontSize: 12, color: 'var(--theme-elevation-600)' }}>{formatDateTime(d.finishedAt)}</div> : null}
            {d.reason ? <p className="deliveries-panel__reason" style={{ margin: '6px 0 0' }}>{d.reason}</p> : null}
          </section>
        ))
      ) : (
        <p className="deliveries-panel__note">{t(published ? 'panel.none' : 'panel.unpublished', lang)}</p>
      )}
    </div>
  )
}
