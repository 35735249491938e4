import { MAX_TOKEN_LENGTH } from '../tokens'
import { verifyTrack, type TrackToken } from './tokens'

/**
 * How a read event travels from the request to the database: one line of
 * text, so the buffer keeps strings rather than objects and a batch goes to
 * the writer thread as one string (the request thread never builds a
 * statement's arguments or clones thousands of them).
 *
 * - a read: seven fields joined by tabs (none can hold one: ids, keys, slugs),
 *   the time as epoch milliseconds;
 * - an open of the email pixel: its token as it came and the time, two
 *   fields. The token is checked where the line is turned into a row, off
 *   the request thread (the pixel's answer never depends on it); a forged,
 *   altered or expired token still records nothing.
 */
export type ReadEventRow = {
  contentType: string
  contentId: string
  grid: string
  channel: 'email' | 'webpush' | 'share' | 'site' | 'sms'
  kind: 'open' | 'read'
  reader: string
  at: Date
  /** The building code of a building share link's read (issue 18); absent otherwise. */
  building?: string
}

const SEPARATORS = /[\t\n\r]/
const PIXEL_TOKEN = new RegExp(`^[A-Za-z0-9_.-]{1,${MAX_TOKEN_LENGTH}}$`)

export function encodeReadEvent(e: Omit<ReadEventRow, 'at'> & { at: Date | number }): string | null {
  const at = typeof e.at === 'number' ? e.at : e.at.getTime()
  if (SEPARATORS.test(e.contentId + e.grid + e.reader + e.contentType + (e.building ?? '')) || !Number.isFinite(at)) return null
  const line = `${e.contentType}\t${e.contentId}\t${e.grid}\t${e.channel}\t${e.kind}\t${e.reader}\t${at}`
  // A building read has an eighth field; every other line stays as it was.
  return e.building ? `${line}\t${e.building}` : line
}

/** An open pixel's line; null for what cannot be a token at all (not worth keeping until it is checked). */
export function encodeOpen(token: string, at: number): string | null {
  return PIXEL_TOKEN.test(token) ? `${token}\t${at}` : null
}

/** The open token's meaning, or null when it does not hold (checked against the time of the open). */
export type OpenTokenCheck = (token: string, at: number) => TrackToken | null

/**
 * Lines → rows of seven strings in the table's column
 * order, the time as ISO text (Payload's date columns); opens whose token
 * does not hold are left out. Self-contained plain JavaScript on purpose:
 * the writer thread runs this very function from its source text
 * (sqliteWriter.ts), with its own `openToken`.
 */
export function eventRows(lines: string[], openToken: OpenTokenCheck): string[][] {
  const rows: string[][] = []
  for (let i = 0; i < lines.length; i++) {
    const f = lines[i].split('\t')
    if (f.length === 2) {
      const at = Number(f[1])
      const t = openToken(f[0], at)
      if (t) rows.push([t.contentType, t.contentId, t.grid, t.channel, 'open', t.reader || '', new Date(at).toISOString()])
    } else {
      f[6] = new Date(Number(f[6])).toISOString()
      rows.push(f)
    }
  }
  return rows
}

/** openToken in this thread. */
export const checkOpenToken: OpenTokenCheck = (token, at) => {
  const v = verifyTrack(token, 'open', at)
  return v.ok ? v.token : null
}

/** A row of eventRows as the document MongoDB stores (the building only when the row has one). */
export const rowDocument = (r: string[]) => ({ contentType: r[0], contentId: r[1], grid: r[2], channel: r[3], kind: r[4], reader: r[5], at: new Date(r[6]), ...(r[7] ? { building: r[7] } : {}) })
