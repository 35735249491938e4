import { parse } from 'csv-parse/sync'
import iconv from 'iconv-lite'
import type { Payload } from 'payload'

import { type ConsentEntry, SUBSCRIBER_STATUSES, type SubscriberChannel, type SubscriberDoc, type Topic, TOPICS } from '../model/subscribers'
import { type MessageKey, t } from '../i18n/messages'
import { isUniqueViolation } from '../store/claims'
import { csvLine } from '../lib/csv'
import { openMobile } from './phone'
import { streetZone } from '../templates/format'
import {
  checkAddress,
  consentVersion,
  currentConsents,
  gridById,
  gridByCode,
  gridDirectory,
  type GridEntry,
} from './service'

/**
 * Subscribers to and from CSV, for admins: the street office's paper sign-up
 * sheets and earlier mailing lists come in as UTF-8 or GBK (Excel on Chinese
 * Windows saves GBK). Every row is checked before anything is written; the
 * report names line, column and reason in Chinese.
 */
export const MAX_IMPORT_BYTES = 5 * 1024 * 1024
export const MAX_IMPORT_ROWS = 50_000
/** Rows written between two progress reports of an import. */
export const IMPORT_BATCH = 50

export type Encoding = 'auto' | 'utf-8' | 'gbk'
export type RowProblem = { line: number; field: string; reason: string }
export type RowNote = { line: number; email: string; reason: string }
export type ImportRow = {
  line: number
  email: string
  grid: GridEntry
  channels: SubscriberChannel[]
  topics: Topic[]
  consentAt: string
  evidence: string
  statistics: boolean
}
export type ImportPlan = {
  encoding: 'utf-8' | 'gbk' | null
  rows: ImportRow[]
  problems: RowProblem[]
  /** Rows that are fine but will not be written (address known, or unsubscribed in the file). */
  skipped: RowNote[]
  total: number
}

/** Columns by meaning; each accepts its English name (what export writes) and the usual Chinese headings. */
const COLUMNS = {
  email: ['email', '邮箱', '电子邮箱', '邮箱地址'],
  grid: ['grid', '网格', '网格编码', '网格编号'],
  channels: ['channels', '渠道', '接收渠道', '接收方式'],
  topics: ['topics', '栏目', '订阅栏目', '内容'],
  consent_at: ['consent_at', '同意时间'],
  consent_evidence: ['consent_evidence', '同意凭证', '凭证'],
  statistics: ['statistics', '个人阅读统计'],
  // Written by export; read so that an export can be imported elsewhere without resubscribing anyone who left.
  status: ['status', '状态'],
  created_at: ['created_at', '订阅时间'],
  confirmed_at: ['confirmed_at', '确认时间'],
  unsubscribed_at: ['unsubscribed_at', '退订时间'],
  source: ['source', '来源'],
  // Written by export (admins only); never imported: a number is subscribed only by its owner's texted code.
  mobile: ['mobile', '手机号码'],
} as const
type Column = keyof typeof COLUMNS
const REQUIRED: Column[] = ['email', 'grid', 'consent_at', 'consent_evidence']

const CHANNEL_WORDS: Record<string, SubscriberChannel | 'webpush'> = { email: 'email', 电子邮件: 'email', 邮件: 'email', 邮箱: 'email', webpush: 'webpush', 网页推送: 'webpush' }
const TOPIC_WORDS: Record<string, Topic> = {
  issues: 'issues',
  期刊: 'issues',
  events: 'events',
  活动通知: 'events',
  活动: 'events',
  policies: 'policies',
  政策解读: 'policies',
  政策: 'policies',
  announcements: 'announcements',
  本网格公告: 'announcements',
  网格公告: 'announcements',
}
const YES = new Set(['yes', 'y', 'true', '1', '是', '同意'])
const NO = new Set(['', 'no', 'n', 'false', '0', '否', '不同意'])

const msg = (key: MessageKey, vars?: Record<string, string | number>) => t(key, 'zh', vars)

/** Bytes to text: a strict UTF-8 reading, or GBK (read as its superset GB18030); the problems say why not. */
export function decode(bytes: Buffer, encoding: Encoding): { text: string; encoding: 'utf-8' | 'gbk' } | { problem: string } {
  if (bytes.subarray(0, 4).equals(Buffer.from('PK\u0003\u0004', 'latin1'))) return { problem: msg('import.error.excel') }
  if (bytes.subarray(0, 2).equals(Buffer.from([0xff, 0xfe])) || bytes.subarray(0, 2).equals(Buffer.from([0xfe, 0xff]))) return { problem: msg('import.error.utf16') }
  if (bytes.includes(0)) return { problem: msg('import.error.binary') }
  const bom = bytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))
  const utf8 = () => {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bom ? bytes.subarray(3) : bytes)
    } catch {
      return null
    }
  }
  if (encoding === 'utf-8') {
    const text = utf8()
    return text === null ? { problem: msg('import.error.notUtf8') } : { text, encoding: 'utf-8' }
  }
  if (encoding === 'gbk') {
    if (bom) return { problem: msg('import.error.bomNotGbk') }
    return { text: iconv.decode(bytes, 'gb18030'), encoding: 'gbk' }
  }
  const text = utf8()
  if (text !== null) return { text, encoding: 'utf-8' }
  return { text: iconv.decode(bytes, 'gb18030'), encoding: 'gbk' }
}

const split = (cell: string) =>
  cell
    .split(/[;；,，、|\s]+/)
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean)

/** "2026-10-08", "2026/10/8 14:30", "2026-10-08T14:30:00+08:00" → ISO; local times are the street's (TZ). */
function parseWhen(cell: string, now: number): string | null {
  const s = cell.trim()
  if (!s) return null
  let d: Date
  const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(s)
  if (m) {
    const [, y, mo, da, h = '0', mi = '0', se = '0'] = m
    d = zonedDate(Number(y), Number(mo), Number(da), Number(h), Number(mi), Number(se))
    if (d.getUTCFullYear() < 2000) return null
  } else if (/^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:?\d{2})$/.test(s)) {
    d = new Date(s)
  } else return null
  if (Number.isNaN(d.getTime()) || d.getTime() > now + 60_000) return null
  return d.toISOString()
}

/** A wall-clock time in the street's zone as an instant. */
function zonedDate(y: number, mo: number, d: number, h: number, mi: number, s: number): Date {
  const asUtc = Date.UTC(y, mo - 1, d, h, mi, s)
  const probe = new Date(asUtc)
  if (probe.getUTCMonth() !== mo - 1 || probe.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return new Date(NaN)
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: streetZone(), hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(probe)
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value)
  const offset = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - asUtc
  return new Date(asUtc - offset)
}

/**
 * Read and check a whole file. Nothing is written here: the plan says which
 * rows would be created, which are skipped and why, and every problem.
 */
export async function planImport(payload: Payload, bytes: Buffer, encoding: Encoding, now = Date.now()): Promise<ImportPlan> {
  const plan: ImportPlan = { encoding: null, rows: [], problems: [], skipped: [], total: 0 }
  const file = (reason: string) => (plan.problems.push({ line: 1, field: t('import.file'), reason }), plan)
  if (!bytes.length) return file(msg('import.error.empty'))
  if (bytes.length > MAX_IMPORT_BYTES) return file(msg('import.error.tooLarge', { mb: MAX_IMPORT_BYTES / 1024 / 1024 }))
  const decoded = decode(bytes, encoding)
  if ('problem' in decoded) return file(decoded.problem)
  plan.encoding = decoded.encoding

  let records: { record: string[]; info: { lines: number } }[]
  try {
    records = parse(decoded.text, { info: true, relax_column_count: true, skip_empty_lines: true, trim: true }) as never
  } catch (err) {
    const line = (err as { lines?: number }).lines ?? 1
    plan.problems.push({ line, field: t('import.file'), reason: msg('import.error.csv', { detail: (err as Error).message.slice(0, 200) }) })
    return plan
  }
  if (!records.length) return file(msg('import.error.empty'))
  if (records.length - 1 > MAX_IMPORT_ROWS) return file(msg('import.error.tooManyRows', { max: MAX_IMPORT_ROWS }))

  // The header row: every column known, the required ones present, none twice.
  const header = records[0].record
  const columnOf = new Map<Column, number>()
  header.forEach((name, i) => {
    const key = (Object.keys(COLUMNS) as Column[]).find((c) => (COLUMNS[c] as readonly string[]).includes(name.trim().toLowerCase()))
    if (!key) plan.problems.push({ line: records[0].info.lines, field: name || `#${i + 1}`, reason: msg('import.error.unknownColumn', { name, known: REQUIRED.concat(['channels', 'topics', 'statistics']).join(', ') }) })
    else if (columnOf.has(key)) plan.problems.push({ line: records[0].info.lines, field: name, reason: msg('import.error.duplicateColumn', { name }) })
    else columnOf.set(key, i)
  })
  for (const c of REQUIRED) if (!columnOf.has(c)) plan.problems.push({ line: records[0].info.lines, field: c, reason: msg('import.error.missingColumn', { name: COLUMNS[c].join(' / ') }) })
  if (plan.problems.length) return plan

  await gridDirectory(payload)
  const seen = new Map<string, number>()
  const label = (c: Column) => header[columnOf.get(c)!]
  for (const { record, info } of records.slice(1)) {
    const line = info.lines
    plan.total++
    const cell = (c: Column) => (columnOf.has(c) ? (record[columnOf.get(c)!] ?? '').trim() : '')
    const problems: RowProblem[] = []
    const bad = (c: Column, key: MessageKey, vars?: Record<string, string | number>) => problems.push({ line, field: label(c), reason: msg(key, vars) })
    if (record.length !== header.length) problems.push({ line, field: t('import.row'), reason: msg('import.error.columnCount', { got: record.length, want: header.length }) })

    const address = checkAddress(cell('email'))
    if (!address.ok) bad('email', 'import.error.email', { reason: address.message.replace(/^[^:：]+[:：]/, '') })
    else if (seen.has(address.email)) bad('email', 'import.error.duplicateRow', { line: seen.get(address.email)! })

    const code = cell('grid')
    const grid = code ? await gridByCode(payload, code) : null
    if (!code) bad('grid', 'import.error.gridMissing')
    else if (!grid) bad('grid', 'import.error.gridUnknown', { code: code.slice(0, 20) })

    // Push devices cannot come from a file (a browser registers itself): "webpush" beside email is dropped, alone it is refused.
    const channels: SubscriberChannel[] = []
    const words = split(cell('channels') || 'email')
    for (const word of words) {
      const ch = CHANNEL_WORDS[word]
      if (!ch) bad('channels', 'import.error.channelUnknown', { value: word })
      else if (ch !== 'webpush' && !channels.includes(ch)) channels.push(ch)
    }
    if (!channels.length && words.every((w) => CHANNEL_WORDS[w])) bad('channels', 'import.error.pushNotImportable')

    const topics: Topic[] = []
    for (const word of split(cell('topics'))) {
      const tp = TOPIC_WORDS[word]
      if (!tp) bad('topics', 'import.error.topicUnknown', { value: word })
      else if (!topics.includes(tp)) topics.push(tp)
    }

    const consentAt = parseWhen(cell('consent_at'), now)
    if (!cell('consent_at')) bad('consent_at', 'import.error.consentAtMissing')
    else if (!consentAt) bad('consent_at', 'import.error.consentAtInvalid', { value: cell('consent_at').slice(0, 40) })

    const evidence = cell('consent_evidence')
    if (!evidence) bad('consent_evidence', 'import.error.evidenceMissing')
    else if (evidence.length > 200) bad('consent_evidence', 'import.error.evidenceTooLong', { max: 200 })

    const stats = cell('statistics').toLowerCase()
    if (!YES.has(stats) && !NO.has(stats)) bad('statistics', 'import.error.yesNo', { value: stats.slice(0, 20) })

    const status = cell('status').toLowerCase()
    if (status && !(SUBSCRIBER_STATUSES as readonly string[]).includes(status)) bad('status', 'import.error.statusUnknown', { value: status.slice(0, 20) })

    if (problems.length || !address.ok || !grid || !consentAt) {
      plan.problems.push(...problems)
      if (address.ok && !seen.has(address.email)) seen.set(address.email, line)
      continue
    }
    seen.set(address.email, line)
    if (status === 'unsubscribed' || status === 'suppressed') {
      plan.skipped.push({ line, email: address.email, reason: msg('import.skip.leftInFile', { status: t(`status.${status}` as MessageKey) }) })
      continue
    }
    plan.rows.push({ line, email: address.email, grid, channels, topics: topics.length ? topics : [...TOPICS], consentAt, evidence, statistics: YES.has(stats) })
  }

  // Addresses already here are never changed by an import: someone who left stays gone.
  const emails = plan.rows.map((r) => r.email)
  const known = new Map<string, string>()
  for (let i = 0; i < emails.length; i += 500) {
    const { docs } = await payload.find({
      collection: 'subscribers',
      where: { email: { in: emails.slice(i, i + 500) } },
      limit: 0,
      pagination: false,
      depth: 0,
      overrideAccess: true,
      select: { email: true, status: true },
    })
    for (const d of docs as unknown as { email: string; status: string }[]) known.set(d.email, d.status)
  }
  plan.rows = plan.rows.filter((r) => {
    const status = known.get(r.email)
    if (!status) return true
    plan.skipped.push({ line: r.line, email: r.email, reason: msg('import.skip.known', { status: t(`status.${status}` as MessageKey) }) })
    return false
  })
  plan.problems.sort((a, b) => a.line - b.line)
  plan.skipped.sort((a, b) => a.line - b.line)
  return plan
}

/** Write one checked row; false when the address arrived meanwhile (then it is left as it is). */
export async function importRow(payload: Payload, row: ImportRow): Promise<boolean> {
  const consents: ConsentEntry[] = [
    { purpose: 'content', granted: true, at: row.consentAt, textVersion: consentVersion('content'), method: 'import', evidence: row.evidence },
    { purpose: 'statistics', granted: row.statistics, at: row.consentAt, textVersion: consentVersion('statistics'), method: 'import', evidence: row.evidence },
  ]
  try {
    await payload.create({
      collection: 'subscribers',
      data: { email: row.email, grid: row.grid.id, channels: row.channels, topics: row.topics, status: 'active', source: 'import', confirmedAt: row.consentAt, consents } as never,
      overrideAccess: true,
    })
    return true
  } catch (err) {
    if (isUniqueViolation(err)) return false
    throw err
  }
}

// ---------------------------------------------------------------- export

export const EXPORT_COLUMNS = ['email', 'grid', 'channels', 'topics', 'consent_at', 'consent_evidence', 'statistics', 'status', 'created_at', 'confirmed_at', 'unsubscribed_at', 'source', 'mobile'] as const

/** The full number of a subscriber for the admins' export ('' without one; a seal that does not open is marked). */
function mobileOf(s: SubscriberDoc): string {
  if (!s.phone) return ''
  try {
    return openMobile(s.phone)
  } catch {
    return '(?)'
  }
}

/**
 * Rows of every subscriber, a page at a time (admins only: the caller checks,
 * and audits the export). The one place a full mobile number leaves the database.
 */
export async function* exportRows(payload: Payload, pageSize = 500): AsyncGenerator<string> {
  yield csvLine([...EXPORT_COLUMNS])
  for (let page = 1; ; page++) {
    const { docs, hasNextPage } = await payload.find({ collection: 'subscribers', sort: 'createdAt', limit: pageSize, page, depth: 0, overrideAccess: true })
    for (const s of docs as unknown as SubscriberDoc[]) {
      const grid = await gridById(payload, typeof s.grid === 'object' ? s.grid.id : s.grid)
      const consents = currentConsents(s)
      const content = consents.content
      yield csvLine([
        s.email ?? '',
        grid?.code ?? '',
        s.channels.join(';'),
        s.topics.join(';'),
        content?.at ?? '',
        content?.evidence ?? (content ? t(`consentMethod.${content.method}` as MessageKey) : ''),
        consents.statistics?.granted ? 'yes' : 'no',
        s.status,
        s.createdAt ?? '',
        s.confirmedAt ?? '',
        s.unsubscribedAt ?? '',
        s.source ?? '',
        mobileOf(s),
      ])
    }
    if (!hasNextPage) return
  }
}
