import fs from 'node:fs/promises'

import { type CollectionBeforeChangeHook, type PayloadRequest, ValidationError } from 'payload'

import { isAdmin, type StaffUser } from '../access/roles'
import { findingMessage, kindLabel, type Finding } from '../checks'
import { contextOf } from '../checks/findings'
import { coverOf, uncovered } from '../checks/settings'
import { detectPersonalInfo } from '../checks/detect/personal'
import type { TextUnit } from '../checks/extract'
import { contentCheckSettings } from '../content/checks'
import { fileKindOf, KIND_MIME, readFileText } from '../documents/fileText'
import { type Lang, langOf, t } from '../i18n/messages'
import { auditAfterSave, overrideOf } from './checksGate'

/**
 * The personal-information checks (issue 16) over a policy document's file:
 * on create and on each replacement of the file, its text is read
 * (documents/fileText.ts) and run through the same detector as the content
 * checks, with the site's public numbers and the ones marked on the document
 * (公开联系电话). A serious finding refuses the save, 400 on `file`, masked.
 * An admin saves past it by recording a reason, the content's override
 * (`checksOverride`, hooks/checksGate.ts: who and when set by the server,
 * the findings covered hashed); without one, or with a stored one that does
 * not cover them all, 400 on `checksOverride.reason`. Each save past findings
 * goes to the audit log (checks-override) with the reason and the findings
 * masked. Editors are refused as above and may not set the reason. A file that is not read (.doc, broken, encrypted, too large,
 * too slow) is saved with a warning in `fileCheck`.
 */

const MAX_LISTED = 5

type UploadedFile = { data?: Buffer; tempFilePath?: string; mimetype?: string; name?: string; size?: number }

/** How many findings an override's record covers. */
const coveredCount = (covers: string | null | undefined) => (covers ?? '').split(/\s+/).filter(Boolean).length

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
  const lang = langOf(req)
  const audited = (detail: string) => auditAfterSave(req, collection.slug, (originalDoc as { id?: unknown } | undefined)?.id, detail)
  const admin = isAdmin(req.user as StaffUser | null)
  // The reason an admin records to save past the findings: the content's override (hooks/checksGate.ts).
  const { override, recording } = overrideOf({ data, originalDoc, req, collection, may: admin, notAllowed: 'document.error.checksOverrideNotAllowed' })
  data.checksOverride = override
  const file = req.file as UploadedFile | undefined
  if (!file) {
    // Set here only, from the file: never taken from the request.
    data.fileCheck = (originalDoc as { fileCheck?: string | null } | undefined)?.fileCheck ?? null
    // A reason recorded without a new file covers what the stored file was saved past.
    if (recording) {
      override.covers = (originalDoc as { checksOverride?: { covers?: string | null } | null } | undefined)?.checksOverride?.covers ?? null
      audited(t('audit.detail.checksOverride', 'zh', { count: coveredCount(override.covers), reason: recording }))
    }
    return data
  }
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
  if (recording) override.covers = coverOf(findings)
  if (findings.length) {
    if (!admin) {
      const message = t('document.error.filePersonal', lang, { found: listed(read.text, findings, lang) })
      throw new ValidationError({ collection: collection.slug, errors: [{ path: 'file', label: t('document.field.file', lang), message }], req }, req.t)
    }
    // An admin saves past the findings a reason covers: one recorded now, or the stored one if it covers them all.
    const blocking = override.reason ? uncovered(findings, override.covers) : findings
    if (blocking.length) {
      const message = t('document.error.fileOverrideReason', lang, { found: listed(read.text, blocking, lang) })
      throw new ValidationError(
        { collection: collection.slug, errors: [{ path: 'checksOverride.reason', label: t('field.checksOverride.reason', lang), message }], req },
        req.t,
      )
    }
    notes.push(t('document.fileCheck.overridden', lang, { found: listed(read.text, findings, lang) }))
    audited(t('audit.detail.documentFileOverride', 'zh', { count: findings.length, reason: override.reason ?? '', found: listed(read.text, findings, 'zh') }))
  } else if (recording) {
    audited(t('audit.detail.checksOverride', 'zh', { count: 0, reason: recording }))
  }
  data.fileCheck = notes.length ? notes.join('\n') : null
  return data
}
