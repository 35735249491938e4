import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-sqlite'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.run(sql`CREATE TABLE \`subscribers_channel_order\` (
  	\`order\` integer NOT NULL,
  	\`parent_id\` integer NOT NULL,
  	\`value\` text,
  	\`id\` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
  	FOREIGN KEY (\`parent_id\`) REFERENCES \`subscribers\`(\`id\`) ON UPDATE no action ON DELETE cascade
  );
  `)
  await db.run(sql`CREATE INDEX \`subscribers_channel_order_order_idx\` ON \`subscribers_channel_order\` (\`order\`);`)
  await db.run(sql`CREATE INDEX \`subscribers_channel_order_parent_idx\` ON \`subscribers_channel_order\` (\`parent_id\`);`)
  await db.run(sql`ALTER TABLE \`deliveries\` ADD \`round\` numeric;`)
  await db.run(sql`ALTER TABLE \`deliveries\` ADD \`fallback_planned\` integer;`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.run(sql`DROP TABLE \`subscribers_channel_order\`;`)
  await db.run(sql`ALTER TABLE \`deliveries\` DROP COLUMN \`round\`;`)
  await db.run(sql`ALTER TABLE \`deliveries\` DROP COLUMN \`fallback_planned\`;`)
}
