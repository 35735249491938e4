import type { MessageKey } from '../i18n/messages'

/**
 * The text of a policy document's file (issue 16: the checks read
 * attachments too), bounded: at most MAX_BYTES of file, MAX_PAGES pages of
 * a PDF, MAX_CHARS of text, TIME_LIMIT_MS in all. PDF through unpdf (pdf.js)
 * and DOCX through mammoth, both loaded only when a file comes (never by the
 * admin's client code, and kept out of Next's server bundle by
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

type TextItem = { str?: string; hasEOL?: boolean }

/** Set once the reader has given up on a file (timed out): its work stops at the next page. */
type Stop = { stopped: boolean }

/**
 * Lets the event loop run. pdf.js (no worker thread in Node) opens a file and
 * reads its pages without ever giving way: without this, the time limit's
 * timer could not fire before the whole file was read, and nothing else on
 * the server would run meanwhile. So the limit holds between pages; one slow
 * page still runs to its end.
 */
const giveWay = () => new Promise<void>((resolve) => setImmediate(resolve))

async function pdfText(data: Buffer, stop: Stop): Promise<FileText> {
  const { getDocumentProxy } = await import('unpdf')
  const pdf = await getDocumentProxy(new Uint8Array(data), { isEvalSupported: false, verbosity: 0 })
  try {
    const pages = Math.min(pdf.numPages, MAX_PAGES)
    let text = ''
    for (let i = 1; i <= pages && text.length < MAX_CHARS; i++) {
      await giveWay()
      if (stop.stopped) break
      const page = await pdf.getPage(i)
      const content = await page.getTextContent()
      text += (content.items as TextItem[]).map((it) => (it.str ?? '') + (it.hasEOL ? '\n' : '')).join('') + '\n'
      page.cleanup()
    }
    const unread: Unread | null = pdf.numPages > MAX_PAGES ? { key: 'document.fileCheck.pagesLimited', vars: { pages: MAX_PAGES, total: pdf.numPages } } : null
    return { text, unread }
  } finally {
    await pdf.destroy()
  }
}

async function docxText(data: Buffer): Promise<FileText> {
  const mammoth = await import('mammoth')
  const { value } = await (mammoth.default ?? mammoth).extractRawText({ buffer: data })
  return { text: value, unread: null }
}

const XML_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }
const decodeXml = (text: string) =>
  text.replace(/&(#x[0-9a-f]+|#\d+|lt|gt|amp|quot|apos);/gi, (_, e: string) =>
    e[0] === '#' ? String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1))) : XML_ENTITIES[e.toLowerCase()],
  )

/** A page's text: each text object's codes run together (a number may be split between them), objects on their own lines. */
function ofdPageText(xml: string): string {
  const objects = xml.match(/<(?:\w+:)?TextObject\b[\s\S]*?<\/(?:\w+:)?TextObject>/g) ?? []
  return objects.map((o) => [...o.matchAll(/<(?:\w+:)?TextCode\b[^>]*>([^<]*)<\/(?:\w+:)?TextCode>/g)].map((m) => decodeXml(m[1])).join('')).join('\n')
}

async function ofdText(data: Buffer, stop: Stop): Promise<FileText> {
  const { default: JSZip } = await import('jszip')
  const zip = await JSZip.loadAsync(data)
  // Doc_N/Pages/Page_M/Content.xml, in document then page order (the numbers, not the names' text order).
  const pageOf = (name: string) => name.match(/^Doc_(\d+)\/Pages\/Page_(\d+)\/Content\.xml$/i)
  const pages = Object.keys(zip.files)
    .filter((name) => pageOf(name))
    .sort((a, b) => {
      const [, da, pa] = pageOf(a)!.map(Number)
      const [, db, pb] = pageOf(b)!.map(Number)
      return da - db || pa - pb
    })
  let text = ''
  for (const name of pages.slice(0, MAX_PAGES)) {
    if (text.length >= MAX_CHARS || stop.stopped) break
    text += ofdPageText(await zip.files[name].async('string')) + '\n'
  }
  const unread: Unread | null = pages.length > MAX_PAGES ? { key: 'document.fileCheck.pagesLimited', vars: { pages: MAX_PAGES, total: pages.length } } : null
  return { text, unread }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)))
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer))
}

export type ReadOptions = {
  /** Hears what went wrong (for the log). */
  onError?: (err: unknown) => void
  /** The time allowed in all, TIME_LIMIT_MS unless a test gives a smaller one. */
  timeLimitMs?: number
}

/**
 * The file's text as far as it is read, and why not all of it was, if so.
 * Work given up on (timed out) is told to stop at its next page, its result
 * and any late failure are dropped.
 */
export async function readFileText(data: Buffer, kind: FileKind, { onError, timeLimitMs = TIME_LIMIT_MS }: ReadOptions = {}): Promise<FileText> {
  if (kind === 'doc' || kind === 'other') return { text: '', unread: { key: 'document.fileCheck.notRead' } }
  if (data.length > MAX_BYTES) return { text: '', unread: { key: 'document.fileCheck.tooLarge', vars: { mb: MAX_BYTES / 1024 / 1024 } } }
  const stop: Stop = { stopped: false }
  const work = kind === 'pdf' ? pdfText(data, stop) : kind === 'ofd' ? ofdText(data, stop) : docxText(data)
  // A late failure of abandoned work must not become an unhandled rejection.
  work.catch(() => undefined)
  try {
    const got = await withTimeout(work, timeLimitMs)
    if (got === 'timeout') {
      stop.stopped = true
      return { text: '', unread: { key: 'document.fileCheck.timeout', vars: { seconds: timeLimitMs / 1000 } } }
    }
    return got.text.length > MAX_CHARS ? { text: got.text.slice(0, MAX_CHARS), unread: got.unread ?? { key: 'document.fileCheck.textLimited' } } : got
  } catch (err) {
    onError?.(err)
    const encrypted = (err as { name?: string } | null)?.name === 'PasswordException'
    return { text: '', unread: { key: encrypted ? 'document.fileCheck.encrypted' : 'document.fileCheck.broken' } }
  }
}
