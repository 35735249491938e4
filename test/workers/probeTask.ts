import fs from 'node:fs'

import type { TaskConfig } from 'payload'

/**
 * A job task for the exactly-once tests. Every run appends "start <item>
 * <pid>" to a log file shared by all processes, then, after `ms`, "done <item>
 * <pid>" — unless a done line for the item is already there: a runner that
 * died after doing the work but before Payload marked the job complete left
 * it, and the work must not be done twice. The file is outside the database
 * under test, so a lost database write cannot hide a duplicate run.
 */
export const PROBE_TASK = 'probe'

export type ProbeInput = { item: string; log: string; ms?: number }

export const probeTask = {
  slug: PROBE_TASK,
  retries: 0,
  inputSchema: [
    { name: 'item', type: 'text', required: true },
    { name: 'log', type: 'text', required: true },
    { name: 'ms', type: 'number' },
  ],
  handler: async ({ input }: { input: ProbeInput }) => {
    fs.appendFileSync(input.log, `start ${input.item} ${process.pid}\n`)
    if (input.ms) await new Promise((r) => setTimeout(r, input.ms))
    const already = new RegExp(`^done ${input.item} `, 'm').test(fs.readFileSync(input.log, 'utf8'))
    if (!already) fs.appendFileSync(input.log, `done ${input.item} ${process.pid}\n`)
    return { output: {} }
  },
} as unknown as TaskConfig

export type ProbeLine = { kind: 'start' | 'done'; item: string; pid: number }

export function readProbeLog(file: string): ProbeLine[] {
  if (!fs.existsSync(file)) return []
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [kind, item, pid] = line.split(' ')
      return { kind: kind as ProbeLine['kind'], item, pid: Number(pid) }
    })
}
