import type { IncomingHttpHeaders } from 'node:http'
import type { Readable } from 'node:stream'

import Busboy, { type FileInfo } from 'busboy'

import type { MessageKey } from '../i18n/messages'
import { contentsRefused, readHead, typeAllowed } from './fileContents'

/**
 * A multipart form on its way to Payload, read alongside as it arrives
 * (src/server/bodyLimit.ts holds the body meanwhile) and judged once it is
 * complete, before Payload sees any of it. Payload's admin sends a document as
 * form-data: the file in `file`, the other fields as a JSON string in
 * `_payload`. Payload parses that string with a bare JSON.parse (a 500 when it
 * is not JSON), takes a repeated one or one that is not an object as no data
 * or as the document, and answers a broken form, a field over its size limit
 * and too many parts in English. Here each is a 4xx naming the field.
 *
 * An upload's file must also be what its contents say: its first bytes (a
 * copy of at most HEAD_SIZE, about 4 KB) are judged as they pass, as Payload
 * judges the whole file later (fileContents.ts), and a file whose contents are
 * of a type the collection does not take is refused naming what it is and what
 * it was declared. Nothing more of the file is kept: only the parts' names,
 * their declared types, the small fields and that head pass through this
 * parser, so the upload is held in memory once (by bodyLimit.ts).
 */

export type FormProblem = { status: 400 | 413; key: MessageKey; vars: Record<string, string | number> }

export type FormRules = {
  /** Largest text field (`_payload` included): API_BODY_LIMIT, as Payload's own `upload.limits.fieldSize`. */
  fieldSize: number
  /** Payload's part counts (its defaults, 20 fields and 3 files, unless the config says otherwise). */
  fields: number
  files: number
  /**
   * For a write to an upload collection: whether a file must come (create), the types it takes, and whether
   * the file's contents are judged (not where the collection allows restricted types: Payload does not either).
   */
  upload?: { fileRequired: boolean; mimeTypes: string[]; contents: boolean }
}

export type FormCheck = {
  /** Read one more chunk; false once the form is known to be refused. */
  write: (chunk: Buffer) => boolean
  /** The refusal known so far (before the end, only what the parts read so far show). */
  problem: () => FormProblem | null
  /** The whole form has come: its refusal, or null when it may go on. */
  end: () => Promise<FormProblem | null>
  /** Stop reading (the body was refused, or is over the cap). */
  abandon: () => void
  /** Hear of a refusal found after the chunk that brought it (a file's contents are judged asynchronously). */
  onLateProblem: (listener: () => void) => void
}

/** The field Payload reads a document's data from, and the one it reads the file from. */
const DATA_FIELD = '_payload'
const FILE_FIELD = 'file'

/** A type a browser gives a file it does not know (an .ofd, say): judged by the file's contents alone. */
const UNKNOWN_TYPE = 'application/octet-stream'

export function formCheck(headers: IncomingHttpHeaders, rules: FormRules): FormCheck {
  let problem: FormProblem | null = null
  const fail = (p: FormProblem) => void (problem ??= p)
  let late = () => {}
  // Judgements of a file's contents under way: each settles once the head has been judged, or the part has
  // ended without one (a broken form).
  const judging: Promise<void>[] = []
  const seen = new Map<string, number>()
  const count = (name: string) => seen.set(name, (seen.get(name) ?? 0) + 1).get(name)!
  let parser: ReturnType<typeof Busboy> | null = null
  try {
    parser = Busboy({ headers, limits: { fieldSize: rules.fieldSize, fields: rules.fields, files: rules.files }, defParamCharset: 'utf8' })
  } catch {
    // No boundary in the Content-Type, or a type busboy cannot read.
    fail({ status: 400, key: 'api.error.formBroken', vars: {} })
  }
  const closed = new Promise<void>((resolve) => {
    if (!parser) return resolve()
    parser.on('close', resolve)
    parser.on('error', () => {
      fail({ status: 400, key: 'api.error.formBroken', vars: {} })
      resolve()
    })
  })
  if (parser) {
    const tooMany = () => fail({ status: 413, key: 'api.error.formTooManyParts', vars: { fields: rules.fields, files: rules.files } })
    parser.on('fieldsLimit', tooMany)
    parser.on('filesLimit', tooMany)
    parser.on('partsLimit', tooMany)
    parser.on('field', (name, value, info) => {
      const n = count(name)
      if (info.nameTruncated || info.valueTruncated) return fail({ status: 413, key: 'api.error.formFieldTooLarge', vars: { field: name.slice(0, 40) } })
      if (name === FILE_FIELD && rules.upload) return fail({ status: 400, key: 'api.error.formFileMissing', vars: { field: FILE_FIELD } })
      if (name !== DATA_FIELD) return
      if (n > 1) return fail({ status: 400, key: 'api.error.formFieldRepeated', vars: { field: name } })
      const data = parseJson(value)
      if (data === undefined) return fail({ status: 400, key: 'api.error.formFieldNotJson', vars: { field: name } })
      if (data === null || typeof data !== 'object' || Array.isArray(data)) fail({ status: 400, key: 'api.error.formFieldNotObject', vars: { field: name } })
    })
    parser.on('file', (name, stream, info) => {
      // The contents go to Payload; only the head of an upload's file is copied here. A form cut off (or
      // abandoned) inside a file ends its stream with an error that the parser reports too: heard here, so that
      // it is not an uncaught exception.
      stream.on('error', () => {})
      stream.resume()
      if (!rules.upload || name !== FILE_FIELD) return
      if (count(name) > 1) return fail({ status: 400, key: 'api.error.formFieldRepeated', vars: { field: name } })
      // Payload judges a file by its contents and takes the type it detects over the declared one (a JPEG sent
      // as image/jpg, a part with no type): so does this check. Only where it does not judge contents (a collection
      // allowing restricted types) is the declared type all there is to go on.
      const refuse = (p: FormProblem) => void (!problem && (fail(p), late()))
      if (rules.upload.contents) return void judging.push(judgeContents(stream, name, info, rules.upload.mimeTypes, refuse))
      const type = info.mimeType.toLowerCase()
      if (type !== UNKNOWN_TYPE && !typeAllowed(type, rules.upload.mimeTypes)) fail({ status: 400, key: 'api.error.formFileType', vars: { field: name, type: type.slice(0, 80) } })
    })
  }
  return {
    write(chunk) {
      if (parser && !problem) parser.write(chunk)
      return !problem
    },
    problem: () => problem,
    abandon: () => parser?.destroy(),
    onLateProblem: (listener) => void (late = listener),
    async end() {
      if (parser && !problem) parser.end()
      else parser?.destroy()
      await closed
      if (!problem) await Promise.all(judging)
      if (!problem && rules.upload?.fileRequired && !seen.has(FILE_FIELD)) fail({ status: 400, key: 'api.error.formFileMissing', vars: { field: FILE_FIELD } })
      return problem
    },
  }
}

/**
 * Judge a file part's contents by its head (fileContents.ts), `refuse` hearing a refusal: settles once
 * judged, or once the part has ended without a head to judge (cut off by a broken form).
 */
function judgeContents(stream: Readable, field: string, info: FileInfo, accepted: string[], refuse: (p: FormProblem) => void): Promise<void> {
  const declared = info.mimeType.toLowerCase().slice(0, 80)
  return new Promise<void>((resolve) => {
    let heard = false
    stream.on('close', () => heard || resolve())
    readHead(stream, (head, complete) => {
      heard = true
      // An empty part without a file name is how a browser sends no file: Payload drops it too.
      if (complete && head.length === 0 && !info.filename) return resolve()
      // A judgement that fails is no refusal: Payload judges the whole file after.
      void contentsRefused(head, complete, info.filename ?? '', accepted)
        .then((refusal) => {
          // Declared as what it is: the type itself is what is not taken.
          if (refusal?.detected === declared) refuse({ status: 400, key: 'api.error.formFileType', vars: { field, type: declared } })
          else if (refusal?.detected) refuse({ status: 400, key: 'api.error.formFileContents', vars: { field, type: refusal.detected, declared } })
          else if (refusal) refuse({ status: 400, key: 'api.error.formFileUnknown', vars: { field, declared } })
        }, () => {})
        .finally(resolve)
    })
  })
}

/** The value, or undefined when the text is not JSON. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}
