import path from 'node:path'

import { defineConfig } from 'vitest/config'

import { withNodeConditions } from './scripts/node-options.mjs'

// Every test process and every process a test starts loads modules as production does.
process.env.NODE_OPTIONS = withNodeConditions(process.env.NODE_OPTIONS)

/** Unit and integration tests; the database leg comes from TEST_DB (sqlite | mongo). */
export default defineConfig({
  resolve: { alias: { '@payload-config': path.resolve('src/payload.config.ts') } },
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    // One process per test file: each gets its own Payload and its own fresh database.
    pool: 'forks',
    isolate: true,
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 180_000,
    setupFiles: ['test/support/setup.ts'],
    globalSetup: ['test/support/globalSetup.ts'],
  },
})
