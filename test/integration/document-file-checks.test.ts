import fs from 'node:fs'
import path from 'node:path'

import type { Payload } from 'payload'
import { beforeAll, describe, expect, it } from 'vitest'

import { PASSWORD, smallStreet } from '../support/fixtures'
import { rest, tokenFor } from '../support/http'
import { makePdf } from '../support/pdf'
import { testPayload } from '../support/payload'

/**
 * Issue 16: the personal-information checks read a policy document's file
 * (PDF, DOCX, OFD). A mobile or an ID number in its text refuses the save
 * (400 on `file`, masked) unless the number is marked public on the document;
 * an admin saves past it, audited; old .doc files, broken PDFs and clean
 * files save, the ones not read with a warning in `fileCheck`.
 */
let payload: Payload
let editorToken: string
let adminToken: string

const FIXTURES = path.join(process.cwd(), 'test', 'fixtures')
const PDF = 'application/pdf'
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'
// Valid GB 11643 check digit (X); a mobile that is not the placeholder.
const ID_NUMBER = '11010519491231002X'
const MOBILE = '13912345678'
/** An old binary Word file as far as the upload looks: the compound-file signature, named .doc (its text is never read). */
const OLD_DOC = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(1024)])

function form(file: Buffer, name: string, type: string, data: Record<string, unknown> = {}) {
  const f = new FormData()
  f.append('file', new Blob([new Uint8Array(file)], { type }), name)
  f.append('_payload', JSON.stringify({ title: `文件 ${name}`, issuingBody: '某街道办事处', ...data }))
  return f
}

type Saved = { id: string | number; fileCheck?: string | null; filename?: string }
const count = async () => (await payload.count({ collection: 'policy-documents' })).totalDocs

beforeAll(async () => {
  payload = await testPayload()
  const street = await smallStreet(payload)
  editorToken = await tokenFor(payload, street.editor.email, PASSWORD)
  adminToken = await tokenFor(payload, street.admin.email, PASSWORD)
})

describe("a policy document's file, checked for personal information", () => {
  const personal = makePdf([`Tel ${MOBILE}`, `ID ${ID_NUMBER}`])

  it('refuses a PDF with a mobile and an ID number in its text: 400 on the file, each finding masked', async () => {
    const before = await count()
    const r = await rest('POST', 'policy-documents', { token: editorToken, form: form(personal, 'list.pdf', PDF) })
    expect(r.status).toBe(400)
    const errors = r.body.errors[0].data.errors as { path: string; message: string }[]
    expect(errors).toEqual([expect.objectContaining({ path: 'file' })])
    const message = errors[0].message
    expect(message).toMatch(/^文件文字中发现个人信息，不能保存/)
    expect(message).toContain('手机号码“139****5678”')
    expect(message).toContain('身份证号码“1101**********002X”')
    // The refusal never repeats the numbers, whole or in part.
    expect(message).not.toMatch(/\d{5}/)
    expect(await count()).toBe(before)
  })

  it('accepts the same PDF once its numbers are marked as the document’s public contacts', async () => {
    const onlyMobile = makePdf([`Tel ${MOBILE}`])
    const r = await rest('POST', 'policy-documents', { token: editorToken, form: form(onlyMobile, 'contact.pdf', PDF, { publicContacts: '139 1234 5678' }) })
    expect(r.status).toBe(201)
    expect(r.body.doc.fileCheck ?? null).toBeNull()
    // The ID number is not a contact: marking the mobile does not let it through.
    const still = await rest('POST', 'policy-documents', { token: editorToken, form: form(personal, 'list.pdf', PDF, { publicContacts: MOBILE }) })
    expect(still.status).toBe(400)
    expect(still.body.errors[0].data.errors[0].message).toContain('身份证号码')
    expect(still.body.errors[0].data.errors[0].message).not.toContain('手机号码')
  })

  it('checks a replaced file too: an update with a personal PDF is refused and the old file stays', async () => {
    const clean = await rest('POST', 'policy-documents', { token: editorToken, form: form(makePdf(['Winter heating notice']), 'heating.pdf', PDF) })
    expect(clean.status).toBe(201)
    const f = new FormData()
    f.append('file', new Blob([new Uint8Array(personal)], { type: PDF }), 'replaced.pdf')
    f.append('_payload', JSON.stringify({}))
    const r = await rest('PATCH', `policy-documents/${clean.body.doc.id}`, { token: editorToken, form: f })
    expect(r.status).toBe(400)
    expect(r.body.errors[0].data.errors[0].path).toBe('file')
    const kept = (await payload.findByID({ collection: 'policy-documents', id: clean.body.doc.id, overrideAccess: true })) as unknown as Saved
    expect(kept.filename).toBe(clean.body.doc.filename)
  })

  it('lets an admin save past it with a reason only: without one, or a blank one, 400 on the reason, nothing saved', async () => {
    const before = await count()
    for (const data of [{}, { checksOverride: { reason: '   ' } }]) {
      const r = await rest('POST', 'policy-documents', { token: adminToken, form: form(personal, 'admin.pdf', PDF, data) })
      expect(r.status).toBe(400)
      const errors = r.body.errors[0].data.errors as { path: string; label?: string; message: string }[]
      expect(errors).toEqual([expect.objectContaining({ path: 'checksOverride.reason', label: '放行原因' })])
      expect(errors[0].message).toMatch(/^文件文字中发现个人信息，须填写放行原因才能保存/)
      expect(errors[0].message).toContain('手机号码“139****5678”')
      expect(errors[0].message).not.toMatch(/\d{5}/)
    }
    expect(await count()).toBe(before)
  })

  it('saves an admin’s file past it with a reason: who and when set by the server, audited with the reason and the findings masked', async () => {
    const reason = '历史档案原件，已核对当事人同意公开。'
    const r = await rest('POST', 'policy-documents', {
      token: adminToken,
      form: form(personal, 'admin.pdf', PDF, { checksOverride: { reason, by: '别人', at: '2000-01-01T00:00:00.000Z', covers: 'forged' } }),
    })
    expect(r.status).toBe(201)
    expect(r.body.doc.fileCheck).toContain('管理员放行')
    expect(r.body.doc.fileCheck).not.toContain(MOBILE)
    const override = r.body.doc.checksOverride as { reason: string; by: string; at: string; covers: string }
    expect(override.reason).toBe(reason)
    expect(override.by).toBe('admin')
    expect(Date.now() - Date.parse(override.at)).toBeLessThan(60_000)
    // Two findings covered, hashed: neither number is kept in the record.
    expect(override.covers.split(' ')).toHaveLength(2)
    expect(override.covers).not.toContain('forged')
    expect(override.covers).not.toMatch(/\d{11}/)
    const { docs } = await payload.find({
      collection: 'audit-log',
      where: { and: [{ action: { equals: 'checks-override' } }, { targetCollection: { equals: 'policy-documents' } }, { targetId: { equals: String(r.body.doc.id) } }] },
      overrideAccess: true,
      depth: 0,
    })
    expect(docs).toHaveLength(1)
    const entry = docs[0] as unknown as { actorName: string; detail: string }
    expect(entry.actorName).toBe('admin')
    expect(entry.detail).toMatch(/^文件文字中的个人信息 2 项由管理员放行；原因：历史档案原件，已核对当事人同意公开。；问题：/)
    expect(entry.detail).toContain('139****5678')
    expect(entry.detail).not.toMatch(/\d{5}/)
  })

  it('keeps the reason and the file check from readers: a public read of the document has neither, staff see both', async () => {
    const r = await rest('POST', 'policy-documents', { token: adminToken, form: form(personal, 'public.pdf', PDF, { checksOverride: { reason: '原件如此，已核对。' } }) })
    expect(r.status).toBe(201)
    const anon = await rest('GET', `policy-documents/${r.body.doc.id}`)
    expect(anon.status).toBe(200)
    expect(anon.body.title).toBe('文件 public.pdf')
    expect(anon.body).not.toHaveProperty('checksOverride')
    expect(anon.body).not.toHaveProperty('fileCheck')
    const staff = await rest('GET', `policy-documents/${r.body.doc.id}`, { token: editorToken })
    expect(staff.body.checksOverride.reason).toBe('原件如此，已核对。')
    expect(staff.body.fileCheck).toMatch(/^管理员放行：/)
  })

  it('refuses an editor’s reason: 400 on the reason, and without one 400 on the file as before', async () => {
    const r = await rest('POST', 'policy-documents', { token: editorToken, form: form(personal, 'editor.pdf', PDF, { checksOverride: { reason: '我觉得可以' } }) })
    expect(r.status).toBe(400)
    expect(r.body.errors[0].data.errors).toEqual([
      expect.objectContaining({ path: 'checksOverride.reason', message: '只有管理员可以填写政策文件的放行原因。' }),
    ])
    // Nor may an editor clear or change an admin's reason on a saved document.
    const saved = await rest('POST', 'policy-documents', { token: adminToken, form: form(personal, 'kept.pdf', PDF, { checksOverride: { reason: '原件如此。' } }) })
    expect(saved.status).toBe(201)
    const cleared = await rest('PATCH', `policy-documents/${saved.body.doc.id}`, { token: editorToken, body: { checksOverride: { reason: '' } } })
    expect(cleared.status).toBe(400)
    expect(cleared.body.errors[0].data.errors[0].path).toBe('checksOverride.reason')
    // Saving the document as it is (the same reason, or none sent) is not a change.
    const same = await rest('PATCH', `policy-documents/${saved.body.doc.id}`, { token: editorToken, body: { documentNumber: '街办发〔2026〕1号', checksOverride: { reason: '原件如此。' } } })
    expect(same.status).toBe(200)
    expect(same.body.doc.checksOverride.by).toBe('admin')
  })

  it('records a reason changed without a new file (audited, covering what the first covered) and lets an admin clear it', async () => {
    const saved = await rest('POST', 'policy-documents', { token: adminToken, form: form(personal, 'later.pdf', PDF, { checksOverride: { reason: '原件如此。' } }) })
    expect(saved.status).toBe(201)
    const first = saved.body.doc.checksOverride as { covers: string; at: string }
    const changed = await rest('PATCH', `policy-documents/${saved.body.doc.id}`, { token: adminToken, body: { checksOverride: { reason: '经办公室复核，原件如此。' } } })
    expect(changed.status).toBe(200)
    expect(changed.body.doc.checksOverride).toMatchObject({ reason: '经办公室复核，原件如此。', by: 'admin', covers: first.covers })
    expect(changed.body.doc.fileCheck).toContain('管理员放行')
    const { docs } = await payload.find({
      collection: 'audit-log',
      where: { and: [{ action: { equals: 'checks-override' } }, { targetId: { equals: String(saved.body.doc.id) } }] },
      overrideAccess: true,
      sort: 'createdAt',
      depth: 0,
    })
    expect((docs as unknown as { detail: string }[]).map((d) => d.detail)).toEqual([
      expect.stringMatching(/^文件文字中的个人信息 2 项由管理员放行；原因：原件如此。；/),
      '放行严重问题 2 项；原因：经办公室复核，原件如此。',
    ])
    const cleared = await rest('PATCH', `policy-documents/${saved.body.doc.id}`, { token: adminToken, body: { checksOverride: { reason: '' } } })
    expect(cleared.status).toBe(200)
    expect(cleared.body.doc.checksOverride).toMatchObject({ reason: null, by: null, at: null, covers: null })
  })

  it('covers what the reason was given for: the same file again saves, a new number needs a new reason', async () => {
    const saved = await rest('POST', 'policy-documents', { token: adminToken, form: form(personal, 'cover.pdf', PDF, { checksOverride: { reason: '原件如此。' } }) })
    expect(saved.status).toBe(201)
    const id = saved.body.doc.id
    const replace = (file: Buffer, data: Record<string, unknown> = {}, token = adminToken) => {
      const f = new FormData()
      f.append('file', new Blob([new Uint8Array(file)], { type: PDF }), 'replaced.pdf')
      f.append('_payload', JSON.stringify(data))
      return rest('PATCH', `policy-documents/${id}`, { token, form: f })
    }
    const audits = async () =>
      (
        await payload.find({
          collection: 'audit-log',
          where: { and: [{ action: { equals: 'checks-override' } }, { targetId: { equals: String(id) } }] },
          overrideAccess: true,
          sort: 'createdAt',
          depth: 0,
        })
      ).docs as unknown as { detail: string }[]
    // The same numbers in another layout: covered by the stored reason, audited with it.
    const again = await replace(makePdf([`ID ${ID_NUMBER}`, `Tel ${MOBILE}`]))
    expect(again.status).toBe(200)
    expect((await audits()).map((a) => a.detail)).toEqual([expect.stringContaining('原因：原件如此。'), expect.stringContaining('原因：原件如此。')])
    // An editor may not, even where the admin's reason covers it.
    expect((await replace(personal, {}, editorToken)).status).toBe(400)
    // A number the reason was not given for: refused, naming only that one.
    const OTHER = '13698765432'
    const other = await replace(makePdf([`Tel ${OTHER}`, `ID ${ID_NUMBER}`]))
    expect(other.status).toBe(400)
    const [error] = other.body.errors[0].data.errors
    expect(error.path).toBe('checksOverride.reason')
    expect(error.message).toContain('手机号码“136****5432”')
    expect(error.message).not.toContain('身份证号码')
    // With a new reason it saves, and the new reason covers the new findings.
    const renewed = await replace(makePdf([`Tel ${OTHER}`, `ID ${ID_NUMBER}`]), { checksOverride: { reason: '新版原件，已核对。' } })
    expect(renewed.status).toBe(200)
    expect(renewed.body.doc.checksOverride.reason).toBe('新版原件，已核对。')
    const details = (await audits()).map((a) => a.detail)
    expect(details).toHaveLength(3)
    expect(details[2]).toMatch(/^文件文字中的个人信息 2 项由管理员放行；原因：新版原件，已核对。；问题：/)
  })

  it('accepts a clean PDF and a clean DOCX with no warning, and reads a DOCX’s text', async () => {
    const pdf = await rest('POST', 'policy-documents', { token: editorToken, form: form(makePdf(['Hotline 138 0000 0000']), 'clean.pdf', PDF) })
    expect(pdf.status).toBe(201)
    expect(pdf.body.doc.fileCheck ?? null).toBeNull()
    const docx = await rest('POST', 'policy-documents', { token: editorToken, form: form(fs.readFileSync(path.join(FIXTURES, 'clean.docx')), 'clean.docx', DOCX) })
    expect(docx.status).toBe(201)
    expect(docx.body.doc.fileCheck ?? null).toBeNull()
    const bad = await rest('POST', 'policy-documents', { token: editorToken, form: form(fs.readFileSync(path.join(FIXTURES, 'personal.docx')), 'personal.docx', DOCX) })
    expect(bad.status).toBe(400)
    const said = bad.body.errors[0].data.errors[0].message as string
    expect(said).toContain('姓名“张*明”')
    expect(said).toContain('身份证号码“1101**********002X”')
    // Not in the text around each finding either, not even in part: no run of five digits (masks keep at most four).
    expect(said).not.toContain('张小明')
    expect(said).not.toMatch(/\d{5}/)
  })

  it('sets fileCheck itself: what a request sends for it is dropped, with a file or without', async () => {
    const r = await rest('POST', 'policy-documents', { token: editorToken, body: { title: '只有网址', issuingBody: '某局', officialUrl: 'https://example.org/d/1', fileCheck: '已人工核对' } })
    expect(r.status).toBe(201)
    expect(r.body.doc.fileCheck ?? null).toBeNull()
    const o = await rest('POST', 'policy-documents', { token: editorToken, form: form(OLD_DOC, 'forged.doc', 'application/msword', { fileCheck: '已人工核对' }) })
    expect(o.status).toBe(201)
    expect(o.body.doc.fileCheck).toMatch(/^未检查文件文字/)
    const kept = await rest('PATCH', `policy-documents/${o.body.doc.id}`, { token: editorToken, body: { fileCheck: '已人工核对' } })
    expect(kept.status).toBe(200)
    expect(kept.body.doc.fileCheck).toMatch(/^未检查文件文字/)
  })

  it('reads the first 50 pages of a long PDF: a number on page 2 is found, one on page 51 is not, and the warning says so', async () => {
    const filler = Array.from({ length: 49 }, (_, i) => [`Page ${i + 3}`])
    const early = await rest('POST', 'policy-documents', { token: editorToken, form: form(makePdf(['Page 1'], [[`Tel ${MOBILE}`], ...filler]), 'early.pdf', PDF) })
    expect(early.status).toBe(400)
    const late = makePdf(['Page 1'], [...Array.from({ length: 49 }, (_, i) => [`Page ${i + 2}`]), [`Tel ${MOBILE}`]])
    const r = await rest('POST', 'policy-documents', { token: editorToken, form: form(late, 'late.pdf', PDF) })
    expect(r.status).toBe(201)
    expect(r.body.doc.fileCheck).toBe('只检查了前 50 页（共 51 页），其余页面请人工核对。')
  })

  it('saves a broken PDF, an encrypted PDF and an old .doc with a warning that their text was not checked', async () => {
    // A PDF Payload's upload check accepts but pdf.js cannot read: a catalogue without pages.
    const broken = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\nxref\n0 2\n0000000000 65535 f \n0000000009 00000 n \ntrailer<</Size 2/Root 1 0 R>>\nstartxref\n45\n%%EOF\n')
    const r = await rest('POST', 'policy-documents', { token: editorToken, form: form(broken, 'broken.pdf', PDF) })
    expect(r.status).toBe(201)
    expect(r.body.doc.fileCheck).toMatch(/^未能检查文件文字/)
    // Encrypted (RC4, a user password): pdf.js asks for the password; the text holds a mobile no one can check.
    const encrypted = makePdf([`Tel ${MOBILE}`], [], { user: 'secret', owner: 'owner-secret' })
    const e = await rest('POST', 'policy-documents', { token: editorToken, form: form(encrypted, 'locked.pdf', PDF) })
    expect(e.status).toBe(201)
    expect(e.body.doc.fileCheck).toBe('未能检查文件文字：文件已加密，请人工核对。')
    const d = await rest('POST', 'policy-documents', { token: editorToken, form: form(OLD_DOC, 'notice.doc', 'application/msword') })
    expect(d.status).toBe(201)
    expect(d.body.doc.fileCheck).toBe('未检查文件文字：旧版 Word（.doc）文件不读取，请人工核对其中有无个人信息。')
  })

  it('reads an OFD: a mobile on its second page, split between two text codes, is refused; a clean one saves as an OFD with no warning', async () => {
    const personal = fs.readFileSync(path.join(FIXTURES, 'notice.ofd'))
    const refused = await rest('POST', 'policy-documents', { token: editorToken, form: form(personal, 'notice.ofd', 'application/ofd') })
    expect(refused.status).toBe(400)
    const [error] = refused.body.errors[0].data.errors
    expect(error.path).toBe('file')
    expect(error.message).toContain('手机号码“139****5678”')
    const clean = fs.readFileSync(path.join(FIXTURES, 'clean.ofd'))
    const o = await rest('POST', 'policy-documents', { token: editorToken, form: form(clean, 'clean.ofd', 'application/ofd') })
    expect(o.status).toBe(201)
    expect(o.body.doc.fileCheck ?? null).toBeNull()
    // Stored as what it is, not as the plain zip Payload's sniffing calls it.
    expect(o.body.doc.mimeType).toBe('application/ofd')
  })

  it('refuses a file that is none of PDF, OFD, DOC, DOCX, whatever it is called', async () => {
    const zip = fs.readFileSync(path.join(FIXTURES, 'notice.ofd'))
    const r = await rest('POST', 'policy-documents', { token: editorToken, form: form(zip, 'archive.zip', 'application/zip') })
    expect(r.status).toBe(400)
    expect(r.body.errors[0].data.errors).toEqual([expect.objectContaining({ path: 'file', message: '只能上传 PDF、OFD、Word（.doc、.docx）文件。' })])
  })
})
