'use client'

import { useDocumentInfo, useModal, useTranslation } from '@payloadcms/ui'
import { useEffect, useState } from 'react'
import { createPortal } from 'react-dom'

import { t } from '../i18n/messages'

/**
 * Payload's "someone is editing" dialog (DocumentLocked, 3.90) names the
 * holder by email and prints the time in US English ("Dec 6, 2026, 7:49 PM"),
 * whatever the admin's language; neither is configurable. While that dialog
 * is open, this puts the holder's name (the lock's user is read as { id, name }
 * for staff who may not read accounts: src/access/lockHolder.ts) and the
 * time in the user's language in place of its two lines. Mounted before the
 * document controls of every lockable collection and global (adminViews.ts).
 *
 * The time is Payload's `lastUpdateTime`: the lock's updatedAt, which is when
 * the holder took the lock and then, while the holder edits, the last edit
 * (Payload's form state moves it on at most every 10 s, and a lock not moved
 * on for 5 minutes lapses). So it reads "last edited" (Payload's own Chinese
 * says 上次编辑时间), not "editing since": with the holder at work it is close
 * to now. test/integration/lock-time.test.ts shows it on both databases.
 */
const MODAL = 'document-locked'
const CONTENT = '.document-locked__content'

type Holder = { id?: unknown; name?: unknown; email?: unknown } | string | number | null | undefined

export function holderName(holder: Holder): string | null {
  if (holder && typeof holder === 'object') {
    if (typeof holder.name === 'string' && holder.name.trim()) return holder.name.trim()
    if (typeof holder.email === 'string' && holder.email) return holder.email
  }
  return null
}

/** 2026年12月6日 19:49 in Chinese; the admin's own pattern's shape in English. */
export function lockTime(at: number | string | Date | undefined, lang: 'zh' | 'en'): string {
  if (at == null || at === '') return ''
  const date = new Date(at)
  if (Number.isNaN(date.getTime())) return ''
  return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'zh-CN', {
    year: 'numeric',
    month: lang === 'en' ? 'short' : 'long',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(date)
}

export function LockNotice() {
  const { currentEditor, lastUpdateTime } = useDocumentInfo()
  const { isModalOpen } = useModal()
  const { i18n } = useTranslation()
  const lang = i18n?.language === 'en' ? 'en' : 'zh'
  const open = isModalOpen(MODAL)
  const [target, setTarget] = useState<Element | null>(null)

  useEffect(() => {
    if (!open) {
      setTarget(null)
      return
    }
    // The modal's body is rendered a frame or two after it opens; look for it a bounded number of times.
    let tries = 0
    let frame = 0
    const find = () => {
      const el = document.querySelector(CONTENT)
      if (el) setTarget(el)
      else if (++tries < 120) frame = requestAnimationFrame(find)
    }
    find()
    return () => cancelAnimationFrame(frame)
  }, [open])

  if (!target) return null
  const name = holderName(currentEditor as Holder)
  const [before, after] = t('lock.editing', lang).split('{name}')
  return createPortal(
    <>
      {/* Payload's own two lines (email, US date) give way to these. */}
      <style>{`${CONTENT} > p:not(.lock-notice) { display: none; }`}</style>
      <p className="lock-notice" id="lock-notice-who">
        {before}
        <strong>{name ?? t('lock.someone', lang)}</strong>
        {after}
      </p>
      {lastUpdateTime ? (
        <p className="lock-notice" id="lock-notice-since">
          {t('lock.lastEdited', lang, { date: lockTime(lastUpdateTime, lang) })}
        </p>
      ) : null}
    </>,
    target,
  )
}
