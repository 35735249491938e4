import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-sqlite'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.run(sql`CREATE TABLE \`check_records\` (
  	\`id\` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
  	\`content_type\` text NOT NULL,
  	\`content_id\` text NOT NULL,
  	\`title\` text,
  	\`kind\` text NOT NULL,
  	\`severity\` text NOT NULL,
  	\`path\` text,
  	\`key\` text NOT NULL,
  	\`text\` text,
  	\`external\` integer DEFAULT false,
  	\`first_seen_at\` text NOT NULL,
  	\`fixed_at\` text,
  	\`updated_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`created_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
  );
  `)
  await db.run(sql`CREATE INDEX \`check_records_first_seen_at_idx\` ON \`check_records\` (\`first_seen_at\`);`)
  await db.run(sql`CREATE INDEX \`check_records_fixed_at_idx\` ON \`check_records\` (\`fixed_at\`);`)
  await db.run(sql`CREATE INDEX \`check_records_updated_at_idx\` ON \`check_records\` (\`updated_at\`);`)
  await db.run(sql`CREATE INDEX \`check_records_created_at_idx\` ON \`check_records\` (\`created_at\`);`)
  await db.run(sql`CREATE INDEX \`contentType_contentId_4_idx\` ON \`check_records\` (\`content_type\`,\`content_id\`);`)
  await db.run(sql`ALTER TABLE \`site_settings\` ADD \`freshness_warn_days\` numeric DEFAULT 10;`)
  await db.run(sql`ALTER TABLE \`site_settings\` ADD \`freshness_alert_days\` numeric DEFAULT 14;`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.run(sql`DROP TABLE \`check_records\`;`)
  await db.run(sql`ALTER TABLE \`site_settings\` DROP COLUMN \`freshness_warn_days\`;`)
  await db.run(sql`ALTER TABLE \`site_settings\` DROP COLUMN \`freshness_alert_days\`;`)
}
