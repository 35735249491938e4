import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-sqlite'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.run(sql`CREATE TABLE \`staff_notices\` (
  	\`id\` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
  	\`recipient_id\` integer,
  	\`kind\` text NOT NULL,
  	\`content_type\` text,
  	\`content_id\` text,
  	\`title\` text,
  	\`step\` text,
  	\`complete\` integer DEFAULT false,
  	\`reviewer_id\` integer,
  	\`reviewer_name\` text,
  	\`comment\` text,
  	\`read_at\` text,
  	\`updated_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`created_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	FOREIGN KEY (\`recipient_id\`) REFERENCES \`users\`(\`id\`) ON UPDATE no action ON DELETE set null,
  	FOREIGN KEY (\`reviewer_id\`) REFERENCES \`users\`(\`id\`) ON UPDATE no action ON DELETE set null
  );
  `)
  await db.run(sql`CREATE INDEX \`staff_notices_recipient_idx\` ON \`staff_notices\` (\`recipient_id\`);`)
  await db.run(sql`CREATE INDEX \`staff_notices_reviewer_idx\` ON \`staff_notices\` (\`reviewer_id\`);`)
  await db.run(sql`CREATE INDEX \`staff_notices_read_at_idx\` ON \`staff_notices\` (\`read_at\`);`)
  await db.run(sql`CREATE INDEX \`staff_notices_updated_at_idx\` ON \`staff_notices\` (\`updated_at\`);`)
  await db.run(sql`CREATE INDEX \`staff_notices_created_at_idx\` ON \`staff_notices\` (\`created_at\`);`)
  await db.run(sql`CREATE INDEX \`recipient_readAt_idx\` ON \`staff_notices\` (\`recipient_id\`,\`read_at\`);`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.run(sql`DROP TABLE \`staff_notices\`;`)
}
