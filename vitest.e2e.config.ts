import { defineConfig } from 'vitest/config'

import { withNodeConditions } from './scripts/node-options.mjs'

// Every test process and every process a test starts loads modules as production does.
process.env.NODE_OPTIONS = withNodeConditions(process.env.NODE_OPTIONS)

/**
 * End-to-end tests: Debian's chromium (playwright-core) against the real
 * server started from the production build by the global setup. One file at
 * a time: they share that server and the machine has two cores.
 */
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.ts'],
    fileParallelism: false,
    maxWorkers: 1,
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    globalSetup: ['test/e2e/support/globalSetup.ts'],
    // A page updates after a server round trip and a render; under CI load that
    // can take longer than expect.poll's default second.
    expect: { poll: { timeout: 10_000 } },
  },
})
