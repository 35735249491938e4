import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-sqlite'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.run(sql`CREATE TABLE \`site_settings_official_names\` (
  	\`_order\` integer NOT NULL,
  	\`_parent_id\` integer NOT NULL,
  	\`id\` text PRIMARY KEY NOT NULL,
  	\`correct\` text NOT NULL,
  	\`wrong\` text,
  	FOREIGN KEY (\`_parent_id\`) REFERENCES \`site_settings\`(\`id\`) ON UPDATE no action ON DELETE cascade
  );
  `)
  await db.run(sql`CREATE INDEX \`site_settings_official_names_order_idx\` ON \`site_settings_official_names\` (\`_order\`);`)
  await db.run(sql`CREATE INDEX \`site_settings_official_names_parent_id_idx\` ON \`site_settings_official_names\` (\`_parent_id\`);`)
  await db.run(sql`ALTER TABLE \`issues\` ADD \`checks_override_reason\` text;`)
  await db.run(sql`ALTER TABLE \`issues\` ADD \`checks_override_by_id\` integer REFERENCES users(id);`)
  await db.run(sql`ALTER TABLE \`issues\` ADD \`checks_override_at\` text;`)
  await db.run(sql`ALTER TABLE \`issues\` ADD \`checks_override_covers\` text;`)
  await db.run(sql`CREATE INDEX \`issues_checks_override_checks_override_by_idx\` ON \`issues\` (\`checks_override_by_id\`);`)
  await db.run(sql`ALTER TABLE \`_issues_v\` ADD \`version_checks_override_reason\` text;`)
  await db.run(sql`ALTER TABLE \`_issues_v\` ADD \`version_checks_override_by_id\` integer REFERENCES users(id);`)
  await db.run(sql`ALTER TABLE \`_issues_v\` ADD \`version_checks_override_at\` text;`)
  await db.run(sql`ALTER TABLE \`_issues_v\` ADD \`version_checks_override_covers\` text;`)
  await db.run(sql`CREATE INDEX \`_issues_v_version_checks_override_version_checks_overrid_idx\` ON \`_issues_v\` (\`version_checks_override_by_id\`);`)
  await db.run(sql`ALTER TABLE \`events\` ADD \`checks_override_reason\` text;`)
  await db.run(sql`ALTER TABLE \`events\` ADD \`checks_override_by_id\` integer REFERENCES users(id);`)
  await db.run(sql`ALTER TABLE \`events\` ADD \`checks_override_at\` text;`)
  await db.run(sql`ALTER TABLE \`events\` ADD \`checks_override_covers\` text;`)
  await db.run(sql`CREATE INDEX \`events_checks_override_checks_override_by_idx\` ON \`events\` (\`checks_override_by_id\`);`)
  await db.run(sql`ALTER TABLE \`_events_v\` ADD \`version_checks_override_reason\` text;`)
  await db.run(sql`ALTER TABLE \`_events_v\` ADD \`version_checks_override_by_id\` integer REFERENCES users(id);`)
  await db.run(sql`ALTER TABLE \`_events_v\` ADD \`version_checks_override_at\` text;`)
  await db.run(sql`ALTER TABLE \`_events_v\` ADD \`version_checks_override_covers\` text;`)
  await db.run(sql`CREATE INDEX \`_events_v_version_checks_override_version_checks_overrid_idx\` ON \`_events_v\` (\`version_checks_override_by_id\`);`)
  await db.run(sql`ALTER TABLE \`policies\` ADD \`checks_override_reason\` text;`)
  await db.run(sql`ALTER TABLE \`policies\` ADD \`checks_override_by_id\` integer REFERENCES users(id);`)
  await db.run(sql`ALTER TABLE \`policies\` ADD \`checks_override_at\` text;`)
  await db.run(sql`ALTER TABLE \`policies\` ADD \`checks_override_covers\` text;`)
  await db.run(sql`CREATE INDEX \`policies_checks_override_checks_override_by_idx\` ON \`policies\` (\`checks_override_by_id\`);`)
  await db.run(sql`ALTER TABLE \`_policies_v\` ADD \`version_checks_override_reason\` text;`)
  await db.run(sql`ALTER TABLE \`_policies_v\` ADD \`version_checks_override_by_id\` integer REFERENCES users(id);`)
  await db.run(sql`ALTER TABLE \`_policies_v\` ADD \`version_checks_override_at\` text;`)
  await db.run(sql`ALTER TABLE \`_policies_v\` ADD \`version_checks_override_covers\` text;`)
  await db.run(sql`CREATE INDEX \`_policies_v_version_checks_override_version_checks_overr_idx\` ON \`_policies_v\` (\`version_checks_override_by_id\`);`)
  await db.run(sql`ALTER TABLE \`announcements\` ADD \`checks_override_reason\` text;`)
  await db.run(sql`ALTER TABLE \`announcements\` ADD \`checks_override_by_id\` integer REFERENCES users(id);`)
  await db.run(sql`ALTER TABLE \`announcements\` ADD \`checks_override_at\` text;`)
  await db.run(sql`ALTER TABLE \`announcements\` ADD \`checks_override_covers\` text;`)
  await db.run(sql`CREATE INDEX \`announcements_checks_override_checks_override_by_idx\` ON \`announcements\` (\`checks_override_by_id\`);`)
  await db.run(sql`ALTER TABLE \`_announcements_v\` ADD \`version_checks_override_reason\` text;`)
  await db.run(sql`ALTER TABLE \`_announcements_v\` ADD \`version_checks_override_by_id\` integer REFERENCES users(id);`)
  await db.run(sql`ALTER TABLE \`_announcements_v\` ADD \`version_checks_override_at\` text;`)
  await db.run(sql`ALTER TABLE \`_announcements_v\` ADD \`version_checks_override_covers\` text;`)
  await db.run(sql`CREATE INDEX \`_announcements_v_version_checks_override_version_checks__idx\` ON \`_announcements_v\` (\`version_checks_override_by_id\`);`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.run(sql`DROP TABLE \`site_settings_official_names\`;`)
  await db.run(sql`PRAGMA foreign_keys=OFF;`)
  await db.run(sql`CREATE TABLE \`__new_issues\` (
  	\`id\` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
  	\`title\` text,
  	\`number\` numeric,
  	\`cover_id\` integer,
  	\`summary\` text,
  	\`urgent\` integer DEFAULT false,
  	\`published_at\` text,
  	\`withdrawn_at\` text,
  	\`review_status\` text DEFAULT 'none',
  	\`review_comment\` text,
  	\`review_reviewed_by_id\` integer,
  	\`review_approved_hash\` text,
  	\`updated_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`created_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`_status\` text DEFAULT 'draft',
  	FOREIGN KEY (\`cover_id\`) REFERENCES \`media\`(\`id\`) ON UPDATE no action ON DELETE set null,
  	FOREIGN KEY (\`review_reviewed_by_id\`) REFERENCES \`users\`(\`id\`) ON UPDATE no action ON DELETE set null
  );
  `)
  await db.run(sql`INSERT INTO \`__new_issues\`("id", "title", "number", "cover_id", "summary", "urgent", "published_at", "withdrawn_at", "review_status", "review_comment", "review_reviewed_by_id", "review_approved_hash", "updated_at", "created_at", "_status") SELECT "id", "title", "number", "cover_id", "summary", "urgent", "published_at", "withdrawn_at", "review_status", "review_comment", "review_reviewed_by_id", "review_approved_hash", "updated_at", "created_at", "_status" FROM \`issues\`;`)
  await db.run(sql`DROP TABLE \`issues\`;`)
  await db.run(sql`ALTER TABLE \`__new_issues\` RENAME TO \`issues\`;`)
  await db.run(sql`PRAGMA foreign_keys=ON;`)
  await db.run(sql`CREATE UNIQUE INDEX \`issues_number_idx\` ON \`issues\` (\`number\`);`)
  await db.run(sql`CREATE INDEX \`issues_cover_idx\` ON \`issues\` (\`cover_id\`);`)
  await db.run(sql`CREATE INDEX \`issues_urgent_idx\` ON \`issues\` (\`urgent\`);`)
  await db.run(sql`CREATE INDEX \`issues_published_at_idx\` ON \`issues\` (\`published_at\`);`)
  await db.run(sql`CREATE INDEX \`issues_review_review_reviewed_by_idx\` ON \`issues\` (\`review_reviewed_by_id\`);`)
  await db.run(sql`CREATE INDEX \`issues_updated_at_idx\` ON \`issues\` (\`updated_at\`);`)
  await db.run(sql`CREATE INDEX \`issues_created_at_idx\` ON \`issues\` (\`created_at\`);`)
  await db.run(sql`CREATE INDEX \`issues__status_idx\` ON \`issues\` (\`_status\`);`)
  await db.run(sql`CREATE INDEX \`_status_publishedAt_idx\` ON \`issues\` (\`_status\`,\`published_at\`);`)
  await db.run(sql`CREATE TABLE \`__new__issues_v\` (
  	\`id\` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
  	\`parent_id\` integer,
  	\`version_title\` text,
  	\`version_number\` numeric,
  	\`version_cover_id\` integer,
  	\`version_summary\` text,
  	\`version_urgent\` integer DEFAULT false,
  	\`version_published_at\` text,
  	\`version_withdrawn_at\` text,
  	\`version_review_status\` text DEFAULT 'none',
  	\`version_review_comment\` text,
  	\`version_review_reviewed_by_id\` integer,
  	\`version_review_approved_hash\` text,
  	\`version_updated_at\` text,
  	\`version_created_at\` text,
  	\`version__status\` text DEFAULT 'draft',
  	\`created_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`updated_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`latest\` integer,
  	FOREIGN KEY (\`parent_id\`) REFERENCES \`issues\`(\`id\`) ON UPDATE no action ON DELETE set null,
  	FOREIGN KEY (\`version_cover_id\`) REFERENCES \`media\`(\`id\`) ON UPDATE no action ON DELETE set null,
  	FOREIGN KEY (\`version_review_reviewed_by_id\`) REFERENCES \`users\`(\`id\`) ON UPDATE no action ON DELETE set null
  );
  `)
  await db.run(sql`INSERT INTO \`__new__issues_v\`("id", "parent_id", "version_title", "version_number", "version_cover_id", "version_summary", "version_urgent", "version_published_at", "version_withdrawn_at", "version_review_status", "version_review_comment", "version_review_reviewed_by_id", "version_review_approved_hash", "version_updated_at", "version_created_at", "version__status", "created_at", "updated_at", "latest") SELECT "id", "parent_id", "version_title", "version_number", "version_cover_id", "version_summary", "version_urgent", "version_published_at", "version_withdrawn_at", "version_review_status", "version_review_comment", "version_review_reviewed_by_id", "version_review_approved_hash", "version_updated_at", "version_created_at", "version__status", "created_at", "updated_at", "latest" FROM \`_issues_v\`;`)
  await db.run(sql`DROP TABLE \`_issues_v\`;`)
  await db.run(sql`ALTER TABLE \`__new__issues_v\` RENAME TO \`_issues_v\`;`)
  await db.run(sql`CREATE INDEX \`_issues_v_parent_idx\` ON \`_issues_v\` (\`parent_id\`);`)
  await db.run(sql`CREATE INDEX \`_issues_v_version_version_number_idx\` ON \`_issues_v\` (\`version_number\`);`)
  await db.run(sql`CREATE INDEX \`_issues_v_version_version_cover_idx\` ON \`_issues_v\` (\`version_cover_id\`);`)
  await db.run(sql`CREATE INDEX \`_issues_v_version_version_urgent_idx\` ON \`_issues_v\` (\`version_urgent\`);`)
  await db.run(sql`CREATE INDEX \`_issues_v_version_version_published_at_idx\` ON \`_issues_v\` (\`version_published_at\`);`)
  await db.run(sql`CREATE INDEX \`_issues_v_version_review_version_review_reviewed_by_idx\` ON \`_issues_v\` (\`version_review_reviewed_by_id\`);`)
  await db.run(sql`CREATE INDEX \`_issues_v_version_version_updated_at_idx\` ON \`_issues_v\` (\`version_updated_at\`);`)
  await db.run(sql`CREATE INDEX \`_issues_v_version_version_created_at_idx\` ON \`_issues_v\` (\`version_created_at\`);`)
  await db.run(sql`CREATE INDEX \`_issues_v_version_version__status_idx\` ON \`_issues_v\` (\`version__status\`);`)
  await db.run(sql`CREATE INDEX \`_issues_v_created_at_idx\` ON \`_issues_v\` (\`created_at\`);`)
  await db.run(sql`CREATE INDEX \`_issues_v_updated_at_idx\` ON \`_issues_v\` (\`updated_at\`);`)
  await db.run(sql`CREATE INDEX \`_issues_v_latest_idx\` ON \`_issues_v\` (\`latest\`);`)
  await db.run(sql`CREATE INDEX \`version__status_version_publishedAt_idx\` ON \`_issues_v\` (\`version__status\`,\`version_published_at\`);`)
  await db.run(sql`CREATE TABLE \`__new_events\` (
  	\`id\` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
  	\`title\` text,
  	\`summary\` text,
  	\`starts_at\` text,
  	\`ends_at\` text,
  	\`location\` text,
  	\`organiser\` text,
  	\`whole_street\` integer DEFAULT true,
  	\`signup\` text,
  	\`body\` text,
  	\`urgent\` integer DEFAULT false,
  	\`published_at\` text,
  	\`withdrawn_at\` text,
  	\`review_status\` text DEFAULT 'none',
  	\`review_comment\` text,
  	\`review_reviewed_by_id\` integer,
  	\`review_approved_hash\` text,
  	\`updated_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`created_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`_status\` text DEFAULT 'draft',
  	FOREIGN KEY (\`review_reviewed_by_id\`) REFERENCES \`users\`(\`id\`) ON UPDATE no action ON DELETE set null
  );
  `)
  await db.run(sql`INSERT INTO \`__new_events\`("id", "title", "summary", "starts_at", "ends_at", "location", "organiser", "whole_street", "signup", "body", "urgent", "published_at", "withdrawn_at", "review_status", "review_comment", "review_reviewed_by_id", "review_approved_hash", "updated_at", "created_at", "_status") SELECT "id", "title", "summary", "starts_at", "ends_at", "location", "organiser", "whole_street", "signup", "body", "urgent", "published_at", "withdrawn_at", "review_status", "review_comment", "review_reviewed_by_id", "review_approved_hash", "updated_at", "created_at", "_status" FROM \`events\`;`)
  await db.run(sql`DROP TABLE \`events\`;`)
  await db.run(sql`ALTER TABLE \`__new_events\` RENAME TO \`events\`;`)
  await db.run(sql`CREATE INDEX \`events_starts_at_idx\` ON \`events\` (\`starts_at\`);`)
  await db.run(sql`CREATE INDEX \`events_urgent_idx\` ON \`events\` (\`urgent\`);`)
  await db.run(sql`CREATE INDEX \`events_published_at_idx\` ON \`events\` (\`published_at\`);`)
  await db.run(sql`CREATE INDEX \`events_review_review_reviewed_by_idx\` ON \`events\` (\`review_reviewed_by_id\`);`)
  await db.run(sql`CREATE INDEX \`events_updated_at_idx\` ON \`events\` (\`updated_at\`);`)
  await db.run(sql`CREATE INDEX \`events_created_at_idx\` ON \`events\` (\`created_at\`);`)
  await db.run(sql`CREATE INDEX \`events__status_idx\` ON \`events\` (\`_status\`);`)
  await db.run(sql`CREATE INDEX \`_status_publishedAt_1_idx\` ON \`events\` (\`_status\`,\`published_at\`);`)
  await db.run(sql`CREATE TABLE \`__new__events_v\` (
  	\`id\` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
  	\`parent_id\` integer,
  	\`version_title\` text,
  	\`version_summary\` text,
  	\`version_starts_at\` text,
  	\`version_ends_at\` text,
  	\`version_location\` text,
  	\`version_organiser\` text,
  	\`version_whole_street\` integer DEFAULT true,
  	\`version_signup\` text,
  	\`version_body\` text,
  	\`version_urgent\` integer DEFAULT false,
  	\`version_published_at\` text,
  	\`version_withdrawn_at\` text,
  	\`version_review_status\` text DEFAULT 'none',
  	\`version_review_comment\` text,
  	\`version_review_reviewed_by_id\` integer,
  	\`version_review_approved_hash\` text,
  	\`version_updated_at\` text,
  	\`version_created_at\` text,
  	\`version__status\` text DEFAULT 'draft',
  	\`created_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`updated_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`latest\` integer,
  	FOREIGN KEY (\`parent_id\`) REFERENCES \`events\`(\`id\`) ON UPDATE no action ON DELETE set null,
  	FOREIGN KEY (\`version_review_reviewed_by_id\`) REFERENCES \`users\`(\`id\`) ON UPDATE no action ON DELETE set null
  );
  `)
  await db.run(sql`INSERT INTO \`__new__events_v\`("id", "parent_id", "version_title", "version_summary", "version_starts_at", "version_ends_at", "version_location", "version_organiser", "version_whole_street", "version_signup", "version_body", "version_urgent", "version_published_at", "version_withdrawn_at", "version_review_status", "version_review_comment", "version_review_reviewed_by_id", "version_review_approved_hash", "version_updated_at", "version_created_at", "version__status", "created_at", "updated_at", "latest") SELECT "id", "parent_id", "version_title", "version_summary", "version_starts_at", "version_ends_at", "version_location", "version_organiser", "version_whole_street", "version_signup", "version_body", "version_urgent", "version_published_at", "version_withdrawn_at", "version_review_status", "version_review_comment", "version_review_reviewed_by_id", "version_review_approved_hash", "version_updated_at", "version_created_at", "version__status", "created_at", "updated_at", "latest" FROM \`_events_v\`;`)
  await db.run(sql`DROP TABLE \`_events_v\`;`)
  await db.run(sql`ALTER TABLE \`__new__events_v\` RENAME TO \`_events_v\`;`)
  await db.run(sql`CREATE INDEX \`_events_v_parent_idx\` ON \`_events_v\` (\`parent_id\`);`)
  await db.run(sql`CREATE INDEX \`_events_v_version_version_starts_at_idx\` ON \`_events_v\` (\`version_starts_at\`);`)
  await db.run(sql`CREATE INDEX \`_events_v_version_version_urgent_idx\` ON \`_events_v\` (\`version_urgent\`);`)
  await db.run(sql`CREATE INDEX \`_events_v_version_version_published_at_idx\` ON \`_events_v\` (\`version_published_at\`);`)
  await db.run(sql`CREATE INDEX \`_events_v_version_review_version_review_reviewed_by_idx\` ON \`_events_v\` (\`version_review_reviewed_by_id\`);`)
  await db.run(sql`CREATE INDEX \`_events_v_version_version_updated_at_idx\` ON \`_events_v\` (\`version_updated_at\`);`)
  await db.run(sql`CREATE INDEX \`_events_v_version_version_created_at_idx\` ON \`_events_v\` (\`version_created_at\`);`)
  await db.run(sql`CREATE INDEX \`_events_v_version_version__status_idx\` ON \`_events_v\` (\`version__status\`);`)
  await db.run(sql`CREATE INDEX \`_events_v_created_at_idx\` ON \`_events_v\` (\`created_at\`);`)
  await db.run(sql`CREATE INDEX \`_events_v_updated_at_idx\` ON \`_events_v\` (\`updated_at\`);`)
  await db.run(sql`CREATE INDEX \`_events_v_latest_idx\` ON \`_events_v\` (\`latest\`);`)
  await db.run(sql`CREATE INDEX \`version__status_version_publishedAt_1_idx\` ON \`_events_v\` (\`version__status\`,\`version_published_at\`);`)
  await db.run(sql`CREATE TABLE \`__new_policies\` (
  	\`id\` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
  	\`title\` text,
  	\`issuing_body\` text,
  	\`document_number\` text,
  	\`effective_date\` text,
  	\`summary\` text,
  	\`body\` text,
  	\`source_url\` text,
  	\`urgent\` integer DEFAULT false,
  	\`published_at\` text,
  	\`withdrawn_at\` text,
  	\`review_status\` text DEFAULT 'none',
  	\`review_comment\` text,
  	\`review_reviewed_by_id\` integer,
  	\`review_approved_hash\` text,
  	\`updated_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`created_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`_status\` text DEFAULT 'draft',
  	FOREIGN KEY (\`review_reviewed_by_id\`) REFERENCES \`users\`(\`id\`) ON UPDATE no action ON DELETE set null
  );
  `)
  await db.run(sql`INSERT INTO \`__new_policies\`("id", "title", "issuing_body", "document_number", "effective_date", "summary", "body", "source_url", "urgent", "published_at", "withdrawn_at", "review_status", "review_comment", "review_reviewed_by_id", "review_approved_hash", "updated_at", "created_at", "_status") SELECT "id", "title", "issuing_body", "document_number", "effective_date", "summary", "body", "source_url", "urgent", "published_at", "withdrawn_at", "review_status", "review_comment", "review_reviewed_by_id", "review_approved_hash", "updated_at", "created_at", "_status" FROM \`policies\`;`)
  await db.run(sql`DROP TABLE \`policies\`;`)
  await db.run(sql`ALTER TABLE \`__new_policies\` RENAME TO \`policies\`;`)
  await db.run(sql`CREATE INDEX \`policies_urgent_idx\` ON \`policies\` (\`urgent\`);`)
  await db.run(sql`CREATE INDEX \`policies_published_at_idx\` ON \`policies\` (\`published_at\`);`)
  await db.run(sql`CREATE INDEX \`policies_review_review_reviewed_by_idx\` ON \`policies\` (\`review_reviewed_by_id\`);`)
  await db.run(sql`CREATE INDEX \`policies_updated_at_idx\` ON \`policies\` (\`updated_at\`);`)
  await db.run(sql`CREATE INDEX \`policies_created_at_idx\` ON \`policies\` (\`created_at\`);`)
  await db.run(sql`CREATE INDEX \`policies__status_idx\` ON \`policies\` (\`_status\`);`)
  await db.run(sql`CREATE INDEX \`_status_publishedAt_2_idx\` ON \`policies\` (\`_status\`,\`published_at\`);`)
  await db.run(sql`CREATE TABLE \`__new__policies_v\` (
  	\`id\` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
  	\`parent_id\` integer,
  	\`version_title\` text,
  	\`version_issuing_body\` text,
  	\`version_document_number\` text,
  	\`version_effective_date\` text,
  	\`version_summary\` text,
  	\`version_body\` text,
  	\`version_source_url\` text,
  	\`version_urgent\` integer DEFAULT false,
  	\`version_published_at\` text,
  	\`version_withdrawn_at\` text,
  	\`version_review_status\` text DEFAULT 'none',
  	\`version_review_comment\` text,
  	\`version_review_reviewed_by_id\` integer,
  	\`version_review_approved_hash\` text,
  	\`version_updated_at\` text,
  	\`version_created_at\` text,
  	\`version__status\` text DEFAULT 'draft',
  	\`created_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`updated_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`latest\` integer,
  	FOREIGN KEY (\`parent_id\`) REFERENCES \`policies\`(\`id\`) ON UPDATE no action ON DELETE set null,
  	FOREIGN KEY (\`version_review_reviewed_by_id\`) REFERENCES \`users\`(\`id\`) ON UPDATE no action ON DELETE set null
  );
  `)
  await db.run(sql`INSERT INTO \`__new__policies_v\`("id", "parent_id", "version_title", "version_issuing_body", "version_document_number", "version_effective_date", "version_summary", "version_body", "version_source_url", "version_urgent", "version_published_at", "version_withdrawn_at", "version_review_status", "version_review_comment", "version_review_reviewed_by_id", "version_review_approved_hash", "version_updated_at", "version_created_at", "version__status", "created_at", "updated_at", "latest") SELECT "id", "parent_id", "version_title", "version_issuing_body", "version_document_number", "version_effective_date", "version_summary", "version_body", "version_source_url", "version_urgent", "version_published_at", "version_withdrawn_at", "version_review_status", "version_review_comment", "version_review_reviewed_by_id", "version_review_approved_hash", "version_updated_at", "version_created_at", "version__status", "created_at", "updated_at", "latest" FROM \`_policies_v\`;`)
  await db.run(sql`DROP TABLE \`_policies_v\`;`)
  await db.run(sql`ALTER TABLE \`__new__policies_v\` RENAME TO \`_policies_v\`;`)
  await db.run(sql`CREATE INDEX \`_policies_v_parent_idx\` ON \`_policies_v\` (\`parent_id\`);`)
  await db.run(sql`CREATE INDEX \`_policies_v_version_version_urgent_idx\` ON \`_policies_v\` (\`version_urgent\`);`)
  await db.run(sql`CREATE INDEX \`_policies_v_version_version_published_at_idx\` ON \`_policies_v\` (\`version_published_at\`);`)
  await db.run(sql`CREATE INDEX \`_policies_v_version_review_version_review_reviewed_by_idx\` ON \`_policies_v\` (\`version_review_reviewed_by_id\`);`)
  await db.run(sql`CREATE INDEX \`_policies_v_version_version_updated_at_idx\` ON \`_policies_v\` (\`version_updated_at\`);`)
  await db.run(sql`CREATE INDEX \`_policies_v_version_version_created_at_idx\` ON \`_policies_v\` (\`version_created_at\`);`)
  await db.run(sql`CREATE INDEX \`_policies_v_version_version__status_idx\` ON \`_policies_v\` (\`version__status\`);`)
  await db.run(sql`CREATE INDEX \`_policies_v_created_at_idx\` ON \`_policies_v\` (\`created_at\`);`)
  await db.run(sql`CREATE INDEX \`_policies_v_updated_at_idx\` ON \`_policies_v\` (\`updated_at\`);`)
  await db.run(sql`CREATE INDEX \`_policies_v_latest_idx\` ON \`_policies_v\` (\`latest\`);`)
  await db.run(sql`CREATE INDEX \`version__status_version_publishedAt_2_idx\` ON \`_policies_v\` (\`version__status\`,\`version_published_at\`);`)
  await db.run(sql`CREATE TABLE \`__new_announcements\` (
  	\`id\` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
  	\`title\` text,
  	\`summary\` text,
  	\`body\` text,
  	\`urgent\` integer DEFAULT false,
  	\`published_at\` text,
  	\`withdrawn_at\` text,
  	\`review_status\` text DEFAULT 'none',
  	\`review_comment\` text,
  	\`review_reviewed_by_id\` integer,
  	\`review_approved_hash\` text,
  	\`updated_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`created_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`_status\` text DEFAULT 'draft',
  	FOREIGN KEY (\`review_reviewed_by_id\`) REFERENCES \`users\`(\`id\`) ON UPDATE no action ON DELETE set null
  );
  `)
  await db.run(sql`INSERT INTO \`__new_announcements\`("id", "title", "summary", "body", "urgent", "published_at", "withdrawn_at", "review_status", "review_comment", "review_reviewed_by_id", "review_approved_hash", "updated_at", "created_at", "_status") SELECT "id", "title", "summary", "body", "urgent", "published_at", "withdrawn_at", "review_status", "review_comment", "review_reviewed_by_id", "review_approved_hash", "updated_at", "created_at", "_status" FROM \`announcements\`;`)
  await db.run(sql`DROP TABLE \`announcements\`;`)
  await db.run(sql`ALTER TABLE \`__new_announcements\` RENAME TO \`announcements\`;`)
  await db.run(sql`CREATE INDEX \`announcements_urgent_idx\` ON \`announcements\` (\`urgent\`);`)
  await db.run(sql`CREATE INDEX \`announcements_published_at_idx\` ON \`announcements\` (\`published_at\`);`)
  await db.run(sql`CREATE INDEX \`announcements_review_review_reviewed_by_idx\` ON \`announcements\` (\`review_reviewed_by_id\`);`)
  await db.run(sql`CREATE INDEX \`announcements_updated_at_idx\` ON \`announcements\` (\`updated_at\`);`)
  await db.run(sql`CREATE INDEX \`announcements_created_at_idx\` ON \`announcements\` (\`created_at\`);`)
  await db.run(sql`CREATE INDEX \`announcements__status_idx\` ON \`announcements\` (\`_status\`);`)
  await db.run(sql`CREATE INDEX \`_status_publishedAt_3_idx\` ON \`announcements\` (\`_status\`,\`published_at\`);`)
  await db.run(sql`CREATE TABLE \`__new__announcements_v\` (
  	\`id\` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
  	\`parent_id\` integer,
  	\`version_title\` text,
  	\`version_summary\` text,
  	\`version_body\` text,
  	\`version_urgent\` integer DEFAULT false,
  	\`version_published_at\` text,
  	\`version_withdrawn_at\` text,
  	\`version_review_status\` text DEFAULT 'none',
  	\`version_review_comment\` text,
  	\`version_review_reviewed_by_id\` integer,
  	\`version_review_approved_hash\` text,
  	\`version_updated_at\` text,
  	\`version_created_at\` text,
  	\`version__status\` text DEFAULT 'draft',
  	\`created_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`updated_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`latest\` integer,
  	FOREIGN KEY (\`parent_id\`) REFERENCES \`announcements\`(\`id\`) ON UPDATE no action ON DELETE set null,
  	FOREIGN KEY (\`version_review_reviewed_by_id\`) REFERENCES \`users\`(\`id\`) ON UPDATE no action ON DELETE set null
  );
  `)
  await db.run(sql`INSERT INTO \`__new__announcements_v\`("id", "parent_id", "version_title", "version_summary", "version_body", "version_urgent", "version_published_at", "version_withdrawn_at", "version_review_status", "version_review_comment", "version_review_reviewed_by_id", "version_review_approved_hash", "version_updated_at", "version_created_at", "version__status", "created_at", "updated_at", "latest") SELECT "id", "parent_id", "version_title", "version_summary", "version_body", "version_urgent", "version_published_at", "version_withdrawn_at", "version_review_status", "version_review_comment", "version_review_reviewed_by_id", "version_review_approved_hash", "version_updated_at", "version_created_at", "version__status", "created_at", "updated_at", "latest" FROM \`_announcements_v\`;`)
  await db.run(sql`DROP TABLE \`_announcements_v\`;`)
  await db.run(sql`ALTER TABLE \`__new__announcements_v\` RENAME TO \`_announcements_v\`;`)
  await db.run(sql`CREATE INDEX \`_announcements_v_parent_idx\` ON \`_announcements_v\` (\`parent_id\`);`)
  await db.run(sql`CREATE INDEX \`_announcements_v_version_version_urgent_idx\` ON \`_announcements_v\` (\`version_urgent\`);`)
  await db.run(sql`CREATE INDEX \`_announcements_v_version_version_published_at_idx\` ON \`_announcements_v\` (\`version_published_at\`);`)
  await db.run(sql`CREATE INDEX \`_announcements_v_version_review_version_review_reviewed__idx\` ON \`_announcements_v\` (\`version_review_reviewed_by_id\`);`)
  await db.run(sql`CREATE INDEX \`_announcements_v_version_version_updated_at_idx\` ON \`_announcements_v\` (\`version_updated_at\`);`)
  await db.run(sql`CREATE INDEX \`_announcements_v_version_version_created_at_idx\` ON \`_announcements_v\` (\`version_created_at\`);`)
  await db.run(sql`CREATE INDEX \`_announcements_v_version_version__status_idx\` ON \`_announcements_v\` (\`version__status\`);`)
  await db.run(sql`CREATE INDEX \`_announcements_v_created_at_idx\` ON \`_announcements_v\` (\`created_at\`);`)
  await db.run(sql`CREATE INDEX \`_announcements_v_updated_at_idx\` ON \`_announcements_v\` (\`updated_at\`);`)
  await db.run(sql`CREATE INDEX \`_announcements_v_latest_idx\` ON \`_announcements_v\` (\`latest\`);`)
  await db.run(sql`CREATE INDEX \`version__status_version_publishedAt_3_idx\` ON \`_announcements_v\` (\`version__status\`,\`version_published_at\`);`)
}
