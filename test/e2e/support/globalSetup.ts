import fs from 'node:fs'
import path from 'node:path'

import type { TestProject } from 'vitest/node'

import { ensureBuild } from '../../../src/server/build'
import { E2E_OUT, startServer } from './server'

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string
  }
}

/**
 * Before the browser tests: make sure the production build is current, then
 * start the real server (`npm start`) on a free port with a fresh data
 * directory, so it migrates and seeds the demo street as a fresh install does.
 */
export default async function globalSetup(project: TestProject) {
  fs.rmSync(E2E_OUT, { recursive: true, force: true })
  fs.mkdirSync(E2E_OUT, { recursive: true })

  // While writing tests: E2E_BASE_URL points at a server already running on a
  // freshly seeded database, and nothing is built or started here.
  if (process.env.E2E_BASE_URL) {
    project.provide('baseUrl', process.env.E2E_BASE_URL.replace(/\/+$/, ''))
    return
  }

  await ensureBuild()
  const started = Date.now()
  const { baseUrl, logFile, stop } = await startServer({ name: 'server' })
  process.stderr.write(`[e2e] server ready at ${baseUrl} in ${Math.round((Date.now() - started) / 1000)} s (log: ${path.relative(process.cwd(), logFile)})\n`)

  project.provide('baseUrl', baseUrl)
  return stop
}
