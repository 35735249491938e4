import fs from 'node:fs'

import { EmailChannel } from '../channels/email'
import { WebPushChannel } from '../channels/webpush'
import type { Resolver } from '../lib/outbound'
import { emailSettings, env, vapidSettings } from '../server/env'
import { deliverySettings, pushTrustedOrigins } from './config'

/**
 * The channel instances of this process, made from the environment on first
 * use and kept (an SMTP pool and push agents are worth reusing across
 * deliveries). A change of settings makes new ones.
 */
type Cached<T> = { key: string; channel: T }
let email: Cached<EmailChannel> | null = null
let push: Cached<WebPushChannel> | null = null

export function emailChannel(): EmailChannel {
  const smtp = emailSettings() ?? { url: '', from: '' }
  const { concurrency, urgentConcurrency } = deliverySettings()
  const key = `${smtp.url}|${smtp.from}|${concurrency}|${urgentConcurrency}`
  if (email?.key !== key) {
    void email?.channel.close()
    // One SMTP connection per message in flight, up to the pool's sensible size; the urgent lane has
    // connections of its own, so an urgent message does not queue behind a bulk delivery's.
    const maxConnections = Math.min(concurrency, 20) + Math.min(urgentConcurrency, 20)
    email = { key, channel: new EmailChannel({ url: smtp.url, from: smtp.from, maxConnections, maxMessages: 1000 }) }
  }
  return email.channel
}

let pushResolver: Resolver | undefined

/** How push connections resolve host names: the system's resolver, or one a test injects (null: back to the system's). */
export function setPushResolver(resolve: Resolver | null): void {
  pushResolver = resolve ?? undefined
  void push?.channel.close()
  push = null
}

export function pushChannel(): WebPushChannel {
  const vapid = vapidSettings() ?? { publicKey: '', privateKey: '', subject: '' }
  const key = `${vapid.publicKey}|${vapid.privateKey}|${vapid.subject}|${env.pushCaFile}|${env.pushTrustedOrigins}`
  if (push?.key !== key) {
    void push?.channel.close()
    push = {
      key,
      channel: new WebPushChannel({
        publicKey: vapid.publicKey,
        privateKey: vapid.privateKey,
        subject: vapid.subject,
        // Sockets for both lanes: a bulk delivery's and an urgent one's sends in flight.
        maxSockets: deliverySettings().concurrency + deliverySettings().urgentConcurrency,
        // An extra certificate authority for a push service of our own (the benchmark's local one).
        ...(env.pushCaFile ? { ca: fs.readFileSync(env.pushCaFile) } : {}),
        trustedOrigins: pushTrustedOrigins(),
        resolve: pushResolver,
      }),
    }
  }
  return push.channel
}

/** Close this process's channels (shutdown, end of a test). */
export async function closeDeliveryChannels(): Promise<void> {
  await Promise.all([email?.channel.close(), push?.channel.close()])
  email = null
  push = null
}
