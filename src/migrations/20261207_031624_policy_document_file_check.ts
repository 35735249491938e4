import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-sqlite'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.run(sql`ALTER TABLE \`policy_documents\` ADD \`public_contacts\` text;`)
  await db.run(sql`ALTER TABLE \`policy_documents\` ADD \`file_check\` text;`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.run(sql`ALTER TABLE \`policy_documents\` DROP COLUMN \`public_contacts\`;`)
  await db.run(sql`ALTER TABLE \`policy_documents\` DROP COLUMN \`file_check\`;`)
}
