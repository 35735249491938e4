'use client'

import { useEffect, useState } from 'react'

import { type Lang, type MessageKey, t } from '../i18n/messages'
import { box, callApi, PanelButton, row, serverMessage, small } from './DeliveriesPanelShared'

/**
 * The publish dialog's body: who will receive the content, per channel, from
 * GET /api/<collection>/:id/audience (the delivery's own query), with a box
 * per channel to untick it for this content; before a correction, that
 * nothing is sent again, the correction notice (default off) and WeChat's
 * delete-and-republish; after a withdrawal, the withdrawal notice. A plain
 * overlay that fits a 390 px phone.
 */
export type DialogMode = 'publish' | 'schedule' | 'correction' | 'withdrawal'

type ChannelRow = { channel: string; ticked: boolean; configured: boolean; recipients?: number; devices?: number; suppressed?: number; noticeRecipients?: number; smsSegments?: number; smsCost?: number; delivery: { status: string } | null }
export type Report = { audience: string; wholeStreet: boolean; urgent: boolean; grids: { id: string; name: string }[]; channels: ChannelRow[]; published: boolean; corrections: number; withdrawals: number }

export type Choice = { channels: Record<string, boolean>; notice: boolean; wechatRepublish: boolean }

const TITLES: Record<DialogMode, MessageKey> = {
  publish: 'audience.dialog.title',
  schedule: 'audience.dialog.scheduleTitle',
  correction: 'audience.dialog.correctionTitle',
  withdrawal: 'audience.withdraw.title',
}

function channelLine(c: ChannelRow, lang: Lang): string {
  let text =
    c.channel === 'email'
      ? t('audience.channel.email', lang, { count: c.recipients ?? 0 }) + (c.suppressed ? t('audience.channel.emailSuppressed', lang, { count: c.suppressed }) : '')
      : c.channel === 'webpush'
        ? t('audience.channel.webpush', lang, { devices: c.devices ?? 0, recipients: c.recipients ?? 0 })
        : c.channel === 'sms'
          ? t('audience.channel.sms', lang, { count: c.recipients ?? 0 }) +
            (c.smsSegments !== undefined && c.smsCost !== undefined ? t('audience.channel.smsCost', lang, { segments: c.smsSegments, cost: c.smsCost.toFixed(2) }) : '')
          : t('audience.channel.wechat', lang)
  if (!c.configured) text += t('audience.channel.notConfigured', lang)
  return text
}

type Props = {
  mode: DialogMode
  url: string
  lang: Lang
  onConfirm: (choice: Choice) => void | Promise<void>
  onCancel: () => void
  /** The report already at hand (a test's): nothing is fetched. */
  initial?: Report
}

export function PublishDialog(props: Props) {
  const { mode, url, lang, onConfirm, onCancel, initial } = props
  const [report, setReport] = useState<Report | null>(initial ?? null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [channels, setChannels] = useState<Record<string, boolean>>(() => Object.fromEntries((initial?.channels ?? []).map((c) => [c.channel, c.ticked])))
  const [notice, setNotice] = useState(false)
  const [wechatRepublish, setWechatRepublish] = useState(false)

  useEffect(() => {
    if (initial) return
    let live = true
    void callApi(url)
      .then((r) => {
        if (!live) return
        if (r.status >= 400) return setError(t('audience.dialog.error', lang, { message: serverMessage(r.body, String(r.status)) }))
        const rep = r.body as Report
        setReport(rep)
        setChannels(Object.fromEntries(rep.channels.map((c) => [c.channel, c.ticked])))
      })
      .catch((err: Error) => live && setError(t('audience.dialog.error', lang, { message: err.message })))
    return () => {
      live = false
    }
  }, [url, lang, initial])

  // Escape closes, as Payload's own drawers do.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onCancel()
    document.addEventListener('keydown', onKey)
    return () => document.removeEventListener('keydown', onKey)
  }, [onCancel])

  const confirm = async () => {
    setBusy(true)
    try {
      await onConfirm({ channels, notice, wechatRepublish })
    } finally {
      setBusy(false)
    }
  }
  const reached = (channel: string) => report?.channels.find((c) => c.channel === channel)?.noticeRecipients ?? 0
  const wechatDelivered = !!report?.channels.find((c) => c.channel === 'wechat' && c.delivery)
  const gridsLine = report
    ? report.wholeStreet
      ? t('audience.grids.street', lang, { count: report.grids.length })
      : t('audience.grids.some', lang, { names: report.grids.map((g) => g.name).join(t('format.listSeparator', lang)) })
    : ''
  const confirmKey: MessageKey = mode === 'schedule' ? 'audience.dialog.confirmSchedule' : mode === 'withdrawal' ? 'audience.withdraw.confirm' : 'audience.dialog.confirm'

  return (
    <div
      className="publish-dialog"
      role="dialog"
      aria-modal="true"
      aria-labelledby="publish-dialog-title"
      style={{ position: 'fixed', inset: 0, zIndex: 10000, background: 'rgba(0,0,0,0.45)', display: 'flex', alignItems: 'center', justifyContent: 'center', padding: 12 }}
    >
      <div style={{ ...box, background: 'var(--theme-bg)', width: 'min(560px, 100%)', maxHeight: '90vh', overflowY: 'auto', padding: 18, boxSizing: 'border-box' }}>
        <h3 id="publish-dialog-title" style={{ margin: '0 0 10px' }}>
          {t(TITLES[mode], lang)}
        </h3>
        {error && <p role="alert">{error}</p>}
        {!report && !error && <p>{t('audience.dialog.loading', lang)}</p>}
        {report && (mode === 'publish' || mode === 'schedule') && (
          <>
            <p style={{ margin: '0 0 6px' }}>{gridsLine}</p>
            <p style={{ ...small, margin: '0 0 10px' }}>{t(report.urgent ? 'audience.urgent.on' : 'audience.urgent.off', lang)}</p>
            {report.channels.map((c) => (
              <label key={c.channel} className={`publish-dialog__channel publish-dialog__channel--${c.channel}`} style={{ display: 'flex', gap: 8, alignItems: 'flex-start', margin: '8px 0', lineHeight: 1.5 }}>
                <input type="checkbox" checked={!!channels[c.channel]} onChange={(e) => setChannels({ ...channels, [c.channel]: e.target.checked })} style={{ marginTop: 4 }} />
                <span>
                  {channelLine(c, lang)}
                  {c.delivery ? t('audience.channel.sent', lang) : ''}
                </span>
              </label>
            ))}
            <p style={small}>{t('audience.dialog.untick', lang)}</p>
            <p style={small}>{t('audience.dialog.countNote', lang)}</p>
          </>
        )}
        {report && mode === 'correction' && (
          <>
            <p>{t('audience.correction.noResend', lang)}</p>
            <label className="publish-dialog__notice" style={{ display: 'flex', gap: 8, alignItems: 'flex-start', lineHeight: 1.5 }}>
              <input type="checkbox" checked={notice} onChange={(e) => setNotice(e.target.checked)} style={{ marginTop: 4 }} />
              <span>{t('audience.correction.notice', lang, { email: reached('email'), devices: reached('webpush') })}</span>
            </label>
            {wechatDelivered && (
              <>
                <p style={{ ...small, marginTop: 12 }}>{t('audience.wechat.cannotReplace', lang)}</p>
                <label className="publish-dialog__wechat" style={{ display: 'flex', gap: 8, alignItems: 'flex-start', lineHeight: 1.5 }}>
                  <input type="checkbox" checked={wechatRepublish} onChange={(e) => setWechatRepublish(e.target.checked)} style={{ marginTop: 4 }} />
                  <span>{t('audience.wechat.replace', lang)}</span>
                </label>
              </>
            )}
          </>
        )}
        {report && mode === 'withdrawal' && <p>{t('audience.withdraw.ask', lang, { email: reached('email'), devices: reached('webpush') })}</p>}
        <div style={{ ...row, justifyContent: 'flex-end', marginTop: 16 }}>
          <PanelButton kind="secondary" onClick={onCancel} disabled={busy}>
            {t('audience.dialog.cancel', lang)}
          </PanelButton>
          <PanelButton kind="primary" className="publish-dialog__confirm" onClick={() => void confirm()} disabled={busy || (!report && !error)}>
            {t(confirmKey, lang)}
          </PanelButton>
        </div>
      </div>
    </div>
  )
}
