import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-sqlite'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.run(sql`ALTER TABLE \`subscribers\` ADD \`phone\` text;`)
  await db.run(sql`ALTER TABLE \`subscribers\` ADD \`phone_index\` text;`)
  await db.run(sql`CREATE INDEX \`subscribers_phone_index_idx\` ON \`subscribers\` (\`phone_index\`);`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.run(sql`DROP INDEX \`subscribers_phone_index_idx\`;`)
  await db.run(sql`ALTER TABLE \`subscribers\` DROP COLUMN \`phone\`;`)
  await db.run(sql`ALTER TABLE \`subscribers\` DROP COLUMN \`phone_index\`;`)
}
