import { MigrateDownArgs, MigrateUpArgs, sql } from '@payloadcms/db-sqlite'

import { rebuildSqliteTables } from '../store/sqliteRebuild'

/**
 * Subscribing by mobile number (issue 17): the verification code's columns,
 * and `email` no longer NOT NULL (a resident who chose SMS only may give no
 * address; the unique index stays, and SQLite's admits many NULLs).
 *
 * Written by hand, not the statements `payload migrate:create` generated:
 * SQLite has no ALTER for dropping NOT NULL, and the generated rebuild drops
 * `subscribers` inside the migration's transaction with foreign keys on, so
 * the drop's ON DELETE actions would delete the residents' push devices,
 * consents and locks. rebuildSqliteTables (src/store/sqliteRebuild.ts) keeps
 * every row; here it changes the one column's definition on the way. Do not
 * regenerate this file; the .json beside it is migrate:create's snapshot.
 */
const EMAIL_REQUIRED = /(`email`\s+text)\s+NOT NULL/i

/**
 * The rebuild defers foreign key checks to the end of a transaction: Payload
 * runs a migration inside one, but a caller that runs it bare (the ids
 * migration test) has none. A savepoint is a transaction of its own outside
 * one and a nested one inside.
 */
async function inSavepoint(db: MigrateUpArgs['db'], work: () => Promise<void>) {
  await db.run(sql`SAVEPOINT sms_subscribe`)
  try {
    await work()
  } catch (err) {
    await db.run(sql`ROLLBACK TO sms_subscribe`)
    await db.run(sql`RELEASE sms_subscribe`)
    throw err
  }
  await db.run(sql`RELEASE sms_subscribe`)
}

export async function up({ db, payload }: MigrateUpArgs): Promise<void> {
  await db.run(sql`ALTER TABLE \`subscribers\` ADD \`sms_code\` text;`)
  await db.run(sql`ALTER TABLE \`subscribers\` ADD \`sms_code_expires_at\` text;`)
  await db.run(sql`ALTER TABLE \`subscribers\` ADD \`sms_code_tries\` numeric;`)
  await inSavepoint(db, () =>
    rebuildSqliteTables(db as never, payload, {
      autoIncrement: 'keep',
      definition: (table, text) => (table === 'subscribers' ? text.replace(EMAIL_REQUIRED, '$1') : text),
    }),
  )
}

export async function down({ db, payload }: MigrateDownArgs): Promise<void> {
  // Residents with a number and no address cannot stay once an address is required again.
  await db.run(sql`DELETE FROM \`subscribers\` WHERE \`email\` IS NULL;`)
  await db.run(sql`ALTER TABLE \`subscribers\` DROP COLUMN \`sms_code\`;`)
  await db.run(sql`ALTER TABLE \`subscribers\` DROP COLUMN \`sms_code_expires_at\`;`)
  await db.run(sql`ALTER TABLE \`subscribers\` DROP COLUMN \`sms_code_tries\`;`)
  await inSavepoint(db, () =>
    rebuildSqliteTables(db as never, payload, {
      autoIncrement: 'keep',
      definition: (table, text) => (table === 'subscribers' ? text.replace(/(`email`\s+text)(?!\s+NOT NULL)/i, '$1 NOT NULL') : text),
    }),
  )
}
