import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-sqlite'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.run(sql`ALTER TABLE \`grids_buildings\` ADD \`code\` text;`)
  await db.run(sql`ALTER TABLE \`grids_buildings\` ADD \`address\` text;`)
  await db.run(sql`ALTER TABLE \`grids_buildings\` ADD \`households\` numeric;`)
  await db.run(sql`ALTER TABLE \`grids_buildings\` ADD \`head_phone\` text;`)
  await db.run(sql`CREATE INDEX \`grids_buildings_code_idx\` ON \`grids_buildings\` (\`code\`);`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.run(sql`DROP INDEX \`grids_buildings_code_idx\`;`)
  await db.run(sql`ALTER TABLE \`grids_buildings\` DROP COLUMN \`code\`;`)
  await db.run(sql`ALTER TABLE \`grids_buildings\` DROP COLUMN \`address\`;`)
  await db.run(sql`ALTER TABLE \`grids_buildings\` DROP COLUMN \`households\`;`)
  await db.run(sql`ALTER TABLE \`grids_buildings\` DROP COLUMN \`head_phone\`;`)
}
