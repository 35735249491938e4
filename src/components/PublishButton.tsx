'use client'

import { PublishButton as PayloadPublishButton, toast, useConfig, useDocumentInfo, useForm, useFormFields, useModal, useTranslation } from '@payloadcms/ui'
import type { PublishButtonClientProps } from 'payload'
import { useCallback, useEffect, useRef, useState } from 'react'

import { type Lang, t } from '../i18n/messages'
import { callApi, serverMessage } from './DeliveriesPanelShared'
import { type Choice, type DialogMode, PublishDialog } from './PublishDialog'

/**
 * Payload's 发布 button, with the publish dialog (PublishDialog.tsx) before it:
 * a first publication shows who will receive the content per channel and lets
 * the editor untick channels; a correction says nothing is sent again and
 * offers the correction notice (off by default) and WeChat's delete and
 * republish; a scheduled publication shows the same before its drawer's
 * save is confirmed. The choices go into the content's own fields
 * (fields/audience.ts) with the publish itself, so the server acts on them in
 * the same save. After a withdrawal a link beside it offers the withdrawal notice.
 *
 * The button is Payload's (its form submit and schedule drawer are internal),
 * so its click is caught on the way down and played again once confirmed.
 *
 * Also one correction to its schedule drawer: Payload 3.90 opens it on
 * 取消发布 for content that is not published (`defaultType: !hasNewerVersions
 * ? 'unpublish' : 'publish'`), so while it is open for such content this
 * picks 发布 in it once.
 */
const SAVE_BUTTON = 'action-save'
const SCHEDULE_SAVE = 'scheduled-publish-save'

/** The form's values the audience depends on, as the endpoint's query (the form may be ahead of the saved draft). */
function formQuery(data: Record<string, unknown>): string {
  const q = new URLSearchParams()
  if (typeof data.urgent === 'boolean') q.set('urgent', data.urgent ? '1' : '0')
  if (typeof data.wholeStreet === 'boolean') q.set('wholeStreet', data.wholeStreet ? '1' : '0')
  if (Array.isArray(data.grids)) q.set('grids', data.grids.map((g) => String(g && typeof g === 'object' ? (g as { id: unknown }).id ?? (g as { value: unknown }).value : g)).join(','))
  const s = q.toString()
  return s ? `?${s}` : ''
}

export function PublishButton(props: PublishButtonClientProps) {
  const { id, collectionSlug, hasPublishedDoc } = useDocumentInfo()
  const { isModalOpen } = useModal()
  const { config } = useConfig()
  const { getData, dispatchFields } = useForm()
  const { i18n } = useTranslation()
  const lang: Lang = i18n.language === 'en' ? 'en' : 'zh'
  const withdrawnAt = useFormFields(([fields]) => fields.withdrawnAt?.value)
  const drawer = `schedule-publish-${id}`
  const open = id != null && isModalOpen(drawer)
  const [mode, setMode] = useState<DialogMode | null>(null)
  const [query, setQuery] = useState('')
  const [replay, setReplay] = useState<string | null>(null)
  const confirmed = useRef(false)
  const api = `${config.routes.api}/${collectionSlug}/${id ?? 'new'}`

  const ask = useCallback(
    (m: DialogMode) => {
      setQuery(formQuery(getData() as Record<string, unknown>))
      setMode(m)
    },
    [getData],
  )

  // 发布 (our wrapper sees the click first): the dialog, unless it was just confirmed.
  const onClickCapture = (e: React.MouseEvent) => {
    const button = (e.target as HTMLElement).closest('button')
    if (button?.id !== SAVE_BUTTON) return
    if (confirmed.current) {
      confirmed.current = false
      return
    }
    e.preventDefault()
    e.stopPropagation()
    ask(hasPublishedDoc ? 'correction' : 'publish')
  }

  // The schedule drawer's save, when it schedules a publication (it is rendered outside this wrapper).
  useEffect(() => {
    if (!open) return
    const onClick = (e: MouseEvent) => {
      const button = (e.target as HTMLElement | null)?.closest?.('button')
      const publishing = (document.getElementById(`field-${drawer}-type-publish`) as HTMLInputElement | null)?.checked
      if (button?.id !== SCHEDULE_SAVE || !publishing) return
      if (confirmed.current) {
        confirmed.current = false
        return
      }
      e.preventDefault()
      e.stopPropagation()
      ask('schedule')
    }
    document.addEventListener('click', onClick, true)
    return () => document.removeEventListener('click', onClick, true)
  }, [open, drawer, ask])

  // Play the confirmed click once the form holds the choices (after this render).
  useEffect(() => {
    if (!replay) return
    confirmed.current = true
    setReplay(null)
    document.getElementById(replay)?.click()
  }, [replay])

  const onConfirm = async (choice: Choice) => {
    const m = mode
    if (m === 'withdrawal') {
      const r = await callApi(`${api}/notice`, { method: 'POST', body: { kind: 'withdrawal' } })
      if (r.status >= 400) toast.error(serverMessage(r.body, String(r.status)))
      else toast.success(String(r.body?.message ?? ''))
      setMode(null)
      return
    }
    if (m === 'schedule') {
      // The scheduled publication publishes the saved draft: the channels go into it now.
      const r = await callApi(`${api}?draft=true&depth=0`, { method: 'PATCH', body: { channels: choice.channels } })
      if (r.status >= 400) {
        toast.error(serverMessage(r.body, String(r.status)))
        return
      }
    } else {
      const set = (path: string, value: unknown) => dispatchFields({ type: 'UPDATE', path, value })
      if (m === 'publish') for (const [c, on] of Object.entries(choice.channels)) set(`channels.${c}`, on)
      set('notice', m === 'correction' && choice.notice)
      set('wechatRepublish', m === 'correction' && choice.wechatRepublish)
    }
    setMode(null)
    setReplay(m === 'schedule' ? SCHEDULE_SAVE : SAVE_BUTTON)
  }

  useEffect(() => {
    if (!open || hasPublishedDoc) return
    // The drawer's type radios (@payloadcms/ui Radio: id `field-<path>-<value>`, path `<drawer>-type`).
    const pickPublish = () => {
      const input = document.getElementById(`field-${drawer}-type-publish`) as HTMLInputElement | null
      if (input && !input.checked) input.click()
      return input !== null
    }
    if (pickPublish()) return
    const observer = new MutationObserver(() => pickPublish() && observer.disconnect())
    observer.observe(document.body, { childList: true, subtree: true })
    return () => observer.disconnect()
  }, [open, hasPublishedDoc, drawer])

  return (
    <span className="publish-button" onClickCapture={onClickCapture} style={{ display: 'contents' }}>
      {withdrawnAt && !hasPublishedDoc && id != null ? (
        <button type="button" className="publish-button__withdrawal-notice btn btn--style-secondary btn--size-medium" onClick={() => ask('withdrawal')}>
          {t('audience.withdraw.open', lang)}
        </button>
      ) : null}
      <PayloadPublishButton {...props} />
      {mode ? <PublishDialog mode={mode} url={`${api}/audience${query}`} lang={lang} onConfirm={onConfirm} onCancel={() => setMode(null)} /> : null}
    </span>
  )
}
