import { REST_GET, REST_POST } from '@payloadcms/next/routes'
import iconv from 'iconv-lite'
import type { Payload, PayloadRequest } from 'payload'
import QRCode from 'qrcode'
import { renderToStaticMarkup } from 'react-dom/server'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { isRefusal, subscribeKit, subscribeKits } from '../../src/collections/GridsShare'
import type { SubscriberDoc } from '../../src/collections/Subscribers'
import AdminToolsLinks from '../../src/components/AdminToolsLinks'
import { SubscribeKits } from '../../src/components/ShareKitsSubscribe'
import config from '../../src/payload.config'
import { MAX_IMPORT_BYTES } from '../../src/subscribers/csv'
import { PASSWORD } from '../support/fixtures'
import { tokenFor } from '../support/http'
import { testPayload } from '../support/payload'
import { Client, inputValue, setUpStreet, startWorld, stopWorld, type World } from './support'

/**
 * Staff tools in the Payload admin, behind Payload's own authentication:
 * each grid's subscribe kit (link + QR code in PNG and SVG, for the grids
 * the staff member acts for: the share-kit view and GET
 * /api/grids/:code/share-qr.svg|png), and the admins' CSV import (every bad
 * row reported by line, column and reason before anything is written; UTF-8
 * and GBK; progress while importing: POST /api/subscribers/import) and
 * export (GET /api/subscribers/export.csv). The old /admin-tools addresses
 * redirect to them.
 */
let payload: Payload
let w: World
const PUBLIC_URL = process.env.PUBLIC_URL!
const WHO = ['admin', 'editor', 'staffA', 'leaderA'] as const
type Who = (typeof WHO)[number]
const tokens: Partial<Record<Who, string>> = {}

beforeAll(async () => {
  payload = await testPayload()
  const street = await setUpStreet(payload)
  w = await startWorld(payload, street)
  for (const who of WHO) tokens[who] = await tokenFor(payload, street[who].email, PASSWORD)
})
afterAll(async () => {
  if (w) await stopWorld(w)
})

// ---------------------------------------------------------------- the REST API, as Next calls it

const handlers = { GET: REST_GET(config), POST: REST_POST(config) }

/** One API call through Payload's own route handlers; `who` signs it with that user's JWT. */
async function call(method: keyof typeof handlers, path: string, opts: { who?: Who; headers?: Record<string, string>; form?: FormData } = {}): Promise<Response> {
  const url = new URL(path, 'http://127.0.0.1:3000')
  const slug = url.pathname.replace(/^\/api\//, '').split('/').map(decodeURIComponent)
  const headers = new Headers(opts.headers)
  if (opts.who) headers.set('Authorization', `JWT ${tokens[opts.who]}`)
  return handlers[method](new Request(url, { method, headers, body: opts.form }), { params: Promise.resolve({ slug }) })
}

const messageOf = async (res: Response) => ((await res.json()) as { message: string }).message

/** A Payload request carrying one of the street's users, as the admin view gets it. */
const reqOf = (who: Who | null) => ({ payload, user: who ? w.street[who] : null, context: {} }) as unknown as PayloadRequest

describe('share kits', () => {
  it('lists the grids each staff member acts for in the share-kit view, and refuses anyone else', async () => {
    const codes = async (who: Who) => {
      const kits = await subscribeKits(reqOf(who))
      if (isRefusal(kits)) throw new Error(kits.message)
      const html = renderToStaticMarkup(SubscribeKits({ kits, lang: 'zh', view: '/admin/readership/share' }))
      return [...html.matchAll(/data-grid="([^"]+)"/g)].map((m) => m[1])
    }
    expect(await codes('admin')).toEqual(['A-01', 'A-02', 'B-01'])
    expect(await codes('editor')).toEqual(['A-01', 'A-02', 'B-01'])
    expect(await codes('staffA')).toEqual(['A-01', 'A-02'])
    expect(await codes('leaderA')).toEqual(['A-01'])
    expect(await subscribeKits(reqOf(null))).toEqual({ status: 401, message: '请先登录管理后台。' })
    expect(await subscribeKit(reqOf('leaderA'), 'B-01')).toEqual({ status: 403, message: '网格“B-01”不是您负责的网格。' })
    expect(await subscribeKit(reqOf('admin'), 'ZZ-9')).toEqual({ status: 404, message: '没有编码为“ZZ-9”的网格。' })

    // The QR endpoints apply the same scope.
    const leaderB = await call('GET', '/api/grids/B-01/share-qr.svg', { who: 'leaderA' })
    expect(leaderB.status).toBe(403)
    expect(await messageOf(leaderB)).toBe('网格“B-01”不是您负责的网格。')
    expect((await call('GET', '/api/grids/B-01/share-qr.png', { who: 'staffA' })).status).toBe(403)
    const unknown = await call('GET', '/api/grids/ZZ-9/share-qr.png', { who: 'admin' })
    expect(unknown.status).toBe(404)
    expect(await messageOf(unknown)).toBe('没有编码为“ZZ-9”的网格。')
    const anonymous = await call('GET', '/api/grids/A-01/share-qr.svg')
    expect(anonymous.status).toBe(401)
    expect(await messageOf(anonymous)).toBe('请先登录管理后台。')
  })

  it('gives the grid’s subscribe link, and QR codes in SVG and PNG that encode exactly that link', async () => {
    const link = `${PUBLIC_URL}/subscribe?grid=A-01`
    const kits = await subscribeKits(reqOf('leaderA'))
    if (isRefusal(kits)) throw new Error(kits.message)
    const html = renderToStaticMarkup(SubscribeKits({ kits, lang: 'zh', view: '/admin/readership/share' }))
    expect(html).toContain(`href="${link.replace(/&/g, '&amp;')}"`)
    expect(html).toContain('src="/api/grids/A-01/share-qr.svg"')
    expect(html).toContain('href="/api/grids/A-01/share-qr.png?download=1"')
    expect(html).toContain('href="/api/grids/A-01/share-qr.svg?download=1"')
    expect(html).toContain(`href="${PUBLIC_URL}/grids/A-01/feed.xml"`)

    const svg = await call('GET', '/api/grids/A-01/share-qr.svg', { who: 'leaderA' })
    expect(svg.status).toBe(200)
    expect(svg.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8')
    expect(svg.headers.get('content-disposition')).toBeNull()
    expect(await svg.text()).toBe(await QRCode.toString(link, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 }))

    const png = await call('GET', '/api/grids/A-01/share-qr.png?download=1', { who: 'leaderA' })
    expect(png.headers.get('content-type')).toBe('image/png')
    expect(png.headers.get('content-disposition')).toBe('attachment; filename="subscribe-A-01.png"')
    const bytes = Buffer.from(await png.arrayBuffer())
    const { data, info } = await sharp(bytes).greyscale().raw().toBuffer({ resolveWithObject: true })
    expect([info.width, info.height]).toEqual([1024, 1024])
    // Read the PNG back module by module and compare with the QR code of the link.
    const qr = QRCode.create(link, { errorCorrectionLevel: 'M' })
    const size = qr.modules.size
    const scale = 1024 / (size + 8)
    let mismatches = 0
    for (let r = 0; r < size; r++) {
      for (let c = 0; c < size; c++) {
        const x = Math.floor((c + 4 + 0.5) * scale)
        const y = Math.floor((r + 4 + 0.5) * scale)
        const dark = data[y * info.width + x] < 128
        if (dark !== Boolean(qr.modules.get(r, c))) mismatches++
      }
    }
    expect(mismatches).toBe(0)
    // And the link opens the subscribe page with that grid chosen.
    const target = await new Client(w.site.base).get('/subscribe?grid=A-01')
    expect(inputValue(target.html, 'grid')).toBe('A-01')
  })
})

describe('the old /admin-tools addresses', () => {
  it('redirect permanently to where each tool moved', async () => {
    const moved = async (path: string, method = 'GET') => {
      const res = await fetch(new URL(path, w.site.base), { method, redirect: 'manual' })
      return [res.status, res.headers.get('location')]
    }
    expect(await moved('/admin-tools/share')).toEqual([308, '/admin/readership/share'])
    expect(await moved('/admin-tools/share/A-01')).toEqual([308, '/admin/readership/share?grid=A-01'])
    expect(await moved('/admin-tools/share/A-01/qr.svg')).toEqual([308, '/api/grids/A-01/share-qr.svg'])
    expect(await moved('/admin-tools/share/A-01/qr.png?download=1')).toEqual([308, '/api/grids/A-01/share-qr.png?download=1'])
    expect(await moved('/admin-tools/subscribers')).toEqual([308, '/admin/subscriber-tools'])
    expect(await moved('/admin-tools/subscribers/export.csv?encoding=gbk')).toEqual([308, '/api/subscribers/export.csv?encoding=gbk'])
    expect(await moved('/admin-tools/subscribers/import', 'POST')).toEqual([308, '/api/subscribers/import'])
  })
})

// ---------------------------------------------------------------- import and export

type Report = { summary: string; problems: { line: number; field: string; reason: string }[]; skipped: { line: number; email: string; reason: string }[] }
type Upload = { status: number; type: string; body: (Report & { message?: string; errors?: { field?: string; message: string }[] }) | null; lines: Record<string, any>[] }

function formOf(file: Buffer | null, fields: Record<string, string>): FormData {
  const fd = new FormData()
  for (const [k, v] of Object.entries(fields)) fd.append(k, v)
  if (file) fd.append('file', new Blob([new Uint8Array(file)], { type: 'text/csv' }), 'subscribers.csv')
  return fd
}

/** POST a file to the import; a check answers JSON, an import NDJSON lines (report, progress, outcome). */
async function upload(file: Buffer | null, fields: Record<string, string>, who: Who | null = 'admin', headers: Record<string, string> = {}): Promise<Upload> {
  const res = await call('POST', '/api/subscribers/import', { who: who ?? undefined, headers, form: formOf(file, fields) })
  const type = res.headers.get('content-type') ?? ''
  const text = await res.text()
  if (type.startsWith('application/x-ndjson')) {
    const lines = text.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, any>)
    return { status: res.status, type, body: lines[0].report, lines }
  }
  return { status: res.status, type, body: JSON.parse(text), lines: [] }
}

/** The problems as [line, column, reason] rows. */
const problemsOf = (u: Upload) => (u.body?.problems ?? []).map((p) => [p.line, p.field, p.reason])

const webConsent = (at: string) => ({ purpose: 'content', granted: true, at, textVersion: 'c-test', method: 'web' })

const count = async () => (await payload.count({ collection: 'subscribers', overrideAccess: true })).totalDocs

const ONE_ROW = Buffer.from('email,grid,consent_at,consent_evidence\r\na@example.org,A-01,2026-10-01,表格\r\n')

describe('CSV import', () => {
  it('is for admins only', async () => {
    const refused = await call('GET', '/api/subscribers/export.csv', { who: 'editor' })
    expect(refused.status).toBe(403)
    expect(await messageOf(refused)).toBe('只有管理员可以导入和导出订阅者。')
    expect((await call('GET', '/api/subscribers/export.csv', { who: 'leaderA' })).status).toBe(403)
    expect((await call('GET', '/api/subscribers/export.csv')).status).toBe(401)
    const before = await count()
    const byEditor = await upload(ONE_ROW, { mode: 'import' }, 'editor')
    expect(byEditor.status).toBe(403)
    expect(byEditor.body?.message).toBe('只有管理员可以导入和导出订阅者。')
    expect((await upload(ONE_ROW, { mode: 'import' }, null)).status).toBe(401)
    expect(await count()).toBe(before)
  })

  it('takes the admin’s session cookie only from the admin’s own origin (Payload’s CSRF check)', async () => {
    const cookie = { cookie: `payload-token=${tokens.admin}` }
    const before = await count()
    // Another site's form or script: its Origin is not ours, so the cookie counts for nothing.
    expect((await upload(ONE_ROW, { mode: 'import' }, null, { ...cookie, origin: 'https://evil.example' })).status).toBe(401)
    // A cross-site request without an Origin header.
    expect((await upload(ONE_ROW, { mode: 'import' }, null, { ...cookie, 'sec-fetch-site': 'cross-site' })).status).toBe(401)
    expect((await call('GET', '/api/subscribers/export.csv', { headers: { ...cookie, 'sec-fetch-site': 'cross-site' } })).status).toBe(401)
    expect(await count()).toBe(before)
    // The admin's own page.
    const own = await upload(ONE_ROW, { mode: 'dry-run' }, null, { ...cookie, origin: new URL(PUBLIC_URL).origin })
    expect(own.status).toBe(200)
    expect(own.body?.summary).toContain('1 行可以导入')
    expect(await count()).toBe(before)
  })

  it('reports every bad row with line, column and reason in Chinese, and writes nothing', async () => {
    const csv = [
      'email,grid,consent_at,consent_evidence,topics,channels',
      'good@example.org,A-01,2026-10-01,纸质登记表第1页,期刊,email',
      'not-an-address,A-01,2026-10-01,纸质登记表第2页,,',
      'ok2@example.org,Q-99,2026-10-01,纸质登记表第3页,,',
      'ok3@example.org,A-02,,纸质登记表第4页,,',
      'ok4@example.org,A-02,2099-01-01,纸质登记表第5页,,',
      'ok5@example.org,B-01,2026-10-01,,,',
      'good@example.org,B-01,2026-10-01,纸质登记表第7页,,',
      'ok6@example.org,B-01,2026-10-01,纸质登记表第8页,八卦,',
      'ok7@example.org,B-01,2026-10-01,纸质登记表第9页,,webpush',
      'ok8@example.org,B-01,2026-10-01',
      'ok9@example.org,B-01,2026/13/40,纸质登记表第11页,,',
    ].join('\r\n')
    const before = await count()
    for (const mode of ['dry-run', 'import']) {
      const r = await upload(Buffer.from(csv), { mode })
      expect(r.status).toBe(422)
      expect(r.body?.summary).toContain('发现问题，未写入任何数据')
      expect(problemsOf(r)).toEqual([
        [3, 'email', '邮箱格式不正确，应类似 zhangsan@example.com，请检查是否有空格或漏了“@”。'],
        [4, 'grid', '没有编码为“Q-99”的网格。'],
        [5, 'consent_at', '同意时间为空：没有同意记录的居民不能导入。'],
        [6, 'consent_at', '同意时间“2099-01-01”无法识别或在将来（格式如 2026-10-08 或 2026-10-08 14:30）。'],
        [7, 'consent_evidence', '同意凭证为空：请写明同意的来源（如纸质登记表）。'],
        [8, 'email', '与第 2 行的邮箱重复。'],
        [9, 'topics', '不认识的栏目“八卦”（可用：期刊、活动通知、政策解读、本网格公告）。'],
        [10, 'channels', '网页推送不能导入（需要居民在自己的设备上开启），请填 email。'],
        [11, '整行', '这一行有 3 列，表头有 6 列（可能多了或少了逗号）。'],
        [11, 'consent_evidence', '同意凭证为空：请写明同意的来源（如纸质登记表）。'],
        [12, 'consent_at', '同意时间“2026/13/40”无法识别或在将来（格式如 2026-10-08 或 2026-10-08 14:30）。'],
      ])
    }
    expect(await count()).toBe(before)
  })

  it('refuses wrong columns, wrong encodings, a missing file and a file over the limit before reading any row', async () => {
    const wrong = await upload(Buffer.from('mail,grid,when,evidence,phone\r\na@example.org,A-01,2026-10-01,x,123\r\n'), { mode: 'dry-run' })
    expect(wrong.status).toBe(422)
    const problems = problemsOf(wrong)
    expect(problems.map(([line, field]) => `${line}:${field}`)).toEqual(['1:mail', '1:when', '1:evidence', '1:phone', '1:email', '1:consent_at', '1:consent_evidence'])
    expect(problems[0][2]).toContain('不认识的列“mail”')
    expect(problems[4][2]).toBe('缺少必需的列：email / 邮箱 / 电子邮箱 / 邮箱地址')

    const gbk = iconv.encode('邮箱,网格,同意时间,同意凭证\r\nwu@example.org,A-01,2026-10-01,纸质登记表\r\n', 'gbk')
    const asUtf8 = await upload(gbk, { mode: 'dry-run', encoding: 'utf-8' })
    expect(problemsOf(asUtf8)).toEqual([[1, '文件', '文件不是 UTF-8 编码（可能是 GBK）。请选择“GBK”或“自动识别”后重新上传。']])
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('email,grid,consent_at,consent_evidence\r\n')])
    expect(problemsOf(await upload(bom, { mode: 'dry-run', encoding: 'gbk' }))[0][2]).toContain('文件带有 UTF-8 标记')
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('email,grid\r\n', 'utf16le')])
    expect(problemsOf(await upload(utf16, { mode: 'dry-run' }))[0][2]).toContain('UTF-16')
    const xlsx = Buffer.concat([Buffer.from('PK\u0003\u0004', 'latin1'), Buffer.alloc(64, 1)])
    expect(problemsOf(await upload(xlsx, { mode: 'dry-run' }))[0][2]).toContain('这是 Excel 文件')
    expect(problemsOf(await upload(Buffer.from('email,grid,consent_at,consent_evidence\r\n"unclosed,A-01,2026-10-01,x\r\n'), { mode: 'dry-run' }))[0][2]).toContain('CSV 格式错误')

    const none = await upload(null, { mode: 'dry-run' })
    expect(none.status).toBe(400)
    expect(none.body?.errors).toEqual([{ field: 'file', message: '请选择要上传的 CSV 文件。' }])
    const before = await count()
    const big = Buffer.concat([Buffer.from('email,grid,consent_at,consent_evidence\r\n'), Buffer.alloc(MAX_IMPORT_BYTES, 'a')])
    const tooLarge = await upload(big, { mode: 'import' })
    expect(tooLarge.status).toBe(413)
    expect(tooLarge.body?.errors).toEqual([{ field: 'file', message: '文件超过 5 MB，请分成几个文件上传。' }])
    expect(await count()).toBe(before)
  })

  it('reads a GBK file with Chinese headings, checks it dry, then imports with progress, never touching known or departed addresses', async () => {
    const at = new Date().toISOString()
    await payload.create({
      collection: 'subscribers',
      data: { email: 'known@example.org', grid: w.street.gridB1.id, channels: ['email'], topics: ['events'], status: 'active', source: 'web', consents: [webConsent(at)] } as never,
      overrideAccess: true,
    })
    await payload.create({
      collection: 'subscribers',
      data: { email: 'left@example.org', grid: w.street.gridB1.id, channels: ['email'], topics: ['events'], status: 'unsubscribed', unsubscribedAt: at, source: 'web', consents: [webConsent(at), { ...webConsent(at), granted: false, method: 'link' }] } as never,
      overrideAccess: true,
    })
    const rows = ['邮箱,网格,栏目,同意时间,同意凭证,个人阅读统计']
    for (let i = 0; i < 120; i++) rows.push(`jumin${i}@example.org,${i % 2 ? 'A-01' : 'A-02'},期刊、本网格公告,2026-10-08 14:30,2026年10月纸质登记表第${i + 1}页,${i % 3 ? '否' : '是'}`)
    rows.push('KNOWN@example.org,A-01,,2026-10-08,登记表,否', 'left@example.org,A-01,,2026-10-08,登记表,否')
    const file = iconv.encode(rows.join('\r\n'), 'gbk')

    const before = await count()
    const dry = await upload(file, { mode: 'dry-run', encoding: 'auto' })
    expect(dry.status).toBe(200)
    expect(dry.body?.summary).toBe('检查完毕：共 122 行（编码 gbk），120 行可以导入，2 行将跳过。未写入任何数据。')
    expect(dry.body?.skipped.map((s) => s.reason)).toEqual(['邮箱已存在（状态：已订阅），不做修改。', '邮箱已存在（状态：已退订），不做修改。'])
    expect(await count()).toBe(before)

    const go = await upload(file, { mode: 'import' })
    expect(go.status).toBe(200)
    expect(go.type).toBe('application/x-ndjson; charset=utf-8')
    expect(go.body?.summary).toBe('检查完毕：共 122 行（编码 gbk），正在导入 120 行，跳过 2 行。')
    expect(go.lines.filter((l) => l.progress).map((l) => l.message)).toEqual(['已导入 50 / 120', '已导入 100 / 120', '已导入 120 / 120'])
    expect(go.lines.at(-1)).toMatchObject({ done: { created: 120, lost: 0 } })
    expect(go.lines.at(-1)!.message).toContain('导入完成：新增 120 位订阅者')
    expect(await count()).toBe(before + 120)

    const s = (await payload.find({ collection: 'subscribers', where: { email: { equals: 'jumin3@example.org' } }, overrideAccess: true, depth: 0 })).docs[0] as unknown as SubscriberDoc
    expect(s).toMatchObject({ status: 'active', source: 'import', channels: ['email'], topics: ['issues', 'announcements'] })
    expect(s.consents!.map((c) => [c.purpose, c.granted, c.method, c.evidence, c.at])).toEqual([
      ['content', true, 'import', '2026年10月纸质登记表第4页', '2026-10-08T06:30:00.000Z'],
      ['statistics', true, 'import', '2026年10月纸质登记表第4页', '2026-10-08T06:30:00.000Z'],
    ])
    const left = (await payload.find({ collection: 'subscribers', where: { email: { equals: 'left@example.org' } }, overrideAccess: true, depth: 0 })).docs[0] as unknown as SubscriberDoc
    expect(left.status).toBe('unsubscribed')
    const known = (await payload.find({ collection: 'subscribers', where: { email: { equals: 'known@example.org' } }, overrideAccess: true, depth: 0 })).docs[0] as unknown as SubscriberDoc
    expect(String(known.grid)).toBe(String(w.street.gridB1.id))

    // The same file again: everything is skipped, nothing doubles.
    const again = await upload(file, { mode: 'import' })
    expect(again.body?.summary).toContain('正在导入 0 行，跳过 122 行')
    expect(await count()).toBe(before + 120)

    // Each import is in the audit log, by the admin, with its counts; the dry runs are not (nothing was written).
    const { docs } = await payload.find({ collection: 'audit-log', where: { action: { equals: 'import' } }, sort: 'createdAt', overrideAccess: true, depth: 0 })
    expect(docs.map((e) => [(e as { detail?: string }).detail, String((e as { actor?: unknown }).actor), (e as { targetCollection?: string }).targetCollection])).toEqual([
      ['新增 120 人，跳过 2 人（文件共 122 行）', String(w.street.admin.id), 'subscribers'],
      ['新增 0 人，跳过 122 人（文件共 122 行）', String(w.street.admin.id), 'subscribers'],
    ])
  })
})

describe('CSV export', () => {
  it('writes every subscriber as UTF-8 with a BOM or as GBK, records the export, and reads back as a file of known addresses', async () => {
    const res = await call('GET', '/api/subscribers/export.csv', { who: 'admin' })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="subscribers-\d{4}-\d{2}-\d{2}\.csv"$/)
    const bytes = Buffer.from(await res.arrayBuffer())
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const text = bytes.subarray(3).toString('utf8')
    const lines = text.trimEnd().split('\r\n')
    expect(lines[0]).toBe('email,grid,channels,topics,consent_at,consent_evidence,statistics,status,created_at,confirmed_at,unsubscribed_at,source,mobile')
    expect(lines.length - 1).toBe(await count())
    expect(lines.find((l) => l.startsWith('jumin3@example.org,'))).toMatch(
      /^jumin3@example\.org,A-0[12],email,issues;announcements,2026-10-08T06:30:00\.000Z,2026年10月纸质登记表第4页,yes,active,[^,]+,2026-10-08T06:30:00\.000Z,,import,$/,
    )
    expect(lines.find((l) => l.startsWith('left@example.org,'))).toContain(',unsubscribed,')

    const gbk = await call('GET', '/api/subscribers/export.csv?encoding=gbk', { who: 'admin' })
    expect(gbk.headers.get('content-type')).toBe('text/csv; charset=gbk')
    expect(iconv.decode(Buffer.from(await gbk.arrayBuffer()), 'gbk')).toBe(text)

    const audits = await payload.find({ collection: 'audit-log', where: { action: { equals: 'export' } }, overrideAccess: true, depth: 0 })
    expect(audits.docs).toHaveLength(2)
    expect(audits.docs.map((d) => [(d as unknown as { targetCollection: string }).targetCollection, String((d as { actor?: unknown }).actor)])).toEqual([
      ['subscribers', String(w.street.admin.id)],
      ['subscribers', String(w.street.admin.id)],
    ])

    // The export is a valid import file; here every address in it is known, so nothing would be written.
    const back = await upload(bytes, { mode: 'dry-run' })
    expect(problemsOf(back)).toEqual([])
    expect(back.status).toBe(200)
    expect(back.body?.summary).toContain(`共 ${lines.length - 1} 行（编码 utf-8），0 行可以导入`)
  })

  it('never writes a cell a spreadsheet would run as a formula', async () => {
    await payload.create({
      collection: 'subscribers',
      data: { email: '=cmd@example.org', grid: w.street.gridA1.id, channels: ['email'], topics: ['issues'], status: 'active', source: 'admin' } as never,
      overrideAccess: true,
    })
    const text = await (await call('GET', '/api/subscribers/export.csv', { who: 'admin' })).text()
    expect(text).toContain("\n'=cmd@example.org,A-01,email,issues,")
    expect(text).not.toMatch(/(^|\n|,)=/)
  })
})

describe('admin navigation', () => {
  it('links every staff member to the share kits, and only admins to the subscriber import and export, all in the admin', async () => {
    const render = (role?: string) => renderToStaticMarkup(AdminToolsLinks({ user: role ? { role } : undefined, i18n: { language: 'zh' }, payload } as never) ?? '')
    expect(render('admin')).toContain('href="/admin/readership/share"')
    expect(render('admin')).toContain('href="/admin/subscriber-tools"')
    expect(render('grid-leader')).toContain('href="/admin/readership/share"')
    expect(render('grid-leader')).toContain('>网格订阅码<')
    expect(render('grid-leader')).not.toContain('/admin/subscriber-tools')
    expect(render('editor')).not.toContain('/admin/subscriber-tools')
    expect(render()).toBe('')
    for (const role of ['admin', 'grid-leader']) expect(render(role)).not.toContain('/admin-tools')
  })
})
