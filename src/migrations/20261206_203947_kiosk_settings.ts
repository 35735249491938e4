import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-sqlite'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.run(sql`ALTER TABLE \`site_settings\` ADD \`kiosk_rotate_seconds\` numeric DEFAULT 12;`)
  await db.run(sql`ALTER TABLE \`site_settings\` ADD \`kiosk_idle_seconds\` numeric DEFAULT 60;`)
  await db.run(sql`ALTER TABLE \`site_settings\` ADD \`kiosk_refresh_minutes\` numeric DEFAULT 5;`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.run(sql`ALTER TABLE \`site_settings\` DROP COLUMN \`kiosk_rotate_seconds\`;`)
  await db.run(sql`ALTER TABLE \`site_settings\` DROP COLUMN \`kiosk_idle_seconds\`;`)
  await db.run(sql`ALTER TABLE \`site_settings\` DROP COLUMN \`kiosk_refresh_minutes\`;`)
}
