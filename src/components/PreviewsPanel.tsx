'use client'

import { useConfig, useDocumentInfo, useTranslation } from '@payloadcms/ui'
import { useState } from 'react'

import type { ContentPreview } from '../delivery/preview'
import { type Lang, t } from '../i18n/messages'
import { box, callApi, PanelButton, row, serverMessage, small } from './DeliveriesPanelShared'
import { EmailTab, PushTab, WechatTab } from './PreviewsPanelTabs'

/**
 * 发送预览 on a content's edit page (the `previewsPanel` UI field of every
 * content collection): on the editor's click, GET /api/<collection>/previews
 * renders the saved latest version as the email (a sample resident's, links
 * inert, in a sandboxed frame), the push notification and the WeChat article
 * with its conversion notes and the checks' findings on its text.
 */
type Tab = 'email' | 'push' | 'wechat'

const warn: React.CSSProperties = { color: 'var(--theme-error-500)' }

export function PreviewsPanel({ path }: { path?: string }) {
  const { id, collectionSlug } = useDocumentInfo()
  const { config } = useConfig()
  const { i18n } = useTranslation()
  const lang: Lang = i18n?.language === 'en' ? 'en' : 'zh'
  const [preview, setPreview] = useState<ContentPreview | null>(null)
  const [tab, setTab] = useState<Tab>('email')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const saved = id !== undefined && id !== null

  const load = async () => {
    setBusy(true)
    setError(null)
    try {
      const r = await callApi(`${config.routes.api}/${collectionSlug}/previews?id=${encodeURIComponent(String(id))}`)
      if (r.status !== 200) throw new Error(serverMessage(r.body, String(r.status)))
      setPreview(r.body as ContentPreview)
    } catch (err) {
      setError(t('previews.panel.failed', lang, { detail: (err as Error).message }))
    } finally {
      setBusy(false)
    }
  }

  // Grid announcements never go to the street's WeChat account: no article, no tab.
  const tabs: Tab[] = preview?.wechat ? ['email', 'push', 'wechat'] : ['email', 'push']
  return (
    <div className="previews-panel field-type" id={path ?? 'previews-panel'} style={{ marginTop: 24 }}>
      <h3 style={{ margin: '0 0 8px' }}>{t('previews.panel.title', lang)}</h3>
      <p style={small}>{t('previews.panel.intro', lang)}</p>
      {!saved ? <p>{t('previews.panel.unsaved', lang)}</p> : null}
      {saved ? (
        <div style={row}>
          <PanelButton className="previews-panel__open" kind={preview ? 'secondary' : 'primary'} disabled={busy} onClick={load}>
            {preview ? t('previews.panel.refresh', lang) : t('previews.panel.open', lang)}
          </PanelButton>
          {preview ? (
            <PanelButton className="previews-panel__close" onClick={() => setPreview(null)}>
              {t('previews.panel.close', lang)}
            </PanelButton>
          ) : null}
          {busy ? <span style={small}>{t('previews.panel.loading', lang)}</span> : null}
        </div>
      ) : null}
      {error ? (
        <p role="alert" style={warn}>
          {error}
        </p>
      ) : null}
      {preview ? (
        <div style={{ ...box, marginTop: 12 }}>
          <div role="tablist" style={{ ...row, marginTop: 0, marginBottom: 12 }}>
            {tabs.map((k) => (
              <PanelButton key={k} role="tab" aria-selected={tab === k} className={`previews-panel__tab previews-panel__tab--${k}`} kind={tab === k ? 'primary' : 'secondary'} onClick={() => setTab(k)}>
                {t(`previews.tab.${k}`, lang)}
              </PanelButton>
            ))}
          </div>
          {tab === 'email' ? <EmailTab p={preview} lang={lang} /> : tab === 'push' ? <PushTab p={preview} lang={lang} /> : <WechatTab p={preview} lang={lang} />}
        </div>
      ) : null}
    </div>
  )
}
