'use client'

import type { ContentPreview } from '../delivery/preview'
import { type Lang, t } from '../i18n/messages'
import { small } from './DeliveriesPanelShared'

/**
 * The three previews of the 发送预览 panel, drawn from GET /api/<collection>/previews:
 * apart from the panel (which needs the admin's document context) so they render anywhere.
 */
const frame: React.CSSProperties = { width: '100%', maxWidth: 640, height: 560, border: '1px solid var(--theme-elevation-150)', background: '#fff' }
const phone: React.CSSProperties = { width: 375, maxWidth: '100%', border: '1px solid var(--theme-elevation-150)', borderRadius: 8, padding: '16px 14px', background: '#fff', color: '#333' }
const warn: React.CSSProperties = { color: 'var(--theme-error-500)' }

function NotConfigured({ on, lang }: { on: boolean; lang: Lang }) {
  return on ? null : <span style={small}> {t('previews.panel.notConfigured', lang)}</span>
}

export function EmailTab({ p, lang }: { p: ContentPreview; lang: Lang }) {
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

export function PushTab({ p, lang }: { p: ContentPreview; lang: Lang }) {
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

export function WechatTab({ p, lang }: { p: ContentPreview; lang: Lang }) {
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

