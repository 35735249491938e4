import { mongooseAdapter } from '@payloadcms/db-mongodb'
import { defaultBeginTransaction, ValidationError, type CollectionSlug, type DatabaseAdapterObj, type Payload, type PayloadRequest } from 'payload'

import { env } from '../server/env'

/**
 * The MongoDB adapter, as production runs it, plus the narrow compatibility
 * mode for FerretDB v1 (the MongoDB-wire server CI runs on when no MongoDB is
 * at hand). docs/databases.md lists every difference and why each setting is
 * here.
 *
 * MONGODB_COMPAT=ferretdb turns the mode on. It is checked against the server
 * at connect: a FerretDB server without it (or the reverse) stops the start
 * with a message that says what to set, since the two differ in ways that
 * otherwise show up only as a failed login or a wrong error message.
 */
export type MongoCompat = 'none' | 'ferretdb'

export function mongoCompat(): MongoCompat {
  const value = env.mongodbCompat.trim().toLowerCase()
  if (value === '' || value === 'none') return 'none'
  if (value === 'ferretdb') return 'ferretdb'
  throw new Error(`MONGODB_COMPAT must be empty or "ferretdb", not "${env.mongodbCompat}"`)
}

/** What the adapter found at connect; /healthz and the docs' checks read it. */
export type MongoServerInfo = {
  server: 'mongodb' | 'ferretdb'
  version: string
  replicaSet: string | null
  transactions: boolean
  compat: MongoCompat
}

type Adapter = Record<string, unknown> & {
  payload: Payload
  connection: {
    db?: { admin(): { command(cmd: object): Promise<Record<string, unknown>> } }
    models: Record<string, { init(): Promise<unknown>; modelName: string }>
  }
  collections: Record<string, MongoModel>
  transactionOptions: unknown
  beginTransaction: unknown
  connect: (options?: unknown) => Promise<void>
  serverInfo?: MongoServerInfo
  indexesReady?: Promise<IndexFailure[]>
}
type MongoModel = { exists(filter: object): Promise<unknown> }
export type IndexFailure = { model: string; error: string }

/** Methods that Payload runs as findAndModify/findOneAndDelete with a projection when given `select`. */
const FIND_AND_MODIFY_METHODS = ['updateOne', 'updateGlobal', 'updateVersion', 'updateGlobalVersion', 'deleteOne'] as const
/** Methods whose unique-index violations Payload turns into a ValidationError. */
const UNIQUE_CHECKED_METHODS = ['create', 'updateOne', 'upsert'] as const

export function mongoAdapter(url: string): DatabaseAdapterObj {
  const compat = mongoCompat()
  const ferret = compat === 'ferretdb'
  const base = mongooseAdapter({
    url,
    // FerretDB v1 has no transactions: say so, rather than rely on the URI lacking replicaSet.
    ...(ferret ? { transactionOptions: false as const } : {}),
    // FerretDB v1 has no $lookup: join fields are then filled by separate queries.
    ...(ferret ? { useJoinAggregations: false } : {}),
  })
  return {
    ...base,
    init: (args) => {
      const adapter = base.init(args) as unknown as Adapter
      if (ferret) patchForFerretDB(adapter)
      wrapConnect(adapter, compat)
      return adapter as never
    },
  }
}

/**
 * FerretDB v1 rejects findAndModify with a projection ("fields"), which Payload
 * sends whenever an update names a `select` — a failed login counts its
 * attempt that way. The whole document is returned instead; Payload reads
 * what it needs from it.
 */
function patchForFerretDB(adapter: Adapter) {
  for (const name of FIND_AND_MODIFY_METHODS) {
    const original = adapter[name] as (args: Record<string, unknown>) => Promise<unknown>
    adapter[name] = function (this: unknown, args: Record<string, unknown>) {
      return original.call(this, args?.select ? { ...args, select: undefined } : args)
    }
  }
  // FerretDB's duplicate-key error carries no index name or key, so Payload
  // cannot say which field clashed; find it by asking which unique field's
  // value is taken by another document.
  for (const name of UNIQUE_CHECKED_METHODS) {
    const original = adapter[name] as (args: Record<string, unknown>) => Promise<unknown>
    adapter[name] = async function (this: unknown, args: Record<string, unknown>) {
      try {
        return await original.call(this, args)
      } catch (err) {
        throw await nameUniqueField(adapter, args, err)
      }
    }
  }
}

async function nameUniqueField(adapter: Adapter, args: Record<string, unknown>, err: unknown): Promise<unknown> {
  if (!(err instanceof ValidationError)) return err
  const errors = err.data?.errors ?? []
  if (!errors.length || errors.some((e) => e.path)) return err
  const slug = args.collection as CollectionSlug | undefined
  const data = args.data as Record<string, unknown> | undefined
  const model = slug ? adapter.collections[slug] : undefined
  const config = slug ? adapter.payload.collections[slug]?.config : undefined
  if (!model || !config || !data) return err
  const id = args.id ?? (args.where as { id?: { equals?: unknown } } | undefined)?.id?.equals
  for (const field of config.flattenedFields) {
    if (!('unique' in field) || !field.unique || data[field.name] == null) continue
    const filter: Record<string, unknown> = { [field.name]: data[field.name] }
    if (id != null) filter._id = { $ne: id }
    if (await model.exists(filter)) {
      const req = args.req as Partial<PayloadRequest> | undefined
      return new ValidationError({ collection: slug, errors: [{ message: errors[0].message, path: field.name }], req }, req?.t)
    }
  }
  return err
}

/**
 * After Payload connects: find out what the server is, check the compat mode
 * against it, use transactions on any replica set or sharded cluster (Payload
 * alone turns them off unless the URI names replicaSet=), and report index
 * builds that fail instead of letting them pass unseen.
 */
function wrapConnect(adapter: Adapter, compat: MongoCompat) {
  const connect = adapter.connect
  const mongoBeginTransaction = adapter.beginTransaction
  const configuredTransactions = adapter.transactionOptions
  adapter.connect = async function (this: Adapter, options?: unknown) {
    await connect.call(this, options)
    const admin = this.connection.db?.admin()
    if (!admin) return // url: false, nothing to inspect
    const log = this.payload.logger.child({ component: 'database' })
    const build = await admin.command({ buildInfo: 1 })
    const hello = await admin.command({ hello: 1 })
    const server = build.ferretdbVersion ? 'ferretdb' : 'mongodb'
    if (server === 'ferretdb' && compat !== 'ferretdb') {
      throw new Error('DATABASE_URI points at a FerretDB server: set MONGODB_COMPAT=ferretdb (see docs/databases.md)')
    }
    if (server === 'mongodb' && compat === 'ferretdb') {
      throw new Error('MONGODB_COMPAT=ferretdb is set but the server is MongoDB: unset it (see docs/databases.md)')
    }
    const replicaSet = typeof hello.setName === 'string' ? hello.setName : null
    const transactionCapable = server === 'mongodb' && (replicaSet !== null || hello.msg === 'isdbgrid')
    if (transactionCapable && configuredTransactions !== undefined && !this.transactionOptions) {
      this.transactionOptions = configuredTransactions
      this.beginTransaction = mongoBeginTransaction
    }
    if (!transactionCapable && this.transactionOptions) {
      this.transactionOptions = false
      this.beginTransaction = defaultBeginTransaction()
    }
    this.serverInfo = {
      server,
      version: String(build.ferretdbVersion ?? build.version),
      replicaSet,
      transactions: Boolean(transactionCapable && this.transactionOptions !== undefined && this.transactionOptions !== false),
      compat,
    }
    log.info(this.serverInfo, 'database connected')
    if (!this.serverInfo.transactions) {
      log.warn('no transactions: each write stands alone (use a replica set in production, see docs/deployment.md)')
    }
    this.indexesReady = Promise.all(
      Object.values(this.connection.models).map(async (model) => {
        try {
          await model.init()
          return null
        } catch (err) {
          const error = err instanceof Error ? err.message : String(err)
          log.error({ model: model.modelName, err }, 'index build failed')
          return { model: model.modelName, error }
        }
      }),
    ).then((all) => all.filter((f): f is IndexFailure => f !== null))
  }
}

/** The server the MongoDB adapter connected to, or null on SQLite. */
export function mongoServerInfo(payload: Payload): MongoServerInfo | null {
  return (payload.db as unknown as Adapter).serverInfo ?? null
}

/** Wait until every declared index is built; returns those that failed (empty on SQLite). */
export async function mongoIndexesReady(payload: Payload): Promise<IndexFailure[]> {
  return (await (payload.db as unknown as Adapter).indexesReady) ?? []
}
