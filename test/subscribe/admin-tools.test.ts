import iconv from 'iconv-lite'
import type { Payload } from 'payload'
import QRCode from 'qrcode'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { SubscriberDoc } from '../../src/collections/Subscribers'
import { PASSWORD } from '../support/fixtures'
import { tokenFor } from '../support/http'
import { testPayload } from '../support/payload'
import { Client, inputValue, setUpStreet, startWorld, stopWorld, textOf, type World } from './support'

/**
 * Staff tools: each grid's share kit (link + QR code in PNG and SVG, for the
 * grids the staff member acts for), and the admins' CSV import (every bad
 * row reported by line, column and reason before anything is written; UTF-8
 * and GBK; progress while importing) and export.
 */
let payload: Payload
let w: World
const PUBLIC_URL = process.env.PUBLIC_URL!
const auth: Record<string, Record<string, string>> = {}

beforeAll(async () => {
  payload = await testPayload()
  const street = await setUpStreet(payload)
  w = await startWorld(payload, street)
  for (const who of ['admin', 'editor', 'staffA', 'leaderA'] as const) {
    auth[who] = { authorization: `JWT ${await tokenFor(payload, street[who].email, PASSWORD)}` }
  }
})
afterAll(async () => {
  if (w) await stopWorld(w)
})

const get = (path: string, who?: keyof typeof auth) => fetch(new URL(path, w.site.base), { redirect: 'manual', headers: who ? auth[who] : {} })

describe('share kits', () => {
  it('sends anonymous visitors to the login, and lists the grids each staff member acts for', async () => {
    const anon = await get('/admin-tools/share')
    expect(anon.status).toBe(302)
    expect(anon.headers.get('location')).toBe('/admin/login?redirect=%2Fadmin-tools%2Fshare')
    const codes = async (who: string) => [...(await (await get('/admin-tools/share', who)).text()).matchAll(/href="\/admin-tools\/share\/([^"]+)"/g)].map((m) => m[1])
    expect(await codes('admin')).toEqual(['A-01', 'A-02', 'B-01'])
    expect(await codes('editor')).toEqual(['A-01', 'A-02', 'B-01'])
    expect(await codes('staffA')).toEqual(['A-01', 'A-02'])
    expect(await codes('leaderA')).toEqual(['A-01'])
    expect((await get('/admin-tools/share/B-01', 'leaderA')).status).toBe(403)
    expect((await get('/admin-tools/share/B-01/qr.png', 'staffA')).status).toBe(403)
    expect((await get('/admin-tools/share/ZZ-9', 'admin')).status).toBe(404)
  })

  it('gives the grid’s subscribe link, and QR codes in SVG and PNG that encode exactly that link', async () => {
    const link = `${PUBLIC_URL}/subscribe?grid=A-01`
    const page = await get('/admin-tools/share/A-01', 'leaderA')
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toContain(`href="${link.replace(/&/g, '&amp;')}"`)
    expect(html).toContain('<meta name="robots" content="noindex">')

    const svg = await get('/admin-tools/share/A-01/qr.svg', 'leaderA')
    expect(svg.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8')
    expect(await svg.text()).toBe(await QRCode.toString(link, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 }))

    const png = await get('/admin-tools/share/A-01/qr.png?download=1', 'leaderA')
    expect(png.headers.get('content-type')).toBe('image/png')
    expect(png.headers.get('content-disposition')).toBe('attachment; filename=subscribe-A-01.png')
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

// ---------------------------------------------------------------- import and export

async function upload(file: Buffer, fields: Record<string, string>, who = 'admin', withCsrf = true) {
  const c = new Client(w.site.base)
  const page = await c.get('/admin-tools/subscribers', auth[who])
  const csrf = inputValue(page.html, 'csrf')
  const fd = new FormData()
  if (withCsrf && csrf) fd.append('csrf', csrf)
  for (const [k, v] of Object.entries(fields)) fd.append(k, v)
  fd.append('file', new Blob([new Uint8Array(file)], { type: 'text/csv' }), 'subscribers.csv')
  const res = await fetch(new URL('/admin-tools/subscribers/import', w.site.base), {
    method: 'POST',
    headers: { ...auth[who], cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    body: fd,
  })
  const html = await res.text()
  return { status: res.status, html, text: textOf(html) }
}

/** The problems table as [line, column, reason] rows. */
const problemsOf = (html: string) =>
  [...(html.match(/<table class="data import-problems">[\s\S]*?<\/table>/)?.[0] ?? '').matchAll(/<tr><td>(\d+)<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><\/tr>/g)].map((m) => [
    Number(m[1]),
    textOf(m[2]).trim(),
    textOf(m[3]).trim(),
  ])

const webConsent = (at: string) => ({ purpose: 'content', granted: true, at, textVersion: 'c-test', method: 'web' })

const count = async () => (await payload.count({ collection: 'subscribers', overrideAccess: true })).totalDocs

describe('CSV import', () => {
  it('is for admins only', async () => {
    expect((await get('/admin-tools/subscribers', 'editor')).status).toBe(403)
    expect((await get('/admin-tools/subscribers/export.csv', 'editor')).status).toBe(403)
    expect((await get('/admin-tools/subscribers/export.csv', 'leaderA')).status).toBe(403)
    expect((await get('/admin-tools/subscribers/export.csv')).status).toBe(302)
    const before = await count()
    expect((await upload(Buffer.from('email,grid,consent_at,consent_evidence\r\na@example.org,A-01,2026-10-01,表格\r\n'), { mode: 'import' }, 'editor')).status).toBe(403)
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
      expect(r.text).toContain('发现问题，未写入任何数据')
      expect(problemsOf(r.html)).toEqual([
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

  it('refuses wrong columns and wrong encodings before reading any row', async () => {
    const wrong = await upload(Buffer.from('mail,grid,when,evidence,phone\r\na@example.org,A-01,2026-10-01,x,123\r\n'), { mode: 'dry-run' })
    expect(wrong.status).toBe(422)
    const problems = problemsOf(wrong.html)
    expect(problems.map(([line, field]) => `${line}:${field}`)).toEqual(['1:mail', '1:when', '1:evidence', '1:phone', '1:email', '1:consent_at', '1:consent_evidence'])
    expect(problems[0][2]).toContain('不认识的列“mail”')
    expect(problems[4][2]).toBe('缺少必需的列：email / 邮箱 / 电子邮箱 / 邮箱地址')

    const gbk = iconv.encode('邮箱,网格,同意时间,同意凭证\r\nwu@example.org,A-01,2026-10-01,纸质登记表\r\n', 'gbk')
    const asUtf8 = await upload(gbk, { mode: 'dry-run', encoding: 'utf-8' })
    expect(problemsOf(asUtf8.html)).toEqual([[1, '文件', '文件不是 UTF-8 编码（可能是 GBK）。请选择“GBK”或“自动识别”后重新上传。']])
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('email,grid,consent_at,consent_evidence\r\n')])
    expect(problemsOf((await upload(bom, { mode: 'dry-run', encoding: 'gbk' })).html)[0][2]).toContain('文件带有 UTF-8 标记')
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('email,grid\r\n', 'utf16le')])
    expect(problemsOf((await upload(utf16, { mode: 'dry-run' })).html)[0][2]).toContain('UTF-16')
    const xlsx = Buffer.concat([Buffer.from('PK\u0003\u0004', 'latin1'), Buffer.alloc(64, 1)])
    expect(problemsOf((await upload(xlsx, { mode: 'dry-run' })).html)[0][2]).toContain('这是 Excel 文件')
    expect(problemsOf((await upload(Buffer.from('email,grid,consent_at,consent_evidence\r\n"unclosed,A-01,2026-10-01,x\r\n'), { mode: 'dry-run' })).html)[0][2]).toContain('CSV 格式错误')
    expect((await upload(Buffer.from('email\r\n'), { mode: 'dry-run' }, 'admin', false)).status).toBe(403)
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
    expect(dry.text).toContain('检查完毕：共 122 行（编码 gbk），120 行可以导入，2 行将跳过。未写入任何数据。')
    expect(dry.text).toContain('邮箱已存在（状态：已订阅），不做修改。')
    expect(dry.text).toContain('邮箱已存在（状态：已退订），不做修改。')
    expect(await count()).toBe(before)

    const go = await upload(file, { mode: 'import' })
    expect(go.status).toBe(200)
    expect([...go.html.matchAll(/<p class="import-progress">([^<]+)<\/p>/g)].map((m) => m[1])).toEqual(['已导入 50 / 120', '已导入 100 / 120', '已导入 120 / 120'])
    expect(go.text).toContain('导入完成：新增 120 位订阅者')
    expect(go.html.trimEnd().endsWith('</html>')).toBe(true)
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
    expect(again.text).toContain('正在导入 0 行，跳过 122 行')
    expect(await count()).toBe(before + 120)

    // Each import is in the audit log, by the admin, with its counts; the dry run is not (nothing was written).
    const { docs } = await payload.find({ collection: 'audit-log', where: { action: { equals: 'import' } }, sort: 'createdAt', overrideAccess: true, depth: 0 })
    expect(docs.map((e) => [(e as { detail?: string }).detail, String((e as { actor?: unknown }).actor), (e as { targetCollection?: string }).targetCollection])).toEqual([
      ['新增 120 人，跳过 2 人（文件共 122 行）', String(w.street.admin.id), 'subscribers'],
      ['新增 0 人，跳过 122 人（文件共 122 行）', String(w.street.admin.id), 'subscribers'],
    ])
  })
})

describe('CSV export', () => {
  it('writes every subscriber as UTF-8 with a BOM or as GBK, records the export, and reads back as a file of known addresses', async () => {
    const res = await get('/admin-tools/subscribers/export.csv', 'admin')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename=subscribers-\d{4}-\d{2}-\d{2}\.csv$/)
    const bytes = Buffer.from(await res.arrayBuffer())
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const text = bytes.subarray(3).toString('utf8')
    const lines = text.trimEnd().split('\r\n')
    expect(lines[0]).toBe('email,grid,channels,topics,consent_at,consent_evidence,statistics,status,created_at,confirmed_at,unsubscribed_at,source')
    expect(lines.length - 1).toBe(await count())
    expect(lines.find((l) => l.startsWith('jumin3@example.org,'))).toMatch(
      /^jumin3@example\.org,A-0[12],email,issues;announcements,2026-10-08T06:30:00\.000Z,2026年10月纸质登记表第4页,yes,active,[^,]+,2026-10-08T06:30:00\.000Z,,import$/,
    )
    expect(lines.find((l) => l.startsWith('left@example.org,'))).toContain(',unsubscribed,')

    const gbk = await get('/admin-tools/subscribers/export.csv?encoding=gbk', 'admin')
    expect(gbk.headers.get('content-type')).toBe('text/csv; charset=gbk')
    expect(iconv.decode(Buffer.from(await gbk.arrayBuffer()), 'gbk')).toBe(text)

    const audits = await payload.find({ collection: 'audit-log', where: { action: { equals: 'export' } }, overrideAccess: true })
    expect(audits.docs).toHaveLength(2)
    expect(audits.docs.map((d) => (d as unknown as { targetCollection: string }).targetCollection)).toEqual(['subscribers', 'subscribers'])

    // The export is a valid import file; here every address in it is known, so nothing would be written.
    const back = await upload(bytes, { mode: 'dry-run' })
    expect(problemsOf(back.html)).toEqual([])
    expect(back.status).toBe(200)
    expect(back.text).toContain(`共 ${lines.length - 1} 行（编码 utf-8），0 行可以导入`)
  })

  it('never writes a cell a spreadsheet would run as a formula', async () => {
    await payload.create({
      collection: 'subscribers',
      data: { email: '=cmd@example.org', grid: w.street.gridA1.id, channels: ['email'], topics: ['issues'], status: 'active', source: 'admin' } as never,
      overrideAccess: true,
    })
    const text = await (await get('/admin-tools/subscribers/export.csv', 'admin')).text()
    expect(text).toContain("\n'=cmd@example.org,A-01,email,issues,")
    expect(text).not.toMatch(/(^|\n|,)=/)
  })
})

describe('admin navigation', () => {
  it('links every staff member to the share kits, and only admins to the subscriber import and export', async () => {
    const { renderToStaticMarkup } = await import('react-dom/server')
    const { default: AdminToolsLinks } = await import('../../src/components/AdminToolsLinks')
    const render = (role?: string) =>
      renderToStaticMarkup(AdminToolsLinks({ user: role ? { role } : undefined, i18n: { language: 'zh' } } as never) ?? '')
    expect(render('admin')).toContain('href="/admin-tools/share"')
    expect(render('admin')).toContain('href="/admin-tools/subscribers"')
    expect(render('grid-leader')).toContain('>网格订阅码<')
    expect(render('grid-leader')).not.toContain('/admin-tools/subscribers')
    expect(render()).toBe('')
  })
})
