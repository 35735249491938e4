'use client'

import { useState } from 'react'

import { type Lang, type MessageKey, t } from '../i18n/messages'
import type { DeliveryStatus } from '../model/deliveries'
import { callApi, PanelButton, serverMessage } from './DeliveriesPanelShared'

/**
 * The admin home's buttons on one delivery: the same PATCH of its status as
 * the content's 发送情况 panel (DeliveriesPanelClient), under the same
 * transitions (the collection refuses any other), then the page reloads to
 * show where it went.
 */
export function HomeDeliveryActions({ id, status, actions, api, lang }: { id: string | number; status: DeliveryStatus; actions: DeliveryStatus[]; api: string; lang: Lang }) {
  const [busy, setBusy] = useState(false)
  const [confirmCancel, setConfirmCancel] = useState(false)
  const [message, setMessage] = useState<string | null>(null)
  const move = async (to: DeliveryStatus) => {
    setBusy(true)
    setMessage(null)
    try {
      const r = await callApi(`${api}/deliveries/${id}?depth=0`, { method: 'PATCH', body: { status: to } })
      if (r.status >= 400) {
        setMessage(t('panel.actionFailed', lang, { detail: serverMessage(r.body, String(r.status)) }))
        return
      }
      setMessage(t('home.deliveries.done', lang))
      window.location.reload()
    } catch (err) {
      setMessage(t('panel.actionFailed', lang, { detail: (err as Error).message }))
    } finally {
      setBusy(false)
    }
  }
  const resume = status === 'partial' || status === 'failed' ? t('panel.action.retry', lang) : t('panel.action.resume', lang)
  return (
    <div className="home-actions">
      {actions.includes('paused') ? (
        <PanelButton className="home-pause" disabled={busy} onClick={() => move('paused')}>
          {t('panel.action.paused', lang)}
        </PanelButton>
      ) : null}
      {actions.includes('queued') ? (
        <PanelButton className="home-resume" kind="primary" disabled={busy} onClick={() => move('queued')}>
          {resume}
        </PanelButton>
      ) : null}
      {actions.includes('cancelled') && !confirmCancel ? (
        <PanelButton className="home-cancel" disabled={busy} onClick={() => setConfirmCancel(true)}>
          {t('panel.action.cancelled', lang)}
        </PanelButton>
      ) : null}
      {confirmCancel ? (
        <span role="alertdialog" className="home-cancel-confirm">
          <PanelButton kind="danger" disabled={busy} onClick={() => move('cancelled')}>
            {t('panel.cancel.yes', lang)}
          </PanelButton>{' '}
          <PanelButton disabled={busy} onClick={() => setConfirmCancel(false)}>
            {t('panel.cancel.no' as MessageKey, lang)}
          </PanelButton>
        </span>
      ) : null}
      {message ? (
        <span role="status" className="home-action-message">
          {message}
        </span>
      ) : null}
    </div>
  )
}
