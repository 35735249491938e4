import { describe, expect, it } from 'vitest'

import { findingMessage, runChecks, type InternalTarget, type LinkResult, type TargetState } from '../../src/checks/index'
import { targetOfUrl } from '../../src/checks/links/internal'
import { doc, link, p } from '../../src/seed/lexical'
import { paths } from '../../src/templates/paths'

/** The dead-link detector without a database: what is known of the targets comes in settings.links. */

const PUBLIC = 'https://news.example.org'

describe('targetOfUrl: the content page a link shows, read back from src/templates/paths.ts', () => {
  const cases: [url: string, target: InternalTarget | null][] = [
    [paths.issue(12), { collection: 'issues', key: 'number', value: '12' }],
    [paths.event(3), { collection: 'events', key: 'id', value: '3' }],
    [paths.policy('65a0c0ffee00000000000001'), { collection: 'policies', key: 'id', value: '65a0c0ffee00000000000001' }],
    [paths.announcement(7), { collection: 'announcements', key: 'id', value: '7' }],
    [paths.grid('XB-01'), { collection: 'grids', key: 'code', value: 'XB-01' }],
    [paths.grid('西北 01'), { collection: 'grids', key: 'code', value: '西北 01' }],
    ['/policies/5/', { collection: 'policies', key: 'id', value: '5' }],
    ['/policies/5?from=wechat#qa', { collection: 'policies', key: 'id', value: '5' }],
    [`${PUBLIC}/events/9`, { collection: 'events', key: 'id', value: '9' }],
    [`${PUBLIC}/issues/2?x=1`, { collection: 'issues', key: 'number', value: '2' }],
    // Not a content page, or not this site.
    [paths.home(), null],
    [paths.policies(), null],
    [paths.subscribe(), null],
    ['/policies/5/print', null],
    ['https://other.example.org/policies/5', null],
    ['//news.example.org/policies/5', null],
    ['#top', null],
    ['/grids/%E0%A4%A', null],
  ]
  it.each(cases)('%s → %o', (url, target) => {
    expect(targetOfUrl(url, PUBLIC)).toEqual(target)
  })

  it('honours a PUBLIC_URL with a path', () => {
    expect(targetOfUrl('https://gov.example.org/news/policies/4', 'https://gov.example.org/news')).toEqual({ collection: 'policies', key: 'id', value: '4' })
    expect(targetOfUrl('https://gov.example.org/policies/4', 'https://gov.example.org/news')).toBeNull()
  })
})

describe('detectDeadLinks through runChecks', () => {
  const states: Record<string, TargetState> = { 'policies|id|1': 'published', 'policies|id|2': 'draft', 'events|id|3': 'withdrawn', 'issues|number|4': 'missing' }
  const internal = (t: InternalTarget) => states[`${t.collection}|${t.key}|${t.value}`]
  const externals: Record<string, LinkResult> = {
    'https://gone.example.org/a': { ok: false, reason: 'not-found', status: 404 },
    'https://fine.example.org/b': { ok: true, reason: 'ok', status: 200 },
  }
  const external = (url: string) => externals[url]

  const announcement = {
    title: '通知',
    summary: `详见 ${PUBLIC}/policies/2 。`,
    body: doc(
      p('政策见', link('/policies/1', '已发布政策'), '和', link('/policies/2', '草稿政策'), '。'),
      p('活动', link(`${PUBLIC}/events/3`, '已撤回活动'), '，往期', link('/issues/4', '第四期'), '。'),
      p('外部', link('https://gone.example.org/a', '失效页面'), '与', link('https://fine.example.org/b', '正常页面'), '。'),
      { type: 'paragraph', children: [{ type: 'link', fields: { linkType: 'internal', doc: { relationTo: 'policies', value: 2 } }, children: [{ type: 'text', text: '内部草稿' }] }] },
    ),
  }

  it('without link states nothing is judged', () => {
    expect(runChecks(announcement, { collection: 'announcements', settings: { publicUrl: PUBLIC } }).filter((f) => f.kind === 'dead-link')).toEqual([])
  })

  it('names the field, the link and why, as warnings; a published target and a live external link pass', () => {
    const found = runChecks(announcement, { collection: 'announcements', settings: { publicUrl: PUBLIC, links: { internal, external } } }).filter((f) => f.kind === 'dead-link')
    expect(found.map((f) => [f.path, f.match, f.message, f.severity])).toEqual([
      ['summary', `${PUBLIC}/policies/2`, 'check.msg.deadLink.draft', 'warning'],
      ['body', '内部草稿', 'check.msg.deadLink.draft', 'warning'],
      ['body', '/policies/2', 'check.msg.deadLink.draft', 'warning'],
      ['body', `${PUBLIC}/events/3`, 'check.msg.deadLink.withdrawn', 'warning'],
      ['body', '/issues/4', 'check.msg.deadLink.missing', 'warning'],
      ['body', 'https://gone.example.org/a', 'check.msg.deadLink.not-found', 'warning'],
    ])
    const gone = found.find((f) => f.match.startsWith('https://gone'))!
    expect(findingMessage(gone)).toBe('外部链接打不开：页面不存在（404）。请核对网址，或删除链接。')
    // The span points at the link's stored URL, so the sidebar can show where it is.
    expect(gone.spans).toEqual([{ node: [2, 1], source: 'url', from: 0, to: 26, text: 'https://gone.example.org/a' }])
  })

  it('internal links are judged without external results, and the other way round', () => {
    const onlyInternal = runChecks(announcement, { collection: 'announcements', settings: { publicUrl: PUBLIC, links: { internal } } })
    expect(onlyInternal.filter((f) => f.kind === 'dead-link')).toHaveLength(5)
    const onlyExternal = runChecks(announcement, { collection: 'announcements', settings: { publicUrl: PUBLIC, links: { external } } })
    expect(onlyExternal.filter((f) => f.kind === 'dead-link').map((f) => f.match)).toEqual(['https://gone.example.org/a'])
  })
})
