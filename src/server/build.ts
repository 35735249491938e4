import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'

const ROOT = process.cwd()
const STAMP = path.join(ROOT, '.next', 'street-news-build.json')
const INPUTS = ['src', 'next.config.mjs', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json']

function* files(p: string): Generator<string> {
  const stat = fs.statSync(p, { throwIfNoEntry: false })
  if (!stat) return
  if (stat.isFile()) yield p
  else if (stat.isDirectory()) for (const name of fs.readdirSync(p).sort()) yield* files(path.join(p, name))
}

/** A hash of everything the admin build depends on: a change means a rebuild. */
export function buildInputsHash(): string {
  const hash = createHash('sha256')
  for (const input of INPUTS) {
    for (const file of files(path.join(ROOT, input))) {
      hash.update(path.relative(ROOT, file)).update('\0').update(fs.readFileSync(file)).update('\0')
    }
  }
  return hash.digest('hex')
}

export function buildIsCurrent(): boolean {
  if (!fs.existsSync(path.join(ROOT, '.next', 'BUILD_ID'))) return false
  try {
    return JSON.parse(fs.readFileSync(STAMP, 'utf8')).inputs === buildInputsHash()
  } catch {
    return false
  }
}

/** Run `next build` with its own progress output, then stamp the inputs it was built from. */
export async function runBuild(log: (msg: string) => void = (m) => process.stderr.write(`${m}\n`)) {
  const inputs = buildInputsHash()
  const nextBin = createRequire(import.meta.url).resolve('next/dist/bin/next')
  log('[build] 正在构建管理后台(首次启动约需 2–3 分钟)… / building the admin (about 2–3 minutes on first start)…')
  const started = Date.now()
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [nextBin, 'build'], {
      cwd: ROOT,
      stdio: 'inherit',
      // The environment handed on whole to Next's build (not a read of a setting).
      env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
    })
    child.on('error', reject)
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`next build exited with ${code}`))))
  })
  fs.writeFileSync(STAMP, JSON.stringify({ inputs, builtAt: new Date().toISOString() }))
  log(`[build] done in ${Math.round((Date.now() - started) / 1000)} s`)
}

const LOCK = path.join(ROOT, '.next-build.lock')

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Build if the inputs changed since the last build. Processes that start at
 * once (a web and a worker process on one checkout, or test files run in
 * parallel) take turns through a lock file: one builds, the others wait and
 * then find the build current. A lock left by a process that died is taken over.
 */
export async function ensureBuild() {
  if (buildIsCurrent()) return
  for (;;) {
    try {
      fs.writeFileSync(LOCK, String(process.pid), { flag: 'wx' })
      break
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      let holder = 0
      try {
        holder = Number(fs.readFileSync(LOCK, 'utf8')) || 0
      } catch {
        continue // released meanwhile: try again at once
      }
      if (holder && !alive(holder)) fs.rmSync(LOCK, { force: true })
      else await new Promise((r) => setTimeout(r, 500))
    }
  }
  try {
    if (!buildIsCurrent()) await runBuild()
  } finally {
    fs.rmSync(LOCK, { force: true })
  }
}

// `npm run build`: build unconditionally.
if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(ROOT, 'src/server/build.ts')) {
  runBuild().catch((err) => {
    process.stderr.write(`${err instanceof Error ? err.message : err}\n`)
    process.exit(1)
  })
}
