'use client'

import { PublishButton as PayloadPublishButton, useDocumentInfo, useModal } from '@payloadcms/ui'
import type { PublishButtonClientProps } from 'payload'
import { useEffect } from 'react'

/**
 * Payload's 发布 button, with one correction to its schedule drawer (定时发布).
 * Payload 3.90 opens the drawer on 取消发布 whenever the document has no draft
 * newer than its published version (PublishButton: `defaultType:
 * !hasNewerVersions ? 'unpublish' : 'publish'`), and content that is not
 * published (never, or withdrawn) never has one, so a new draft offered a
 * scheduled withdrawal first. The drawer and its default are internal to
 * Payload's button, so while it is open for content that is not published,
 * this picks 发布 in it once.
 */
export function PublishButton(props: PublishButtonClientProps) {
  const { id, hasPublishedDoc } = useDocumentInfo()
  const { isModalOpen } = useModal()
  const drawer = `schedule-publish-${id}`
  const open = id != null && isModalOpen(drawer)

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

  return <PayloadPublishButton {...props} />
}
