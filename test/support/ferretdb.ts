import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

/**
 * FerretDB v1 (SQLite backend) as the MongoDB-wire server for tests, built
 * from its Go module with the machine's Go and cached outside the repository,
 * keyed by version, so a second run does not rebuild it.
 */
export const FERRETDB_VERSION = 'v1.24.2'
const MODULE = 'github.com/FerretDB/FerretDB'

export function ferretCacheDir(): string {
  const base = process.env.STREET_NEWS_CACHE || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'street-news')
  return path.join(base, `ferretdb-${FERRETDB_VERSION}`)
}

export function ensureFerretBinary(log: (m: string) => void = () => {}): string {
  const bin = path.join(ferretCacheDir(), 'ferretdb')
  if (fs.existsSync(bin)) return bin
  log(`building FerretDB ${FERRETDB_VERSION} (once; cached in ${ferretCacheDir()})`)
  const info = JSON.parse(execFileSync('go', ['mod', 'download', '-json', `${MODULE}@${FERRETDB_VERSION}`], { encoding: 'utf8' }))
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ferretdb-src-'))
  try {
    fs.cpSync(info.Dir, work, { recursive: true })
    execFileSync('chmod', ['-R', 'u+w', work])
    // The module ships without its generated version file; its build expects one.
    fs.writeFileSync(path.join(work, 'build', 'version', 'version.txt'), `${FERRETDB_VERSION}\n`)
    fs.mkdirSync(ferretCacheDir(), { recursive: true })
    const tmp = `${bin}.${process.pid}.tmp`
    execFileSync('go', ['build', '-o', tmp, './cmd/ferretdb'], { cwd: work, stdio: 'inherit', env: { ...process.env, CGO_ENABLED: '0' } })
    fs.renameSync(tmp, bin)
  } finally {
    fs.rmSync(work, { recursive: true, force: true })
  }
  return bin
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo
      srv.close(() => resolve(port))
    })
  })
}

async function waitForPort(port: number, timeoutMs: number) {
  const until = Date.now() + timeoutMs
  while (Date.now() < until) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => (s.end(), resolve(true)))
      s.on('error', () => resolve(false))
    })
    if (ok) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`FerretDB did not listen on ${port} within ${timeoutMs} ms`)
}

export type RunningFerret = {
  uri: string
  port: number
  /** Its SQLite directory. */
  dir: string
  /** SIGTERM, then removes its directory unless `keepData` (to start it again on the same port and data). */
  stop: (opts?: { keepData?: boolean }) => Promise<void>
  child: ChildProcess
}

/**
 * Start FerretDB on a free loopback port with its own SQLite directory, or on
 * the given port and directory (the same server again after a stop that kept
 * its data: what a database restart looks like to its clients).
 */
export async function startFerret(log: (m: string) => void = () => {}, at: { port?: number; dir?: string } = {}): Promise<RunningFerret> {
  const bin = ensureFerretBinary(log)
  const port = at.port ?? (await freePort())
  const dir = at.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'ferretdb-data-'))
  const child = spawn(
    bin,
    [
      `--listen-addr=127.0.0.1:${port}`,
      '--handler=sqlite',
      `--sqlite-url=file:${dir}/`,
      `--state-dir=${dir}`,
      '--debug-addr=-',
      '--telemetry=disable',
      '--log-level=error',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  )
  await waitForPort(port, 20_000)
  const stop = async ({ keepData = false } = {}) => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM')
      await new Promise((r) => child.once('exit', r))
    }
    if (!keepData) fs.rmSync(dir, { recursive: true, force: true })
  }
  return { uri: `mongodb://127.0.0.1:${port}/`, port, dir, stop, child }
}
