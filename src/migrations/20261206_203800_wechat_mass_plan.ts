import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-sqlite'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.run(sql`CREATE TABLE \`wechat_mass_plan\` (
  	\`id\` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
  	\`queue\` text DEFAULT '[]',
  	\`updated_at\` text,
  	\`created_at\` text
  );
  `)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.run(sql`DROP TABLE \`wechat_mass_plan\`;`)
}
