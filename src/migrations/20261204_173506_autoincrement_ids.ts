import { MigrateDownArgs, MigrateUpArgs } from '@payloadcms/db-sqlite'

import { rebuildSqliteTables } from '../store/sqliteRebuild'

/**
 * Ids are never reused: every table whose id the adapter declares
 * AUTOINCREMENT (`autoIncrement: true`, src/payload.config.ts) is rebuilt with
 * it, keeping every row, index and foreign key, and its sequence starts above
 * the highest id the database still mentions (a deleted newest content's
 * deliveries, figures and audit entries).
 *
 * Written by hand on purpose, not the statements `payload migrate:create`
 * generated for this change: those drop each table inside the migration's
 * transaction with foreign keys on (their `PRAGMA foreign_keys=OFF` does
 * nothing inside a transaction), so the drop's foreign key actions would
 * delete the children's rows. See src/store/sqliteRebuild.ts. Do not
 * regenerate this file; the .json beside it is the schema snapshot
 * migrate:create made, for later migrations to compare with.
 */
export async function up({ db, payload }: MigrateUpArgs): Promise<void> {
  await rebuildSqliteTables(db as never, payload, { autoIncrement: true })
}

export async function down({ db, payload }: MigrateDownArgs): Promise<void> {
  await rebuildSqliteTables(db as never, payload, { autoIncrement: false })
}
