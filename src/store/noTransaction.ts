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
