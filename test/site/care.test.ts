import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { peek } from '../../src/site/cache'
import { pageKey } from '../../src/site/cachedPages'
import { NORMAL_MODES, readerModes } from '../../src/site/modes'
import { doc, link, p } from '../../src/seed/lexical'
import { body, smallStreet } from '../support/fixtures'
import { testPayload } from '../support/payload'
import { type Site, startSite } from './support'

type Id = string | number
type Payload = Awaited<ReturnType<typeof testPayload>>

const CARE = { headers: { Cookie: 'sn_care=1' } }
const BOTH = { headers: { Cookie: 'sn_text=large; sn_care=1' } }

/** Care mode (关怀模式) and the page features of the MIIT elder-friendly rules: cookie, switch, cache key, tel: links, dates, structure. */
describe('care mode and readable pages', () => {
  let payload: Payload
  let site: Site
  let street: Awaited<ReturnType<typeof smallStreet>>
  let issueNumber: number
  let eventId: Id
  let policyId: Id
  let noticeId: Id

  const create = async (collection: string, data: Record<string, unknown>) =>
    (await payload.create({ collection: collection as never, data: data as never, overrideAccess: true })) as unknown as { id: Id; number: number }
  const html = async (path: string, init?: RequestInit) => {
    const res = await site.get(path, init)
    return { res, text: await res.text() }
  }

  beforeAll(async () => {
    payload = await testPayload()
    street = await smallStreet(payload)
    await payload.updateGlobal({
      slug: 'site-settings',
      data: { streetName: '关怀街道', periodicalName: '关怀周刊', hotline: '0598-1234567', footerText: '关怀街道办事处 主办，值班电话 0598-7654321' },
      overrideAccess: true,
    })
    issueNumber = (await create('issues', { title: '关怀一期', _status: 'published', articles: [{ title: '第一篇', body: body('正文。') }] })).number
    eventId = (
      await create('events', {
        title: '义诊活动',
        startsAt: '2026-12-10T01:00:00.000Z',
        location: '社区卫生服务站',
        wholeStreet: true,
        signup: '报名请致电 138 0000 0000',
        body: body('2026-12-10 上午举行。'),
        _status: 'published',
      })
    ).id
    policyId = (await create('policies', { title: '养老补贴', issuingBody: '区民政局', summary: '咨询电话 0571-8888 1234。', body: body('正文'), _status: 'published' })).id
    noticeId = (
      await create('announcements', {
        title: '停水通知',
        grids: [street.gridA1.id],
        body: doc(
          p('停水期间如有困难请拨打 138 0000 0000 或 0571-8888 1234，2026-12-06 恢复供水。也可拨打12345。'),
          p('详见', link('https://example.org/notice/13800000000', '通知原文'), '，编号 350102199001011234。'),
        ),
        _status: 'published',
      })
    ).id
    site = await startSite(payload)
  })

  afterAll(async () => {
    await site?.close()
  })

  describe('the switch, without JavaScript', () => {
    it('sets a cookie for a year and goes back to the page; on=0 clears it', async () => {
      const res = await site.get(`/care-mode?on=1&back=${encodeURIComponent(`/issues/${issueNumber}`)}`)
      expect(res.status).toBe(303)
      expect(res.headers.get('location')).toBe(`/issues/${issueNumber}`)
      expect(res.headers.get('set-cookie')).toMatch(/^sn_care=1; Path=\/; Max-Age=31536000; SameSite=Lax; HttpOnly$/)
      expect(res.headers.get('cache-control')).toBe('no-store')
      for (const off of ['/care-mode?on=0&back=/', '/care-mode?back=/', '/care-mode?on=yes&back=/']) {
        const cleared = await site.get(off)
        expect(cleared.status, off).toBe(303)
        expect(cleared.headers.get('set-cookie'), off).toMatch(/^sn_care=; Path=\/; Max-Age=0; SameSite=Lax; HttpOnly$/)
      }
    })

    it('never redirects off the site', async () => {
      const targets = [
        'https://evil.example/',
        'http://evil.example',
        '//evil.example',
        '//evil.example/path',
        '/\\evil.example',
        '\\\\evil.example',
        '/\t/evil.example',
        'javascript:alert(1)',
        '/%0d%0aSet-Cookie:x=1',
        '/\r\nSet-Cookie: x=1',
        'evil.example',
        `/${'a'.repeat(600)}`,
        '',
      ]
      for (const target of targets) {
        const res = await site.get(`/care-mode?on=1&back=${encodeURIComponent(target)}`)
        expect(res.status, target).toBe(303)
        const location = res.headers.get('location') ?? ''
        expect(location, target).toMatch(/^\/(?![/\\])/)
        expect(new URL(location, site.base).origin, target).toBe(site.base)
        expect(location, target).not.toContain('evil')
        expect(res.headers.get('set-cookie'), target).toMatch(/^sn_care=1;/)
      }
      // A repeated parameter is not a path either.
      const twice = await site.get('/care-mode?on=1&back=/issues&back=//evil.example')
      expect(twice.headers.get('location')).toBe('/')
      // A path with its own query string is a way back.
      const query = await site.get(`/care-mode?on=1&back=${encodeURIComponent('/subscribe?grid=A-01')}`)
      expect(query.headers.get('location')).toBe('/subscribe?grid=A-01')
    })

    it('reads only its own cookie value', () => {
      expect(readerModes('sn_care=1')).toEqual({ largeText: false, care: true })
      expect(readerModes('a=1; sn_care=1; sn_text=large')).toEqual({ largeText: true, care: true })
      for (const header of ['sn_care=0', 'sn_care=11', 'xsn_care=1', 'sn_care=', 'sn_care_x=1', undefined]) expect(readerModes(header), String(header)).toEqual(NORMAL_MODES)
    })
  })

  describe('pages in care mode', () => {
    it('render with the care class and stylesheet, and a way out in the header', async () => {
      const normal = await html('/')
      const care = await html('/', CARE)
      expect(normal.text).toContain('<html lang="zh-CN">')
      expect(normal.text).not.toContain('/css/care.css')
      expect(normal.text).toContain('<a class="mode-switch care-switch" href="/care-mode?on=1&amp;back=%2F" rel="nofollow">关怀模式</a>')
      // The home page's first screen: the entry right after the (hidden) heading, before any content.
      expect(normal.text).toMatch(/<main id="main" class="wrap"><h1 class="vh">关怀周刊<\/h1><p class="care-entry"><a class="button" href="\/care-mode\?on=1&amp;back=%2F"/)

      expect(care.text).toContain('<html lang="zh-CN" class="care">')
      expect(care.text).toMatch(/<link rel="stylesheet" href="\/css\/site\.css\?v=\w+"><link rel="stylesheet" href="\/css\/care\.css\?v=\w+">/)
      expect(care.text).toContain('<a class="mode-switch care-switch" href="/care-mode?on=0&amp;back=%2F" rel="nofollow">退出关怀模式</a>')
      expect(care.text).not.toContain('class="care-entry"')
      expect(care.res.headers.get('vary')).toBe('Cookie')
      expect(care.res.headers.get('etag')).not.toBe(normal.res.headers.get('etag'))

      const both = await html(`/issues/${issueNumber}`, BOTH)
      expect(both.text).toContain('<html lang="zh-CN" class="lt care">')
      const css = await site.get(care.text.match(/href="(\/css\/care\.css\?v=\w+)"/)![1])
      expect(css.status).toBe(200)
      expect(await css.text()).toContain('html.care')
    })

    it('are cached apart from normal pages, in the router and in the fast path before it', async () => {
      const path = `/events/${eventId}`
      const modes = [NORMAL_MODES, { largeText: true, care: false }, { largeText: false, care: true }, { largeText: true, care: true }]
      expect(new Set(modes.map((m) => pageKey(path, m))).size).toBe(4)
      const cookies = ['', 'sn_text=large', 'sn_care=1', 'sn_text=large; sn_care=1']
      const classes = ['<html lang="zh-CN">', '<html lang="zh-CN" class="lt">', '<html lang="zh-CN" class="care">', '<html lang="zh-CN" class="lt care">']
      // Twice round: the first renders (and caches), the second is answered from the cache.
      for (let round = 0; round < 2; round++) {
        for (const [i, cookie] of cookies.entries()) {
          const { res, text } = await html(path, cookie ? { headers: { Cookie: cookie } } : undefined)
          expect(res.status).toBe(200)
          expect(text, `${round}:${cookie}`).toContain(classes[i])
        }
      }
      for (const [i, m] of modes.entries()) {
        const cachedPage = peek<{ body: Buffer }>(pageKey(path, m))
        expect(cachedPage, JSON.stringify(m)).toBeDefined()
        expect(cachedPage!.body.toString('utf8')).toContain(classes[i])
      }
    })
  })

  describe('read aloud', () => {
    it('is on every reading page, hidden until the script finds speech, and the only script there', async () => {
      for (const path of [`/issues/${issueNumber}`, `/events/${eventId}`, `/policies/${policyId}`, `/announcements/${noticeId}`]) {
        for (const init of [undefined, CARE]) {
          const { text } = await html(path, init)
          expect(text, path).toContain('<p class="speak-bar" hidden><button type="button" class="button secondary" id="speak" data-pause="暂停朗读" data-resume="继续朗读">朗读</button></p>')
          expect([...text.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]), path).toEqual(['<script src="/js/speak.js" defer>'])
          // Inside the article, right after its title.
          expect(text, path).toMatch(/<article[^>]*>[\s\S]*<\/h1><p class="speak-bar"/)
        }
      }
      for (const path of ['/', '/issues', '/events', '/policies', '/grids', '/grids/A-01', '/events/0']) {
        const { text } = await html(path)
        expect(text, path).not.toContain('<script')
        expect(text, path).not.toContain('id="speak"')
      }
      const script = await site.get('/js/speak.js')
      expect(script.status).toBe(200)
      const source = await script.text()
      expect(Buffer.byteLength(source)).toBeLessThanOrEqual(3 * 1024)
      expect(source).toContain("'zh-CN'")
    })
  })

  describe('numbers to call and dates', () => {
    it('links the numbers in content and in the settings, spells dates in Chinese, leaves URLs and ids alone', async () => {
      const { text } = await html(`/announcements/${noticeId}`)
      expect(text).toContain(
        '<p>停水期间如有困难请拨打 <a href="tel:13800000000">138 0000 0000</a> 或 <a href="tel:057188881234">0571-8888 1234</a>，2026年12月6日 恢复供水。也可拨打<a href="tel:12345">12345</a>。</p>',
      )
      expect(text).toContain('<a href="https://example.org/notice/13800000000" rel="noopener noreferrer">通知原文</a>')
      expect(text).toContain('编号 350102199001011234。')
      // The settings: the footer text and the hotline (linked as before).
      expect(text).toContain('值班电话 <a href="tel:05987654321">0598-7654321</a>')
      expect(text).toContain('服务热线 <a href="tel:05981234567">0598-1234567</a>')

      const event = await html(`/events/${eventId}`)
      expect(event.text).toContain('<dd>报名请致电 <a href="tel:13800000000">138 0000 0000</a></dd>')
      expect(event.text).toContain('2026年12月10日 上午举行。')
      expect(event.text).toContain('<time datetime="2026-12-10">2026年12月10日周四 09:00</time>')
      const policy = await html(`/policies/${policyId}`)
      expect(policy.text).toContain('咨询电话 <a href="tel:057188881234">0571-8888 1234</a>。')
      // The hotline in the notices of the subscription pages and on /privacy.
      for (const path of ['/privacy', '/subscribe/preferences?t=not-a-token']) {
        expect((await html(path)).text, path).toContain('请拨打服务热线 <a href="tel:05981234567">0598-1234567</a>。')
      }
    })
  })

  describe('page structure', () => {
    it('gives every page one h1, a skip link to the main content and labelled navigation', async () => {
      const pages = ['/', '/issues', `/issues/${issueNumber}`, '/events', `/events/${eventId}`, `/policies/${policyId}`, `/announcements/${noticeId}`, '/grids', '/grids/A-01', '/subscribe', '/events/0']
      for (const path of pages) {
        for (const init of [undefined, CARE]) {
          const { text } = await html(path, init)
          expect(text.match(/<h1\b/g)?.length, path).toBe(1)
          expect(text, path).toContain('<a class="skip" href="#main">跳到正文</a>')
          expect(text, path).toContain('<main id="main"')
          expect(text, path).toContain('<nav aria-label="网站栏目">')
          expect(text, path).toContain('<div class="switches" role="group" aria-label="阅读方式">')
        }
      }
    })

    it('labels every form control of the subscribe page', async () => {
      const { text } = await html('/subscribe')
      const controls = [...text.matchAll(/<(input|select|textarea)\b([^>]*)>/g)].filter((m) => !/type="hidden"/.test(m[2]))
      expect(controls.length).toBeGreaterThan(2)
      for (const [tag, , attrs] of controls) {
        const id = /\bid="([^"]+)"/.exec(attrs)?.[1]
        const labelled = (id && text.includes(`<label for="${id}"`)) || /aria-label(ledby)?="/.test(attrs)
        // A checkbox inside its own label is labelled too.
        const wrapped = new RegExp(`<label[^>]*>(?:(?!</label>)[\\s\\S])*${tag.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`).test(text)
        expect(labelled || wrapped, tag).toBe(true)
      }
    })
  })
})
