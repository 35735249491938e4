'use client'

import { useState } from 'react'

import type { DeliveryDoc } from '../model/deliveries'
import { type Lang, type MessageKey, t } from '../i18n/messages'
import { formatDateTime } from '../templates/format'
import { callApi, PanelButton, row, serverMessage, small } from './DeliveriesPanelShared'

/** The stage state a WeChat delivery keeps in its `wechat` JSON (written by the WeChat stages). */
type WechatState = {
  stage?: 'images' | 'draft' | 'publishing' | 'published' | 'failed'
  articleUrls?: string[]
  publishStatus?: number
  massSend?: { status: 'sending' | 'sent' | 'failed'; clientMsgId: string; msgId?: string; requestedAt: string; confirmBy: string; error?: string; contentGrids?: number }
}
type Quota = { day: string; massSentToday: boolean; lastMassSend?: { deliveryId: string | number; title: string; at: string } }

const STAGES = ['images', 'draft', 'publishing', 'published', 'failed']

/**
 * The WeChat part of a delivery: its stage, the published articles, and the
 * mass send (群发), which notifies every follower and is allowed once a day:
 * the editor sees today's quota and the warnings before confirming.
 */
export function WechatRow({ d, lang, api, onChanged }: { d: DeliveryDoc; lang: Lang; api: string; onChanged: () => void }) {
  const w = (d.wechat ?? {}) as WechatState
  const [quota, setQuota] = useState<Quota | null>(null)
  const [asking, setAsking] = useState(false)
  const [busy, setBusy] = useState(false)
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null)
  // Content meant for some grids: a mass send still reaches the whole account, so the editor confirms that.
  const grids = d.audience?.startsWith('grids:') ? d.audience.slice(6).split(',').filter(Boolean).length : 0
  const [wholeAccount, setWholeAccount] = useState(false)
  const [planned, setPlanned] = useState<string | null>(null)

  const ask = async () => {
    setAsking(true)
    setBusy(true)
    setMessage(null)
    setQuota(null)
    try {
      const r = await callApi(`${api}/deliveries/wechat-quota`)
      if (r.status !== 200) {
        setAsking(false)
        setMessage({ ok: false, text: serverMessage(r.body, String(r.status)) })
      } else {
        // The mass-send plan's holder of today, when it is another content (the plan is advice: the editor decides).
        const plan = await callApi(`${api}/globals/wechat-mass-plan/plan`).catch(() => null)
        const first = (plan?.status === 200 ? plan.body?.items?.[0] : null) as { delivery: string; title: string; day: string } | null
        setPlanned(first && first.day === (r.body as Quota).day && first.delivery !== String(d.id) ? first.title : null)
        setQuota(r.body as Quota)
      }
    } catch (err) {
      setAsking(false)
      setMessage({ ok: false, text: (err as Error).message })
    } finally {
      setBusy(false)
    }
  }

  const massSend = async () => {
    setBusy(true)
    try {
      const r = await callApi(`${api}/deliveries/${d.id}/mass-send`, { method: 'POST', body: { confirm: true, ...(grids ? { confirmWholeAccount: wholeAccount } : {}) } })
      setMessage({ ok: r.status === 200, text: serverMessage(r.body, String(r.status)) })
      setAsking(false)
      onChanged()
    } catch (err) {
      setMessage({ ok: false, text: (err as Error).message })
    } finally {
      setBusy(false)
    }
  }

  const stage = w.stage && STAGES.includes(w.stage) ? t(`panel.wechat.stage.${w.stage}` as MessageKey, lang) : null
  const mass = w.massSend
  const canMassSend = w.stage === 'published' && !mass
  return (
    <div className="deliveries-panel__wechat" data-stage={w.stage ?? ''}>
      {stage ? <div style={{ marginTop: 8 }}>{t('panel.wechat.stage', lang, { stage })}</div> : null}
      {w.articleUrls?.length ? (
        <ul className="deliveries-panel__articles" style={{ margin: '4px 0 0', paddingLeft: 18 }}>
          {w.articleUrls.map((url, i) => (
            <li key={url}>
              <a href={url} target="_blank" rel="noopener noreferrer">
                {t('panel.wechat.article', lang, { n: i + 1 })}
              </a>
            </li>
          ))}
        </ul>
      ) : null}
      {mass ? (
        <div className="deliveries-panel__mass" data-mass={mass.status} style={{ marginTop: 8 }}>
          {mass.status === 'sent'
            ? t('panel.wechat.mass.sent', lang)
            : mass.status === 'failed'
              ? t('panel.wechat.mass.failed', lang, { error: mass.error ?? '' })
              : t('panel.wechat.mass.sending', lang)}
          {mass.status !== 'failed' ? (
            <div className="deliveries-panel__mass-audience" style={small}>
              {mass.contentGrids ? t('previews.mass.sentWholeGrids', lang, { count: mass.contentGrids }) : t('previews.mass.sentWhole', lang)}
            </div>
          ) : null}
          {mass.status === 'sending' && mass.confirmBy ? (
            <div className="deliveries-panel__confirm-by" style={small}>
              {t('panel.wechat.confirmBy', lang, { time: formatDateTime(mass.confirmBy) })}
            </div>
          ) : null}
        </div>
      ) : null}
      {canMassSend && !asking ? (
        <div style={row}>
          <PanelButton className="deliveries-panel__mass-send" kind="primary" disabled={busy} onClick={ask}>
            {t('panel.wechat.massSend', lang)}
          </PanelButton>
        </div>
      ) : null}
      {canMassSend && asking ? (
        <div className="deliveries-panel__mass-confirm" role="alertdialog" style={{ marginTop: 8, padding: 8, background: 'var(--theme-warning-100)' }}>
          {quota ? (
            <>
              <p style={{ margin: 0 }}>
                {t('panel.wechat.quota', lang, { day: quota.day })}
                {!quota.massSentToday
                  ? t('panel.wechat.quotaFree', lang)
                  : quota.lastMassSend
                    ? t('panel.wechat.quotaUsed', lang, { title: quota.lastMassSend.title, at: formatDateTime(quota.lastMassSend.at) })
                    : t('panel.wechat.quotaUsedUnknown', lang)}
              </p>
              {planned && !quota.massSentToday ? (
                <p className="deliveries-panel__mass-planned" style={{ margin: '4px 0 0' }}>
                  {t('previews.mass.plannedOther', lang, { title: planned })}
                </p>
              ) : null}
              <p className="deliveries-panel__mass-audience" style={{ margin: '4px 0 0' }}>
                {t('previews.mass.audience', lang)}
              </p>
              {grids ? (
                <label className="deliveries-panel__mass-grids" style={{ display: 'flex', gap: 6, alignItems: 'flex-start', margin: '4px 0 0', fontWeight: 600 }}>
                  <input type="checkbox" checked={wholeAccount} onChange={(e) => setWholeAccount(e.target.checked)} />
                  <span>{t('previews.mass.gridsCheck', lang, { count: grids })}</span>
                </label>
              ) : null}
              <p style={{ margin: '4px 0 0', fontWeight: 600 }}>{t('panel.wechat.warning', lang)}</p>
              <p style={{ margin: '4px 0 0', ...small }}>{t('panel.wechat.protection', lang)}</p>
              <div style={row}>
                <PanelButton className="deliveries-panel__mass-yes" kind="danger" disabled={busy || (grids > 0 && !wholeAccount)} onClick={massSend}>
                  {t('panel.wechat.confirm', lang)}
                </PanelButton>
                <PanelButton className="deliveries-panel__mass-no" disabled={busy} onClick={() => setAsking(false)}>
                  {t('panel.wechat.back', lang)}
                </PanelButton>
              </div>
            </>
          ) : (
            <span style={small}>{t('panel.wechat.quotaLoading', lang)}</span>
          )}
        </div>
      ) : null}
      {message ? (
        <p
          className={`deliveries-panel__mass-result deliveries-panel__mass-result--${message.ok ? 'ok' : 'failed'}`}
          role={message.ok ? 'status' : 'alert'}
          style={{ margin: '8px 0 0', color: message.ok ? 'var(--theme-success-700)' : 'var(--theme-error-500)' }}
        >
          {message.text}
        </p>
      ) : null}
    </div>
  )
}
