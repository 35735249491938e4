import fs from 'node:fs/promises'

import { type CollectionAfterChangeHook, type CollectionBeforeChangeHook, type PayloadRequest, ValidationError } from 'payload'

import { isAdmin, type StaffUser } from '../access/roles'
import { findingMessage, kindLabel, type Finding } from '../checks'
import { contextOf } from '../checks/findings'
import { detectPersonalInfo } from '../checks/detect/personal'
import type { TextUnit } from '../checks/extract'
import { contentCheckSettings } from '../content/checks'
import { fileKindOf, KIND_MIME, readFileText } from '../documents/fileText'
import { type Lang, langOf, t } from '../i18n/messages'
import { audit } from './audit'

/**
 * The personal-information checks (issue 16) over a policy document's file:
 * on create and on each replacement of the file, its text is read
 * (documents/fileText.ts) and run through the same detector as the content
 * checks, with the site's public numbers and the ones marked on the document
 * (公开联系电话). A serious finding refuses the save, 400 on `file`, masked.
 * An admin's save goes through, audited (checks-override) with the findings
 * masked. A file that is not read (.doc, broken, encrypted, too large,
 * too slow) is saved with a warning in `fileCheck`.
 */

const AUDIT_KEY = 'documentFileOverride'
const MAX_LISTED = 5

type UploadedFile = { data?: Buffer; tempFilePath?: string; mimetype?: string; name?: string; size?: number }

/** The upload's bytes (in memory, or in a temp file; Payload's upload limit bounds both). */
async function bytesOf(file: UploadedFile): Promise<Buffer | null> {
  if (file.data?.length) return file.data
  return file.tempFilePath ? fs.readFile(file.tempFilePath) : null
}

/**
 * The findings as a refusal lists them: kind and masked match with the text
 * around it, as the content checks show them, that text taken from the file's
 * text with every finding masked (a name's context holds the number next to
 * it). The refusal and the audit log never repeat the personal information.
 */
function listed(text: string, findings: Finding[], lang: Lang): string {
  let masked = ''
  let at = 0
  const placed: { f: Finding; start: number; end: number }[] = []
  for (const f of [...findings].sort((a, b) => a.offset - b.offset)) {
    if (f.offset < at) continue
    const mask = f.fix?.text ?? '*'.repeat(f.length)
    masked += text.slice(at, f.offset)
    placed.push({ f, start: masked.length, end: masked.length + mask.length })
    masked += mask
    at = f.offset + f.length
  }
  masked += text.slice(at)
  const sep = t('format.listSeparator', lang)
  const shown = placed.slice(0, MAX_LISTED).map(({ f, start, end }) =>
    t('format.withCode', lang, { text: `${kindLabel(f.kind, lang)}“${masked.slice(start, end)}”`, code: contextOf(masked, start, end) }),
  )
  return `${shown.join(sep)}${placed.length > MAX_LISTED ? '…' : ''}${sep}${findingMessage(findings[0], lang)}`
}

/** The personal information in a file's text. */
export async function fileFindings(req: PayloadRequest, doc: unknown, text: string): Promise<Finding[]> {
  if (!text.trim()) return []
  const settings = await contentCheckSettings(req.payload, doc, req)
  const unit: TextUnit = { path: 'file', text, segments: [{ start: 0, end: text.length, source: 'field' }], richText: false, links: [], images: [] }
  return detectPersonalInfo(unit, settings, new Date()).filter((f) => f.severity === 'serious')
}

export const documentFileChecks: CollectionBeforeChangeHook = async ({ data, originalDoc, req, collection }) => {
  const file = req.file as UploadedFile | undefined
  if (!file) {
    // Set here only, from the file: never taken from the request.
    data.fileCheck = (originalDoc as { fileCheck?: string | null } | undefined)?.fileCheck ?? null
    return data
  }
  const lang = langOf(req)
  const bytes = await bytesOf(file)
  const kind = bytes ? fileKindOf(bytes, file.name ?? data.filename) : 'other'
  if (!bytes || kind === 'other') {
    const message = t('document.error.fileType', lang)
    throw new ValidationError({ collection: collection.slug, errors: [{ path: 'file', label: t('document.field.file', lang), message }], req }, req.t)
  }
  // The type the file is, not the one the client declared (an OFD is sniffed as a plain zip).
  data.mimeType = KIND_MIME[kind]
  const read = await readFileText(bytes, kind, {
    onError: (err) => req.payload.logger.warn({ err, collection: collection.slug, filename: file.name }, 'policy document file not read'),
  })
  const findings = await fileFindings(req, { ...originalDoc, ...data }, read.text)
  const notes: string[] = []
  if (read.unread) notes.push(t(read.unread.key, lang, read.unread.vars))
  if (findings.length) {
    const user = req.user as StaffUser | null
    if (!isAdmin(user)) {
      const message = t('document.error.filePersonal', lang, { found: listed(read.text, findings, lang) })
      throw new ValidationError({ collection: collection.slug, errors: [{ path: 'file', label: t('document.field.file', lang), message }], req }, req.t)
    }
    const found = listed(read.text, findings, lang)
    notes.push(t('document.fileCheck.overridden', lang, { found }))
    req.context[AUDIT_KEY] = { count: findings.length, found: listed(read.text, findings, 'zh') }
  }
  data.fileCheck = notes.length ? notes.join('\n') : null
  return data
}

/** An admin's save past personal information in the file, in the audit log. */
export const auditDocumentFileOverride: CollectionAfterChangeHook = async ({ doc, req, collection }) => {
  const recorded = req.context[AUDIT_KEY] as { count: number; found: string } | undefined
  if (!recorded) return doc
  delete req.context[AUDIT_KEY]
  const d = doc as { id?: string | number; title?: string }
  await audit(req, 'checks-override', { collection: collection.slug, id: d.id, title: d.title ?? null }, t('audit.detail.documentFileOverride', 'zh', recorded))
  return doc
}
