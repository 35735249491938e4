import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-sqlite'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.run(sql`ALTER TABLE \`users\` ADD \`work_phone\` text;`)
  await db.run(sql`ALTER TABLE \`users\` ADD \`show_work_phone\` integer DEFAULT false;`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.run(sql`ALTER TABLE \`users\` DROP COLUMN \`work_phone\`;`)
  await db.run(sql`ALTER TABLE \`users\` DROP COLUMN \`show_work_phone\`;`)
}
