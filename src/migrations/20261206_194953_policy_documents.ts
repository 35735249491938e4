import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-sqlite'

export async function up({ db }: MigrateUpArgs): Promise<void> {
  await db.run(sql`CREATE TABLE \`policy_documents\` (
  	\`id\` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
  	\`title\` text NOT NULL,
  	\`issuing_body\` text NOT NULL,
  	\`document_number\` text,
  	\`issued_date\` text,
  	\`official_url\` text,
  	\`updated_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`created_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`url\` text,
  	\`thumbnail_u_r_l\` text,
  	\`filename\` text,
  	\`mime_type\` text,
  	\`filesize\` numeric,
  	\`width\` numeric,
  	\`height\` numeric,
  	\`focal_x\` numeric,
  	\`focal_y\` numeric
  );
  `)
  await db.run(sql`CREATE INDEX \`policy_documents_issued_date_idx\` ON \`policy_documents\` (\`issued_date\`);`)
  await db.run(sql`CREATE INDEX \`policy_documents_updated_at_idx\` ON \`policy_documents\` (\`updated_at\`);`)
  await db.run(sql`CREATE INDEX \`policy_documents_created_at_idx\` ON \`policy_documents\` (\`created_at\`);`)
  await db.run(sql`CREATE UNIQUE INDEX \`policy_documents_filename_idx\` ON \`policy_documents\` (\`filename\`);`)
  await db.run(sql`ALTER TABLE \`policies\` ADD \`document_id\` integer REFERENCES policy_documents(id);`)
  await db.run(sql`CREATE INDEX \`policies_document_idx\` ON \`policies\` (\`document_id\`);`)
  await db.run(sql`ALTER TABLE \`_policies_v\` ADD \`version_document_id\` integer REFERENCES policy_documents(id);`)
  await db.run(sql`CREATE INDEX \`_policies_v_version_version_document_idx\` ON \`_policies_v\` (\`version_document_id\`);`)
  await db.run(sql`ALTER TABLE \`payload_locked_documents_rels\` ADD \`policy_documents_id\` integer REFERENCES policy_documents(id);`)
  await db.run(sql`CREATE INDEX \`payload_locked_documents_rels_policy_documents_id_idx\` ON \`payload_locked_documents_rels\` (\`policy_documents_id\`);`)
}

export async function down({ db }: MigrateDownArgs): Promise<void> {
  // Columns dropped in place (SQLite 3.35+), not by rebuilding the tables: a rebuild would
  // also change each table's id declaration to today's, which is not this migration's to undo.
  await db.run(sql`DROP INDEX \`payload_locked_documents_rels_policy_documents_id_idx\`;`)
  await db.run(sql`ALTER TABLE \`payload_locked_documents_rels\` DROP COLUMN \`policy_documents_id\`;`)
  await db.run(sql`DROP INDEX \`_policies_v_version_version_document_idx\`;`)
  await db.run(sql`ALTER TABLE \`_policies_v\` DROP COLUMN \`version_document_id\`;`)
  await db.run(sql`DROP INDEX \`policies_document_idx\`;`)
  await db.run(sql`ALTER TABLE \`policies\` DROP COLUMN \`document_id\`;`)
  await db.run(sql`DROP TABLE \`policy_documents\`;`)
}
