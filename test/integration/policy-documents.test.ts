import type { Payload } from 'payload'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { body, PASSWORD, smallStreet, type Id } from '../support/fixtures'
import { rest, tokenFor } from '../support/http'
import { testPayload } from '../support/payload'
import { startSite, type Site } from '../site/support'

/**
 * Policy explainers and the documents they explain, linked both ways (issue
 * 16): an explainer cites its document's issuing body, number and address; the
 * document's page lists its published explainers; a document needs its file
 * or its official address; a document in use cannot be deleted; the report
 * names explainers without a document and documents without an explainer.
 */
let payload: Payload
let street: Awaited<ReturnType<typeof smallStreet>>
let site: Site
let editorToken: string
let leaderToken: string

type Doc = { id: Id; title: string; issuingBody?: string; documentNumber?: string | null; sourceUrl?: string | null }

const createDocument = (data: Record<string, unknown>) =>
  payload.create({ collection: 'policy-documents', data: data as never, overrideAccess: true }) as unknown as Promise<Doc>

const createExplainer = (data: Record<string, unknown>) =>
  payload.create({
    collection: 'policies',
    data: { summary: '一句话说明。', body: body('解读正文。'), _status: 'published', ...data } as never,
    overrideAccess: true,
  }) as unknown as Promise<Doc>

beforeAll(async () => {
  payload = await testPayload()
  street = await smallStreet(payload)
  site = await startSite(payload)
  editorToken = await tokenFor(payload, street.editor.email, PASSWORD)
  leaderToken = await tokenFor(payload, street.leaderA.email, PASSWORD)
})
afterAll(async () => {
  await site?.close()
})

describe('policy documents and their explainers', () => {
  let document: Doc
  let explainer: Doc

  it('refuses a document with neither a file nor an official address, naming the field in Chinese', async () => {
    const r = await rest('POST', 'policy-documents', { token: editorToken, body: { title: '无处可查的文件', issuingBody: '某局' } })
    expect(r.status).toBe(400)
    expect(r.body.errors[0].data.errors).toEqual([expect.objectContaining({ path: 'officialUrl', message: '请上传文件或填写官方网址（至少一项）。' })])
    const bad = await rest('POST', 'policy-documents', { token: editorToken, body: { title: '文件', issuingBody: '某局', officialUrl: 'javascript:alert(1)' } })
    expect(bad.status).toBe(400)
    expect(JSON.stringify(bad.body)).toContain('officialUrl')
    expect(await payload.count({ collection: 'policy-documents' })).toMatchObject({ totalDocs: 0 })
  })

  it('lets an editor register a document through REST, and a grid leader not', async () => {
    const data = { title: '关于做好居民医保参保缴费工作的通知', issuingBody: '市医疗保障局', documentNumber: '明医保〔2026〕12号', issuedDate: '2026-11-01T00:00:00.000Z', officialUrl: 'https://example.org/doc/12' }
    expect((await rest('POST', 'policy-documents', { token: leaderToken, body: data })).status).toBe(403)
    const r = await rest('POST', 'policy-documents', { token: editorToken, body: data })
    expect(r.status).toBe(201)
    document = r.body.doc
    expect(document.title).toBe(data.title)
  })

  it('an explainer linked to it cites the document: issuing body, number and address come from the record', async () => {
    explainer = await createExplainer({ title: '医保缴费指南', document: document.id, issuingBody: '写错的机关', documentNumber: '错号' })
    expect(explainer).toMatchObject({ issuingBody: '市医疗保障局', documentNumber: '明医保〔2026〕12号', sourceUrl: 'https://example.org/doc/12' })
  })

  it('the explainer page links to the document, and the document page lists its published explainers', async () => {
    const policyHtml = await (await site.get(`/policies/${explainer.id}`)).text()
    expect(policyHtml).toContain(`href="/documents/${document.id}"`)
    expect(policyHtml).toContain('关于做好居民医保参保缴费工作的通知')
    const draft = await payload.create({
      collection: 'policies',
      data: { title: '尚未发布的解读', document: document.id, summary: '草稿', body: body('草稿'), _status: 'draft' } as never,
      overrideAccess: true,
      draft: true,
    })
    const res = await site.get(`/documents/${document.id}`)
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain('<h1>关于做好居民医保参保缴费工作的通知</h1>')
    expect(html).toContain('明医保〔2026〕12号')
    expect(html).toContain(`href="/policies/${explainer.id}"`)
    expect(html).toContain('https://example.org/doc/12')
    expect(html).not.toContain('尚未发布的解读')
    await payload.delete({ collection: 'policies', id: draft.id, overrideAccess: true })
  })

  it('takes the document as an uploaded PDF instead of an address, and the page offers the file', async () => {
    // The smallest PDF Payload's upload check accepts: header, an object, the cross-reference table, EOF.
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\nxref\n0 2\n0000000000 65535 f \n0000000009 00000 n \ntrailer<</Size 2/Root 1 0 R>>\nstartxref\n45\n%%EOF\n')
    const withFile = (await payload.create({
      collection: 'policy-documents',
      data: { title: '上传的文件', issuingBody: '区政府办公室' } as never,
      file: { data: pdf, mimetype: 'application/pdf', name: 'notice.pdf', size: pdf.length },
      overrideAccess: true,
    })) as unknown as Doc & { url: string; filename: string }
    expect(withFile.filename).toMatch(/\.pdf$/)
    const html = await (await site.get(`/documents/${withFile.id}`)).text()
    expect(html).toContain(`href="${withFile.url}" download`)
    await payload.delete({ collection: 'policy-documents', id: withFile.id, overrideAccess: true })
  })

  it('answers an unknown or malformed document with 404', async () => {
    expect((await site.get('/documents/abc')).status).toBe(404)
    const unknown = payload.db.defaultIDType === 'number' ? '999999' : 'ffffffffffffffffffffffff'
    expect((await site.get(`/documents/${unknown}`)).status).toBe(404)
  })

  it('refuses to delete a document an explainer links to (409, naming the explainers)', async () => {
    const r = await rest('DELETE', `policy-documents/${document.id}`, { token: editorToken })
    expect(r.status).toBe(409)
    expect(JSON.stringify(r.body)).toContain('政策解读 1')
    // The editor is told which explainers cite it.
    expect(r.body.errors[0].message).toBe('仍有内容关联到它，不能删除：政策解读 1（《医保缴费指南》）。请先修改或移走这些内容。')
    expect(await payload.count({ collection: 'policy-documents', where: { id: { equals: document.id } } })).toMatchObject({ totalDocs: 1 })
  })

  it('the report lists explainers without a document and documents without an explainer, to editors only', async () => {
    const orphanExplainer = await createExplainer({ title: '没有关联文件的解读', issuingBody: '区民政局' })
    const lonely = await createDocument({ title: '还没有解读的文件', issuingBody: '区住建局', officialUrl: 'https://example.org/doc/9' })
    const forbidden = await rest('GET', 'policy-documents/links-report', { token: leaderToken })
    expect(forbidden.status).toBe(403)
    expect(forbidden.body.errors[0].message).toContain('只有编辑和管理员')
    expect((await rest('GET', 'policy-documents/links-report')).status).toBe(403)
    const r = await rest('GET', 'policy-documents/links-report', { token: editorToken })
    expect(r.status).toBe(200)
    const titles = (rows: { title: string }[]) => rows.map((x) => x.title)
    expect(titles(r.body.explainersWithoutDocument)).toEqual(['没有关联文件的解读'])
    expect(r.body.explainersWithoutDocument[0]).toMatchObject({ status: 'published' })
    expect(titles(r.body.documentsWithoutExplainer)).toEqual(['还没有解读的文件'])

    // Linking both removes both from the report.
    await payload.update({ collection: 'policies', id: orphanExplainer.id, data: { document: lonely.id } as never, overrideAccess: true })
    const after = await rest('GET', 'policy-documents/links-report', { token: editorToken })
    expect(after.body).toEqual({ explainersWithoutDocument: [], documentsWithoutExplainer: [] })
  })
})

describe('a changed document refreshes the citation copied into its explainers', () => {
  it('issuing body, number and address follow the document in the published explainer and in its latest draft, without a review or a new publication', async () => {
    const document = await createDocument({ title: '关于调整养老服务补贴标准的通知', issuingBody: '区民政局', documentNumber: '民〔2026〕3号', officialUrl: 'https://example.org/doc/3' })
    const explainer = await createExplainer({ title: '养老服务补贴怎么领', document: document.id })
    const other = await createExplainer({ title: '与该文件无关的解读', issuingBody: '区人社局', documentNumber: '人社〔2026〕1号' })
    // A correction saved as a draft over the published explainer: the admin edits that version.
    await payload.update({ collection: 'policies', id: explainer.id, data: { summary: '草稿里改过的说明。' } as never, draft: true, overrideAccess: true })
    const published = async (id: Id) => (await payload.findByID({ collection: 'policies', id, depth: 0, overrideAccess: true })) as unknown as Doc & { _status: string; summary: string }
    const latest = async (id: Id) => (await payload.findByID({ collection: 'policies', id, depth: 0, draft: true, overrideAccess: true })) as unknown as Doc & { summary: string }
    const before = await published(explainer.id)

    const r = await rest('PATCH', `policy-documents/${document.id}`, {
      token: editorToken,
      body: { issuingBody: '区民政局（区养老服务中心）', documentNumber: '民〔2026〕3号（修订）', officialUrl: 'https://example.org/doc/3-rev' },
    })
    expect(r.status, JSON.stringify(r.body)).toBe(200)
    const citation = { issuingBody: '区民政局（区养老服务中心）', documentNumber: '民〔2026〕3号（修订）', sourceUrl: 'https://example.org/doc/3-rev' }
    const after = await published(explainer.id)
    expect(after).toMatchObject({ ...citation, _status: 'published', title: '养老服务补贴怎么领', summary: before.summary })
    expect(await latest(explainer.id)).toMatchObject({ ...citation, summary: '草稿里改过的说明。' })
    // The explainer's page shows the new citation.
    const page = await site.get(`/policies/${explainer.id}`)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('民〔2026〕3号（修订）')
    // An explainer of another document is left alone.
    expect(await published(other.id)).toMatchObject({ issuingBody: '区人社局', documentNumber: '人社〔2026〕1号' })
    await payload.delete({ collection: 'policies', where: { id: { in: [explainer.id, other.id] } }, overrideAccess: true })
    await payload.delete({ collection: 'policy-documents', id: document.id, overrideAccess: true })
  })

  it('is audited: who changed which document, and which explainers were refreshed; a change that leaves the citation alone is not', async () => {
    const document = await createDocument({ title: '关于社区停车管理的通知', issuingBody: '区住建局', documentNumber: '住建〔2026〕7号', officialUrl: 'https://example.org/doc/7' })
    const first = await createExplainer({ title: '停车位怎么申请', document: document.id })
    const second = await createExplainer({ title: '停车收费怎么算', document: document.id })
    const other = await createExplainer({ title: '与停车无关的解读', issuingBody: '区人社局' })
    const entries = async () =>
      (
        await payload.find({
          collection: 'audit-log',
          where: { and: [{ action: { equals: 'citation-refresh' } }, { targetId: { equals: String(document.id) } }] },
          depth: 0,
          overrideAccess: true,
        })
      ).docs as unknown as { actor: Id; actorName: string; targetCollection: string; targetTitle: string; detail: string }[]

    // Only the title changes: no explainer's citation changes, nothing to audit.
    const retitled = await rest('PATCH', `policy-documents/${document.id}`, { token: editorToken, body: { title: '关于社区停车管理的通知（修订）' } })
    expect(retitled.status, JSON.stringify(retitled.body)).toBe(200)
    expect(await entries()).toHaveLength(0)

    const r = await rest('PATCH', `policy-documents/${document.id}`, { token: editorToken, body: { documentNumber: '住建〔2026〕8号' } })
    expect(r.status, JSON.stringify(r.body)).toBe(200)
    const logged = await entries()
    expect(logged).toHaveLength(1)
    expect(logged[0]).toMatchObject({ actor: street.editor.id, targetCollection: 'policy-documents', targetTitle: '关于社区停车管理的通知（修订）' })
    expect(logged[0].detail).toContain('已更新 2 篇解读')
    expect(logged[0].detail).toContain(`《停车位怎么申请》（编号 ${first.id}）`)
    expect(logged[0].detail).toContain(`《停车收费怎么算》（编号 ${second.id}）`)
    expect(logged[0].detail).not.toContain('与停车无关的解读')
    await payload.delete({ collection: 'policies', where: { id: { in: [first.id, second.id, other.id] } }, overrideAccess: true })
    await payload.delete({ collection: 'policy-documents', id: document.id, overrideAccess: true })
  })
})
