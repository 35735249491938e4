import type { MessageKey } from '../i18n/messages'
import { readInThread } from './readerThread'

/**
 * The text of a policy document's file (issue 16: the checks read
 * attachments too), bounded: at most MAX_BYTES of file, MAX_PAGES pages of
 * a PDF, MAX_CHARS of text, TIME_LIMIT_MS in all. PDF through unpdf (pdf.js)
 * and DOCX through mammoth, in a thread of their own (documents/readerThread.ts;
 * never in the admin's client code, and kept out of Next's server bundle by
 * next.config.mjs). OFD (GB/T 33190, the national format for official
 * documents: a zip whose pages are XML) through jszip, its pages' TextCode
 * elements in page order. The old binary .doc is not read. A file that
 * cannot be read (broken, encrypted, too slow) gives a reason, never throws.
 */

export const MAX_BYTES = 20 * 1024 * 1024
export const MAX_PAGES = 50
export const MAX_CHARS = 500_000
export const TIME_LIMIT_MS = 10_000

export type FileKind = 'pdf' | 'docx' | 'ofd' | 'doc' | 'other'

/** Why a file's text was not (fully) checked: a catalogue key with its values. */
export type Unread = { key: MessageKey; vars?: Record<string, string | number> }

export type FileText = { text: string; unread: Unread | null }

export const KIND_MIME: Record<Exclude<FileKind, 'other'>, string> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  ofd: 'application/ofd',
  doc: 'application/msword',
}

const ZIP = Buffer.from('PK\x03\x04', 'latin1')
const CFB = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])

/**
 * What a file is, from its bytes (the name or the type a client declares is
 * not trusted): a PDF by its header; a zip is a DOCX with word/document.xml
 * and an OFD with OFD.xml (a zip's entry names are stored uncompressed); an
 * old .doc is a compound file named .doc. Anything else is 'other'.
 */
export function fileKindOf(data: Buffer, filename: string | null | undefined): FileKind {
  const ext = String(filename ?? '').toLowerCase().split('.').pop() ?? ''
  if (data.subarray(0, 1024).includes('%PDF-')) return 'pdf'
  if (data.subarray(0, 4).equals(ZIP)) {
    if (data.includes('word/document.xml')) return 'docx'
    if (ext === 'ofd' && data.includes('OFD.xml')) return 'ofd'
    return 'other'
  }
  if (data.subarray(0, 8).equals(CFB) && ext === 'doc') return 'doc'
  return 'other'
}

export type ReadOptions = {
  /** Hears what went wrong (for the log). */
  onError?: (err: unknown) => void
  /** The time allowed in all, TIME_LIMIT_MS unless a test gives a smaller one. */
  timeLimitMs?: number
}

/**
 * The file's text as far as it is read, and why not all of it was, if so.
 * The reading happens in a thread of its own (documents/readerThread.ts),
 * ended when the time allowed runs out: its result and any late failure die
 * with it.
 */
export async function readFileText(data: Buffer, kind: FileKind, { onError, timeLimitMs = TIME_LIMIT_MS }: ReadOptions = {}): Promise<FileText> {
  if (kind === 'doc' || kind === 'other') return { text: '', unread: { key: 'document.fileCheck.notRead' } }
  if (data.length > MAX_BYTES) return { text: '', unread: { key: 'document.fileCheck.tooLarge', vars: { mb: MAX_BYTES / 1024 / 1024 } } }
  const got = await readInThread(data, kind, { pages: MAX_PAGES, chars: MAX_CHARS }, timeLimitMs)
  if (!got.ok) {
    if ('timeout' in got) return { text: '', unread: { key: 'document.fileCheck.timeout', vars: { seconds: timeLimitMs / 1000 } } }
    onError?.(got.error)
    return { text: '', unread: { key: got.error.name === 'PasswordException' ? 'document.fileCheck.encrypted' : 'document.fileCheck.broken' } }
  }
  const { text, pages } = got.read
  const unread: Unread | null = pages !== null && pages > MAX_PAGES ? { key: 'document.fileCheck.pagesLimited', vars: { pages: MAX_PAGES, total: pages } } : null
  return text.length > MAX_CHARS ? { text: text.slice(0, MAX_CHARS), unread: unread ?? { key: 'document.fileCheck.textLimited' } } : { text, unread }
}
