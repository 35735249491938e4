/**
 * wrk (Debian package `wrk`) as a load generator for benchmarks: bounded in
 * time, aimed at 127.0.0.1 only, its report parsed into numbers.
 */
import { execFile } from 'node:child_process'

export type WrkResult = {
  rps: number
  requests: number
  p50Ms: number
  p99Ms: number
  non2xx: number
  socketErrors: number
  raw: string
}

const toMs = (value: string, unit: string) => Number(value) * ({ us: 0.001, ms: 1, s: 1000, m: 60_000 }[unit] ?? NaN)

export function parseWrk(raw: string): WrkResult {
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(raw)?.[1])
  const requests = Number(/(\d+) requests in/.exec(raw)?.[1])
  const pct = (p: string) => {
    const m = new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, 'm').exec(raw)
    return m ? toMs(m[1], m[2]) : NaN
  }
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(raw)?.[1] ?? 0)
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(raw)
  const socketErrors = sock ? sock.slice(1).reduce((a, b) => a + Number(b), 0) : 0
  if (!Number.isFinite(rps) || !Number.isFinite(requests)) throw new Error(`could not read wrk's report:\n${raw}`)
  return { rps, requests, p50Ms: pct('50'), p99Ms: pct('99'), non2xx, socketErrors, raw }
}

/** One wrk run against a local URL; never longer than its duration plus a grace period. */
export function wrk(
  url: string,
  opts: { threads: number; connections: number; seconds: number; headers?: Record<string, string>; script?: string; scriptArgs?: string[] },
): Promise<WrkResult> {
  const u = new URL(url)
  if (u.hostname !== '127.0.0.1') throw new Error(`benchmarks load 127.0.0.1 only, not ${u.hostname}`)
  const args = ['-t', String(opts.threads), '-c', String(opts.connections), '-d', `${opts.seconds}s`, '--timeout', '5s', '--latency']
  for (const [k, v] of Object.entries(opts.headers ?? {})) args.push('-H', `${k}: ${v}`)
  if (opts.script) args.push('-s', opts.script)
  args.push(url)
  // Arguments after `--` reach the script's init(args).
  if (opts.scriptArgs?.length) args.push('--', ...opts.scriptArgs)
  return new Promise((resolve, reject) => {
    // Async on purpose: the server under test runs in this process's event loop.
    execFile('wrk', args, { timeout: (opts.seconds + 20) * 1000, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`wrk failed: ${err.message}\n${stderr}`))
      try {
        resolve(parseWrk(stdout))
      } catch (e) {
        reject(e)
      }
    })
  })
}
