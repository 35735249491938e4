import fs from 'node:fs'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'

import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'

import { artifactsOnFailure, launchBrowser, shot } from './support/browser'
import { closeInProcess, inProcessEnv } from './support/inProcess'

/**
 * Care mode (关怀模式) and accessibility in Debian's chromium, against the
 * Express app (the resident pages need no Next) on a fresh database with the
 * demo street: axe-core finds no WCAG 2.1 A/AA violation on every kind of
 * resident page in normal, large-text and care mode at 390 px (WeChat's
 * browser) and 1366 px; care mode's measures (24 px text, line and paragraph
 * spacing, 7:1 contrast, 48–60 px targets, no motion, one column, large
 * cursor, strong focus) hold as the browser lays the page out; read-aloud
 * works where the browser has speech synthesis and is hidden where not; and
 * every page stays within 24 KB of HTML and CSS.
 */
const dataDir = inProcessEnv('care')

const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')
const WCAG21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']
const WECHAT_UA =
  'Mozilla/5.0 (Linux; Android 13; V2183A Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) ' +
  'Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160117 MMWEBSDK/20231202 MMWEBID/2253 ' +
  'MicroMessenger/8.0.47.2560(0x28002F35) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64'
const WIDTHS = [390, 1366] as const
type Mode = 'normal' | 'large' | 'care'
/** Each mode's cookies, as the switches set them (src/site/modes.ts). */
const MODES: Record<Mode, [string, string][]> = { normal: [], large: [['sn_text', 'large']], care: [['sn_care', '1']] }

let browser: Browser
let server: import('node:http').Server
let payload: import('payload').Payload
let base = ''
/** The pages the issue lists, by name: path. */
let pages: Record<string, string> = {}

beforeAll(async () => {
  const { initPayload } = await import('../../src/server/payload')
  const { createApp, listen } = await import('../../src/server/app')
  const { seedDemo } = await import('../../src/seed/demo')
  const { listedResidentPages } = await import('../support/residentPages')
  payload = await initPayload()
  await seedDemo(payload)
  pages = await listedResidentPages(payload, 'care.e2e@example.org')
  const app = createApp(payload)
  server = await listen(payload, app, 0, '127.0.0.1')
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  browser = await launchBrowser()
})
afterEach((ctx) => artifactsOnFailure(browser, ctx))
afterAll(() => closeInProcess(dataDir, { browser, server, payload }))

async function open(width: number, mode: Mode, options: { javaScriptEnabled?: boolean; init?: string } = {}): Promise<BrowserContext> {
  const phone = width < 500
  const context = await browser.newContext({
    baseURL: base,
    viewport: { width, height: phone ? 844 : 900 },
    isMobile: phone,
    hasTouch: phone,
    userAgent: phone ? WECHAT_UA : undefined,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    // axe is injected as a script of its own; the pages' policy allows only the site's scripts.
    bypassCSP: true,
    javaScriptEnabled: options.javaScriptEnabled,
  })
  context.setDefaultTimeout(20_000)
  await context.addCookies(MODES[mode].map(([name, value]) => ({ name, value, url: base })))
  if (options.init) await context.addInitScript(options.init)
  return context
}

type Violation = { id: string; impact: string | null; help: string; targets: string[] }

async function axe(page: Page, tags: readonly string[] = WCAG21_AA, rules?: string[]): Promise<Violation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE_SOURCE })
  return page.evaluate(
    async ({ tags, rules }) => {
      const w = window as unknown as { axe: { run: (ctx: Document, opts: unknown) => Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[] }> } }
      const runOnly = rules ? { type: 'rule', values: rules } : { type: 'tag', values: tags }
      const result = await w.axe.run(document, { runOnly, resultTypes: ['violations'] })
      return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }))
    },
    { tags: [...tags], rules },
  )
}

describe('accessibility: axe-core finds no WCAG 2.1 A/AA violation', () => {
  test('the check itself bites: an image without alt and a pale link are reported', async () => {
    const context = await open(390, 'normal')
    const page = await context.newPage()
    await page.goto(pages.home)
    await page.evaluate(() => {
      const img = document.createElement('img')
      img.src = '/icons/icon-192.png'
      document.querySelector('main')!.append(img)
      const link = document.createElement('a')
      link.href = '/'
      link.textContent = '看不见'
      link.style.cssText = 'color:#bbb;background:#fff'
      document.querySelector('main')!.append(link)
    })
    expect((await axe(page)).map((v) => v.id).sort()).toEqual(['color-contrast', 'image-alt'])
    await context.close()
  })

  for (const width of WIDTHS) {
    for (const mode of Object.keys(MODES) as Mode[]) {
      test(`every resident page at ${width} px, ${mode}`, async () => {
        const context = await open(width, mode)
        const page = await context.newPage()
        const found: string[] = []
        for (const [name, target] of Object.entries(pages)) {
          const res = await page.goto(target)
          expect(res!.status(), name).toBe(name === 'notFound' ? 404 : 200)
          for (const v of await axe(page)) found.push(`${name} ${target}: ${v.id} (${v.impact}) ${v.help} @ ${v.targets.join(' | ')}`)
          if (mode !== 'large' && (name === 'home' || name === 'issue')) await shot(page, `care-${mode}-${width}-${name}`)
        }
        expect(found).toEqual([])
        await context.close()
      })
    }
  }
})

describe('care mode as the browser lays it out', () => {
  for (const width of WIDTHS) {
    test(`text, spacing, contrast, targets, motion and columns at ${width} px`, async () => {
      const context = await open(width, 'care')
      const page = await context.newPage()
      // Two paragraphs of body text one after the other, on the first reading page that has them.
      let text: { size: number; lineHeight: number; gap: number; body: number } | null = null
      for (const target of [pages.issue, pages.announcement, pages.event, pages.policy]) {
        await page.goto(target)
        text = await page.evaluate(() => {
          const para = [...document.querySelectorAll('main .rich p')].find((p) => p.nextElementSibling?.tagName === 'P')
          if (!para) return null
          const s = getComputedStyle(para)
          const gap = para.nextElementSibling!.getBoundingClientRect().top - para.getBoundingClientRect().bottom
          return { size: parseFloat(s.fontSize), lineHeight: parseFloat(s.lineHeight), gap, body: parseFloat(getComputedStyle(document.body).fontSize) }
        })
        if (text) break
      }
      if (!text) throw new Error('no two paragraphs of body text on any reading page of the demo street')
      expect(text.body).toBeGreaterThanOrEqual(24)
      expect(text.size).toBeGreaterThanOrEqual(24)
      expect(text.lineHeight / text.size).toBeGreaterThanOrEqual(1.8)
      expect(text.gap).toBeGreaterThanOrEqual(1.3 * text.lineHeight - 1)

      // 7:1 for text (axe's enhanced contrast rule, WCAG 1.4.6), on every kind of page.
      const low: string[] = []
      for (const [name, target] of Object.entries(pages)) {
        await page.goto(target)
        for (const v of await axe(page, [], ['color-contrast-enhanced'])) low.push(`${name}: ${v.targets.join(' | ')}`)
        // No motion: nothing transitions or animates.
        const moving = await page.evaluate(() =>
          [...document.querySelectorAll('*')].filter((el) => {
            const s = getComputedStyle(el)
            return s.transitionDuration.split(',').some((d) => parseFloat(d) > 0) || s.animationName !== 'none'
          }).length,
        )
        expect(moving, name).toBe(0)
        // Touch targets: controls and navigation at least 60 px high, list links at least 48 px.
        const small = await page.evaluate(() => {
          const tooSmall = (selector: string, min: number) =>
            [...document.querySelectorAll<HTMLElement>(selector)]
              .filter((el) => el.offsetParent !== null && el.getBoundingClientRect().height < min - 0.5)
              .map((el) => `${selector} "${el.textContent!.trim().slice(0, 12)}" ${el.getBoundingClientRect().height.toFixed(0)}px`)
          return [
            ...tooSmall('.site-head nav a, .mode-switch, .button, main button, main select, main input:not([type="hidden"]):not([type="checkbox"]):not([type="radio"]), main label.check', 60),
            ...tooSmall('.cards li > a, .grid-list a, .section-title .more, .site-foot a', 48),
          ]
        })
        expect(small, name).toEqual([])
      }
      expect(low).toEqual([])

      // One column: the grid list and the facts of an event.
      await page.goto(pages.grids)
      expect(await page.evaluate(() => getComputedStyle(document.querySelector('.grid-list')!).gridTemplateColumns.split(' ').length)).toBe(1)
      await page.goto(pages.event)
      expect(await page.evaluate(() => getComputedStyle(document.querySelector('.facts')!).gridTemplateColumns.split(' ').length)).toBe(1)
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width)

      // With a mouse (the desktop), the extra-large cursor.
      const cursor = await page.evaluate(() => getComputedStyle(document.documentElement).cursor)
      if (width > 500) expect(cursor).toContain('/icons/cursor-xl.svg')
      await context.close()
    })
  }

  test('the keyboard reaches the skip link first, and focus is clearly visible on the red header', async () => {
    for (const mode of ['normal', 'care'] as const) {
      const context = await open(1366, mode)
      const page = await context.newPage()
      await page.goto(pages.issue)
      await page.keyboard.press('Tab')
      const skip = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement
        const r = el.getBoundingClientRect()
        return { text: el.textContent, href: el.getAttribute('href'), visible: r.left >= 0 && r.top >= 0 && r.width > 0 }
      })
      expect(skip).toEqual({ text: '跳到正文', href: '#main', visible: true })
      // On to the header's links: the focus ring must stand out from the red.
      for (let i = 0; i < 3; i++) await page.keyboard.press('Tab')
      const ring = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement
        const s = getComputedStyle(el)
        return { inHeader: Boolean(el.closest('.site-head')), style: s.outlineStyle, width: parseFloat(s.outlineWidth), color: s.outlineColor, shadow: s.boxShadow }
      })
      expect(ring.inHeader).toBe(true)
      expect(ring.style).toBe('solid')
      expect(ring.width).toBeGreaterThanOrEqual(3)
      // White on the header's red in normal mode; black inside a yellow ring in care mode.
      if (mode === 'normal') expect(ring.color).toBe('rgb(255, 255, 255)')
      else expect(ring.shadow).toContain('rgb(255, 213, 79)')
      await shot(page, `care-focus-${mode}`)
      await context.close()
    }
  })

  test('switches on and off without JavaScript from the header, and is remembered', async () => {
    const context = await open(390, 'normal', { javaScriptEnabled: false })
    const page = await context.newPage()
    await page.goto(pages.policy)
    expect(await page.locator('html.care').count()).toBe(0)
    await Promise.all([page.waitForURL(`**${pages.policy}`), page.locator('a.care-switch').click()])
    await page.locator('html.care').waitFor({ state: 'attached' })
    // Once care mode's stylesheet has loaded.
    await expect.poll(() => page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize))).toBeGreaterThanOrEqual(24)
    // No script ran: the read-aloud button stays hidden.
    expect(await page.locator('#speak').isVisible()).toBe(false)
    await page.goto('/')
    expect(await page.locator('html.care').count()).toBe(1)
    expect(await page.locator('.care-entry').count()).toBe(0)
    await Promise.all([page.waitForURL('**/'), page.locator('a.care-switch').click()])
    expect(await page.locator('html.care').count()).toBe(0)
    // The home page's first screen offers it.
    const entry = page.locator('.care-entry a')
    expect((await entry.boundingBox())!.y).toBeLessThan(844)
    await context.close()
  })
})

describe('read aloud', () => {
  /** The browser's speech synthesis, recorded: what was spoken, in which language, and pause and resume. */
  const RECORDING = `(() => {
    const calls = []
    window.__speech = calls
    const fake = {
      speaking: false, paused: false, pending: false,
      getVoices: () => [],
      speak: (u) => calls.push(['speak', u.lang, u.text]),
      cancel: () => calls.push(['cancel']),
      pause: () => calls.push(['pause']),
      resume: () => calls.push(['resume']),
      addEventListener() {}, removeEventListener() {},
    }
    Object.defineProperty(window, 'speechSynthesis', { value: fake, configurable: true })
  })()`

  for (const width of WIDTHS) {
    test(`the browser has speech synthesis: the button shows and reads title and body in zh-CN, with pause and continue, at ${width} px`, async () => {
      // The real API first: chromium has it, so the button shows.
      const real = await open(width, 'care')
      const realPage = await real.newPage()
      await realPage.goto(pages.issue)
      expect(await realPage.evaluate(() => 'speechSynthesis' in window)).toBe(true)
      await realPage.locator('#speak').waitFor({ state: 'visible' })
      await real.close()

      const context = await open(width, 'care', { init: RECORDING })
      const page = await context.newPage()
      await page.goto(pages.announcement)
      const button = page.locator('#speak')
      // On a desktop the button is worked from the keyboard (Enter, then Space), as the website spec asks.
      const press = async (key: string) => (width < 500 ? button.click() : (await button.focus(), page.keyboard.press(key)))
      await button.waitFor({ state: 'visible' })
      expect((await button.innerText()).trim()).toBe('朗读')
      const title = (await page.locator('main h1').innerText()).trim()
      const body = (await page.locator('main .rich').innerText()).trim().split('\n')[0].slice(0, 10)
      await press('Enter')
      expect((await button.innerText()).trim()).toBe('暂停朗读')
      const calls = (await page.evaluate(() => (window as unknown as { __speech: string[][] }).__speech)) as string[][]
      const spoken = calls.filter((c) => c[0] === 'speak')
      expect(spoken.length).toBeGreaterThan(0)
      expect(spoken.every((c) => c[1] === 'zh-CN')).toBe(true)
      const all = spoken.map((c) => c[2]).join('').replace(/\s+/g, '')
      expect(all.startsWith(title.replace(/\s+/g, ''))).toBe(true)
      expect(all).toContain(body.replace(/\s+/g, ''))
      expect(all).not.toContain('朗读')
      await press('Space')
      expect((await button.innerText()).trim()).toBe('继续朗读')
      await press('Enter')
      expect((await button.innerText()).trim()).toBe('暂停朗读')
      const after = (await page.evaluate(() => (window as unknown as { __speech: string[][] }).__speech)).map((c) => c[0])
      expect(after.slice(-2)).toEqual(['pause', 'resume'])
      await shot(page, width < 500 ? 'care-read-aloud' : `care-read-aloud-${width}`)
      await context.close()
    })
  }

  test('the browser has no speech synthesis: no button', async () => {
    const context = await open(390, 'normal', { init: 'delete window.speechSynthesis; delete Window.prototype.speechSynthesis' })
    const page = await context.newPage()
    await page.goto(pages.event)
    expect(await page.evaluate(() => 'speechSynthesis' in window)).toBe(false)
    await page.waitForLoadState('load')
    expect(await page.locator('#speak').isVisible()).toBe(false)
    // The only script of a reading page is the read-aloud one.
    expect(await page.evaluate(() => [...document.scripts].map((s) => new URL(s.src).pathname))).toEqual(['/js/speak.js'])
    await context.close()
  })
})

describe('page weight', () => {
  test('every listed page in every mode is at most 24 KB of HTML and CSS, uncompressed', async () => {
    const sizes: string[] = []
    const cssSize = new Map<string, number>()
    for (const mode of Object.keys(MODES) as Mode[]) {
      const cookie = MODES[mode].map(([n, v]) => `${n}=${v}`).join('; ')
      for (const [name, target] of Object.entries(pages)) {
        const res = await fetch(`${base}${target}`, { headers: cookie ? { Cookie: cookie } : {} })
        const html = await res.text()
        let total = Buffer.byteLength(html)
        for (const [, href] of html.matchAll(/<link rel="stylesheet" href="([^"]+)"/g)) {
          if (!cssSize.has(href)) cssSize.set(href, (await (await fetch(`${base}${href}`)).arrayBuffer()).byteLength)
          total += cssSize.get(href)!
        }
        if (total > 24 * 1024) sizes.push(`${mode} ${name}: ${total} bytes`)
      }
    }
    expect(sizes).toEqual([])
  })
})
