'use client'

import { useConfig, useDocumentInfo, useTranslation } from '@payloadcms/ui'
import { useState } from 'react'

import type { ContentPreview } from '../delivery/preview'
import { type Lang, t } from '../i18n/messages'
import { box, callApi, PanelButton, row, serverMessage, small } from './DeliveriesPanelShared'

/**
 * 发送预览 on a content's edit page (the `previewsPanel` UI field of every
 * content collection): on the editor's click, GET /api/<collection>/previews
 * renders the saved latest version as the email (a sample resident's, links
 * inert, in a sandboxed frame), the push notification and the WeChat article
 * with its conversion notes and the checks' findings on its text.
 */
type Tab = 'email' | 'push' | 'wechat'

const frame: React.CSSProperties = { width: '100%', maxWidth: 640, height: 560, border: '1px solid var(--theme-elevation-150)', background: '#fff' }
const phone: React.CSSProperties = { width: 375, maxWidth: '100%', border: '1px solid var(--theme-elevation-150)', borderRadius: 8, padding: '16px 14px', background: '#fff', color: '#333' }
const warn: React.CSSProperties = { color: 'var(--theme-error-500)' }

function NotConfigured({ on, lang }: { on: boolean; lang: Lang }) {
  return on ? null : <span style={small}> {t('previews.panel.notConfigured', lang)}</span>
}

function EmailTab({ p, lang }: { p: ContentPreview; lang: Lang }) {
  return (
    <div className="previews-panel__email">
      <div style={small}>
        {t('previews.email.inert', lang)}
        <NotConfigured on={p.configured.email} lang={lang} />
      </div>
      <div className="previews-panel__subject" style={{ margin: '8px 0 4px', fontWeight: 600 }}>
        {t('previews.email.subject', lang, { subject: p.email.subject })}
      </div>
      {p.email.from ? <div style={small}>{t('previews.email.from', lang, { from: p.email.from })}</div> : null}
      {/* No scripts, no navigation, no forms: an empty sandbox. */}
      <iframe className="previews-panel__email-frame" title={t('previews.tab.email', lang)} sandbox="" srcDoc={p.email.html} style={{ ...frame, marginTop: 8 }} />
      <details style={{ marginTop: 8 }}>
        <summary>{t('previews.email.text', lang)}</summary>
        <pre className="previews-panel__email-text" style={{ whiteSpace: 'pre-wrap', fontSize: 13 }}>
          {p.email.text}
        </pre>
      </details>
    </div>
  )
}

function PushTab({ p, lang }: { p: ContentPreview; lang: Lang }) {
  const n = p.push
  return (
    <div className="previews-panel__push">
      <div style={small}>
        {t('previews.push.intro', lang)}
        <NotConfigured on={p.configured.webpush} lang={lang} />
      </div>
      <div style={{ display: 'flex', gap: 12, alignItems: 'flex-start', marginTop: 8, padding: 12, maxWidth: 380, borderRadius: 10, background: 'var(--theme-elevation-50)', boxShadow: '0 1px 4px rgba(0,0,0,.15)' }}>
        <img src={n.icon} alt="" width={40} height={40} style={{ borderRadius: 6 }} />
        <div>
          <div className="previews-panel__push-title" style={{ fontWeight: 600 }}>
            {n.title}
          </div>
          <div className="previews-panel__push-body" style={{ whiteSpace: 'pre-line', fontSize: 13 }}>
            {n.body}
          </div>
        </div>
      </div>
      <div style={{ ...small, marginTop: 8 }}>{t('previews.push.opens', lang, { url: n.url })}</div>
      <div style={small}>{t('previews.push.size', lang, { bytes: n.bytes, max: n.maxBytes })}</div>
      {n.cut ? <div style={warn}>{t('previews.push.cut', lang)}</div> : null}
      {n.urgency === 'high' ? <div style={small}>{t('previews.push.urgent', lang)}</div> : null}
    </div>
  )
}

function WechatTab({ p, lang }: { p: ContentPreview; lang: Lang }) {
  const w = p.wechat
  if (!w) return <p>{t('previews.wechat.none', lang)}</p>
  return (
    <div className="previews-panel__wechat" data-blocked={w.blocked ? 'true' : 'false'}>
      <NotConfigured on={p.configured.wechat} lang={lang} />
      {w.blocked ? (
        <p className="previews-panel__blocked" role="alert" style={{ ...warn, fontWeight: 600 }}>
          {t('previews.wechat.blocked', lang, { count: w.serious })}
        </p>
      ) : null}
      <h4 style={{ margin: '8px 0 4px' }}>{t('previews.wechat.findings', lang)}</h4>
      {w.findings.length ? (
        <ul className="previews-panel__findings" style={{ margin: 0, paddingLeft: 18 }}>
          {w.findings.map((f, i) => (
            <li key={`${f.path}-${f.offset}-${i}`} data-severity={f.severity} style={f.severity === 'serious' ? warn : undefined}>
              {t('previews.wechat.finding', lang, { severity: f.severityLabel, where: f.where, kind: f.kindLabel, match: f.match, what: f.what })}
              {f.fix ? <span style={small}> {f.fix}</span> : null}
            </li>
          ))}
        </ul>
      ) : (
        <p style={small}>{t('previews.wechat.noFindings', lang)}</p>
      )}
      <h4 style={{ margin: '12px 0 4px' }}>{t('previews.wechat.notes', lang)}</h4>
      <ul className="previews-panel__notes" style={{ margin: 0, paddingLeft: 18 }}>
        {w.notes.map((n, i) => (
          <li key={`${n.kind}-${i}`} data-kind={n.kind}>
            {n.article ? t('previews.wechat.noteOf', lang, { article: t('previews.wechat.article', lang, { n: n.article }), text: n.text }) : n.text}
          </li>
        ))}
      </ul>
      {w.articles.map((a, i) => (
        <section key={a.sourceUrl + i} className="previews-panel__article" style={{ ...phone, marginTop: 12 }}>
          <div style={small}>{t('previews.wechat.article', lang, { n: i + 1 })}</div>
          <h2 style={{ fontSize: 22, lineHeight: 1.4, margin: '6px 0 10px', color: '#1a1a1a' }}>{a.title}</h2>
          {a.author ? <div style={{ fontSize: 14, color: '#888', marginBottom: 10 }}>{a.author}</div> : null}
          {/* The converter's own output: inline styles only, no links, nothing active (channels/wechat/html.ts). */}
          <div className="previews-panel__article-body" dangerouslySetInnerHTML={{ __html: a.html }} />
        </section>
      ))}
    </div>
  )
}

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

  const tabs: Tab[] = ['email', 'push', 'wechat']
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
