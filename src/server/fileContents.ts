import type { Readable } from 'node:stream'

import { fileTypeFromBuffer } from 'file-type'
import { getSanitizedUploadFilename } from 'payload/shared'

/**
 * What an uploaded file's first bytes say it is, judged as Payload judges the
 * whole file once it has it (checkFileRestrictions in payload/dist/uploads),
 * but before Payload reads the request (src/server/formCheck.ts). Payload
 * ignores the declared type there: the type file-type detects must be one the
 * collection takes, and contents file-type does not know (plain text, a web
 * page) are judged by the file name's extension (text/plain for any it does not
 * list). Payload refuses either in English ("Invalid MIME type: …", "File type
 * text/plain (from extension png) is not allowed."); here they are a 400 in
 * Chinese before any of the upload reaches it. Where the head alone cannot
 * settle what Payload would say, the file goes on to Payload to judge.
 */

/** As much of a file's start as file-type itself reads from a stream (its `reasonableDetectionSizeInBytes`, not in its types). */
export const HEAD_SIZE = 4100

/**
 * The file's first HEAD_SIZE bytes, copied as the part's chunks pass (the chunks themselves are the
 * request's, passed on to Next untouched): `seen` hears them once that many have come or the file has ended
 * (`complete`: the head is the whole file). Nothing is heard for a part cut off by a broken form.
 */
export function readHead(stream: Readable, seen: (head: Buffer, complete: boolean) => void): void {
  const head = Buffer.alloc(HEAD_SIZE)
  let size = 0
  let done = false
  const finish = (complete: boolean) => {
    if (done) return
    done = true
    stream.off('data', take)
    seen(head.subarray(0, size), complete)
  }
  function take(chunk: Buffer) {
    size += chunk.copy(head, size, 0, Math.min(chunk.length, HEAD_SIZE - size))
    if (size === HEAD_SIZE) finish(false)
  }
  stream.on('data', take)
  stream.on('end', () => finish(true))
}

/** As Payload matches a type against a collection's `mimeTypes` (a `*` stands for any subtype). */
export function typeAllowed(type: string, allowed: string[]): boolean {
  return allowed.length === 0 || allowed.some((a) => type.startsWith(a.replace('*', '')))
}

/** Payload's types by extension for contents file-type does not know (uploads/getFileTypeFallback.js, not exported). */
const BY_EXTENSION: Record<string, string> = {
  css: 'text/css',
  csv: 'text/csv',
  htm: 'text/html',
  html: 'text/html',
  js: 'application/javascript',
  json: 'application/json',
  md: 'text/markdown',
  svg: 'image/svg+xml',
  xhtml: 'application/xhtml+xml',
  xml: 'application/xml',
  yml: 'application/x-yaml',
}

function typeByExtension(filename: string): string {
  const name = getSanitizedUploadFilename(filename)
  const extension = name.includes('.') ? (name.split('.').pop() ?? '').split(/[?#]/, 1)[0].toLowerCase() : ''
  return BY_EXTENSION[extension || 'txt'] ?? 'text/plain'
}

/** Why a file is refused: the type its contents were detected as, or none when file-type knows nothing of them. */
export type ContentsRefusal = { detected: string | null }

/**
 * Whether Payload would refuse a file with this head for a collection taking `accepted` (empty: any type,
 * which Payload checks only against its list of restricted types, so neither is it checked here).
 */
export async function contentsRefused(head: Buffer, complete: boolean, filename: string, accepted: string[]): Promise<ContentsRefusal | null> {
  if (accepted.length === 0) return null
  let detected: string | undefined
  try {
    detected = (await fileTypeFromBuffer(head))?.mime
  } catch {
    return null // Payload reads the whole file and says so itself
  }
  // Payload reads markup (no magic number: an SVG, an XML document) further to tell an SVG from other XML:
  // where the collection takes either, that is Payload's to judge.
  if ((!detected || detected === 'application/xml') && (typeAllowed('image/svg+xml', accepted) || typeAllowed('application/xml', accepted))) return null
  if (!detected) return typeAllowed(typeByExtension(filename), accepted) ? null : { detected: null }
  if (typeAllowed(detected, accepted)) return null
  // A zip's kind (a .docx, an .epub) is told by the entries it holds, and the head may not hold them all.
  if (detected === 'application/zip' && !complete) return null
  return { detected }
}
