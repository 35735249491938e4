'use client'

import { useFormFields, useTranslation } from '@payloadcms/ui'
import { useCallback, useEffect, useState } from 'react'

import { t } from '../i18n/messages'

const langOf = (l: string) => (l === 'en' ? 'en' : 'zh')

/**
 * A building row's head link (issue 18, docs/relay.md): the current link and
 * its QR code, and buttons to issue (or reissue: a new link) and revoke it,
 * through POST /api/grids/relay/:code. Shown once the building has a code.
 */
export function RelayLinkField({ path }: { path?: string }) {
  const { i18n } = useTranslation()
  const lang = langOf(i18n.language)
  const codePath = (path ?? '').replace(/relayLink$/, 'code')
  const code = useFormFields(([fields]) => fields[codePath]?.initialValue) as string | undefined
  const [link, setLink] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const api = code ? `/api/grids/relay/${encodeURIComponent(code)}` : null

  useEffect(() => {
    if (!api) return
    fetch(api, { credentials: 'include' })
      .then((r) => (r.ok ? r.json() : null))
      .then((b: { link?: string | null } | null) => setLink(b?.link ?? null))
      .catch(() => setLink(null))
  }, [api])

  const act = useCallback(
    async (action: 'issue' | 'revoke') => {
      if (!api) return
      setBusy(true)
      setError(null)
      try {
        const r = await fetch(api, { method: 'POST', credentials: 'include', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ action }) })
        const b = (await r.json()) as { link?: string | null; message?: string }
        if (!r.ok) setError(b.message ?? t('relay.admin.failed', lang))
        else setLink(b.link ?? null)
      } catch {
        setError(t('relay.admin.failed', lang))
      } finally {
        setBusy(false)
      }
    },
    [api, lang],
  )

  if (!code) return null
  return (
    <div className="field-type relay-link" style={{ marginBottom: 16 }}>
      <div className="field-label">{t('relay.admin.label', lang)}</div>
      {link ? (
        <p>
          <a href={link} target="_blank" rel="noreferrer">
            {link}
          </a>
          <br />
          <img src={`${api}/qr.svg?v=${encodeURIComponent(link.slice(-16))}`} alt={t('relay.page.qr', lang)} width={120} height={120} />
        </p>
      ) : (
        <p>{t('relay.admin.none', lang)}</p>
      )}
      <button type="button" className="btn btn--style-secondary btn--size-small" disabled={busy} onClick={() => act('issue')}>
        {t(link ? 'relay.admin.reissue' : 'relay.admin.issue', lang)}
      </button>{' '}
      {link ? (
        <button type="button" className="btn btn--style-secondary btn--size-small" disabled={busy} onClick={() => act('revoke')}>
          {t('relay.admin.revoke', lang)}
        </button>
      ) : null}
      {error ? <p role="alert">{error}</p> : null}
    </div>
  )
}
