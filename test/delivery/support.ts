import { spawn, type ChildProcess } from 'node:child_process'

import type { Payload } from 'payload'
import { afterAll, beforeAll } from 'vitest'

import type { DeliveryDoc } from '../../src/collections/Deliveries'
import { newRef, type SubscriberChannel, type Topic } from '../../src/collections/Subscribers'
import { planFallbacks } from '../../src/delivery/fallback'
import { runDueDeliveries } from '../../src/delivery/pipeline'
import { smsTemplateText } from '../../src/channels/sms'
import { publicUrl } from '../../src/server/env'
import { mobileIndex, sealMobile } from '../../src/subscribers/phone'
import { forgetWechatClient } from '../../src/delivery/wechat'
import { doc, p } from '../../src/seed/lexical'
import { PASSWORD, smallStreet, type Id } from '../support/fixtures'
import { tokenFor } from '../support/http'
import { testPayload } from '../support/payload'
import { startSmsProvider, type SmsProviderOptions } from '../support/sms-provider'
import { startSmtpServer, type SmtpTestServer } from '../support/smtp-server'
import { startWechatEmulator, type WechatEmulator } from '../support/wechat-emulator'

/** Subscribers written straight through the adapter (fast; the subscribe flow has its own tests). */
export async function addSubscribers(
  payload: Payload,
  n: number,
  opts: { grid: Id; prefix?: string; channels?: SubscriberChannel[]; topics?: Topic[]; status?: string },
): Promise<{ id: Id; email: string; ref: string }[]> {
  const out: { id: Id; email: string; ref: string }[] = []
  for (let i = 0; i < n; i++) {
    const email = `${opts.prefix ?? 'r'}${String(i).padStart(5, '0')}@mail.test`
    const ref = newRef()
    const row = (await payload.db.create({
      collection: 'subscribers',
      data: {
        email,
        ref,
        grid: opts.grid,
        channels: opts.channels ?? ['email'],
        topics: opts.topics ?? ['issues', 'events', 'policies', 'announcements'],
        status: opts.status ?? 'active',
        source: 'admin',
      },
      req: { transactionID: undefined } as never,
    })) as { id: Id }
    out.push({ id: row.id, email, ref })
  }
  return out
}

export const richBody = (text: string) => doc(p(text))

export async function publishIssue(payload: Payload, title: string, extra: Record<string, unknown> = {}) {
  return (await payload.create({
    collection: 'issues',
    data: {
      title,
      summary: '本期摘要',
      articles: [
        { title: '第一篇：社区食堂开张', author: '街道宣传科', body: richBody('社区食堂今天开张，欢迎老人就餐。') },
        { title: '第二篇：垃圾分类新规', body: richBody('新规自下月起施行。') },
      ],
      _status: 'published',
      ...extra,
    } as never,
    overrideAccess: true,
  })) as { id: Id; number: number }
}

export async function deliveriesOf(payload: Payload, collection: string, id: Id): Promise<DeliveryDoc[]> {
  const { docs } = await payload.find({
    collection: 'deliveries',
    where: { and: [{ contentType: { equals: collection } }, { contentId: { equals: String(id) } }] },
    limit: 0,
    overrideAccess: true,
    sort: 'channel',
  })
  return docs as unknown as DeliveryDoc[]
}

/** Run the scheduler's delivery step until nothing is due (bounded). */
export async function drain(payload: Payload, rounds = 20) {
  for (let i = 0; i < rounds; i++) {
    const r = await runDueDeliveries(payload)
    if (!r.ran) return
  }
}

/** The scheduler's steps until nothing more is due: deliveries, then the fallback planning, again while it plans. */
export async function settleFallbacks(payload: Payload) {
  for (let i = 0; i < 10; i++) {
    await drain(payload)
    if (!(await planFallbacks(payload)).created) return
  }
  throw new Error('fallback planning did not settle')
}

export async function deliveryById(payload: Payload, id: Id): Promise<DeliveryDoc> {
  return (await payload.findByID({ collection: 'deliveries', id, overrideAccess: true })) as unknown as DeliveryDoc
}

/** Wait until `check` holds (polled), or fail after `timeoutMs` saying what was awaited. */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 120_000, everyMs = 20): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`still waiting after ${timeoutMs} ms for ${what}`)
    await new Promise((r) => setTimeout(r, everyMs))
  }
}

export type WorkerExit = { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }
export type WorkerProcess = { child: ChildProcess; ready: Promise<boolean>; exited: Promise<WorkerExit> }

/** Delivery worker processes started by this test file (test/delivery/worker.ts), to kill at its end. */
export const workerProcesses = new Set<ChildProcess>()

/** A delivery worker process (test/delivery/worker.ts) with `env` on top of this process's environment. */
export function startWorker(env: Record<string, string>): WorkerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/delivery/worker.ts'], {
    env: { ...process.env, LOG_LEVEL: 'error', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  workerProcesses.add(child)
  let stdout = ''
  let stderr = ''
  child.stderr!.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4000)))
  const exited = new Promise<WorkerExit>((resolve) =>
    child.on('close', (code, signal) => {
      workerProcesses.delete(child)
      resolve({ code, signal, stdout, stderr })
    }),
  )
  // true once the worker said it is ready; false when it ended first.
  const ready = new Promise<boolean>((resolve) => {
    child.stdout!.on('data', (b: Buffer) => {
      stdout = (stdout + b.toString()).slice(-4000)
      if (stdout.includes('"event":"ready"')) resolve(true)
    })
    void exited.then(() => resolve(false))
  })
  return { child, ready, exited }
}

/** A worker that reported ready; one that ended first fails the test with what it wrote. */
export async function startReadyWorker(env: Record<string, string>): Promise<WorkerProcess> {
  const w = startWorker(env)
  if (await w.ready) return w
  const exit = await w.exited
  throw new Error(`worker exited (${exit.code}) before it was ready: ${exit.stderr}${exit.stdout}`)
}

/** A crash test's worker for one delivery, with the test's concurrency and lease, 100 recipients a batch. */
export const startCrashWorker = (deliveryId: string, o: { concurrency: number; leaseSeconds: number }) =>
  startReadyWorker({
    CRASH_DELIVERY_ID: deliveryId,
    DELIVERY_CONCURRENCY: String(o.concurrency),
    DELIVERY_BATCH_SIZE: '100',
    DELIVERY_LEASE_SECONDS: String(o.leaseSeconds),
  })

/** A worker that died on its own (not killed by the test) fails the test with what it wrote. */
export const notOnItsOwn = (exit: WorkerExit) => {
  if (exit.signal !== 'SIGKILL' && exit.code !== 0) throw new Error(`worker exited (${exit.code}) on its own: ${exit.stderr}`)
  return exit
}

/**
 * The crash tests' loop: start a worker (`start`), let it make some progress and SIGKILL it at a random
 * moment (once `sent()` reached a target somewhere in its next stretch of `total / (kills + 2)`), up to
 * `kills` times. A worker that finishes before its moment ends the loop; a worker that dies on its own
 * fails the test. `reached(n)` resolves once `n` messages went out. Returns how many kills were made;
 * the caller then starts the last worker and checks the outcome.
 */
export async function killAtRandom(o: {
  kills: number
  total: number
  start: () => Promise<WorkerProcess>
  sent: () => number
  reached: (n: number) => Promise<unknown>
}): Promise<number> {
  let kills = 0
  const step = Math.max(1, Math.floor(o.total / (o.kills + 2)))
  while (kills < o.kills) {
    const w = await o.start()
    const target = o.sent() + 1 + Math.floor(Math.random() * step)
    if (target >= o.total) {
      w.child.kill('SIGKILL')
      notOnItsOwn(await w.exited)
      break
    }
    const ended = await Promise.race([o.reached(target).then(() => null), w.exited])
    // Finished before the chosen moment: nothing left to kill.
    if (ended) {
      notOnItsOwn(ended)
      break
    }
    w.child.kill('SIGKILL')
    notOnItsOwn(await w.exited)
    kills++
  }
  return kills
}

/** Messages per recipient at the SMTP server, and how many were duplicates. */
export function perRecipient(messages: { envelope: { to: string[] } }[]): { counts: Map<string, number>; duplicates: number } {
  const counts = new Map<string, number>()
  for (const m of messages) for (const to of m.envelope.to) counts.set(to, (counts.get(to) ?? 0) + 1)
  return { counts, duplicates: [...counts.values()].reduce((n, c) => n + c - 1, 0) }
}

/**
 * The set-up of the tests that stop or kill worker processes: a test database with `n` email subscribers
 * split over two grids, and an SMTP server that keeps every message.
 */
export async function streetForWorkers(n: number): Promise<{ payload: Payload; smtp: SmtpTestServer }> {
  const payload = await testPayload()
  const street = await smallStreet(payload)
  const smtp = await startSmtpServer({ keep: true, parse: false })
  process.env.SMTP_URL = smtp.url
  process.env.MAIL_FROM = '聚焦徐碧 <news@street.test>'
  const half = Math.floor(n / 2)
  await addSubscribers(payload, half, { grid: street.gridA1.id, prefix: 'a' })
  await addSubscribers(payload, n - half, { grid: street.gridB1.id, prefix: 'b' })
  return { payload, smtp }
}

/** Its end: worker processes still running are killed, then the server and the database close. */
export async function closeStreetForWorkers(street: { payload?: Payload; smtp?: SmtpTestServer }): Promise<void> {
  for (const c of workerProcesses) c.kill('SIGKILL')
  await street.smtp?.close()
  await street.payload?.destroy()
}

/** Point the WeChat channel at the emulator; email and web push stay unconfigured (their deliveries are skipped). */
export function useEmulator(emu: WechatEmulator) {
  process.env.WECHAT_APP_ID = emu.appId
  process.env.WECHAT_APP_SECRET = emu.appSecret
  process.env.WECHAT_API_BASE = emu.url
  process.env.WECHAT_POLL_FIRST_SECONDS = '0.05'
  process.env.WECHAT_POLL_MAX_SECONDS = '0.2'
  process.env.DELIVERY_RETRY_BASE_MS = '50'
  for (const k of ['SMTP_URL', 'MAIL_FROM', 'VAPID_PUBLIC_KEY', 'VAPID_PRIVATE_KEY', 'VAPID_SUBJECT']) delete process.env[k]
}

export type WechatWorld = {
  payload: Payload
  street: Awaited<ReturnType<typeof smallStreet>>
  emu: WechatEmulator
  /** Session tokens of the street's editor and of leader A. */
  editor: string
  leader: string
}

/**
 * The WeChat tests' world, set up by the calling file's first beforeAll: the test database with the small
 * street, the WeChat emulator started and the channel pointed at it (useEmulator), the channel's client
 * forgotten (so it takes the emulator's settings), and an editor's and a leader's tokens. Its afterAll
 * closes the emulator and the database. The returned object is filled in once the beforeAll ran.
 */
export function wechatWorld(): WechatWorld {
  const world = {} as WechatWorld
  beforeAll(async () => {
    world.payload = await testPayload()
    world.street = await smallStreet(world.payload)
    world.emu = await startWechatEmulator()
    useEmulator(world.emu)
    forgetWechatClient()
    world.editor = await tokenFor(world.payload, world.street.editor.email, PASSWORD)
    world.leader = await tokenFor(world.payload, world.street.leaderA.email, PASSWORD)
  })
  afterAll(async () => {
    await world.emu?.close()
    await world.payload?.destroy()
  })
  return world
}

type SmsKind = Parameters<typeof smsTemplateText>[0]

/**
 * The stand-in of Alibaba Cloud SMS (sign name 徐碧街道) with the notice and urgent templates (and any `extra`
 * ones, by kind), and the SMS_* environment pointing at it. `signName` is SMS_SIGN_NAME as written (with or
 * without 【】), `price` SMS_PRICE_PER_SEGMENT; `env` is assigned with it; `onlySms` unsets SMTP_URL and
 * VAPID_PUBLIC_KEY first, so the street has no email or push.
 */
export async function startSmsStreet(o: {
  notice: string
  urgent: string
  signName?: string
  price?: string
  extra?: { code: string; kind: SmsKind; paramMax?: Record<string, number> }[]
  latency?: SmsProviderOptions['latency']
  onlySms?: boolean
  env?: Record<string, string>
}) {
  const linkBase = `${publicUrl()}/s/`
  const provider = await startSmsProvider({
    signNames: ['徐碧街道'],
    templates: [
      { code: o.notice, text: smsTemplateText('notice', linkBase) },
      { code: o.urgent, text: smsTemplateText('urgent', linkBase) },
      ...(o.extra ?? []).map((t) => ({ code: t.code, text: smsTemplateText(t.kind, linkBase), ...(t.paramMax ? { paramMax: t.paramMax } : {}) })),
    ],
    ...(o.latency ? { latency: o.latency } : {}),
  })
  if (o.onlySms) {
    delete process.env.SMTP_URL
    delete process.env.VAPID_PUBLIC_KEY
  }
  Object.assign(process.env, {
    ...o.env,
    SMS_ACCESS_KEY_ID: provider.accessKeyId,
    SMS_ACCESS_KEY_SECRET: provider.accessKeySecret,
    SMS_SIGN_NAME: o.signName ?? '徐碧街道',
    SMS_TEMPLATE_NOTICE: o.notice,
    SMS_TEMPLATE_URGENT: o.urgent,
    SMS_PRICE_PER_SEGMENT: o.price ?? '0.045',
    SMS_API_BASE: provider.url,
  })
  return provider
}

/** A resident with a mobile number, written through the adapter (sealed number and index as the subscriber's hooks make them; `phone: null` for none). */
export async function smsResident(
  payload: Payload,
  o: { phone: string | null; email: string; grid: Id; channels: string[]; topics?: string[]; smsTopics?: string[]; extra?: Record<string, unknown>; ref?: string },
): Promise<Id> {
  const row = (await payload.db.create({
    collection: 'subscribers',
    data: {
      email: o.email,
      ref: o.ref ?? newRef(),
      grid: o.grid,
      channels: o.channels,
      topics: o.topics ?? ['issues', 'events', 'policies', 'announcements'],
      smsTopics: o.smsTopics ?? [],
      ...o.extra,
      ...(o.phone ? { phone: sealMobile(o.phone), phoneIndex: mobileIndex(o.phone) } : {}),
      status: 'active',
      source: 'admin',
    },
    req: { transactionID: undefined } as never,
  })) as { id: Id }
  return row.id
}
