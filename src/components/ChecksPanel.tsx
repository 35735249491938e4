'use client'

import { useConfig, useDocumentInfo, useForm, useTranslation } from '@payloadcms/ui'
import { useCallback, useEffect, useRef, useState } from 'react'

import type { FindingView } from '../checks/describe'
import { type Lang, t } from '../i18n/messages'
import { box, callApi, PanelButton, row, serverMessage, small } from './DeliveriesPanelShared'

/**
 * 发布前检查 in a content's sidebar (the `checksPanel` UI field of every
 * content collection): the findings of the pre-publish checks over the form as
 * it is (POST /api/<collection>/checks), serious ones first, run when the page
 * opens and again after each save; 一键脱敏 asks the same endpoint with
 * `fix: true` and puts the masked values into the form's fields, to be saved;
 * 检查外部链接 asks with `links: true` (the server fetches each external link,
 * so only on this click, never on a save) and lists the dead ones;
 * 标为公开联系电话 on a mobile number adds it to the content's public contacts.
 */

type Answer = {
  findings: FindingView[]
  serious: number
  warnings: number
  data?: Record<string, unknown>
  masked?: number
  paths?: string[]
  links?: { checked: number; dead: number }
}

/** The value at a field path ('articles.2.body') of a nested document. */
function fieldValue(doc: unknown, path: string): unknown {
  let v: unknown = doc
  for (const k of path.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined
  return v
}

function FindingItem({ f, lang, onMarkPublic }: { f: FindingView; lang: Lang; onMarkPublic?: (number: string) => void }) {
  const serious = f.severity === 'serious'
  return (
    <li className={`checks-panel__finding checks-panel__finding--${f.severity}`} style={{ margin: '0 0 10px', listStyle: 'none' }}>
      <div>
        <strong style={{ color: serious ? 'var(--theme-error-500)' : 'var(--theme-warning-600, #b26a00)', marginRight: 6 }}>{f.severityLabel}</strong>
        <span>{f.where}</span>
        <span style={small}> · {f.kindLabel}</span>
      </div>
      <div style={{ ...small, wordBreak: 'break-all' }}>{f.context}</div>
      <div>{f.what}</div>
      {f.fix ? <div style={small}>{t('checks.panel.fix', lang, { fix: f.fix })}</div> : null}
      {onMarkPublic && f.kind === 'mobile' ? (
        <PanelButton onClick={() => onMarkPublic(f.match)} className="checks-panel__mark-public">
          {t('checks.panel.markPublic', lang)}
        </PanelButton>
      ) : null}
    </li>
  )
}

export function ChecksPanel({ collectionSlug }: { collectionSlug?: string }) {
  const { i18n } = useTranslation()
  const lang: Lang = i18n?.language === 'en' ? 'en' : 'zh'
  const { id, lastUpdateTime, collectionSlug: docSlug } = useDocumentInfo()
  const { getData, dispatchFields, setModified } = useForm()
  const { config } = useConfig()
  const slug = collectionSlug ?? docSlug
  const url = `${config.routes.api}/${slug}/checks`
  const [answer, setAnswer] = useState<Answer | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [note, setNote] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const alive = useRef(true)

  const ask = useCallback(
    async (fix: boolean, links = false): Promise<Answer | null> => {
      const r = await callApi(url, { method: 'POST', body: { id: id ?? null, data: getData(), fix, links } })
      if (r.status >= 400) throw new Error(serverMessage(r.body, String(r.status)))
      return r.body as Answer
    },
    [url, id, getData],
  )

  /** One request to the checks endpoint with the panel busy; `then` reads the answer before it is shown. */
  const request = useCallback(
    async (fix: boolean, links: boolean, then?: (a: Answer) => void) => {
      setBusy(true)
      try {
        const a = await ask(fix, links)
        if (!alive.current || !a) return
        then?.(a)
        setAnswer(a)
        setError(null)
      } catch (err) {
        if (alive.current) setError(t('checks.panel.failed', lang, { reason: (err as Error).message }))
      } finally {
        if (alive.current) setBusy(false)
      }
    },
    [ask, lang],
  )

  const run = useCallback(() => request(false, false), [request])

  const mask = () => {
    setNote(null)
    return request(true, false, (a) => {
      if (!a.data || !a.masked) {
        setNote(t('checks.panel.nothingToMask', lang))
        return
      }
      // initialValue too: the rich-text editor takes a changed initial value as new content and redraws.
      for (const path of a.paths ?? []) {
        const value = fieldValue(a.data, path)
        dispatchFields({ type: 'UPDATE', path, value, initialValue: value })
      }
      setModified(true)
      setNote(t('checks.panel.masked', lang, { count: a.masked }))
    })
  }

  /** 标为公开联系电话: the number joins the content's public contacts (saved with the form), and the checks run again. */
  const markPublic = (number: string) => {
    const current = String((getData() as { publicContacts?: unknown }).publicContacts ?? '').trim()
    const value = current ? `${current}\n${number}` : number
    dispatchFields({ type: 'UPDATE', path: 'publicContacts', value, initialValue: value })
    setModified(true)
    return request(false, false, () => setNote(t('checks.panel.markedPublic', lang, { number })))
  }

  const checkLinks = () => {
    setNote(null)
    return request(false, true, (a) => {
      const checked = a.links?.checked ?? 0
      setNote(checked ? t('checks.panel.linksChecked', lang, { count: checked, dead: a.links?.dead ?? 0 }) : t('checks.panel.linksNone', lang))
    })
  }

  // On opening and after every save (lastUpdateTime moves).
  useEffect(() => {
    alive.current = true
    // A save took the masked values: the note about them is done.
    setNote(null)
    void run()
    return () => {
      alive.current = false
    }
    // `run` changes with the form's data; only a save or another document should re-run it.
  }, [lastUpdateTime, id])

  const maskable = (answer?.findings ?? []).some((f) => f.maskable)
  return (
    <div className="checks-panel field-type" id="checks-panel" style={{ ...box, marginTop: 8 }}>
      <h4 style={{ margin: '0 0 8px' }}>{t('checks.panel.title', lang)}</h4>
      {error ? (
        <p className="checks-panel__error" role="alert" style={{ color: 'var(--theme-error-500)' }}>
          {error}
        </p>
      ) : null}
      {!answer && !error ? <p style={small}>{t('checks.panel.running', lang)}</p> : null}
      {answer && !answer.findings.length ? <p className="checks-panel__none">{t('checks.panel.none', lang)}</p> : null}
      {answer && answer.findings.length ? (
        <>
          <p className="checks-panel__summary" style={{ margin: '0 0 8px' }}>
            {t('checks.panel.summary', lang, { serious: answer.serious, warnings: answer.warnings })}
            {answer.serious ? ` ${t('checks.panel.blocking', lang)}` : ''}
          </p>
          <ul style={{ margin: 0, padding: 0 }}>
            {answer.findings.map((f, i) => (
              <FindingItem key={`${f.path}:${f.offset}:${f.kind}:${i}`} f={f} lang={lang} onMarkPublic={busy ? undefined : (n) => void markPublic(n)} />
            ))}
          </ul>
        </>
      ) : null}
      {note ? (
        <p className="checks-panel__note" role="status" style={small}>
          {note}
        </p>
      ) : null}
      <div style={row}>
        {maskable ? (
          <PanelButton kind="primary" disabled={busy} onClick={() => void mask()} className="checks-panel__mask">
            {t('checks.panel.mask', lang)}
          </PanelButton>
        ) : null}
        <PanelButton disabled={busy} onClick={() => void run()} className="checks-panel__recheck">
          {t('checks.panel.recheck', lang)}
        </PanelButton>
        <PanelButton disabled={busy} onClick={() => void checkLinks()} className="checks-panel__links">
          {t('checks.panel.links', lang)}
        </PanelButton>
      </div>
      <p style={{ ...small, marginTop: 8 }}>{t('checks.panel.scope', lang)}</p>
    </div>
  )
}
