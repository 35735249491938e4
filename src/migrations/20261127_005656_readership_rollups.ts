import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-sqlite'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.run(sql`CREATE TABLE \`read_rollups\` (
  	\`id\` integer PRIMARY KEY NOT NULL,
  	\`key\` text NOT NULL,
  	\`content_type\` text NOT NULL,
  	\`content_id\` text NOT NULL,
  	\`grid\` text,
  	\`channel\` text NOT NULL,
  	\`day\` text NOT NULL,
  	\`submitted\` numeric DEFAULT 0 NOT NULL,
  	\`opens\` numeric DEFAULT 0 NOT NULL,
  	\`open_readers\` numeric DEFAULT 0 NOT NULL,
  	\`reads\` numeric DEFAULT 0 NOT NULL,
  	\`readers\` numeric DEFAULT 0 NOT NULL,
  	\`updated_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`created_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
  );
  `)
  await db.run(sql`CREATE UNIQUE INDEX \`read_rollups_key_idx\` ON \`read_rollups\` (\`key\`);`)
  await db.run(sql`CREATE INDEX \`read_rollups_grid_idx\` ON \`read_rollups\` (\`grid\`);`)
  await db.run(sql`CREATE INDEX \`read_rollups_day_idx\` ON \`read_rollups\` (\`day\`);`)
  await db.run(sql`CREATE INDEX \`read_rollups_updated_at_idx\` ON \`read_rollups\` (\`updated_at\`);`)
  await db.run(sql`CREATE INDEX \`read_rollups_created_at_idx\` ON \`read_rollups\` (\`created_at\`);`)
  await db.run(sql`CREATE INDEX \`contentType_contentId_1_idx\` ON \`read_rollups\` (\`content_type\`,\`content_id\`);`)
  await db.run(sql`CREATE TABLE \`wechat_article_stats\` (
  	\`id\` integer PRIMARY KEY NOT NULL,
  	\`key\` text NOT NULL,
  	\`content_type\` text NOT NULL,
  	\`content_id\` text NOT NULL,
  	\`msgid\` text NOT NULL,
  	\`ref_date\` text NOT NULL,
  	\`stat_date\` text NOT NULL,
  	\`title\` text,
  	\`read_users\` numeric DEFAULT 0 NOT NULL,
  	\`reads\` numeric DEFAULT 0 NOT NULL,
  	\`share_users\` numeric DEFAULT 0 NOT NULL,
  	\`shares\` numeric DEFAULT 0 NOT NULL,
  	\`updated_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`created_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
  );
  `)
  await db.run(sql`CREATE UNIQUE INDEX \`wechat_article_stats_key_idx\` ON \`wechat_article_stats\` (\`key\`);`)
  await db.run(sql`CREATE INDEX \`wechat_article_stats_updated_at_idx\` ON \`wechat_article_stats\` (\`updated_at\`);`)
  await db.run(sql`CREATE INDEX \`wechat_article_stats_created_at_idx\` ON \`wechat_article_stats\` (\`created_at\`);`)
  await db.run(sql`CREATE INDEX \`contentType_contentId_2_idx\` ON \`wechat_article_stats\` (\`content_type\`,\`content_id\`);`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.run(sql`DROP TABLE \`read_rollups\`;`)
  await db.run(sql`DROP TABLE \`wechat_article_stats\`;`)
}
