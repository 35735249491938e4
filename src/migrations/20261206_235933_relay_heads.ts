import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-sqlite'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.run(sql`ALTER TABLE \`grids_buildings\` ADD \`head_email\` text;`)
  await db.run(sql`ALTER TABLE \`grids_buildings\` ADD \`head_consent\` integer;`)
  await db.run(sql`ALTER TABLE \`grids_buildings\` ADD \`head_consent_at\` text;`)
  await db.run(sql`ALTER TABLE \`grids_buildings\` ADD \`relay_version\` numeric;`)
  await db.run(sql`ALTER TABLE \`grids_buildings\` ADD \`relay_active\` integer;`)
  await db.run(sql`ALTER TABLE \`grids_buildings\` ADD \`relay_issued_at\` text;`)
  await db.run(sql`ALTER TABLE \`read_events\` ADD \`building\` text;`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.run(sql`ALTER TABLE \`grids_buildings\` DROP COLUMN \`head_email\`;`)
  await db.run(sql`ALTER TABLE \`grids_buildings\` DROP COLUMN \`head_consent\`;`)
  await db.run(sql`ALTER TABLE \`grids_buildings\` DROP COLUMN \`head_consent_at\`;`)
  await db.run(sql`ALTER TABLE \`grids_buildings\` DROP COLUMN \`relay_version\`;`)
  await db.run(sql`ALTER TABLE \`grids_buildings\` DROP COLUMN \`relay_active\`;`)
  await db.run(sql`ALTER TABLE \`grids_buildings\` DROP COLUMN \`relay_issued_at\`;`)
  await db.run(sql`ALTER TABLE \`read_events\` DROP COLUMN \`building\`;`)
}
