import { SqliteThread } from '../store/sqliteThread'
import { checkCompact, compactKey } from '../tokens'
import { eventRows } from './eventLines'
import { decodeTrackFields, TRACK_FIELDS, TRACK_PURPOSE } from './tokens'

/**
 * Read events into SQLite from a worker thread (src/store/sqliteThread.ts): a
 * batch insert holds the thread it runs on for 5–30 ms per thousand rows,
 * which on the main thread stalls every request, the tracking routes
 * included.
 *
 * This connection commits with synchronous=NORMAL (a per-connection setting
 * in WAL mode; Payload's connection keeps its own): no fsync per batch, only
 * at checkpoints. The database cannot be corrupted by it; a power cut (not a
 * process crash) may lose the last second or so of read events, which is
 * what the in-memory buffer risks anyway.
 *
 * The thread receives a batch as one string (the request thread hands it over
 * in microseconds), checks the open pixels' tokens and builds the rows itself,
 * with the very functions this thread uses (eventRows, checkCompact,
 * decodeTrackFields: each self-contained, taken as source text). It holds the
 * token key for that; the key never leaves the process.
 */

/**
 * One statement for a batch of any size: the rows go in as one JSON array
 * (SQLite's json_each unpacks it in C), which costs about 40% less per row
 * than a multi-row VALUES list with seven bound values a row, and needs no
 * statement text per batch size.
 */
export const INSERT_EVENTS_SQL =
  'INSERT INTO read_events (content_type, content_id, grid, channel, kind, reader, at, building) ' +
  'SELECT value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, value->>7 FROM json_each(?)'

/** What the writer thread runs before each batch (see SqliteThread): open tokens checked and rows built there. */
const PRELUDE = `
const crypto = require('node:crypto')
const checkCompact = ${checkCompact.toString()}
const decodeTrackFields = ${decodeTrackFields.toString()}
const eventRows = ${eventRows.toString()}
const key = Buffer.from(workerData.key)
const openToken = (token, at) => {
  const fields = checkCompact(crypto, key, token, workerData.openPurpose, workerData.trackFields, at)
  return typeof fields === 'string' ? null : decodeTrackFields(fields)
}
statement = (text) => {
  const rows = eventRows(text.split('\\n'), openToken)
  return rows.length ? { sql: workerData.sql, args: [JSON.stringify(rows)], stored: rows.length } : null
}
`

/** Insert encoded read events (eventLines.ts, joined by newlines) from the thread; resolves to how many were stored. */
export class SqliteEventWriter {
  private readonly thread: SqliteThread<string>

  constructor(url: string) {
    this.thread = new SqliteThread<string>(url, {
      label: 'writing read events',
      synchronous: 'NORMAL',
      prelude: PRELUDE,
      data: { sql: INSERT_EVENTS_SQL, key: compactKey(), openPurpose: TRACK_PURPOSE.open, trackFields: TRACK_FIELDS },
    })
  }

  write(text: string): Promise<number> {
    return this.thread.run(text)
  }

  close(): Promise<void> {
    return this.thread.close()
  }
}
