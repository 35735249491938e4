import { Worker } from 'node:worker_threads'

/**
 * Reads one policy document's file in a worker thread of its own, which is
 * terminated when the time allowed runs out. The readers cannot be stopped
 * otherwise: mammoth's XML parser on a DOCX whose document.xml is cut off
 * worked for 11–17 s on 5,000 paragraphs without once letting the event loop
 * run, and pdf.js reads a page in one go. On the main thread that stalled
 * every request; here the server goes on and the limit holds to the
 * millisecond. The thread's heap is bounded too (READER_HEAP_MB): a file
 * that needs more is given up on as unreadable, the server untouched.
 *
 * The worker is plain CommonJS run with `eval` and no loader flags (as the
 * SQLite writer and push encryption threads are), so it starts the same
 * under tsx, vitest, a production start and inside Next's server build. It
 * finds unpdf, mammoth and jszip from the project root (the directory the
 * server runs in, as Next's is): a bundler rewrites `import.meta.url`.
 */
export const READER_HEAP_MB = 256

/** What the thread gives back: the text read and, for PDF and OFD, the file's page count. */
export type ThreadRead = { text: string; pages: number | null }

export type ThreadAnswer = { ok: true; read: ThreadRead } | { ok: false; error: Error } | { ok: false; timeout: true }

export type ReaderLimits = { pages: number; chars: number }

// String.raw: the worker's own escapes (\n, \d) reach it as written.
const READER_SOURCE = String.raw`
const { parentPort, workerData } = require('node:worker_threads')
const { kind, data, root, limits } = workerData
const load = (name) => require(require.resolve(name, { paths: [root] }))
const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength)

async function pdfText() {
  const { getDocumentProxy } = load('unpdf')
  // The thread's own copy of the file, handed to pdf.js as it is (a new Uint8Array would copy it again).
  const pdf = await getDocumentProxy(data, { isEvalSupported: false, verbosity: 0 })
  try {
    const pages = Math.min(pdf.numPages, limits.pages)
    let text = ''
    for (let i = 1; i <= pages && text.length < limits.chars; i++) {
      const page = await pdf.getPage(i)
      const content = await page.getTextContent()
      text += content.items.map((it) => (it.str || '') + (it.hasEOL ? '\n' : '')).join('') + '\n'
      page.cleanup()
    }
    return { text, pages: pdf.numPages }
  } finally {
    await pdf.destroy()
  }
}

async function docxText() {
  const { value } = await load('mammoth').extractRawText({ buffer: bytes })
  return { text: value, pages: null }
}

const XML_ENTITIES = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }
const decodeXml = (text) =>
  text.replace(/&(#x[0-9a-f]+|#\d+|lt|gt|amp|quot|apos);/gi, (_, e) =>
    e[0] === '#' ? String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1))) : XML_ENTITIES[e.toLowerCase()],
  )

// A page's text: each text object's codes run together (a number may be split between them), objects on their own lines.
function ofdPageText(xml) {
  const objects = xml.match(/<(?:\w+:)?TextObject\b[\s\S]*?<\/(?:\w+:)?TextObject>/g) || []
  return objects.map((o) => [...o.matchAll(/<(?:\w+:)?TextCode\b[^>]*>([^<]*)<\/(?:\w+:)?TextCode>/g)].map((m) => decodeXml(m[1])).join('')).join('\n')
}

// Doc_N/Pages/Page_M/Content.xml, in document then page order (the numbers, not the names' text order).
async function ofdText() {
  const zip = await load('jszip').loadAsync(bytes)
  const pageOf = (name) => name.match(/^Doc_(\d+)\/Pages\/Page_(\d+)\/Content\.xml$/i)
  const pages = Object.keys(zip.files)
    .filter((name) => pageOf(name))
    .sort((a, b) => {
      const [, da, pa] = pageOf(a).map(Number)
      const [, db, pb] = pageOf(b).map(Number)
      return da - db || pa - pb
    })
  let text = ''
  for (const name of pages.slice(0, limits.pages)) {
    if (text.length >= limits.chars) break
    text += ofdPageText(await zip.files[name].async('string')) + '\n'
  }
  return { text, pages: pages.length }
}

const readers = { pdf: pdfText, docx: docxText, ofd: ofdText }
readers[kind]().then(
  (read) => parentPort.postMessage({ ok: true, read }),
  (err) => parentPort.postMessage({ ok: false, name: (err && err.name) || 'Error', message: String((err && err.message) || err) }),
)
`

/** The file read in a fresh thread, or the reason not: its error (name kept), or the time allowed ran out. */
export function readInThread(data: Buffer, kind: 'pdf' | 'docx' | 'ofd', limits: ReaderLimits, timeLimitMs: number): Promise<ThreadAnswer> {
  return new Promise<ThreadAnswer>((resolve) => {
    let worker: Worker
    try {
      // The thread's copy of the file (of the view only, whatever buffer it lies in), moved to it rather than cloned again.
      const own = new Uint8Array(data)
      worker = new Worker(READER_SOURCE, {
        eval: true,
        execArgv: [],
        workerData: { kind, data: own, root: process.cwd(), limits },
        transferList: [own.buffer],
        resourceLimits: { maxOldGenerationSizeMb: READER_HEAP_MB },
      })
    } catch (err) {
      resolve({ ok: false, error: err as Error })
      return
    }
    let answered = false
    const answer = (a: ThreadAnswer) => {
      if (answered) return
      answered = true
      clearTimeout(timer)
      // Whatever the thread still does or says is dropped with it.
      worker.removeAllListeners()
      worker.on('error', () => undefined)
      void worker.terminate()
      resolve(a)
    }
    const timer = setTimeout(() => answer({ ok: false, timeout: true }), timeLimitMs)
    worker.on('message', (m: { ok: true; read: ThreadRead } | { ok: false; name: string; message: string }) =>
      answer(m.ok ? { ok: true, read: m.read } : { ok: false, error: Object.assign(new Error(m.message), { name: m.name }) }),
    )
    // Out of its heap (ERR_WORKER_OUT_OF_MEMORY), or a failure outside the readers.
    worker.on('error', (err) => answer({ ok: false, error: err }))
    worker.on('exit', (code) => answer({ ok: false, error: new Error(`the reader thread ended (exit code ${code}) without an answer`) }))
  })
}
