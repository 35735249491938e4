import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-sqlite'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.run(sql`DROP INDEX \`read_events_updated_at_idx\`;`)
  await db.run(sql`DROP INDEX \`read_events_created_at_idx\`;`)
  await db.run(sql`ALTER TABLE \`read_events\` DROP COLUMN \`updated_at\`;`)
  await db.run(sql`ALTER TABLE \`read_events\` DROP COLUMN \`created_at\`;`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.run(sql`ALTER TABLE \`read_events\` ADD \`updated_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL;`)
  await db.run(sql`ALTER TABLE \`read_events\` ADD \`created_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL;`)
  await db.run(sql`CREATE INDEX \`read_events_updated_at_idx\` ON \`read_events\` (\`updated_at\`);`)
  await db.run(sql`CREATE INDEX \`read_events_created_at_idx\` ON \`read_events\` (\`created_at\`);`)
}
