import { it, type TestFunction } from 'vitest'

/**
 * The one list of tests that cannot run on the FerretDB leg, each with its
 * reason (docs/databases.md has the differences behind them). A test listed
 * here is written with `itUnlessFerretDB`; test/run.ts prints the count and
 * this list at the end of every run. Keep it short: adapt the code first.
 */
export const FERRETDB_EXCLUSIONS: readonly { test: string; reason: string }[] = [
  {
    test: 'sorts by a field of a related document',
    reason:
      'FerretDB v1 has no $lookup, which Payload needs to sort by a related document\'s field; no query of ours does so. Runs on MongoDB and SQLite.',
  },
  {
    test: 'serves the newest-published list from its index',
    reason:
      'FerretDB v1 (SQLite backend) builds the index but scans: it pushes only simple filters down and its explain has no MongoDB plan. Runs on MongoDB and SQLite.',
  },
]

/** On the MongoDB-wire leg with FerretDB as the server (the adapter's FerretDB mode is on). */
export const onFerretDB = () => process.env.TEST_DB === 'mongo' && process.env.MONGODB_COMPAT === 'ferretdb'

/** `it`, skipped on the FerretDB leg; the name must be listed in FERRETDB_EXCLUSIONS with its reason. */
export function itUnlessFerretDB(name: string, fn: TestFunction, timeout?: number) {
  if (!FERRETDB_EXCLUSIONS.some((e) => e.test === name)) {
    throw new Error(`"${name}" uses itUnlessFerretDB but is not listed in FERRETDB_EXCLUSIONS (test/support/legs.ts) with its reason`)
  }
  return onFerretDB() ? it.skip(name, fn, timeout) : it(name, fn, timeout)
}
