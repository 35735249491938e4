import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-sqlite'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.run(sql`CREATE TABLE \`read_events\` (
  	\`id\` integer PRIMARY KEY NOT NULL,
  	\`content_type\` text NOT NULL,
  	\`content_id\` text NOT NULL,
  	\`grid\` text,
  	\`channel\` text NOT NULL,
  	\`kind\` text NOT NULL,
  	\`reader\` text,
  	\`at\` text NOT NULL,
  	\`updated_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`created_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
  );
  `)
  await db.run(sql`CREATE INDEX \`read_events_at_idx\` ON \`read_events\` (\`at\`);`)
  await db.run(sql`CREATE INDEX \`read_events_updated_at_idx\` ON \`read_events\` (\`updated_at\`);`)
  await db.run(sql`CREATE INDEX \`read_events_created_at_idx\` ON \`read_events\` (\`created_at\`);`)
  await db.run(sql`CREATE INDEX \`contentType_contentId_3_idx\` ON \`read_events\` (\`content_type\`,\`content_id\`);`)
  await db.run(sql`CREATE TABLE \`reading_history\` (
  	\`id\` integer PRIMARY KEY NOT NULL,
  	\`subscriber\` text NOT NULL,
  	\`content_type\` text NOT NULL,
  	\`content_id\` text NOT NULL,
  	\`at\` text NOT NULL,
  	\`updated_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`created_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
  );
  `)
  await db.run(sql`CREATE INDEX \`reading_history_subscriber_idx\` ON \`reading_history\` (\`subscriber\`);`)
  await db.run(sql`CREATE INDEX \`reading_history_updated_at_idx\` ON \`reading_history\` (\`updated_at\`);`)
  await db.run(sql`CREATE INDEX \`reading_history_created_at_idx\` ON \`reading_history\` (\`created_at\`);`)
  await db.run(sql`CREATE UNIQUE INDEX \`subscriber_contentType_contentId_idx\` ON \`reading_history\` (\`subscriber\`,\`content_type\`,\`content_id\`);`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.run(sql`DROP TABLE \`read_events\`;`)
  await db.run(sql`DROP TABLE \`reading_history\`;`)
}
