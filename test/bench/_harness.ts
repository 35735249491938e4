import { fork, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))

export const out = (line: string) => process.stdout.write(`${line}\n`)

/**
 * What the benchmarks that run local servers share: the servers in processes
 * of their own (so they do not share the sender's event loop), a time limit
 * past which the run stops where it is with exit 1, and an end that lets the
 * servers go and removes the data directory whatever happened.
 */
export function benchHarness(dir: string, timeLimitS: number) {
  const children: ChildProcess[] = []
  const removeDir = () => fs.rmSync(dir, { recursive: true, force: true })

  setTimeout(() => {
    out(`time limit of ${timeLimitS} s reached (BENCH_TIME_LIMIT_S); stopping`)
    for (const c of children) c.kill()
    removeDir()
    process.exit(1)
  }, timeLimitS * 1000).unref()

  return {
    /** A server in test/bench/FILE, ready once it sent its first message (what it sends is `ready`). */
    startChild<T>(file: string, args: string[] = []): Promise<{ child: ChildProcess; ready: T }> {
      const child = fork(path.join(here, file), args, { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
      children.push(child)
      return new Promise((resolve, reject) => {
        child.once('message', (ready) => resolve({ child, ready: ready as T }))
        child.once('exit', (code) => reject(new Error(`${file} exited (${code}) before it was ready`)))
      })
    },

    /** One request, one answer: the children answer each IPC message in order. */
    ask<T>(child: ChildProcess, msg: object): Promise<T> {
      return new Promise<T>((resolve) => {
        child.once('message', (m) => resolve(m as T))
        child.send(msg)
      })
    },

    /** Run the measurement; exits with its code (1 on an error, with the error on stderr). */
    async run(body: () => Promise<number>): Promise<never> {
      let exitCode = 1
      try {
        exitCode = await body()
      } catch (err) {
        process.stderr.write(`${(err as Error).stack ?? err}\n`)
      } finally {
        for (const c of children) if (c.connected) c.disconnect()
        removeDir()
      }
      process.exit(exitCode)
    },
  }
}

/** The verdict line, and the exit code: 1 when a target is missed. */
export function verdict(missed: (string | false)[]): number {
  const names = missed.filter((m): m is string => Boolean(m))
  out(names.length ? `MISSED: ${names.join('; ')}` : 'all targets met')
  return names.length ? 1 : 0
}
