/**
 * The upload benchmark's servers (test/bench/upload.ts), in a process of their
 * own so that the memory measured (VmRSS, VmHWM) is theirs alone, not the
 * sender's: our app (createApp, with Payload's own route handlers standing in
 * for Next: test/support/next-stand-in.ts) and the baseline, a bare Express
 * route that streams the multipart body through busboy to nowhere. Both on
 * 127.0.0.1. A fresh SQLite database with the small street's staff (the
 * environment comes from the parent: test/bench/_env.ts).
 *
 * Sends { app, bare, token } once listening. Answers IPC messages in order:
 * { cmd: 'mark' } → garbage collected, the peak RSS reset (Linux: clear_refs),
 * { rssMb } the RSS from which growth is counted; { cmd: 'peak' } → { peakMb,
 * sampledPeakMb, rssMb } (VmHWM since the mark, and the highest RSS sampled
 * every 2 ms, which the kernel's own peak bounds from above); { cmd: 'count' }
 * → { media, documents } documents stored; { cmd: 'local', file, n } → { ms } the mean
 * time of n photos (the JPEG in `file`) saved through Payload's Local API, one
 * after another: Payload's own work (sharp's sizes, disk, database) without
 * HTTP, the form or our checks.
 */
import fs from 'node:fs'
import type { AddressInfo } from 'node:net'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

import Busboy from 'busboy'
import express from 'express'

import config from '../../src/payload.config'
import { createApp, listen } from '../../src/server/app'
import { initPayload } from '../../src/server/payload'
import { PASSWORD, smallStreet } from '../support/fixtures'
import { nextStandIn } from '../support/next-stand-in'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

const MB = 1024 * 1024
const status = () => fs.readFileSync('/proc/self/status', 'utf8')
const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status())?.[1] ?? 0) / 1024
const rssMb = () => process.memoryUsage.rss() / MB

let sampled = 0
setInterval(() => (sampled = Math.max(sampled, rssMb())), 2).unref()

const payload = await initPayload()
const street = await smallStreet(payload)
const { token } = await payload.login({ collection: 'users', data: { email: street.editor.email, password: PASSWORD } })

const standIn = nextStandIn(config)
const app = await listen(payload, createApp(payload, (req, res) => void standIn(req, res)), 0, '127.0.0.1')

// The floor: every byte of the form through busboy (as our check and Payload's parser both read it), kept nowhere.
const bareApp = express()
bareApp.disable('x-powered-by')
bareApp.post('/upload', (req, res) => {
  const parser = Busboy({ headers: req.headers, limits: { fileSize: 64 * MB } })
  let bytes = 0
  parser.on('file', (_name, stream) => stream.on('data', (c: Buffer) => (bytes += c.length)))
  parser.on('close', () => res.status(201).json({ bytes }))
  parser.on('error', () => res.status(400).json({ errors: [{ message: 'broken form' }] }))
  req.pipe(parser)
})
const bare = await new Promise<import('node:http').Server>((resolve) => {
  const s = bareApp.listen(0, '127.0.0.1', () => resolve(s))
})
const url = (s: { address: () => AddressInfo | string | null }) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`

process.send!({ app: url(app), bare: url(bare), token })
process.on('message', (m: { cmd: string; file?: string; n?: number }) => {
  if (m.cmd === 'local') return void localUploads(m.file!, m.n!).then((ms) => process.send!({ ms }))
  if (m.cmd === 'mark') {
    gc()
    gc()
    // Writing 5 to clear_refs resets the kernel's peak RSS (VmHWM) to the current RSS.
    try {
      fs.writeFileSync('/proc/self/clear_refs', '5')
    } catch {
      // not Linux, or not allowed: the sampled peak stands
    }
    sampled = rssMb()
    return process.send!({ rssMb: sampled })
  }
  if (m.cmd === 'peak') return process.send!({ peakMb: Math.max(field('VmHWM'), sampled), sampledPeakMb: sampled, rssMb: rssMb() })
  void Promise.all([
    payload.count({ collection: 'media', overrideAccess: true }),
    payload.count({ collection: 'policy-documents', overrideAccess: true }),
  ]).then(([media, documents]) => process.send!({ media: media.totalDocs, documents: documents.totalDocs }))
})
async function localUploads(file: string, n: number): Promise<number> {
  const data = fs.readFileSync(file)
  const start = performance.now()
  for (let i = 0; i < n; i++) {
    await payload.create({ collection: 'media', data: { alt: `街道活动照片 ${i}` }, file: { data, name: `local-${i}.jpg`, mimetype: 'image/jpeg', size: data.length }, overrideAccess: true })
  }
  return (performance.now() - start) / n
}

process.on('disconnect', () => {
  app.closeAllConnections()
  bare.closeAllConnections()
  process.exit(0)
})
