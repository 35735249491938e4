import JSZip from 'jszip'
import { getDocumentProxy } from 'unpdf'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import { readFileText, TIME_LIMIT_MS } from '../../src/documents/fileText'
import { t } from '../../src/i18n/messages'
import { makePdf } from '../support/pdf'

/**
 * The reader of a policy document's file (src/documents/fileText.ts) on the
 * paths a file that cannot be read takes: an encrypted PDF, and a read that
 * takes longer than the time allowed, also one that never lets the event loop
 * run. None throws; each says why the text was not checked, and work given up
 * on neither answers late nor fails unhandled.
 */
const MOBILE = '13912345678'
const SECRET = { user: 'secret', owner: 'owner-secret' }

/** Rejections nobody handled while a test ran (vitest reports them too; here they fail the test that caused them). */
let unhandled: unknown[] = []
const hear = (reason: unknown) => unhandled.push(reason)
beforeEach(() => {
  unhandled = []
  process.on('unhandledRejection', hear)
})
afterEach(() => {
  process.off('unhandledRejection', hear)
})

/** Lets pending timers and I/O run, so that abandoned work gets to finish or fail. */
const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function pdfTextWith(data: Buffer, password?: string): Promise<string> {
  const pdf = await getDocumentProxy(new Uint8Array(data), { password, isEvalSupported: false, verbosity: 0 })
  const page = await pdf.getPage(1)
  const content = await page.getTextContent()
  await pdf.destroy()
  return (content.items as { str?: string }[]).map((i) => i.str ?? '').join(' ')
}

describe('an encrypted PDF', () => {
  const encrypted = makePdf([`Tel ${MOBILE}`], [], SECRET)

  it('is a real one: pdf.js reads its text with the password and asks for it without', async () => {
    expect(await pdfTextWith(encrypted, SECRET.user)).toContain(`Tel ${MOBILE}`)
    await expect(pdfTextWith(encrypted)).rejects.toMatchObject({ name: 'PasswordException' })
    // Its bytes do not hold the text in the clear.
    expect(encrypted.includes(MOBILE)).toBe(false)
  })

  it('is not read: no text, the reason "encrypted", and the error handed to onError', async () => {
    const errors: unknown[] = []
    const read = await readFileText(encrypted, 'pdf', { onError: (err) => errors.push(err) })
    expect(read).toEqual({ text: '', unread: { key: 'document.fileCheck.encrypted' } })
    expect(t(read.unread!.key, 'zh')).toBe('未能检查文件文字：文件已加密，请人工核对。')
    expect(errors).toEqual([expect.objectContaining({ name: 'PasswordException' })])
    expect(unhandled).toEqual([])
  })

  it('with an empty user password (an owner password only) opens without asking, and its text is read', async () => {
    const read = await readFileText(makePdf([`Tel ${MOBILE}`], [], { user: '', owner: 'owner-secret' }), 'pdf')
    expect(read.unread).toBeNull()
    expect(read.text).toContain(`Tel ${MOBILE}`)
  })
})

describe('a read that takes longer than the time allowed', () => {
  // 50 pages of 40 lines: read in full it takes far longer than a millisecond.
  const long = makePdf(
    [`Tel ${MOBILE}`],
    Array.from({ length: 49 }, (_, p) => Array.from({ length: 40 }, (_, l) => `Page ${p + 2} line ${l + 1} of the winter heating notice`)),
  )

  it('is allowed 10 seconds unless told otherwise', () => {
    expect(TIME_LIMIT_MS).toBe(10_000)
  })

  it('gives up: no text, the reason "timeout" with the seconds allowed; the abandoned read answers nothing later and fails nothing', async () => {
    // The same file read in full, for comparison and to have unpdf loaded: its text holds the number.
    const started = Date.now()
    const full = await readFileText(long, 'pdf')
    const fullMs = Date.now() - started
    expect(full.unread).toBeNull()
    expect(full.text).toContain(MOBILE)

    const errors: unknown[] = []
    const read = await readFileText(long, 'pdf', { onError: (err) => errors.push(err), timeLimitMs: 1 })
    expect(read).toEqual({ text: '', unread: { key: 'document.fileCheck.timeout', vars: { seconds: 0.001 } } })
    expect(t('document.fileCheck.timeout', 'zh', { seconds: TIME_LIMIT_MS / 1000 })).toBe('未能检查文件文字：读取超过 10 秒，请人工核对。')
    // Give the abandoned read more than a full read's time: the answer given stays the one above, nothing is reported.
    await settle(fullMs * 2 + 200)
    expect(read.text).toBe('')
    expect(errors).toEqual([])
    expect(unhandled).toEqual([])
  })

  it('drops a late failure: a DOCX given up on before mammoth refuses it fails nothing, unhandled or to onError', async () => {
    const notDocx = Buffer.from('PK\x03\x04 word/document.xml, but not a zip', 'latin1')
    const errors: unknown[] = []
    const reading = readFileText(notDocx, 'docx', { onError: (err) => errors.push(err), timeLimitMs: 1 })
    // Past the limit before the reader can go on, so its timer runs before whatever the reader waits for
    // (with the race left open, mammoth's refusal came first once in a CI run).
    const until = Date.now() + 20
    while (Date.now() < until) {
      // busy: the time allowed runs out
    }
    const read = await reading
    expect(read.unread?.key).toBe('document.fileCheck.timeout')
    await settle(300)
    expect(errors).toEqual([])
    expect(unhandled).toEqual([])
    // Read in time, mammoth refuses it.
    expect((await readFileText(notDocx, 'docx', { onError: (err) => errors.push(err) })).unread?.key).toBe('document.fileCheck.broken')
    expect(errors).toHaveLength(1)
  })

  it('stops a reader that never gives way: a DOCX cut off after 5,000 paragraphs is given up on at the limit, and the server runs meanwhile', async () => {
    // mammoth's XML parser works on this for many seconds (11–17 s measured) without once letting the event loop run.
    const cutOff = await docxWithBody(Array.from({ length: 5000 }, (_, i) => `<w:p><w:r><w:t>第${i + 1}段</w:t></w:r></w:p>`).join(''))
    const errors: unknown[] = []
    let ticks = 0
    const ticking = setInterval(() => ticks++, 50)
    const read = await readFileText(cutOff, 'docx', { onError: (err) => errors.push(err), timeLimitMs: 2000 }).finally(() => clearInterval(ticking))
    expect(read).toEqual({ text: '', unread: { key: 'document.fileCheck.timeout', vars: { seconds: 2 } } })
    // The main thread's timers ran while the file was being read (on the main thread: none until the parser let go).
    expect(ticks).toBeGreaterThanOrEqual(5)
    await settle(300)
    expect(errors).toEqual([])
    expect(unhandled).toEqual([])
    // The same file cut off after 10 paragraphs is refused at once: broken, not timed out.
    const short = await readFileText(await docxWithBody('<w:p><w:r><w:t>第1段</w:t></w:r></w:p>'.repeat(10)), 'docx', { onError: (err) => errors.push(err) })
    expect(short.unread?.key).toBe('document.fileCheck.broken')
    expect(errors).toHaveLength(1)
  })

  it('reads a whole DOCX in its thread: the text, every paragraph on its line', async () => {
    const body = Array.from({ length: 3 }, (_, i) => `<w:p><w:r><w:t>第${i + 1}段 电话 ${MOBILE}</w:t></w:r></w:p>`).join('')
    const read = await readFileText(await docxWithBody(`${body}</w:body></w:document>`), 'docx')
    expect(read.unread).toBeNull()
    expect(read.text.trim().split(/\n+/)).toEqual([1, 2, 3].map((n) => `第${n}段 电话 ${MOBILE}`))
  })
})

/** A DOCX whose word/document.xml holds this after `<w:body>`: without its closing tags, cut off. */
async function docxWithBody(body: string): Promise<Buffer> {
  const zip = new JSZip()
  zip.file(
    '[Content_Types].xml',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
  )
  zip.file(
    '_rels/.rels',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
  )
  zip.file('word/document.xml', `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body}`)
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' })
}
