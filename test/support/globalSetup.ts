import { startFerret } from './ferretdb'

/**
 * Before any test file: on the MongoDB-wire leg without TEST_MONGODB_URI,
 * start FerretDB and hand its address to every test process, with the
 * adapter's FerretDB mode on (MONGODB_COMPAT=ferretdb, docs/databases.md).
 * A TEST_MONGODB_URI that points at a FerretDB of your own needs
 * MONGODB_COMPAT=ferretdb set by you; the adapter stops with that advice if not.
 */
export default async function globalSetup() {
  if (process.env.TEST_DB !== 'mongo' || process.env.TEST_MONGODB_URI) return
  const ferret = await startFerret((m) => process.stderr.write(`[ferretdb] ${m}\n`))
  process.env.TEST_MONGODB_URI = ferret.uri
  process.env.TEST_MONGODB_IS_FERRETDB = '1'
  process.env.MONGODB_COMPAT = 'ferretdb'
  return async () => ferret.stop()
}
