import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-sqlite'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.run(sql`CREATE TABLE \`deliveries\` (
  	\`id\` integer PRIMARY KEY NOT NULL,
  	\`key\` text NOT NULL,
  	\`title\` text,
  	\`content_type\` text NOT NULL,
  	\`content_id\` text NOT NULL,
  	\`channel\` text NOT NULL,
  	\`audience\` text NOT NULL,
  	\`status\` text DEFAULT 'queued' NOT NULL,
  	\`reason\` text,
  	\`urgent\` integer,
  	\`published_at\` text,
  	\`go_ahead\` integer,
  	\`cursor\` text,
  	\`total\` numeric,
  	\`submitted\` numeric,
  	\`failed\` numeric,
  	\`gone\` numeric,
  	\`in_flight_limit\` numeric,
  	\`resumes\` numeric,
  	\`max_duplicates\` numeric,
  	\`started_at\` text,
  	\`finished_at\` text,
  	\`next_attempt_at\` text,
  	\`last_errors\` text,
  	\`updated_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`created_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
  );
  `)
  await db.run(sql`CREATE UNIQUE INDEX \`deliveries_key_idx\` ON \`deliveries\` (\`key\`);`)
  await db.run(sql`CREATE INDEX \`deliveries_content_id_idx\` ON \`deliveries\` (\`content_id\`);`)
  await db.run(sql`CREATE INDEX \`deliveries_status_idx\` ON \`deliveries\` (\`status\`);`)
  await db.run(sql`CREATE INDEX \`deliveries_updated_at_idx\` ON \`deliveries\` (\`updated_at\`);`)
  await db.run(sql`CREATE INDEX \`deliveries_created_at_idx\` ON \`deliveries\` (\`created_at\`);`)
  await db.run(sql`CREATE INDEX \`status_createdAt_idx\` ON \`deliveries\` (\`status\`,\`created_at\`);`)
  await db.run(sql`CREATE INDEX \`contentType_contentId_idx\` ON \`deliveries\` (\`content_type\`,\`content_id\`);`)
  await db.run(sql`CREATE TABLE \`delivery_receipts\` (
  	\`id\` integer PRIMARY KEY NOT NULL,
  	\`delivery\` text NOT NULL,
  	\`subscriber\` text NOT NULL,
  	\`status\` text NOT NULL,
  	\`code\` text,
  	\`updated_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`created_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
  );
  `)
  await db.run(sql`CREATE INDEX \`delivery_receipts_updated_at_idx\` ON \`delivery_receipts\` (\`updated_at\`);`)
  await db.run(sql`CREATE INDEX \`delivery_receipts_created_at_idx\` ON \`delivery_receipts\` (\`created_at\`);`)
  await db.run(sql`CREATE UNIQUE INDEX \`delivery_subscriber_idx\` ON \`delivery_receipts\` (\`delivery\`,\`subscriber\`);`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.run(sql`DROP TABLE \`deliveries\`;`)
  await db.run(sql`DROP TABLE \`delivery_receipts\`;`)
}
