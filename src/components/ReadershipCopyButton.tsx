'use client'

import { useState } from 'react'

/** Copies the text of the element `target` (a share kit's WeChat text); the textarea beside it stays selectable without script. */
export function ReadershipCopyButton({ target, label, done }: { target: string; label: string; done: string }) {
  const [copied, setCopied] = useState(false)
  return (
    <button
      type="button"
      className="rs-button"
      onClick={async () => {
        const el = document.getElementById(target) as HTMLTextAreaElement | null
        if (!el) return
        try {
          await navigator.clipboard.writeText(el.value)
        } catch {
          // Without clipboard permission: select the text for Ctrl+C.
          el.select()
          return
        }
        setCopied(true)
        setTimeout(() => setCopied(false), 2000)
      }}
      aria-live="polite"
    >
      {copied ? done : label}
    </button>
  )
}
