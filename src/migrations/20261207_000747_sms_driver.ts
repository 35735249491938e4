import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-sqlite'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.run(sql`CREATE TABLE \`subscribers_sms_topics\` (
  	\`order\` integer NOT NULL,
  	\`parent_id\` integer NOT NULL,
  	\`value\` text,
  	\`id\` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
  	FOREIGN KEY (\`parent_id\`) REFERENCES \`subscribers\`(\`id\`) ON UPDATE no action ON DELETE cascade
  );
  `)
  await db.run(sql`CREATE INDEX \`subscribers_sms_topics_order_idx\` ON \`subscribers_sms_topics\` (\`order\`);`)
  await db.run(sql`CREATE INDEX \`subscribers_sms_topics_parent_idx\` ON \`subscribers_sms_topics\` (\`parent_id\`);`)
  await db.run(sql`CREATE TABLE \`sms_links\` (
  	\`id\` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
  	\`code\` text NOT NULL,
  	\`delivery\` text NOT NULL,
  	\`target\` text NOT NULL,
  	\`updated_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`created_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
  );
  `)
  await db.run(sql`CREATE UNIQUE INDEX \`sms_links_code_idx\` ON \`sms_links\` (\`code\`);`)
  await db.run(sql`CREATE INDEX \`sms_links_delivery_idx\` ON \`sms_links\` (\`delivery\`);`)
  await db.run(sql`CREATE INDEX \`sms_links_updated_at_idx\` ON \`sms_links\` (\`updated_at\`);`)
  await db.run(sql`CREATE INDEX \`sms_links_created_at_idx\` ON \`sms_links\` (\`created_at\`);`)
  await db.run(sql`ALTER TABLE \`issues\` ADD \`channels_sms\` integer;`)
  await db.run(sql`ALTER TABLE \`_issues_v\` ADD \`version_channels_sms\` integer;`)
  await db.run(sql`ALTER TABLE \`events\` ADD \`channels_sms\` integer;`)
  await db.run(sql`ALTER TABLE \`_events_v\` ADD \`version_channels_sms\` integer;`)
  await db.run(sql`ALTER TABLE \`policies\` ADD \`channels_sms\` integer;`)
  await db.run(sql`ALTER TABLE \`_policies_v\` ADD \`version_channels_sms\` integer;`)
  await db.run(sql`ALTER TABLE \`announcements\` ADD \`channels_sms\` integer;`)
  await db.run(sql`ALTER TABLE \`_announcements_v\` ADD \`version_channels_sms\` integer;`)
  await db.run(sql`ALTER TABLE \`site_settings\` ADD \`publish_channels_issues_sms\` integer DEFAULT true;`)
  await db.run(sql`ALTER TABLE \`site_settings\` ADD \`publish_channels_events_sms\` integer DEFAULT true;`)
  await db.run(sql`ALTER TABLE \`site_settings\` ADD \`publish_channels_policies_sms\` integer DEFAULT true;`)
  await db.run(sql`ALTER TABLE \`site_settings\` ADD \`publish_channels_announcements_sms\` integer DEFAULT true;`)
  await db.run(sql`ALTER TABLE \`site_settings\` ADD \`sms_quiet_hours_start\` numeric DEFAULT 21;`)
  await db.run(sql`ALTER TABLE \`site_settings\` ADD \`sms_quiet_hours_end\` numeric DEFAULT 8;`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.run(sql`DROP TABLE \`subscribers_sms_topics\`;`)
  await db.run(sql`DROP TABLE \`sms_links\`;`)
  await db.run(sql`ALTER TABLE \`issues\` DROP COLUMN \`channels_sms\`;`)
  await db.run(sql`ALTER TABLE \`_issues_v\` DROP COLUMN \`version_channels_sms\`;`)
  await db.run(sql`ALTER TABLE \`events\` DROP COLUMN \`channels_sms\`;`)
  await db.run(sql`ALTER TABLE \`_events_v\` DROP COLUMN \`version_channels_sms\`;`)
  await db.run(sql`ALTER TABLE \`policies\` DROP COLUMN \`channels_sms\`;`)
  await db.run(sql`ALTER TABLE \`_policies_v\` DROP COLUMN \`version_channels_sms\`;`)
  await db.run(sql`ALTER TABLE \`announcements\` DROP COLUMN \`channels_sms\`;`)
  await db.run(sql`ALTER TABLE \`_announcements_v\` DROP COLUMN \`version_channels_sms\`;`)
  await db.run(sql`ALTER TABLE \`site_settings\` DROP COLUMN \`publish_channels_issues_sms\`;`)
  await db.run(sql`ALTER TABLE \`site_settings\` DROP COLUMN \`publish_channels_events_sms\`;`)
  await db.run(sql`ALTER TABLE \`site_settings\` DROP COLUMN \`publish_channels_policies_sms\`;`)
  await db.run(sql`ALTER TABLE \`site_settings\` DROP COLUMN \`publish_channels_announcements_sms\`;`)
  await db.run(sql`ALTER TABLE \`site_settings\` DROP COLUMN \`sms_quiet_hours_start\`;`)
  await db.run(sql`ALTER TABLE \`site_settings\` DROP COLUMN \`sms_quiet_hours_end\`;`)
}
