import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-sqlite'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.run(sql`CREATE TABLE \`issues_review_history\` (
  	\`_order\` integer NOT NULL,
  	\`_parent_id\` integer NOT NULL,
  	\`id\` text PRIMARY KEY NOT NULL,
  	\`step\` numeric,
  	\`step_name\` text,
  	\`action\` text,
  	\`user\` text,
  	\`user_name\` text,
  	\`at\` text,
  	\`comment\` text,
  	FOREIGN KEY (\`_parent_id\`) REFERENCES \`issues\`(\`id\`) ON UPDATE no action ON DELETE cascade
  );
  `)
  await db.run(sql`CREATE INDEX \`issues_review_history_order_idx\` ON \`issues_review_history\` (\`_order\`);`)
  await db.run(sql`CREATE INDEX \`issues_review_history_parent_id_idx\` ON \`issues_review_history\` (\`_parent_id\`);`)
  await db.run(sql`CREATE TABLE \`_issues_v_version_review_history\` (
  	\`_order\` integer NOT NULL,
  	\`_parent_id\` integer NOT NULL,
  	\`id\` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
  	\`step\` numeric,
  	\`step_name\` text,
  	\`action\` text,
  	\`user\` text,
  	\`user_name\` text,
  	\`at\` text,
  	\`comment\` text,
  	\`_uuid\` text,
  	FOREIGN KEY (\`_parent_id\`) REFERENCES \`_issues_v\`(\`id\`) ON UPDATE no action ON DELETE cascade
  );
  `)
  await db.run(sql`CREATE INDEX \`_issues_v_version_review_history_order_idx\` ON \`_issues_v_version_review_history\` (\`_order\`);`)
  await db.run(sql`CREATE INDEX \`_issues_v_version_review_history_parent_id_idx\` ON \`_issues_v_version_review_history\` (\`_parent_id\`);`)
  await db.run(sql`CREATE TABLE \`events_review_history\` (
  	\`_order\` integer NOT NULL,
  	\`_parent_id\` integer NOT NULL,
  	\`id\` text PRIMARY KEY NOT NULL,
  	\`step\` numeric,
  	\`step_name\` text,
  	\`action\` text,
  	\`user\` text,
  	\`user_name\` text,
  	\`at\` text,
  	\`comment\` text,
  	FOREIGN KEY (\`_parent_id\`) REFERENCES \`events\`(\`id\`) ON UPDATE no action ON DELETE cascade
  );
  `)
  await db.run(sql`CREATE INDEX \`events_review_history_order_idx\` ON \`events_review_history\` (\`_order\`);`)
  await db.run(sql`CREATE INDEX \`events_review_history_parent_id_idx\` ON \`events_review_history\` (\`_parent_id\`);`)
  await db.run(sql`CREATE TABLE \`_events_v_version_review_history\` (
  	\`_order\` integer NOT NULL,
  	\`_parent_id\` integer NOT NULL,
  	\`id\` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
  	\`step\` numeric,
  	\`step_name\` text,
  	\`action\` text,
  	\`user\` text,
  	\`user_name\` text,
  	\`at\` text,
  	\`comment\` text,
  	\`_uuid\` text,
  	FOREIGN KEY (\`_parent_id\`) REFERENCES \`_events_v\`(\`id\`) ON UPDATE no action ON DELETE cascade
  );
  `)
  await db.run(sql`CREATE INDEX \`_events_v_version_review_history_order_idx\` ON \`_events_v_version_review_history\` (\`_order\`);`)
  await db.run(sql`CREATE INDEX \`_events_v_version_review_history_parent_id_idx\` ON \`_events_v_version_review_history\` (\`_parent_id\`);`)
  await db.run(sql`CREATE TABLE \`policies_review_history\` (
  	\`_order\` integer NOT NULL,
  	\`_parent_id\` integer NOT NULL,
  	\`id\` text PRIMARY KEY NOT NULL,
  	\`step\` numeric,
  	\`step_name\` text,
  	\`action\` text,
  	\`user\` text,
  	\`user_name\` text,
  	\`at\` text,
  	\`comment\` text,
  	FOREIGN KEY (\`_parent_id\`) REFERENCES \`policies\`(\`id\`) ON UPDATE no action ON DELETE cascade
  );
  `)
  await db.run(sql`CREATE INDEX \`policies_review_history_order_idx\` ON \`policies_review_history\` (\`_order\`);`)
  await db.run(sql`CREATE INDEX \`policies_review_history_parent_id_idx\` ON \`policies_review_history\` (\`_parent_id\`);`)
  await db.run(sql`CREATE TABLE \`_policies_v_version_review_history\` (
  	\`_order\` integer NOT NULL,
  	\`_parent_id\` integer NOT NULL,
  	\`id\` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
  	\`step\` numeric,
  	\`step_name\` text,
  	\`action\` text,
  	\`user\` text,
  	\`user_name\` text,
  	\`at\` text,
  	\`comment\` text,
  	\`_uuid\` text,
  	FOREIGN KEY (\`_parent_id\`) REFERENCES \`_policies_v\`(\`id\`) ON UPDATE no action ON DELETE cascade
  );
  `)
  await db.run(sql`CREATE INDEX \`_policies_v_version_review_history_order_idx\` ON \`_policies_v_version_review_history\` (\`_order\`);`)
  await db.run(sql`CREATE INDEX \`_policies_v_version_review_history_parent_id_idx\` ON \`_policies_v_version_review_history\` (\`_parent_id\`);`)
  await db.run(sql`CREATE TABLE \`announcements_review_history\` (
  	\`_order\` integer NOT NULL,
  	\`_parent_id\` integer NOT NULL,
  	\`id\` text PRIMARY KEY NOT NULL,
  	\`step\` numeric,
  	\`step_name\` text,
  	\`action\` text,
  	\`user\` text,
  	\`user_name\` text,
  	\`at\` text,
  	\`comment\` text,
  	FOREIGN KEY (\`_parent_id\`) REFERENCES \`announcements\`(\`id\`) ON UPDATE no action ON DELETE cascade
  );
  `)
  await db.run(sql`CREATE INDEX \`announcements_review_history_order_idx\` ON \`announcements_review_history\` (\`_order\`);`)
  await db.run(sql`CREATE INDEX \`announcements_review_history_parent_id_idx\` ON \`announcements_review_history\` (\`_parent_id\`);`)
  await db.run(sql`CREATE TABLE \`_announcements_v_version_review_history\` (
  	\`_order\` integer NOT NULL,
  	\`_parent_id\` integer NOT NULL,
  	\`id\` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
  	\`step\` numeric,
  	\`step_name\` text,
  	\`action\` text,
  	\`user\` text,
  	\`user_name\` text,
  	\`at\` text,
  	\`comment\` text,
  	\`_uuid\` text,
  	FOREIGN KEY (\`_parent_id\`) REFERENCES \`_announcements_v\`(\`id\`) ON UPDATE no action ON DELETE cascade
  );
  `)
  await db.run(sql`CREATE INDEX \`_announcements_v_version_review_history_order_idx\` ON \`_announcements_v_version_review_history\` (\`_order\`);`)
  await db.run(sql`CREATE INDEX \`_announcements_v_version_review_history_parent_id_idx\` ON \`_announcements_v_version_review_history\` (\`_parent_id\`);`)
  await db.run(sql`CREATE TABLE \`site_settings_review_chains_issues_steps\` (
  	\`_order\` integer NOT NULL,
  	\`_parent_id\` integer NOT NULL,
  	\`id\` text PRIMARY KEY NOT NULL,
  	\`name\` text DEFAULT '初审',
  	\`by\` text DEFAULT 'role',
  	\`role\` text DEFAULT 'editor',
  	FOREIGN KEY (\`_parent_id\`) REFERENCES \`site_settings\`(\`id\`) ON UPDATE no action ON DELETE cascade
  );
  `)
  await db.run(sql`CREATE INDEX \`site_settings_review_chains_issues_steps_order_idx\` ON \`site_settings_review_chains_issues_steps\` (\`_order\`);`)
  await db.run(sql`CREATE INDEX \`site_settings_review_chains_issues_steps_parent_id_idx\` ON \`site_settings_review_chains_issues_steps\` (\`_parent_id\`);`)
  await db.run(sql`CREATE TABLE \`site_settings_review_chains_events_steps\` (
  	\`_order\` integer NOT NULL,
  	\`_parent_id\` integer NOT NULL,
  	\`id\` text PRIMARY KEY NOT NULL,
  	\`name\` text DEFAULT '初审',
  	\`by\` text DEFAULT 'role',
  	\`role\` text DEFAULT 'editor',
  	FOREIGN KEY (\`_parent_id\`) REFERENCES \`site_settings\`(\`id\`) ON UPDATE no action ON DELETE cascade
  );
  `)
  await db.run(sql`CREATE INDEX \`site_settings_review_chains_events_steps_order_idx\` ON \`site_settings_review_chains_events_steps\` (\`_order\`);`)
  await db.run(sql`CREATE INDEX \`site_settings_review_chains_events_steps_parent_id_idx\` ON \`site_settings_review_chains_events_steps\` (\`_parent_id\`);`)
  await db.run(sql`CREATE TABLE \`site_settings_review_chains_policies_steps\` (
  	\`_order\` integer NOT NULL,
  	\`_parent_id\` integer NOT NULL,
  	\`id\` text PRIMARY KEY NOT NULL,
  	\`name\` text DEFAULT '初审',
  	\`by\` text DEFAULT 'role',
  	\`role\` text DEFAULT 'editor',
  	FOREIGN KEY (\`_parent_id\`) REFERENCES \`site_settings\`(\`id\`) ON UPDATE no action ON DELETE cascade
  );
  `)
  await db.run(sql`CREATE INDEX \`site_settings_review_chains_policies_steps_order_idx\` ON \`site_settings_review_chains_policies_steps\` (\`_order\`);`)
  await db.run(sql`CREATE INDEX \`site_settings_review_chains_policies_steps_parent_id_idx\` ON \`site_settings_review_chains_policies_steps\` (\`_parent_id\`);`)
  await db.run(sql`CREATE TABLE \`site_settings_review_chains_announcements_steps\` (
  	\`_order\` integer NOT NULL,
  	\`_parent_id\` integer NOT NULL,
  	\`id\` text PRIMARY KEY NOT NULL,
  	\`name\` text DEFAULT '初审',
  	\`by\` text DEFAULT 'role',
  	\`role\` text DEFAULT 'editor',
  	FOREIGN KEY (\`_parent_id\`) REFERENCES \`site_settings\`(\`id\`) ON UPDATE no action ON DELETE cascade
  );
  `)
  await db.run(sql`CREATE INDEX \`site_settings_review_chains_announcements_steps_order_idx\` ON \`site_settings_review_chains_announcements_steps\` (\`_order\`);`)
  await db.run(sql`CREATE INDEX \`site_settings_review_chains_announcements_steps_parent_id_idx\` ON \`site_settings_review_chains_announcements_steps\` (\`_parent_id\`);`)
  await db.run(sql`CREATE TABLE \`site_settings_rels\` (
  	\`id\` integer PRIMARY KEY NOT NULL,
  	\`order\` integer,
  	\`parent_id\` integer NOT NULL,
  	\`path\` text NOT NULL,
  	\`users_id\` integer,
  	FOREIGN KEY (\`parent_id\`) REFERENCES \`site_settings\`(\`id\`) ON UPDATE no action ON DELETE cascade,
  	FOREIGN KEY (\`users_id\`) REFERENCES \`users\`(\`id\`) ON UPDATE no action ON DELETE cascade
  );
  `)
  await db.run(sql`CREATE INDEX \`site_settings_rels_order_idx\` ON \`site_settings_rels\` (\`order\`);`)
  await db.run(sql`CREATE INDEX \`site_settings_rels_parent_idx\` ON \`site_settings_rels\` (\`parent_id\`);`)
  await db.run(sql`CREATE INDEX \`site_settings_rels_path_idx\` ON \`site_settings_rels\` (\`path\`);`)
  await db.run(sql`CREATE INDEX \`site_settings_rels_users_id_idx\` ON \`site_settings_rels\` (\`users_id\`);`)
  await db.run(sql`ALTER TABLE \`issues\` ADD \`review_step\` numeric DEFAULT 0;`)
  await db.run(sql`ALTER TABLE \`issues\` ADD \`review_submitted_by\` text;`)
  await db.run(sql`CREATE INDEX \`issues_review_review_status_idx\` ON \`issues\` (\`review_status\`);`)
  await db.run(sql`CREATE INDEX \`issues_review_review_step_idx\` ON \`issues\` (\`review_step\`);`)
  await db.run(sql`ALTER TABLE \`_issues_v\` ADD \`version_review_step\` numeric DEFAULT 0;`)
  await db.run(sql`ALTER TABLE \`_issues_v\` ADD \`version_review_submitted_by\` text;`)
  await db.run(sql`CREATE INDEX \`_issues_v_version_review_version_review_status_idx\` ON \`_issues_v\` (\`version_review_status\`);`)
  await db.run(sql`CREATE INDEX \`_issues_v_version_review_version_review_step_idx\` ON \`_issues_v\` (\`version_review_step\`);`)
  await db.run(sql`ALTER TABLE \`events\` ADD \`review_step\` numeric DEFAULT 0;`)
  await db.run(sql`ALTER TABLE \`events\` ADD \`review_submitted_by\` text;`)
  await db.run(sql`CREATE INDEX \`events_review_review_status_idx\` ON \`events\` (\`review_status\`);`)
  await db.run(sql`CREATE INDEX \`events_review_review_step_idx\` ON \`events\` (\`review_step\`);`)
  await db.run(sql`ALTER TABLE \`_events_v\` ADD \`version_review_step\` numeric DEFAULT 0;`)
  await db.run(sql`ALTER TABLE \`_events_v\` ADD \`version_review_submitted_by\` text;`)
  await db.run(sql`CREATE INDEX \`_events_v_version_review_version_review_status_idx\` ON \`_events_v\` (\`version_review_status\`);`)
  await db.run(sql`CREATE INDEX \`_events_v_version_review_version_review_step_idx\` ON \`_events_v\` (\`version_review_step\`);`)
  await db.run(sql`ALTER TABLE \`policies\` ADD \`review_step\` numeric DEFAULT 0;`)
  await db.run(sql`ALTER TABLE \`policies\` ADD \`review_submitted_by\` text;`)
  await db.run(sql`CREATE INDEX \`policies_review_review_status_idx\` ON \`policies\` (\`review_status\`);`)
  await db.run(sql`CREATE INDEX \`policies_review_review_step_idx\` ON \`policies\` (\`review_step\`);`)
  await db.run(sql`ALTER TABLE \`_policies_v\` ADD \`version_review_step\` numeric DEFAULT 0;`)
  await db.run(sql`ALTER TABLE \`_policies_v\` ADD \`version_review_submitted_by\` text;`)
  await db.run(sql`CREATE INDEX \`_policies_v_version_review_version_review_status_idx\` ON \`_policies_v\` (\`version_review_status\`);`)
  await db.run(sql`CREATE INDEX \`_policies_v_version_review_version_review_step_idx\` ON \`_policies_v\` (\`version_review_step\`);`)
  await db.run(sql`ALTER TABLE \`announcements\` ADD \`review_step\` numeric DEFAULT 0;`)
  await db.run(sql`ALTER TABLE \`announcements\` ADD \`review_submitted_by\` text;`)
  await db.run(sql`CREATE INDEX \`announcements_review_review_status_idx\` ON \`announcements\` (\`review_status\`);`)
  await db.run(sql`CREATE INDEX \`announcements_review_review_step_idx\` ON \`announcements\` (\`review_step\`);`)
  await db.run(sql`ALTER TABLE \`_announcements_v\` ADD \`version_review_step\` numeric DEFAULT 0;`)
  await db.run(sql`ALTER TABLE \`_announcements_v\` ADD \`version_review_submitted_by\` text;`)
  await db.run(sql`CREATE INDEX \`_announcements_v_version_review_version_review_status_idx\` ON \`_announcements_v\` (\`version_review_status\`);`)
  await db.run(sql`CREATE INDEX \`_announcements_v_version_review_version_review_step_idx\` ON \`_announcements_v\` (\`version_review_step\`);`)
  await db.run(sql`ALTER TABLE \`site_settings\` ADD \`review_chains_issues_custom\` integer DEFAULT false;`)
  await db.run(sql`ALTER TABLE \`site_settings\` ADD \`review_chains_issues_editors_too\` integer DEFAULT true;`)
  await db.run(sql`ALTER TABLE \`site_settings\` ADD \`review_chains_events_custom\` integer DEFAULT false;`)
  await db.run(sql`ALTER TABLE \`site_settings\` ADD \`review_chains_events_editors_too\` integer DEFAULT true;`)
  await db.run(sql`ALTER TABLE \`site_settings\` ADD \`review_chains_policies_custom\` integer DEFAULT false;`)
  await db.run(sql`ALTER TABLE \`site_settings\` ADD \`review_chains_policies_editors_too\` integer DEFAULT true;`)
  await db.run(sql`ALTER TABLE \`site_settings\` ADD \`review_chains_announcements_custom\` integer DEFAULT false;`)
  await db.run(sql`ALTER TABLE \`site_settings\` ADD \`review_chains_announcements_editors_too\` integer DEFAULT false;`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.run(sql`DROP TABLE \`issues_review_history\`;`)
  await db.run(sql`DROP TABLE \`_issues_v_version_review_history\`;`)
  await db.run(sql`DROP TABLE \`events_review_history\`;`)
  await db.run(sql`DROP TABLE \`_events_v_version_review_history\`;`)
  await db.run(sql`DROP TABLE \`policies_review_history\`;`)
  await db.run(sql`DROP TABLE \`_policies_v_version_review_history\`;`)
  await db.run(sql`DROP TABLE \`announcements_review_history\`;`)
  await db.run(sql`DROP TABLE \`_announcements_v_version_review_history\`;`)
  await db.run(sql`DROP TABLE \`site_settings_review_chains_issues_steps\`;`)
  await db.run(sql`DROP TABLE \`site_settings_review_chains_events_steps\`;`)
  await db.run(sql`DROP TABLE \`site_settings_review_chains_policies_steps\`;`)
  await db.run(sql`DROP TABLE \`site_settings_review_chains_announcements_steps\`;`)
  await db.run(sql`DROP TABLE \`site_settings_rels\`;`)
  await db.run(sql`DROP INDEX \`issues_review_review_status_idx\`;`)
  await db.run(sql`DROP INDEX \`issues_review_review_step_idx\`;`)
  await db.run(sql`ALTER TABLE \`issues\` DROP COLUMN \`review_step\`;`)
  await db.run(sql`ALTER TABLE \`issues\` DROP COLUMN \`review_submitted_by\`;`)
  await db.run(sql`DROP INDEX \`_issues_v_version_review_version_review_status_idx\`;`)
  await db.run(sql`DROP INDEX \`_issues_v_version_review_version_review_step_idx\`;`)
  await db.run(sql`ALTER TABLE \`_issues_v\` DROP COLUMN \`version_review_step\`;`)
  await db.run(sql`ALTER TABLE \`_issues_v\` DROP COLUMN \`version_review_submitted_by\`;`)
  await db.run(sql`DROP INDEX \`events_review_review_status_idx\`;`)
  await db.run(sql`DROP INDEX \`events_review_review_step_idx\`;`)
  await db.run(sql`ALTER TABLE \`events\` DROP COLUMN \`review_step\`;`)
  await db.run(sql`ALTER TABLE \`events\` DROP COLUMN \`review_submitted_by\`;`)
  await db.run(sql`DROP INDEX \`_events_v_version_review_version_review_status_idx\`;`)
  await db.run(sql`DROP INDEX \`_events_v_version_review_version_review_step_idx\`;`)
  await db.run(sql`ALTER TABLE \`_events_v\` DROP COLUMN \`version_review_step\`;`)
  await db.run(sql`ALTER TABLE \`_events_v\` DROP COLUMN \`version_review_submitted_by\`;`)
  await db.run(sql`DROP INDEX \`policies_review_review_status_idx\`;`)
  await db.run(sql`DROP INDEX \`policies_review_review_step_idx\`;`)
  await db.run(sql`ALTER TABLE \`policies\` DROP COLUMN \`review_step\`;`)
  await db.run(sql`ALTER TABLE \`policies\` DROP COLUMN \`review_submitted_by\`;`)
  await db.run(sql`DROP INDEX \`_policies_v_version_review_version_review_status_idx\`;`)
  await db.run(sql`DROP INDEX \`_policies_v_version_review_version_review_step_idx\`;`)
  await db.run(sql`ALTER TABLE \`_policies_v\` DROP COLUMN \`version_review_step\`;`)
  await db.run(sql`ALTER TABLE \`_policies_v\` DROP COLUMN \`version_review_submitted_by\`;`)
  await db.run(sql`DROP INDEX \`announcements_review_review_status_idx\`;`)
  await db.run(sql`DROP INDEX \`announcements_review_review_step_idx\`;`)
  await db.run(sql`ALTER TABLE \`announcements\` DROP COLUMN \`review_step\`;`)
  await db.run(sql`ALTER TABLE \`announcements\` DROP COLUMN \`review_submitted_by\`;`)
  await db.run(sql`DROP INDEX \`_announcements_v_version_review_version_review_status_idx\`;`)
  await db.run(sql`DROP INDEX \`_announcements_v_version_review_version_review_step_idx\`;`)
  await db.run(sql`ALTER TABLE \`_announcements_v\` DROP COLUMN \`version_review_step\`;`)
  await db.run(sql`ALTER TABLE \`_announcements_v\` DROP COLUMN \`version_review_submitted_by\`;`)
  await db.run(sql`ALTER TABLE \`site_settings\` DROP COLUMN \`review_chains_issues_custom\`;`)
  await db.run(sql`ALTER TABLE \`site_settings\` DROP COLUMN \`review_chains_issues_editors_too\`;`)
  await db.run(sql`ALTER TABLE \`site_settings\` DROP COLUMN \`review_chains_events_custom\`;`)
  await db.run(sql`ALTER TABLE \`site_settings\` DROP COLUMN \`review_chains_events_editors_too\`;`)
  await db.run(sql`ALTER TABLE \`site_settings\` DROP COLUMN \`review_chains_policies_custom\`;`)
  await db.run(sql`ALTER TABLE \`site_settings\` DROP COLUMN \`review_chains_policies_editors_too\`;`)
  await db.run(sql`ALTER TABLE \`site_settings\` DROP COLUMN \`review_chains_announcements_custom\`;`)
  await db.run(sql`ALTER TABLE \`site_settings\` DROP COLUMN \`review_chains_announcements_editors_too\`;`)
}
