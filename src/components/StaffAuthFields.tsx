'use client'

import { useField, useFormFields, useTranslation } from '@payloadcms/ui'
import { useState } from 'react'

import { type Lang, t } from '../i18n/messages'
import { SET_PASSWORD_HOURS } from '../hooks/staffPolicy'

/**
 * Admin fields of a staff account (src/collections/Users.ts): the current
 * password a change of one's own password needs, the set-password mail a new
 * account can get instead of a password, and "log out everywhere".
 */
const useLang = (): Lang => (useTranslation().i18n.language === 'en' ? 'en' : 'zh')

const box = { margin: '0 0 24px' }
const hint = { color: 'var(--theme-elevation-500)', fontSize: 13, margin: '6px 0 0' }

/** A password input for the virtual `currentPassword` field: never required, never filled by the browser's new-password generator. */
export function CurrentPasswordField({ path }: { path: string }) {
  const lang = useLang()
  const { value, setValue, showError, errorMessage } = useField<string>({ path })
  return (
    <div className="field-type password" style={box}>
      <label className="field-label" htmlFor="field-currentPassword">
        {t('field.currentPassword', lang)}
      </label>
      <input
        id="field-currentPassword"
        name="currentPassword"
        type="password"
        autoComplete="current-password"
        value={value ?? ''}
        onChange={(e) => setValue(e.target.value)}
      />
      {showError && errorMessage ? <p className="field-error" role="alert">{errorMessage}</p> : null}
      <p style={hint}>{t('field.currentPassword.description', lang)}</p>
    </div>
  )
}

/**
 * "Send a set-password mail" on a new account. The admin's form insists on a
 * password, so ticking it fills both password inputs with a random one; the
 * server replaces it with its own random password in any case and mails the
 * set-password link.
 */
export function SetPasswordMailField({ path }: { path: string }) {
  const lang = useLang()
  const { value, setValue } = useField<boolean>({ path })
  const dispatch = useFormFields(([, d]) => d)
  const toggle = (on: boolean) => {
    setValue(on)
    // getRandomValues, not randomUUID: the latter is missing on a plain-http intranet address.
    const filler = on ? `${Array.from(crypto.getRandomValues(new Uint8Array(18)), (b) => b.toString(16).padStart(2, '0')).join('')}A1` : ''
    for (const field of ['password', 'confirm-password']) dispatch({ type: 'UPDATE', path: field, value: filler, valid: on, errorMessage: undefined })
  }
  return (
    <div className="field-type checkbox" style={box}>
      <label style={{ display: 'flex', gap: 8, alignItems: 'center', cursor: 'pointer' }}>
        <input id="field-sendSetPasswordMail" type="checkbox" checked={Boolean(value)} onChange={(e) => toggle(e.target.checked)} />
        {t('field.sendSetPasswordMail', lang)}
      </label>
      <p style={hint}>{t('field.sendSetPasswordMail.description', lang, { hours: SET_PASSWORD_HOURS })}</p>
    </div>
  )
}

/** Ends every session of the signed-in account (Payload's logout with allSessions), then back to the login page. */
export function LogoutEverywhereField() {
  const lang = useLang()
  const [failed, setFailed] = useState(false)
  const [busy, setBusy] = useState(false)
  return (
    <div style={box}>
      <div className="field-label">{t('field.sessions', lang)}</div>
      <button
        type="button"
        className="btn btn--style-secondary btn--size-medium"
        disabled={busy}
        onClick={async () => {
          setBusy(true)
          setFailed(false)
          try {
            const res = await fetch('/api/users/logout?allSessions=true', { method: 'POST', credentials: 'include' })
            if (!res.ok) throw new Error(String(res.status))
            window.location.assign('/admin/login')
          } catch {
            setFailed(true)
            setBusy(false)
          }
        }}
      >
        {t('field.sessions.logoutEverywhere', lang)}
      </button>
      {failed ? <p className="field-error" role="alert">{t('field.sessions.failed', lang)}</p> : null}
      <p style={hint}>{t('field.sessions.description', lang)}</p>
    </div>
  )
}
