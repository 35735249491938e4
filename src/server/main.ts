import type { Server } from 'node:http'

import next from 'next'

import { pushTrustedOrigins } from '../delivery/config'
import { startScheduler } from '../jobs/scheduler'
import { stopReadBuffer } from '../readership/buffer'
import { flushKioskViews } from '../readership/kioskViews'
import { createFirstAdminFromEnv, seedDemo } from '../seed/demo'
import { createApp, listen } from './app'
import { ensureBuild } from './build'
import { env } from './env'
import { initPayload, isFreshDatabase } from './payload'
import { closeStaffMail } from './staffMailer'

export async function main() {
  const dev = !env.production
  const serves = env.role !== 'worker'
  if (serves && !dev) await ensureBuild()

  const payload = await initPayload()
  const log = payload.logger.child({ component: 'server' })
  // A malformed PUSH_TRUSTED_ORIGINS stops the start here, not a resident's subscription later.
  const trustedPush = pushTrustedOrigins()
  if (trustedPush.length) log.info({ origins: trustedPush }, 'push services trusted past the outbound guard (PUSH_TRUSTED_ORIGINS)')

  if (env.isMongo) {
    if (env.seedDemo) log.warn('SEED_DEMO is ignored on a MongoDB database: demo data never goes into production')
    await createFirstAdminFromEnv(payload)
  } else if (env.seedDemo || (await isFreshDatabase(payload))) {
    // With three months of readership, so every dashboard has figures on first start (src/seed/history.ts).
    await seedDemo(payload, { history: env.seedDemoHistory })
  }

  const scheduler = env.role === 'web' ? null : startScheduler(payload)

  let server: Server | null = null
  if (serves) {
    const nextApp = next({ dev, dir: process.cwd(), hostname: env.host, port: env.port })
    await nextApp.prepare()
    const handle = nextApp.getRequestHandler()
    const app = createApp(payload, (req, res) => handle(req, res))
    server = await listen(payload, app, env.port, env.host)
    log.info({ url: `http://${env.host}:${env.port}`, role: env.role, db: payload.db.name }, 'listening')
  }

  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    log.info({ signal }, 'stopping')
    // No new work is claimed; running deliveries finish the sends in flight, record them and go back to the
    // queue, so the next start sends nobody a duplicate (at most DELIVERY_STOP_GRACE_MS; docs/deployment.md).
    const lanes = scheduler?.stop().then((idle) => log.info({ idle }, 'background work stopped'))
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
    server?.closeAllConnections?.()
    await lanes
    // Read events answered but still in memory are written before the database closes.
    await stopReadBuffer(payload).catch((err) => log.error({ err }, 'flushing read events failed'))
    // So are the community terminals' view counts (src/readership/kioskViews.ts).
    await flushKioskViews(payload).catch((err) => log.error({ err }, 'flushing kiosk views failed'))
    // Password-reset mails answered but not yet handed to SMTP (at most the SMTP timeouts).
    await closeStaffMail()
    await payload.destroy?.()
    process.exit(0)
  }
  process.on('SIGTERM', () => void stop('SIGTERM'))
  process.on('SIGINT', () => void stop('SIGINT'))
}
