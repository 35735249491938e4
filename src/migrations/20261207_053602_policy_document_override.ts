import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-sqlite'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.run(sql`ALTER TABLE \`policy_documents\` ADD \`checks_override_reason\` text;`)
  await db.run(sql`ALTER TABLE \`policy_documents\` ADD \`checks_override_by\` text;`)
  await db.run(sql`ALTER TABLE \`policy_documents\` ADD \`checks_override_at\` text;`)
  await db.run(sql`ALTER TABLE \`policy_documents\` ADD \`checks_override_covers\` text;`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.run(sql`ALTER TABLE \`policy_documents\` DROP COLUMN \`checks_override_reason\`;`)
  await db.run(sql`ALTER TABLE \`policy_documents\` DROP COLUMN \`checks_override_by\`;`)
  await db.run(sql`ALTER TABLE \`policy_documents\` DROP COLUMN \`checks_override_at\`;`)
  await db.run(sql`ALTER TABLE \`policy_documents\` DROP COLUMN \`checks_override_covers\`;`)
}
