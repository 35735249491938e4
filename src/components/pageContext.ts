import type { PayloadRequest } from 'payload'
import { cache } from 'react'

import { AWAITING_MEMO } from '../hooks/reviewQueue'

/** One holder per admin page render (React's request cache, as Payload's own initReq uses it). */
const perRender = cache((): Record<string, unknown> => ({}))

/**
 * Within one admin page render, the navigation's request (its own local req)
 * and the view's carry the same 待审核 memo holder on req.context
 * (hooks/reviewQueue.ts, awaitingOnce), so the page computes it once. Put on
 * before either asks the database: every Local API call copies req.context,
 * and the copies keep the holder. Outside a render each call stands alone.
 */
export function sharePageContext(req: PayloadRequest): PayloadRequest {
  const context = req.context as Record<string, unknown>
  context[AWAITING_MEMO] ??= perRender()
  return req
}
