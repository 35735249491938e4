/**
 * The benchmark's push service (test/support/push-service.ts, https, one
 * message in 1,000 fully verified: VAPID JWT and aes128gcm decryption) in a
 * process of its own, so that its TLS and HTTP work does not share the
 * sender's event loop. argv: key file, certificate file. Answers IPC messages:
 * { cmd: 'subscribe', n } → { subs: [{ endpoint, keys }] } (n new devices);
 * { cmd: 'stats' } → { stats } (counts, rejections, distinct Authorization headers).
 */
import fs from 'node:fs'

import { startPushService } from '../support/push-service'

const [keyFile, certFile] = process.argv.slice(2)
const push = await startPushService({ verify: { sampleEvery: 1000 }, tls: { key: fs.readFileSync(keyFile), cert: fs.readFileSync(certFile) } })
process.send!({ origin: push.origin })
process.on('message', (m: { cmd: string; n?: number }) => {
  if (m.cmd === 'subscribe') {
    const subs = Array.from({ length: m.n ?? 1 }, () => {
      const s = push.subscribe()
      return { endpoint: s.endpoint, keys: s.keys }
    })
    return process.send!({ subs })
  }
  const { received, accepted, verified, authorizations } = push.stats
  const stats = { received, accepted, verified, rejected: push.rejections.length, firstRejection: push.rejections[0] ?? null, authorizations: authorizations.size }
  if (m.cmd === 'reset') push.reset()
  process.send!({ stats })
})
process.on('disconnect', () => void push.close().then(() => process.exit(0)))
