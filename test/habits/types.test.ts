/**
 * src/payload-types.ts is Payload's, generated from the config (`npm run generate:types`),
 * with ids widened once for both databases (src/store/idTypes.ts). This fails when the file is
 * behind the config, or when the two databases would give different types. A check of a
 * file, not of a database: the SQLite leg runs it.
 */
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'

import { describe, expect, it } from 'vitest'

import { onMongoLeg } from '../support/payload'

const ROOT = path.resolve(__dirname, '../..')
const COMMITTED = path.join(ROOT, 'src/payload-types.ts')

async function generate(databaseUri: string | undefined): Promise<string> {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'types-')), 'payload-types.ts')
  const env: NodeJS.ProcessEnv = { ...process.env, PAYLOAD_TS_OUTPUT_PATH: out }
  delete env.DATABASE_URI
  if (databaseUri) env.DATABASE_URI = databaseUri
  await promisify(execFile)('npm', ['run', '--silent', 'generate:types'], { cwd: ROOT, env })
  return fs.readFileSync(out, 'utf8')
}

describe.skipIf(onMongoLeg())('generated Payload types', () => {
  it('are current with the config, and the same for SQLite and MongoDB', async () => {
    const committed = fs.readFileSync(COMMITTED, 'utf8')
    const [sqlite, mongo] = await Promise.all([generate(undefined), generate('mongodb://127.0.0.1:9/street-news-types')])
    expect(sqlite, 'src/payload-types.ts is behind the config: run npm run generate:types').toBe(committed)
    expect(mongo).toBe(committed)
    // The ids are widened: a document's id, a relationship's and Payload's default id type.
    expect(committed).toMatch(/export interface Delivery \{\n {2}id: number \| string;/)
    expect(committed).toMatch(/grid: \(number \| string\) \| Grid;/)
    expect(committed).toMatch(/defaultIDType: number \| string;/)
  }, 120_000)
})
