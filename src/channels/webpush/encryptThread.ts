import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'

import webpush from 'web-push'

/**
 * aes128gcm encryption of push messages (RFC 8291) in a thread of its own.
 * Each message needs an ECDH agreement with the device's key, a key of its
 * own and an AES-GCM pass: about a third of the main thread's work per push.
 * Here a batch's messages are handed over in one message and encrypted beside
 * the event loop, which meanwhile sends the ones already made.
 *
 * The worker is plain CommonJS run with `eval` and no loader flags (as the
 * SQLite writer threads are), so it starts the same under tsx, vitest and a
 * production start. If the thread cannot run, messages are encrypted on the
 * calling thread: slower, never lost.
 */
export type EncryptJob = {
  subscription: { endpoint: string; keys: { p256dh: string; auth: string } }
  payload: string
  options: { TTL: number; urgency: 'very-low' | 'low' | 'normal' | 'high'; topic?: string }
}
export type Encrypted = { headers: Record<string, string | number>; body: Buffer } | { error: string }

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const webpush = require(workerData.webpush)
parentPort.on('message', ({ id, jobs }) => {
  const out = jobs.map((j) => {
    try {
      const d = webpush.generateRequestDetails(j.subscription, j.payload, { ...j.options, vapidDetails: null })
      return { headers: d.headers, body: d.body }
    } catch (err) {
      return { error: String((err && err.message) || err) }
    }
  })
  parentPort.postMessage({ id, out })
})
`

/** One message encrypted on the calling thread (VAPID is added by the channel, from its cache). */
export function encryptHere(job: EncryptJob): Encrypted {
  try {
    const d = webpush.generateRequestDetails(job.subscription, job.payload, { ...job.options, vapidDetails: null as unknown as undefined })
    return { headers: d.headers as Record<string, string | number>, body: d.body as Buffer }
  } catch (err) {
    return { error: (err as Error).message }
  }
}

type Pending = { jobs: EncryptJob[]; resolve: (out: Encrypted[]) => void }

export class EncryptThread {
  private worker: Worker | null = null
  private broken = false
  private readonly pending = new Map<number, Pending>()
  private next = 1

  private start(): Worker | null {
    if (this.worker || this.broken) return this.worker
    try {
      const w = new Worker(WORKER_SOURCE, { eval: true, execArgv: [], workerData: { webpush: createRequire(import.meta.url).resolve('web-push') } })
      w.unref()
      w.on('message', (m: { id: number; out: Encrypted[] }) => {
        const p = this.pending.get(m.id)
        if (!p) return
        this.pending.delete(m.id)
        // Structured cloning hands a Buffer over as a plain Uint8Array.
        p.resolve(m.out.map((e) => ('body' in e ? { headers: e.headers, body: Buffer.from(e.body.buffer, e.body.byteOffset, e.body.byteLength) } : e)))
      })
      const fail = () => {
        // What the thread had not answered is encrypted here instead.
        this.broken = true
        this.worker = null
        for (const p of this.pending.values()) p.resolve(p.jobs.map(encryptHere))
        this.pending.clear()
      }
      w.on('error', fail)
      w.on('exit', fail)
      this.worker = w
    } catch {
      this.broken = true
    }
    return this.worker
  }

  encrypt(jobs: EncryptJob[]): Promise<Encrypted[]> {
    const w = this.start()
    if (!w) return Promise.resolve(jobs.map(encryptHere))
    const id = this.next++
    return new Promise<Encrypted[]>((resolve) => {
      this.pending.set(id, { jobs, resolve })
      w.postMessage({ id, jobs })
    })
  }

  async close(): Promise<void> {
    const w = this.worker
    this.worker = null
    if (!w) return
    w.removeAllListeners('exit')
    w.removeAllListeners('error')
    for (const p of this.pending.values()) p.resolve(p.jobs.map(encryptHere))
    this.pending.clear()
    await w.terminate()
  }
}
