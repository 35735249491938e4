/**
 * A Payload process on the embedded SQLite database, driven line by line from
 * stdin by test/integration/sqlite-episodes.test.ts (which runs it as an
 * unprivileged user and changes its file's mode and its file-size limit
 * between commands). Each command answers one JSON line on stdout:
 * - `plain`: a write outside any transaction (as claims, leases, receipts make them)
 * - `tx`: a save through Payload's operation (in a transaction)
 * - `events`: read events through the readership store (its writer thread)
 * - `count`: how many communities exist
 * - `log`: the warnings and errors logged so far
 */
import { createInterface } from 'node:readline'

import { insertReadEvents } from '../../src/readership/store'
import { initPayload } from '../../src/server/payload'

const payload = await initPayload()
const logged: string[] = []
for (const level of ['warn', 'error'] as const) {
  const original = payload.logger[level].bind(payload.logger)
  payload.logger[level] = ((...args: unknown[]) => {
    logged.push(args.map((a) => (typeof a === 'string' ? a : '')).join(' '))
    return (original as (...a: unknown[]) => void)(...args)
  }) as never
}

let seq = 0
const innermost = (err: unknown) => {
  let e = err as { message?: string; cause?: unknown }
  while (e?.cause) e = e.cause as typeof e
  return String(e?.message ?? err)
}
const answer = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`)

async function run(cmd: string): Promise<object> {
  const code = `E-${++seq}`
  switch (cmd) {
    case 'plain':
      await payload.db.create({ collection: 'communities', data: { code, name: code }, req: { transactionID: undefined } as never })
      return { code }
    case 'tx':
      await payload.create({ collection: 'communities', data: { code, name: code }, overrideAccess: true })
      return { code }
    case 'events':
      await insertReadEvents(payload, [{ contentType: 'issues', contentId: code, grid: '1', channel: 'site', kind: 'read', reader: code, at: new Date() }])
      return { code }
    case 'count':
      return { count: (await payload.count({ collection: 'communities', overrideAccess: true })).totalDocs }
    case 'log':
      return { logged }
    default:
      throw new Error(`unknown command ${cmd}`)
  }
}

answer({ ready: true })
for await (const line of createInterface({ input: process.stdin })) {
  const cmd = line.trim()
  if (cmd === 'exit') break
  try {
    answer({ cmd, ok: true, ...(await run(cmd)) })
  } catch (err) {
    answer({ cmd, ok: false, error: innermost(err) })
  }
}
await payload.destroy?.()
process.exit(0)
