import { createHash } from 'node:crypto'

/**
 * PDFs for the tests of a policy document's file (src/documents/fileText.ts):
 * Helvetica text, one string a line, one list of lines a page, the
 * cross-reference offsets computed. With `encrypt`, the file is encrypted
 * as PDF's standard security handler does it (revision 2: RC4 with a 40-bit
 * key, PDF 1.4 §3.5): each string and stream under its object's key, the
 * /Encrypt dictionary in the trailer. A reader needs the user password to
 * read its text (an empty user password opens without asking).
 */

export type Encrypt = { user: string; owner: string }

/** PDF 1.4 §3.5.2 Algorithm 3.2: the padding a password is filled up with, to 32 bytes. */
const PAD = Buffer.from('28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a', 'hex')
const padded = (password: string) => Buffer.concat([Buffer.from(password, 'latin1'), PAD]).subarray(0, 32)
const md5 = (...parts: Buffer[]) => createHash('md5').update(Buffer.concat(parts)).digest()
// A fixed document ID (the key depends on it).
const ID = Buffer.from('0123456789abcdef0123456789abcdef', 'hex')
// Permissions: all (-4 = every bit but the two reserved low ones).
const PERMISSIONS = -4

/** RC4 (Node's OpenSSL may not offer it): encryption and decryption are the same. */
function rc4(key: Buffer, data: Buffer): Buffer {
  const s = Array.from({ length: 256 }, (_, i) => i)
  for (let i = 0, j = 0; i < 256; i++) {
    j = (j + s[i] + key[i % key.length]) & 255
    ;[s[i], s[j]] = [s[j], s[i]]
  }
  const out = Buffer.alloc(data.length)
  for (let n = 0, i = 0, j = 0; n < data.length; n++) {
    i = (i + 1) & 255
    j = (j + s[i]) & 255
    ;[s[i], s[j]] = [s[j], s[i]]
    out[n] = data[n] ^ s[(s[i] + s[j]) & 255]
  }
  return out
}

/** The /Encrypt dictionary (Algorithms 3.3 and 3.5, revision 2) and each object's key (Algorithm 3.1). */
function security({ user, owner }: Encrypt) {
  const o = rc4(md5(padded(owner)).subarray(0, 5), padded(user))
  const p = Buffer.alloc(4)
  p.writeInt32LE(PERMISSIONS)
  const key = md5(padded(user), o, p, ID).subarray(0, 5)
  const u = rc4(key, PAD)
  const objectKey = (n: number) => md5(key, Buffer.from([n & 255, (n >> 8) & 255, (n >> 16) & 255, 0, 0])).subarray(0, 10)
  return { dictionary: `<< /Filter /Standard /V 1 /R 2 /O <${o.toString('hex')}> /U <${u.toString('hex')}> /P ${PERMISSIONS} >>`, objectKey }
}

export function makePdf(lines: string[], more: string[][] = [], encrypt?: Encrypt): Buffer {
  const pages = [lines, ...more]
  const page = (n: number) => 4 + n * 2 // each page and its content stream; the font is object 3
  const sec = encrypt ? security(encrypt) : null
  const objects: Buffer[] = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    `<< /Type /Pages /Kids [${pages.map((_, n) => `${page(n)} 0 R`).join(' ')}] /Count ${pages.length} >>`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ].map((o) => Buffer.from(o, 'latin1'))
  pages.forEach((text, n) => {
    const ops = Buffer.from(text.map((l, i) => `BT /F1 12 Tf 72 ${720 - i * 20} Td (${l}) Tj ET`).join('\n'), 'latin1')
    const stream = sec ? rc4(sec.objectKey(page(n) + 1), ops) : ops
    objects.push(Buffer.from(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents ${page(n) + 1} 0 R >>`, 'latin1'))
    objects.push(Buffer.concat([Buffer.from(`<< /Length ${stream.length} >>\nstream\n`, 'latin1'), stream, Buffer.from('\nendstream', 'latin1')]))
  })
  // The /Encrypt dictionary's own strings are not encrypted.
  if (sec) objects.push(Buffer.from(sec.dictionary, 'latin1'))
  const chunks = [Buffer.from('%PDF-1.4\n', 'latin1')]
  let length = chunks[0].length
  const offsets: number[] = []
  objects.forEach((o, i) => {
    offsets.push(length)
    const chunk = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`, 'latin1'), o, Buffer.from('\nendobj\n', 'latin1')])
    chunks.push(chunk)
    length += chunk.length
  })
  const encryption = sec ? ` /Encrypt ${objects.length} 0 R /ID [<${ID.toString('hex')}> <${ID.toString('hex')}>]` : ''
  const xref = `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`
  chunks.push(Buffer.from(`${xref}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R${encryption} >>\nstartxref\n${length}\n%%EOF\n`, 'latin1'))
  return Buffer.concat(chunks)
}
