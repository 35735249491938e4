import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-sqlite'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.run(sql`ALTER TABLE \`subscribers\` ADD \`suppressed_by\` text;`)
  await db.run(sql`ALTER TABLE \`subscribers\` ADD \`suppressed_code\` text;`)
  await db.run(sql`ALTER TABLE \`subscribers\` ADD \`suppressed_at\` text;`)
  await db.run(sql`CREATE INDEX \`subscribers_suppressed_by_idx\` ON \`subscribers\` (\`suppressed_by\`);`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.run(sql`DROP INDEX \`subscribers_suppressed_by_idx\`;`)
  await db.run(sql`ALTER TABLE \`subscribers\` DROP COLUMN \`suppressed_by\`;`)
  await db.run(sql`ALTER TABLE \`subscribers\` DROP COLUMN \`suppressed_code\`;`)
  await db.run(sql`ALTER TABLE \`subscribers\` DROP COLUMN \`suppressed_at\`;`)
}
