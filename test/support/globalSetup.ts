import { startFerret } from './ferretdb'

/**
 * Before any test file: on the MongoDB-wire leg without TEST_MONGODB_URI,
 * start FerretDB and hand its address to every test process.
 */
export default async function globalSetup() {
  if (process.env.TEST_DB !== 'mongo' || process.env.TEST_MONGODB_URI) return
  const ferret = await startFerret((m) => process.stderr.write(`[ferretdb] ${m}\n`))
  process.env.TEST_MONGODB_URI = ferret.uri
  process.env.TEST_MONGODB_IS_FERRETDB = '1'
  return async () => ferret.stop()
}
