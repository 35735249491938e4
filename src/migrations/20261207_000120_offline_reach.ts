import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-sqlite'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.run(sql`CREATE TABLE \`offline_reach\` (
  	\`id\` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
  	\`content_type\` text NOT NULL,
  	\`content_id\` text NOT NULL,
  	\`grid_id\` integer NOT NULL,
  	\`door_households\` numeric DEFAULT 0,
  	\`phone_households\` numeric DEFAULT 0,
  	\`posters\` numeric DEFAULT 0,
  	\`updated_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`created_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	FOREIGN KEY (\`grid_id\`) REFERENCES \`grids\`(\`id\`) ON UPDATE no action ON DELETE set null
  );
  `)
  await db.run(sql`CREATE INDEX \`offline_reach_grid_idx\` ON \`offline_reach\` (\`grid_id\`);`)
  await db.run(sql`CREATE INDEX \`offline_reach_updated_at_idx\` ON \`offline_reach\` (\`updated_at\`);`)
  await db.run(sql`CREATE INDEX \`offline_reach_created_at_idx\` ON \`offline_reach\` (\`created_at\`);`)
  await db.run(sql`CREATE UNIQUE INDEX \`contentType_contentId_grid_idx\` ON \`offline_reach\` (\`content_type\`,\`content_id\`,\`grid_id\`);`)
  await db.run(sql`ALTER TABLE \`site_settings\` ADD \`relay_confirm_minutes\` numeric DEFAULT 30;`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.run(sql`DROP TABLE \`offline_reach\`;`)
  await db.run(sql`ALTER TABLE \`site_settings\` DROP COLUMN \`relay_confirm_minutes\`;`)
}
