import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

import { env } from './env'

/**
 * PAYLOAD_SECRET signs sessions. A production database requires it from the
 * environment; the embedded default generates one once and keeps it beside
 * its database file (never in the repository). Apart from the settings module
 * because it touches the file system, and the settings module is also read by
 * code that runs in the admin's browser bundle (templates/format.ts).
 */
export function payloadSecret(): string {
  return keptSecret('PAYLOAD_SECRET', env.payloadSecret, '.payload-secret')
}

/**
 * PHONE_KEY encrypts residents' mobile numbers at rest (src/subscribers/phone.ts).
 * The same rule as PAYLOAD_SECRET: required with MongoDB, generated once
 * beside the embedded database otherwise. Losing it loses every stored number.
 */
export function phoneKey(): string {
  return keptSecret('PHONE_KEY', env.phoneKey, '.phone-key')
}

function keptSecret(name: string, value: string, fileName: string): string {
  if (value) return value
  if (env.isMongo) throw new Error(`${name} must be set when DATABASE_URI points at MongoDB`)
  const file = path.join(env.dataDir, fileName)
  try {
    return fs.readFileSync(file, 'utf8').trim()
  } catch {
    fs.mkdirSync(env.dataDir, { recursive: true })
    const secret = randomBytes(32).toString('hex')
    fs.writeFileSync(file, secret, { mode: 0o600 })
    return secret
  }
}
