'use client'

import { useConfig, useDocumentInfo, useForm, useFormModified, useTranslation } from '@payloadcms/ui'
import { useCallback, useEffect, useRef, useState } from 'react'

import { type Lang, t } from '../i18n/messages'
import type { ReviewAction, ReviewHistoryEntry } from '../model/review'
import { box, callApi, PanelButton, row, serverMessage, small } from './DeliveriesPanelShared'

/**
 * 审核 in a content's sidebar (the `reviewPanel` UI field of every content
 * collection), in place of a select: the current step, the history, and only
 * the buttons this user may press, all from GET /api/<collection>/:id/review;
 * a button POSTs the action there. Fits a 390 px phone: the buttons wrap.
 */

type Answer = { status: string; step: number; state: string; steps: string[]; history: ReviewHistoryEntry[]; actions: ReviewAction[] }

const KIND: Record<ReviewAction, 'primary' | 'secondary' | 'danger'> = { submit: 'primary', approve: 'primary', return: 'danger', withdraw: 'secondary' }

function formatAt(at: string | null | undefined, lang: Lang): string {
  if (!at) return ''
  const d = new Date(at)
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleString(lang === 'en' ? 'en-GB' : 'zh-CN', { dateStyle: 'short', timeStyle: 'short' })
}

export function ReviewPanel({ collectionSlug }: { collectionSlug?: string }) {
  const { i18n } = useTranslation()
  const lang: Lang = i18n?.language === 'en' ? 'en' : 'zh'
  const { id, lastUpdateTime, collectionSlug: docSlug } = useDocumentInfo()
  const { dispatchFields } = useForm()
  const modified = useFormModified()
  const { config } = useConfig()
  const slug = collectionSlug ?? docSlug
  const url = id != null ? `${config.routes.api}/${slug}/${id}/review` : null
  const [answer, setAnswer] = useState<Answer | null>(null)
  const [comment, setComment] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const alive = useRef(true)

  const show = useCallback(
    (a: Answer) => {
      setAnswer(a)
      // The form keeps the stored state, so that saving it afterwards asks for no review change.
      dispatchFields({ type: 'UPDATE', path: 'review.status', value: a.status, initialValue: a.status })
      dispatchFields({ type: 'UPDATE', path: 'review.step', value: a.step, initialValue: a.step })
    },
    [dispatchFields],
  )

  const load = useCallback(async () => {
    if (!url) return
    const r = await callApi(url)
    if (!alive.current) return
    if (r.status >= 400) setError(t('review.panel.failed', lang, { message: serverMessage(r.body, String(r.status)) }))
    else {
      setError(null)
      show(r.body as Answer)
    }
  }, [url, lang, show])

  useEffect(() => {
    alive.current = true
    void load()
    return () => {
      alive.current = false
    }
  }, [load, lastUpdateTime])

  const act = async (action: ReviewAction) => {
    if (!url) return
    setBusy(true)
    try {
      const r = await callApi(url, { method: 'POST', body: { action, comment } })
      if (!alive.current) return
      if (r.status >= 400) setError(t('review.panel.failed', lang, { message: serverMessage(r.body, String(r.status)) }))
      else {
        setError(null)
        setComment('')
        show(r.body as Answer)
      }
    } finally {
      if (alive.current) setBusy(false)
    }
  }

  const actions = answer?.actions ?? []
  const decides = actions.includes('approve') || actions.includes('return')
  return (
    <div className="review-panel field-type" id="review-panel" style={{ ...box, marginTop: 8, maxWidth: '100%', boxSizing: 'border-box' }}>
      <h4 style={{ margin: '0 0 8px' }}>{t('field.review', lang)}</h4>
      {!url ? <p style={small}>{t('review.panel.saveFirst', lang)}</p> : null}
      {answer ? (
        <p className="review-panel__state" style={{ margin: '0 0 8px', fontWeight: 600 }}>
          {answer.steps.length || answer.status !== 'none' ? answer.state : t('review.panel.noChain', lang)}
        </p>
      ) : null}
      {answer && answer.steps.length > 1 ? (
        <ol className="review-panel__steps" style={{ ...small, margin: '0 0 8px', paddingLeft: 18 }}>
          {answer.steps.map((name, i) => (
            <li key={i} style={{ fontWeight: answer.status === 'pending' && answer.step === i ? 700 : 400 }}>
              {name}
            </li>
          ))}
        </ol>
      ) : null}
      {error ? (
        <p className="review-panel__error" role="alert" style={{ color: 'var(--theme-error-500)' }}>
          {error}
        </p>
      ) : null}
      {decides ? (
        <label style={{ display: 'block', marginTop: 8 }}>
          <span style={small}>
            {t('review.panel.comment', lang)}（{t('review.panel.commentHint', lang)}）
          </span>
          <textarea
            className="review-panel__comment"
            value={comment}
            maxLength={1000}
            rows={3}
            onChange={(e) => setComment(e.target.value)}
            style={{ width: '100%', boxSizing: 'border-box', fontSize: 16 }}
          />
        </label>
      ) : null}
      {actions.includes('submit') && modified ? <p style={small}>{t('review.panel.saveFirst', lang)}</p> : null}
      <div style={row}>
        {actions.map((action) => (
          <PanelButton
            key={action}
            kind={KIND[action]}
            disabled={busy || (action === 'submit' && modified) || (action === 'return' && !comment.trim())}
            onClick={() => void act(action)}
            className={`review-panel__${action}`}
          >
            {t(`review.action.${action}`, lang)}
          </PanelButton>
        ))}
      </div>
      <details style={{ marginTop: 10 }} open={Boolean(answer?.history.length)}>
        <summary style={small}>{t('review.panel.history', lang)}</summary>
        {answer?.history.length ? (
          <ul className="review-panel__history" style={{ margin: '6px 0 0', padding: 0, listStyle: 'none' }}>
            {[...answer.history].reverse().map((h, i) => (
              <li key={i} style={{ margin: '0 0 6px', wordBreak: 'break-word' }}>
                <div>
                  <strong>{h.action ? t(`review.action.${h.action}`, lang) : ''}</strong>
                  <span style={small}>
                    {' '}
                    · {h.stepName} · {h.userName} · {formatAt(h.at, lang)}
                  </span>
                </div>
                {h.comment ? <div style={small}>{h.comment}</div> : null}
              </li>
            ))}
          </ul>
        ) : (
          <p style={small}>{t('review.panel.noHistory', lang)}</p>
        )}
      </details>
    </div>
  )
}
