'use client'

import { useEffect, useState } from 'react'

import { type Lang, t } from '../i18n/messages'
import { box, callApi, PanelButton, row, small } from './DeliveriesPanelShared'

type Outcome = { ok: boolean; text: string }

/** The VAPID public key (URL-safe base64) as the bytes PushManager.subscribe wants. */
function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const padded = (base64url + '='.repeat((4 - (base64url.length % 4)) % 4)).replace(/-/g, '+').replace(/_/g, '/')
  const raw = atob(padded)
  const out = new Uint8Array(new ArrayBuffer(raw.length))
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i)
  return out
}

const pushSupported = () =>
  typeof window !== 'undefined' && 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window && window.isSecureContext

/**
 * The editor's own browser as a push device, the way the subscribe page makes
 * one (public/js/subscribe.js): permission after the click, the site's
 * service worker, a subscription with the server's VAPID key.
 */
async function thisDevice(vapid: string): Promise<PushSubscriptionJSON> {
  if ((await Notification.requestPermission()) !== 'granted') throw Object.assign(new Error('denied'), { denied: true })
  await navigator.serviceWorker.register('/sw.js', { scope: '/' })
  const registration = await navigator.serviceWorker.ready
  const existing = await registration.pushManager.getSubscription()
  const subscription = existing ?? (await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(vapid) }))
  return subscription.toJSON()
}

/**
 * 测试发送: the content's email to one address, its push to this device, or
 * (when SMS is configured) its text message to a number the editor types, as
 * the latest version stands.
 */
export function DeliveriesPanelTest(props: { collection: string; id: string | number; api: string; vapidPublicKey: string | null; smsConfigured?: boolean; lang: Lang }) {
  const { collection, id, api, vapidPublicKey, smsConfigured = false, lang } = props
  const [to, setTo] = useState('')
  const [phone, setPhone] = useState('')
  const [busy, setBusy] = useState<'email' | 'webpush' | 'sms' | null>(null)
  const [outcome, setOutcome] = useState<Outcome | null>(null)

  const send = async (body: Record<string, unknown>) => {
    const r = await callApi(`${api}/deliveries/test-send`, { method: 'POST', body: { collection, id, ...body } })
    if (r.status === 200 && r.body?.ok) return { ok: true, text: String(r.body.message) }
    // A refused field is named by the server: show its own words for it.
    const fields = (r.body?.errors ?? []) as { field?: string; message: string }[]
    const detail = fields.filter((f) => f.field).map((f) => f.message)
    return { ok: false, text: [r.body?.message ?? String(r.status), ...detail].join(' ') }
  }

  const sendEmail = async () => {
    setBusy('email')
    setOutcome(null)
    try {
      setOutcome(await send({ to }))
    } catch (err) {
      setOutcome({ ok: false, text: (err as Error).message })
    } finally {
      setBusy(null)
    }
  }

  const sendSms = async () => {
    setBusy('sms')
    setOutcome(null)
    try {
      setOutcome(await send({ channel: 'sms', phone }))
    } catch (err) {
      setOutcome({ ok: false, text: (err as Error).message })
    } finally {
      setBusy(null)
    }
  }

  const sendPush = async () => {
    setBusy('webpush')
    setOutcome(null)
    try {
      let subscription: PushSubscriptionJSON
      try {
        subscription = await thisDevice(vapidPublicKey!)
      } catch (err) {
        const denied = (err as { denied?: boolean }).denied
        setOutcome({ ok: false, text: denied ? t('panel.test.pushDenied', lang) : t('panel.test.pushRegisterFailed', lang, { detail: (err as Error).message }) })
        return
      }
      setOutcome(await send({ channel: 'webpush', subscription }))
    } catch (err) {
      setOutcome({ ok: false, text: (err as Error).message })
    } finally {
      setBusy(null)
    }
  }

  // Known only in the browser: decided after the first render, so server and client render alike.
  const [supported, setSupported] = useState<boolean | null>(null)
  useEffect(() => setSupported(pushSupported()), [])
  const pushNote = !vapidPublicKey ? t('panel.test.pushNotConfigured', lang) : supported === false ? t('panel.test.pushUnsupported', lang) : null
  return (
    <section className="deliveries-panel__test" style={box}>
      <strong>{t('panel.test.title', lang)}</strong>
      {/* Not a <form>: the panel sits inside the document's own form, and Enter must not save the document. */}
      <div style={row}>
        <label htmlFor="deliveries-panel-test-to" style={small}>
          {t('panel.test.address', lang)}
        </label>
        <input
          id="deliveries-panel-test-to"
          type="email"
          value={to}
          onChange={(e) => setTo(e.target.value)}
          onKeyDown={(e) => {
            if (e.key !== 'Enter') return
            e.preventDefault()
            if (busy === null) void sendEmail()
          }}
          placeholder="name@example.cn"
          style={{ padding: '4px 8px', minWidth: 240, border: '1px solid var(--theme-elevation-300)', borderRadius: 3 }}
        />
        <PanelButton className="deliveries-panel__test-email" disabled={busy !== null} onClick={sendEmail}>
          {busy === 'email' ? t('panel.test.sending', lang) : t('panel.test.email', lang)}
        </PanelButton>
      </div>
      <div style={row}>
        {pushNote ? (
          <span className="deliveries-panel__push-note" style={small}>
            {pushNote}
          </span>
        ) : (
          <PanelButton className="deliveries-panel__test-push" disabled={busy !== null || supported !== true} onClick={sendPush}>
            {busy === 'webpush' ? t('panel.test.sending', lang) : t('panel.test.push', lang)}
          </PanelButton>
        )}
      </div>
      {smsConfigured ? (
        <div style={row}>
          <label htmlFor="deliveries-panel-test-phone" style={small}>
            {t('panel.test.phone', lang)}
          </label>
          <input
            id="deliveries-panel-test-phone"
            type="tel"
            inputMode="numeric"
            autoComplete="off"
            value={phone}
            onChange={(e) => setPhone(e.target.value)}
            onKeyDown={(e) => {
              if (e.key !== 'Enter') return
              e.preventDefault()
              if (busy === null) void sendSms()
            }}
            placeholder="138 0000 0000"
            style={{ padding: '4px 8px', minWidth: 160, border: '1px solid var(--theme-elevation-300)', borderRadius: 3 }}
          />
          <PanelButton className="deliveries-panel__test-sms" disabled={busy !== null} onClick={sendSms}>
            {busy === 'sms' ? t('panel.test.sending', lang) : t('panel.test.sms', lang)}
          </PanelButton>
          <span style={small}>{t('panel.test.smsNote', lang)}</span>
        </div>
      ) : null}
      {outcome ? (
        <p
          className={`deliveries-panel__test-result deliveries-panel__test-result--${outcome.ok ? 'ok' : 'failed'}`}
          role={outcome.ok ? 'status' : 'alert'}
          style={{ margin: '8px 0 0', color: outcome.ok ? 'var(--theme-success-700)' : 'var(--theme-error-500)' }}
        >
          {outcome.text}
        </p>
      ) : null}
    </section>
  )
}
