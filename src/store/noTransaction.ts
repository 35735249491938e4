import type { PayloadRequest } from 'payload'

/**
 * The `req` for a database write that must not join the caller's transaction.
 *
 * Payload's adapters put a write in the transaction named by
 * `req.transactionID`; with no `req` at all some operations start one of their
 * own. Progress that must survive the caller's rollback, or a write made while
 * another transaction holds SQLite's write turn or a MongoDB session (delivery
 * cursors and receipts, claims, leases, counters, rate-limit places, read
 * events, health probes), is written outside any transaction: a request whose
 * transactionID is explicitly undefined. This is the one place that builds it.
 */
export function noTransaction(): PayloadRequest {
  return { transactionID: undefined } as unknown as PayloadRequest
}

/**
 * Where a request notes the transaction it has open, in its `context` (one
 * object shared by the request and every view of it), for store/sqlite.ts to
 * find when a write comes through a view that hides it. Payload's own view
 * (`isolateObjectProperty(req, 'transactionID')`) still shows the request's
 * transaction through its property descriptor; a view of a view does not,
 * and GraphQL hands every operation such a view (each resolver isolates the
 * transaction), so a forgot-password asked through GraphQL waited for its
 * own transaction's write turn. `Symbol.for`: the same key in Next's bundle
 * and in the server's own modules.
 */
export const OWN_TRANSACTION = Symbol.for('street-news.ownTransaction')

/** Note the transaction `req` has open (if any) in its context; see OWN_TRANSACTION. */
export function noteOwnTransaction(req: PayloadRequest): void {
  const id: unknown = req.transactionID
  const context = req.context as Record<symbol, unknown> | undefined
  if ((typeof id === 'string' || typeof id === 'number') && context && typeof context === 'object') context[OWN_TRANSACTION] = id
}

/** The transaction noted in `req`'s context (noteOwnTransaction), if any. */
export function notedTransactionOf(req: { context?: unknown } | undefined): string | undefined {
  const noted = (req?.context as Record<symbol, unknown> | undefined)?.[OWN_TRANSACTION]
  return typeof noted === 'string' || typeof noted === 'number' ? String(noted) : undefined
}
