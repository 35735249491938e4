'use client'

import { useConfig, useDocumentInfo } from '@payloadcms/ui'
import { useCallback, useEffect, useRef, useState } from 'react'

import { reasonFor } from '../i18n/deliveryReason'
import { explainPublishStatus, explainWechatError } from '../i18n/wechat'
import type { DeliveryDoc, DeliveryError, DeliveryStatus } from '../model/deliveries'
import { type Lang, type MessageKey, t } from '../i18n/messages'
import { formatDateTime } from '../templates/format'
import { box, callApi, PanelButton, row, serverMessage, small } from './DeliveriesPanelShared'
import { SuppressedRow } from './DeliveriesPanelSuppressed'
import { DeliveriesPanelTest } from './DeliveriesPanelTest'
import { deliveryLabel } from './deliveryLabel'
import { WechatRow } from './DeliveriesPanelWechat'

export type Transitions = Record<string, DeliveryStatus[]>

/** How often the panel looks again while a delivery is queued or running. */
const POLL_MS = 3000
const ACTIVE: DeliveryStatus[] = ['queued', 'running']
const CHANNEL_ORDER = ['email', 'webpush', 'wechat']
const ERRORS_SHOWN = 3

/** A recorded error in plain words: WeChat codes by their own explanation, everything else by its kind. */
function explainError(channel: string, e: DeliveryError, lang: Lang): string {
  if (channel === 'wechat') {
    const status = /^publish_status:(\d+)$/.exec(e.code)?.[1]
    if (status) return explainPublishStatus(Number(status), lang)
    if (/^-?\d+$/.test(e.code)) return explainWechatError(e.code, e.message, lang)
  }
  const KEYS: Record<string, MessageKey> = {
    'recipient-gone': 'delivery.error.gone',
    rejected: 'delivery.error.rejected',
    refused: 'delivery.error.refused',
    quota: 'delivery.error.quota',
    config: 'delivery.error.config',
  }
  const key: MessageKey = KEYS[e.kind] ?? 'delivery.error.retryable'
  return t(key, lang)
}

function audienceText(audience: string, lang: Lang): string {
  if (!audience.startsWith('grids:')) return t('panel.audience.street', lang)
  return t('panel.audience.grids', lang, { count: audience.slice(6).split(',').filter(Boolean).length })
}

/** Submitted, failed and gone as three segments of one bar over the total. */
function ProgressBar({ d, lang }: { d: DeliveryDoc; lang: Lang }) {
  const total = d.total ?? 0
  const pct = (n: number | null | undefined) => (total > 0 ? `${Math.min(100, ((n ?? 0) / total) * 100)}%` : '0%')
  const done = (d.submitted ?? 0) + (d.failed ?? 0) + (d.gone ?? 0)
  return (
    <div
      className="deliveries-panel__bar"
      role="progressbar"
      aria-valuemin={0}
      aria-valuemax={total}
      aria-valuenow={done}
      aria-label={t('field.delivery.progress', lang)}
      style={{ display: 'flex', height: 10, borderRadius: 5, overflow: 'hidden', background: 'var(--theme-elevation-100)', margin: '8px 0 4px' }}
    >
      <span className="deliveries-panel__bar-submitted" style={{ width: pct(d.submitted), background: 'var(--theme-success-500)' }} />
      <span className="deliveries-panel__bar-failed" style={{ width: pct(d.failed), background: 'var(--theme-error-500)' }} />
      <span className="deliveries-panel__bar-gone" style={{ width: pct(d.gone), background: 'var(--theme-elevation-400)' }} />
    </div>
  )
}

function DeliveryRow(props: { d: DeliveryDoc & { progress?: string }; transitions: Transitions; lang: Lang; api: string; admin: boolean; onChanged: () => void }) {
  const { d, transitions, lang, api, admin, onChanged } = props
  const [busy, setBusy] = useState(false)
  const [confirmCancel, setConfirmCancel] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const allowed = transitions[d.status] ?? []
  const channelName = t(`channel.${d.channel}` as MessageKey, lang)

  const move = async (status: DeliveryStatus) => {
    setBusy(true)
    setError(null)
    try {
      const r = await callApi(`${api}/deliveries/${d.id}?depth=0`, { method: 'PATCH', body: { status } })
      if (r.status >= 400) setError(t('panel.actionFailed', lang, { detail: serverMessage(r.body, String(r.status)) }))
      setConfirmCancel(false)
      onChanged()
    } catch (err) {
      setError(t('panel.actionFailed', lang, { detail: (err as Error).message }))
    } finally {
      setBusy(false)
    }
  }

  const resumeLabel = d.status === 'partial' || d.status === 'failed' ? t('panel.action.retry', lang) : t('panel.action.resume', lang)
  const errors = [...(d.lastErrors ?? [])].reverse().slice(0, ERRORS_SHOWN)
  return (
    <section className={`deliveries-panel__delivery deliveries-panel__delivery--${d.channel}`} data-channel={d.channel} data-status={d.status} style={box}>
      <div style={{ display: 'flex', justifyContent: 'space-between', gap: 8, flexWrap: 'wrap' }}>
        {/* A notice of a correction or withdrawal says so beside its channel; a fallback is 补发（短信）, its round after the first. */}
        <strong>{deliveryLabel(d, lang)}</strong>
        <span>
          <span className="deliveries-panel__status">{t(`delivery.status.${d.status}` as MessageKey, lang)}</span>
          <span style={small}> · {audienceText(d.audience, lang)}</span>
        </span>
      </div>
      {d.channel === 'wechat' ? null : (
        <>
          <ProgressBar d={d} lang={lang} />
          <div className="deliveries-panel__progress" style={small}>
            {d.progress}
          </div>
          {(d.maxDuplicates ?? 0) > 0 ? (
            <div style={small}>{t('panel.duplicates', lang, { resumes: d.resumes ?? 0, count: d.maxDuplicates ?? 0 })}</div>
          ) : null}
        </>
      )}
      {d.reason ? (
        <p className="deliveries-panel__reason" style={{ margin: '8px 0 0' }}>
          {reasonFor(d.reason, d.channel, admin, lang)}
        </p>
      ) : null}
      {d.channel === 'wechat' ? <WechatRow d={d} lang={lang} api={api} onChanged={onChanged} /> : <SuppressedRow d={d} lang={lang} api={api} admin={admin} onChanged={onChanged} />}
      {errors.length ? (
        <div className="deliveries-panel__errors" style={{ marginTop: 8 }}>
          <div style={small}>{t('panel.errors', lang)}</div>
          <ul style={{ margin: '4px 0 0', paddingLeft: 18 }}>
            {errors.map((e, i) => (
              <li key={`${e.at}-${i}`}>
                {explainError(d.channel, e, lang)}{' '}
                <small style={small}>
                  {t('panel.errorCode', lang, { code: e.code })} · {formatDateTime(e.at)}
                </small>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {allowed.length ? (
        <div style={row}>
          {allowed.includes('paused') ? (
            <PanelButton className="deliveries-panel__pause" disabled={busy} onClick={() => move('paused')}>
              {t('panel.action.paused', lang)}
            </PanelButton>
          ) : null}
          {allowed.includes('queued') ? (
            <PanelButton className="deliveries-panel__resume" kind="primary" disabled={busy} onClick={() => move('queued')}>
              {resumeLabel}
            </PanelButton>
          ) : null}
          {allowed.includes('cancelled') && !confirmCancel ? (
            <PanelButton className="deliveries-panel__cancel" disabled={busy} onClick={() => setConfirmCancel(true)}>
              {t('panel.action.cancelled', lang)}
            </PanelButton>
          ) : null}
        </div>
      ) : null}
      {confirmCancel ? (
        <div className="deliveries-panel__cancel-confirm" role="alertdialog" style={{ ...row, padding: 8, background: 'var(--theme-warning-100)' }}>
          <span>{t('panel.cancel.confirm', lang, { channel: channelName })}</span>
          <PanelButton className="deliveries-panel__cancel-yes" kind="danger" disabled={busy} onClick={() => move('cancelled')}>
            {t('panel.cancel.yes', lang)}
          </PanelButton>
          <PanelButton className="deliveries-panel__cancel-no" disabled={busy} onClick={() => setConfirmCancel(false)}>
            {t('panel.cancel.no', lang)}
          </PanelButton>
        </div>
      ) : null}
      {error ? (
        <p className="deliveries-panel__error" role="alert" style={{ color: 'var(--theme-error-500)', margin: '8px 0 0' }}>
          {error}
        </p>
      ) : null}
    </section>
  )
}

/**
 * The client half: reads the content's deliveries through the REST API, and
 * reads them again every few seconds while one is queued or running (or a
 * WeChat mass send is on its way) and the tab is visible (a hidden tab looks again when it is shown).
 */
export function DeliveriesPanelClient(props: { collection: string; transitions: Transitions; vapidPublicKey: string | null; smsConfigured?: boolean; lang: Lang; admin?: boolean }) {
  const { collection, transitions, vapidPublicKey, smsConfigured = false, lang, admin = false } = props
  const { id, hasPublishedDoc } = useDocumentInfo()
  const { config } = useConfig()
  const api = config.routes.api
  const [deliveries, setDeliveries] = useState<(DeliveryDoc & { progress?: string })[] | null>(null)
  const [loadError, setLoadError] = useState<string | null>(null)
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null)
  const alive = useRef(true)

  const load = useCallback(async () => {
    if (timer.current) clearTimeout(timer.current)
    timer.current = null
    if (id === undefined || id === null) return
    const q = new URLSearchParams({
      'where[contentType][equals]': collection,
      'where[contentId][equals]': String(id),
      depth: '0',
      limit: '20',
    })
    let active = false
    try {
      const r = await callApi(`${api}/deliveries?${q}`)
      if (!alive.current) return
      if (r.status >= 400) throw new Error(serverMessage(r.body, String(r.status)))
      const docs = ((r.body?.docs ?? []) as DeliveryDoc[]).sort((a, b) => (a.round ?? 0) - (b.round ?? 0) || CHANNEL_ORDER.indexOf(a.channel) - CHANNEL_ORDER.indexOf(b.channel))
      setDeliveries(docs)
      setLoadError(null)
      // A mass send waiting for WeChat (and for 群发保护's confirmation) is still moving on a finished delivery.
      active = docs.some((d) => ACTIVE.includes(d.status) || (d.wechat as { massSend?: { status?: string } } | null | undefined)?.massSend?.status === 'sending')
    } catch (err) {
      if (!alive.current) return
      setLoadError(t('panel.loadFailed', lang, { detail: (err as Error).message }))
      active = true
    }
    if (active && alive.current && document.visibilityState === 'visible') timer.current = setTimeout(load, POLL_MS)
  }, [api, collection, id, lang])

  useEffect(() => {
    alive.current = true
    void load()
    const onVisible = () => {
      if (document.visibilityState === 'visible') void load()
      else if (timer.current) (clearTimeout(timer.current), (timer.current = null))
    }
    document.addEventListener('visibilitychange', onVisible)
    return () => {
      alive.current = false
      document.removeEventListener('visibilitychange', onVisible)
      if (timer.current) clearTimeout(timer.current)
    }
    // A publish changes hasPublishedDoc: the deliveries it created are read at once.
  }, [load, hasPublishedDoc])

  const saved = id !== undefined && id !== null
  return (
    <div className="deliveries-panel field-type" id="deliveries-panel" style={{ marginTop: 24 }}>
      <h3 style={{ margin: '0 0 12px' }}>{t('panel.title', lang)}</h3>
      {!saved ? <p className="deliveries-panel__note">{t('panel.unsaved', lang)}</p> : null}
      {saved && loadError ? (
        <p className="deliveries-panel__error" role="alert" style={{ color: 'var(--theme-error-500)' }}>
          {loadError}
        </p>
      ) : null}
      {saved && deliveries === null && !loadError ? <p style={small}>{t('panel.loading', lang)}</p> : null}
      {saved && deliveries && !deliveries.length ? (
        <p className="deliveries-panel__note">{hasPublishedDoc ? t('panel.none', lang) : t('panel.unpublished', lang)}</p>
      ) : null}
      {(deliveries ?? []).map((d) => (
        <DeliveryRow key={String(d.id)} d={d} transitions={transitions} lang={lang} api={api} admin={admin} onChanged={load} />
      ))}
      {saved ? <DeliveriesPanelTest collection={collection} id={id} api={api} vapidPublicKey={vapidPublicKey} smsConfigured={smsConfigured} lang={lang} /> : null}
    </div>
  )
}
