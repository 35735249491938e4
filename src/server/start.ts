/**
 * `npm start`: build the admin if needed, migrate, seed an empty embedded
 * database, run the scheduler and serve. Environment first, then the rest is
 * imported, so that every module sees the final settings.
 */
import fs from 'node:fs'

if (fs.existsSync('.env')) process.loadEnvFile('.env')
;(process.env as Record<string, string>).NODE_ENV ??= 'production'
process.env.TZ ??= 'Asia/Shanghai'
process.env.NEXT_TELEMETRY_DISABLED = '1'

const { main } = await import('./main')
await main()
