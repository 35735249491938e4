import type { Payload } from 'payload'

import { subscriptionMailsIdle } from '../../src/site/subscribeMail'
import { startSite, type Site } from '../site/support'
import { smallStreet } from '../support/fixtures'
import { startSmtpServer, type ReceivedMail, type SmtpTestServer } from '../support/smtp-server'

/**
 * The subscription tests' world: the small street with buildings, a real SMTP
 * server, the Express app on 127.0.0.1, and a cookie-keeping client that
 * fills in forms as a browser without JavaScript would.
 */
export type World = {
  payload: Payload
  street: Awaited<ReturnType<typeof smallStreet>>
  smtp: SmtpTestServer
  site: Site
}

export async function setUpStreet(payload: Payload) {
  const street = await smallStreet(payload)
  await payload.update({
    collection: 'grids',
    id: street.gridA1.id,
    data: { buildings: [{ estate: '碧湖小区', name: '3栋' }, { estate: '碧湖小区', name: '5栋' }] } as never,
    overrideAccess: true,
  })
  await payload.update({
    collection: 'grids',
    id: street.gridB1.id,
    data: { buildings: [{ estate: '江滨花园', name: '12栋' }] } as never,
    overrideAccess: true,
  })
  await payload.updateGlobal({
    slug: 'site-settings',
    data: { streetName: '徐碧街道', periodicalName: '聚焦徐碧', hotline: '0831-1234567', wechatName: '徐碧街道' } as never,
    overrideAccess: true,
  })
  return street
}

/** SMTP settings and limits go into the environment before the app (and its routers) is built. */
export async function startWorld(payload: Payload, street: World['street'], env: Record<string, string | undefined> = {}): Promise<World> {
  const smtp = await startSmtpServer()
  process.env.SMTP_URL = smtp.url
  process.env.MAIL_FROM = '聚焦徐碧 <news@street.test>'
  process.env.TRUST_PROXY = 'loopback'
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k]
    else process.env[k] = v
  }
  const site = await startSite(payload)
  return { payload, street, smtp, site }
}

export async function stopWorld(w: World) {
  await subscriptionMailsIdle()
  await w.site.close()
  await w.smtp.close()
}

/** A browser without JavaScript: keeps cookies, submits forms as urlencoded bodies. */
export class Client {
  cookies = new Map<string, string>()

  constructor(
    readonly base: string,
    readonly ip?: string,
  ) {}

  private cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }

  /** Requests carry X-Forwarded-For when the client has an address of its own (the app trusts loopback proxies in tests). */
  private from(): Record<string, string> {
    return this.ip ? { 'x-forwarded-for': this.ip } : {}
  }

  private keep(res: Response) {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';')
      const i = pair.indexOf('=')
      const name = pair.slice(0, i).trim()
      const value = pair.slice(i + 1).trim()
      if (/Max-Age=0/i.test(line) || !value) this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
  }

  async get(path: string, headers: Record<string, string> = {}) {
    const res = await fetch(new URL(path, this.base), { redirect: 'manual', headers: { cookie: this.cookieHeader(), ...this.from(), ...headers } })
    this.keep(res)
    return { res, status: res.status, html: await res.text() }
  }

  async post(path: string, fields: Record<string, string | string[]> | URLSearchParams, headers: Record<string, string> = {}) {
    const body = fields instanceof URLSearchParams ? fields : toParams(fields)
    const res = await fetch(new URL(path, this.base), {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: this.cookieHeader(), ...this.from(), ...headers },
      body,
    })
    this.keep(res)
    return { res, status: res.status, html: await res.text() }
  }
}

export function toParams(fields: Record<string, string | string[]>): URLSearchParams {
  const p = new URLSearchParams()
  for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) p.append(k, x)
  return p
}

const unescape = (s: string) => s.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>')

/** The value of a hidden (or any) input by name, as the page carries it. */
export function inputValue(html: string, name: string): string | null {
  const m = new RegExp(`<input[^>]*name="${name}"[^>]*value="([^"]*)"`).exec(html) ?? new RegExp(`<input[^>]*value="([^"]*)"[^>]*name="${name}"`).exec(html)
  return m ? unescape(m[1]) : null
}

/** Visible text of a page: tags dropped, entities decoded. */
export const textOf = (html: string) =>
  unescape(html.replace(/<script[\s\S]*?<\/script>/g, '').replace(/<style[\s\S]*?<\/style>/g, '').replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ')

/** A complete, valid subscribe form for the page's CSRF token. */
export function subscribeForm(csrf: string, over: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  return { csrf, email: 'resident@example.org', grid: 'A-01', channels: ['email'], topics: ['issues', 'events'], consent: 'yes', ...over }
}

/** Load the subscribe page (sets the CSRF cookie) and post the form. */
export async function subscribeAs(client: Client, over: Record<string, string | string[]> = {}) {
  const page = await client.get('/subscribe')
  const csrf = inputValue(page.html, 'csrf')
  if (!csrf) throw new Error('no CSRF token on the subscribe page')
  return client.post('/subscribe', subscribeForm(csrf, over))
}

/** A header as the message carries it (mailparser folds List-* headers into one object; the raw line is what clients read). */
export function headerOf(mail: ReceivedMail, name: string): string | undefined {
  const line = mail.parsed?.headerLines.find((h) => h.key === name.toLowerCase())?.line
  return line === undefined ? undefined : line.slice(line.indexOf(':') + 1).trim()
}

/** Links in a mail's text part. */
export function linksIn(mail: ReceivedMail): string[] {
  return [...String(mail.parsed?.text ?? '').matchAll(/https?:\/\/\S+/g)].map((m) => m[0])
}

/** Links in a mail's HTML part (href values). */
export function hrefsIn(mail: ReceivedMail): string[] {
  return [...String(mail.parsed?.html || '').matchAll(/href="([^"]+)"/g)].map((m) => unescape(m[1]))
}

/** The site-relative path of an absolute link in a message (PUBLIC_URL differs from the test server's port). */
export const pathOf = (url: string) => {
  const u = new URL(url)
  return u.pathname + u.search
}

export function mailsTo(smtp: SmtpTestServer, address: string): ReceivedMail[] {
  return smtp.messages.filter((m) => m.envelope.to.includes(address))
}

export async function waitForMails(smtp: SmtpTestServer, count: number) {
  await subscriptionMailsIdle()
  await smtp.waitFor(count, 15_000)
}
