import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { openPixelUrl } from '../../src/delivery/links'
import { readerKey } from '../../src/readership/tokens'
import { ensureBuild } from '../../src/server/build'
import { testPayload } from '../support/payload'
import { type ServerProcess, startServerProcess } from '../support/server-process'
import { BROWSER } from './support'

/**
 * The real server (as `npm start` runs it) stopped
 * with SIGTERM right after answering a burst of pixels: every read it
 * answered is in the database afterwards. READ_FLUSH_MS is set far beyond the
 * test's length, so the buffer's timer writes none of them: what the last
 * scheduler tick before the stop did not write (it flushes before the rollup),
 * only the shutdown path writes. Builds the admin first if the build is not current.
 */
const mongoLeg = process.env.TEST_DB === 'mongo'
const READS = 1500
let server: ServerProcess

beforeAll(async () => {
  await ensureBuild()
  // The server writes to this test's own database: the file testPayload() opens afterwards (or this leg's MongoDB database).
  const databaseUri = mongoLeg ? process.env.DATABASE_URI! : `file:${path.join(process.env.DATA_DIR!, 'street-news-dev.db')}`
  server = await startServerProcess({ env: { DATABASE_URI: databaseUri, LOG_LEVEL: 'info', READ_FLUSH_MS: '600000', SEED_DEMO: '' } })
}, 900_000)

afterAll(() => server?.kill())

describe('a normal stop of the server', () => {
  it('writes every read it answered before the process ends', async () => {
    const t = (i: number) => ({ channel: 'email' as const, contentType: 'issues' as const, contentId: 'stop-1', grid: '1', reader: readerKey('issues', 'stop-1', `ref-${i}`) })
    let next = 0
    let answered = 0
    const worker = async () => {
      while (next < READS) {
        const i = next++
        const res = await fetch(openPixelUrl(t(i), server.base), { headers: { 'user-agent': BROWSER } })
        await res.arrayBuffer()
        if (res.status === 200) answered++
      }
    }
    await Promise.all(Array.from({ length: 16 }, worker))
    expect(answered).toBe(READS)

    const code = await server.stop(30_000)
    expect(code, server.output().slice(-3000)).toBe(0)
    expect(server.output()).toContain('stopping')

    const payload = await testPayload()
    const stored = (await payload.db.count({ collection: 'read-events', where: { contentId: { equals: 'stop-1' } } })).totalDocs
    expect(stored).toBe(READS)
  })
})
