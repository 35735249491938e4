'use client'

import { useCallback, useEffect, useState } from 'react'

import type { DeliveryDoc } from '../model/deliveries'
import { type Lang, t } from '../i18n/messages'
import { callApi, PanelButton, row, serverMessage, small } from './DeliveriesPanelShared'

type Reason = { code: string; count: number }

/**
 * The residents this delivery suppressed, per refusal code, under its row;
 * for an admin, one restore button per code, with a confirm (a relay that
 * refused everyone is undone here). Counts only: no address reaches the page.
 */
export function SuppressedRow(props: { d: DeliveryDoc; lang: Lang; api: string; admin: boolean; onChanged: () => void }) {
  const { d, lang, api, admin, onChanged } = props
  const [reasons, setReasons] = useState<Reason[] | null>(null)
  const [confirm, setConfirm] = useState<Reason | null>(null)
  const [busy, setBusy] = useState(false)
  const [note, setNote] = useState<{ error: boolean; text: string } | null>(null)

  const load = useCallback(async () => {
    // An SMS delivery may take numbers off SMS by its delivery reports, after its messages were submitted (no gone count).
    if (!d.gone && d.channel !== 'sms') return setReasons([])
    const r = await callApi(`${api}/deliveries/${d.id}/suppressed`).catch(() => null)
    setReasons(r && r.status < 400 ? ((r.body?.reasons ?? []) as Reason[]) : [])
  }, [api, d.id, d.gone, d.channel])

  // Read again whenever the delivery's gone count moves (load changes with it).
  useEffect(() => {
    void load()
  }, [load])

  const restore = async (reason: Reason) => {
    setBusy(true)
    setNote(null)
    try {
      const r = await callApi(`${api}/deliveries/${d.id}/restore-suppressed`, { method: 'POST', body: { code: reason.code } })
      setNote(r.status >= 400 ? { error: true, text: t('panel.actionFailed', lang, { detail: serverMessage(r.body, String(r.status)) }) } : { error: false, text: String(r.body?.message ?? '') })
      setConfirm(null)
      await load()
      onChanged()
    } catch (err) {
      setNote({ error: true, text: t('panel.actionFailed', lang, { detail: (err as Error).message }) })
    } finally {
      setBusy(false)
    }
  }

  const total = (reasons ?? []).reduce((n, r) => n + r.count, 0)
  if (!total && !note) return null
  return (
    <div className="deliveries-panel__suppressed" style={{ marginTop: 8 }}>
      {total ? (
        <>
          <div style={small}>{t('panel.suppressed.title', lang, { count: total })}</div>
          <ul style={{ margin: '4px 0 0', paddingLeft: 18 }}>
            {(reasons ?? []).map((r) => (
              <li key={r.code} data-code={r.code}>
                {t('panel.suppressed.reason', lang, { code: r.code, count: r.count })}{' '}
                {admin && d.status !== 'running' ? (
                  <PanelButton className="deliveries-panel__restore" disabled={busy} onClick={() => setConfirm(r)}>
                    {t('panel.suppressed.restore', lang, { count: r.count })}
                  </PanelButton>
                ) : null}
              </li>
            ))}
          </ul>
          {admin ? null : <div style={small}>{t('panel.suppressed.adminOnly', lang)}</div>}
        </>
      ) : null}
      {confirm ? (
        <div className="deliveries-panel__restore-confirm" role="alertdialog" style={{ ...row, padding: 8, background: 'var(--theme-warning-100)' }}>
          <span>{t('panel.suppressed.confirm', lang, { code: confirm.code, count: confirm.count })}</span>
          <PanelButton className="deliveries-panel__restore-yes" kind="primary" disabled={busy} onClick={() => restore(confirm)}>
            {t('panel.suppressed.yes', lang)}
          </PanelButton>
          <PanelButton className="deliveries-panel__restore-no" disabled={busy} onClick={() => setConfirm(null)}>
            {t('panel.suppressed.no', lang)}
          </PanelButton>
        </div>
      ) : null}
      {note ? (
        <p className="deliveries-panel__restore-note" role={note.error ? 'alert' : 'status'} style={{ color: note.error ? 'var(--theme-error-500)' : undefined, margin: '8px 0 0' }}>
          {note.text}
        </p>
      ) : null}
    </div>
  )
}
