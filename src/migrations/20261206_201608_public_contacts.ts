import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-sqlite'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.run(sql`ALTER TABLE \`issues\` ADD \`public_contacts\` text;`)
  await db.run(sql`ALTER TABLE \`_issues_v\` ADD \`version_public_contacts\` text;`)
  await db.run(sql`ALTER TABLE \`events\` ADD \`public_contacts\` text;`)
  await db.run(sql`ALTER TABLE \`_events_v\` ADD \`version_public_contacts\` text;`)
  await db.run(sql`ALTER TABLE \`policies\` ADD \`public_contacts\` text;`)
  await db.run(sql`ALTER TABLE \`_policies_v\` ADD \`version_public_contacts\` text;`)
  await db.run(sql`ALTER TABLE \`announcements\` ADD \`public_contacts\` text;`)
  await db.run(sql`ALTER TABLE \`_announcements_v\` ADD \`version_public_contacts\` text;`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.run(sql`ALTER TABLE \`issues\` DROP COLUMN \`public_contacts\`;`)
  await db.run(sql`ALTER TABLE \`_issues_v\` DROP COLUMN \`version_public_contacts\`;`)
  await db.run(sql`ALTER TABLE \`events\` DROP COLUMN \`public_contacts\`;`)
  await db.run(sql`ALTER TABLE \`_events_v\` DROP COLUMN \`version_public_contacts\`;`)
  await db.run(sql`ALTER TABLE \`policies\` DROP COLUMN \`public_contacts\`;`)
  await db.run(sql`ALTER TABLE \`_policies_v\` DROP COLUMN \`version_public_contacts\`;`)
  await db.run(sql`ALTER TABLE \`announcements\` DROP COLUMN \`public_contacts\`;`)
  await db.run(sql`ALTER TABLE \`_announcements_v\` DROP COLUMN \`version_public_contacts\`;`)
}
