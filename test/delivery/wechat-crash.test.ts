import { spawn, type ChildProcess } from 'node:child_process'

import type { Payload } from 'payload'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'

import { forgetWechatClient } from '../../src/delivery/wechat'
import { smallStreet } from '../support/fixtures'
import { testPayload } from '../support/payload'
import { startWechatEmulator, type WechatEmulator } from '../support/wechat-emulator'
import { deliveryById, publishIssue } from './support'
import { callsTo, photo, runUntilSettled, stateOf, useEmulator, wechatOf } from './wechat-support'

/**
 * A WeChat delivery's worker process killed (SIGKILL) between stages, while
 * its call waits at the emulator; the delivery is then resumed in this
 * process once the dead worker's lease ran out. The emulator's own state
 * shows what WeChat saw: never a second draft or publish.
 */
const LEASE_SECONDS = 2
let payload: Payload
let emu: WechatEmulator
const children = new Set<ChildProcess>()

beforeAll(async () => {
  payload = await testPayload()
  await smallStreet(payload)
  emu = await startWechatEmulator()
  useEmulator(emu)
  process.env.DELIVERY_LEASE_SECONDS = String(LEASE_SECONDS)
}, 120_000)

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL')
  await emu?.close()
  await payload?.destroy()
})

beforeEach(() => {
  emu.reset()
  emu.setPublishOutcome(0, 1)
  forgetWechatClient()
})

/** The crash test's worker (test/delivery/worker.ts), running due deliveries under leases in its own process. */
function startWorker(deliveryId: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/delivery/worker.ts'], {
    env: { ...process.env, CRASH_DELIVERY_ID: deliveryId, DELIVERY_LEASE_SECONDS: String(LEASE_SECONDS), LOG_LEVEL: 'error' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.add(child)
  let stderr = ''
  child.stderr!.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4000)))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => {
      children.delete(child)
      resolve({ code, signal, stderr })
    }),
  )
  return { child, exited }
}

/** Start a worker, wait until its call to `path` is held at the emulator, and kill it there. */
async function killWhileCalling(deliveryId: string, path: string) {
  emu.hold(path)
  const w = startWorker(deliveryId)
  const deadline = Date.now() + 90_000
  let ended = false
  void w.exited.then(() => (ended = true))
  while (!emu.held.includes(path) && Date.now() < deadline && !ended) await new Promise((r) => setTimeout(r, 50))
  if (!emu.held.includes(path)) {
    const exit = await Promise.race([w.exited, new Promise<null>((r) => setTimeout(() => r(null), 100))])
    throw new Error(`the worker never called ${path}: ${JSON.stringify(exit)}`)
  }
  w.child.kill('SIGKILL')
  const exit = await w.exited
  expect(exit.signal).toBe('SIGKILL')
}

const waitForLease = () => new Promise((r) => setTimeout(r, LEASE_SECONDS * 1000 + 300))

describe('WeChat delivery after a crash', () => {
  it('killed while adding the draft: resumes with the uploaded media, one draft, one publish', async () => {
    const cover = await photo(payload, 'crash-cover')
    const issue = await publishIssue(payload, '崩溃于草稿', { cover: cover.id })
    const id = (await wechatOf(payload, 'issues', issue.id)).id
    await killWhileCalling(String(id), '/cgi-bin/draft/add')
    emu.release()
    const crashed = await deliveryById(payload, id)
    expect(crashed.status).toBe('running')
    expect(stateOf(crashed)).toMatchObject({ stage: 'draft' })
    expect(stateOf(crashed).thumbMediaId).toBeTruthy()
    expect(emu.snapshot().drafts).toHaveLength(0)

    await waitForLease()
    const d = await runUntilSettled(payload, id)
    expect(d.status).toBe('done')
    expect(d.resumes).toBe(1)
    expect(emu.materials.size).toBe(1)
    expect(callsTo(emu, '/cgi-bin/draft/add').filter((c) => c.errcode === 0)).toHaveLength(1)
    expect(emu.publishes.size).toBe(1)
    expect(stateOf(d).articleUrls).toHaveLength(2)
  }, 180_000)

  it('killed while submitting the publish (WeChat never got it): the same draft is submitted, one publish', async () => {
    const issue = await publishIssue(payload, '崩溃于发布')
    const id = (await wechatOf(payload, 'issues', issue.id)).id
    await killWhileCalling(String(id), '/cgi-bin/freepublish/submit')
    emu.release()
    const crashed = stateOf(await deliveryById(payload, id))
    expect(crashed.stage).toBe('draft')
    expect(crashed.draftMediaId).toBeTruthy()
    expect(crashed.submitAt).toBeTruthy()
    expect(emu.publishes.size).toBe(0)

    await waitForLease()
    const d = await runUntilSettled(payload, id)
    expect(d.status).toBe('done')
    expect(callsTo(emu, '/cgi-bin/draft/add')).toHaveLength(1)
    expect(callsTo(emu, '/cgi-bin/freepublish/submit').filter((c) => c.errcode === 0)).toHaveLength(1)
    expect(emu.publishes.size).toBe(1)
  }, 180_000)

  it('killed after WeChat accepted the publish but before its answer was kept: never published twice; the editor is asked to look', async () => {
    const issue = await publishIssue(payload, '发布答复丢失')
    const id = (await wechatOf(payload, 'issues', issue.id)).id
    await killWhileCalling(String(id), '/cgi-bin/freepublish/submit')
    // The platform processes the call; the worker that made it is gone.
    emu.release({ evenIfGone: true })
    for (let i = 0; i < 50 && emu.publishes.size === 0; i++) await new Promise((r) => setTimeout(r, 20))
    expect(emu.publishes.size).toBe(1)

    await waitForLease()
    const d = await runUntilSettled(payload, id)
    expect(d.status).toBe('paused')
    expect(d.reason).toContain('发表记录')
    expect(emu.publishes.size).toBe(1)
    expect(callsTo(emu, '/cgi-bin/draft/add')).toHaveLength(1)
  }, 180_000)
})
