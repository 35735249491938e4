/**
 * `npm start`: build the admin if needed, migrate, seed an empty embedded
 * database, run the scheduler and serve. Environment first, then the rest is
 * imported, so that every module sees the final settings.
 */
import fs from 'node:fs'

// The one place (with the CLIs) that sets the environment rather than reading it: Node, Next
// and Payload read these before any of our modules; every read goes through server/env.ts.
if (fs.existsSync('.env')) process.loadEnvFile('.env')
;(process.env as Record<string, string>).NODE_ENV ??= 'production'
process.env.TZ ??= 'Asia/Shanghai'
process.env.NEXT_TELEMETRY_DISABLED = '1'

const { main } = await import('./main')
await main()
