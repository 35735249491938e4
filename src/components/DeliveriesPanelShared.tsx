'use client'

/** What the parts of the deliveries panel share: REST calls from the page, the server's words, a button, styles. */

/** A REST call from the admin page (its session cookie), answering status and JSON. */
export async function callApi(url: string, init: { method?: string; body?: unknown } = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    credentials: 'include',
    headers: init.body === undefined ? {} : { 'content-type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  })
  return { status: res.status, body: await res.json().catch(() => null) }
}

/** The server's own (Chinese) words for a refusal: a field's message first, then the error's, then ours. */
export function serverMessage(body: any, fallback: string): string {
  const e = body?.errors?.[0]
  return e?.data?.errors?.[0]?.message || e?.message || body?.message || fallback
}

export const box: React.CSSProperties = {
  border: '1px solid var(--theme-elevation-150)',
  borderRadius: 4,
  padding: '12px 16px',
  marginBottom: 12,
  background: 'var(--theme-elevation-0)',
}
export const small: React.CSSProperties = { fontSize: 12, color: 'var(--theme-elevation-600)' }
export const row: React.CSSProperties = { display: 'flex', gap: 8, flexWrap: 'wrap', alignItems: 'center', marginTop: 8 }

/** A plain admin-styled button (Payload's own Button needs its form context). */
export function PanelButton(props: React.ButtonHTMLAttributes<HTMLButtonElement> & { kind?: 'primary' | 'secondary' | 'danger' }) {
  const { kind = 'secondary', style, ...rest } = props
  const colours =
    kind === 'primary'
      ? { background: 'var(--theme-elevation-800)', color: 'var(--theme-elevation-0)', border: '1px solid var(--theme-elevation-800)' }
      : kind === 'danger'
        ? { background: 'var(--theme-error-500)', color: '#fff', border: '1px solid var(--theme-error-500)' }
        : { background: 'var(--theme-elevation-0)', color: 'var(--theme-elevation-800)', border: '1px solid var(--theme-elevation-300)' }
  return <button type="button" {...rest} style={{ ...colours, borderRadius: 3, padding: '4px 12px', cursor: rest.disabled ? 'default' : 'pointer', opacity: rest.disabled ? 0.6 : 1, ...style }} />
}

