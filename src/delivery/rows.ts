import type { Payload } from 'payload'

import type { DeliveryDoc, DeliveryError } from '../model/deliveries'
import { noTransaction } from '../store/noTransaction'

/**
 * Writing a delivery's own row, shared by the pipeline (email, web push) and
 * WeChat's stages: the one writer, the one clock string and the one cap on the
 * errors kept for the editor.
 */
const DELIVERIES = 'deliveries'

/** The last errors a delivery keeps (the newest), shown to editors. */
export const MAX_ERRORS_KEPT = 10

export const nowIso = () => new Date().toISOString()

/** Write progress to a delivery outside any transaction (it must survive the caller's rollback). */
export async function updateDelivery(payload: Payload, id: string | number, data: Partial<DeliveryDoc>): Promise<void> {
  await payload.db.updateOne({ collection: DELIVERIES, id, data: data as Record<string, unknown>, returning: false, req: noTransaction() })
}

/** The errors with one more at the end, at most MAX_ERRORS_KEPT of them (the newest). */
export function remember(errors: readonly DeliveryError[] | null | undefined, kind: string, code: string, message: string): DeliveryError[] {
  return [...(errors ?? []), { at: nowIso(), kind, code, message }].slice(-MAX_ERRORS_KEPT)
}
