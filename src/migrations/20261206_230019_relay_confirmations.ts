import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-sqlite'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.run(sql`CREATE TABLE \`relay_confirmations\` (
  	\`id\` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
  	\`content_type\` text NOT NULL,
  	\`content_id\` text NOT NULL,
  	\`grid\` text NOT NULL,
  	\`building\` text NOT NULL,
  	\`head\` text,
  	\`relayed_at\` text,
  	\`posted_at\` text,
  	\`door_households\` numeric,
  	\`doors_at\` text,
  	\`updated_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`created_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
  );
  `)
  await db.run(sql`CREATE INDEX \`relay_confirmations_grid_idx\` ON \`relay_confirmations\` (\`grid\`);`)
  await db.run(sql`CREATE INDEX \`relay_confirmations_updated_at_idx\` ON \`relay_confirmations\` (\`updated_at\`);`)
  await db.run(sql`CREATE INDEX \`relay_confirmations_created_at_idx\` ON \`relay_confirmations\` (\`created_at\`);`)
  await db.run(sql`CREATE UNIQUE INDEX \`contentType_contentId_building_idx\` ON \`relay_confirmations\` (\`content_type\`,\`content_id\`,\`building\`);`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.run(sql`DROP TABLE \`relay_confirmations\`;`)
}
