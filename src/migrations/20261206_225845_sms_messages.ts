import { MigrateUpArgs, MigrateDownArgs, sql } from '@payloadcms/db-sqlite'

export async function up({ db, payload, req }: MigrateUpArgs): Promise<void> {
  await db.run(sql`CREATE TABLE \`sms_messages\` (
  	\`id\` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
  	\`delivery\` text NOT NULL,
  	\`subscriber\` text NOT NULL,
  	\`content_type\` text NOT NULL,
  	\`phone_index\` text NOT NULL,
  	\`biz_id\` text NOT NULL,
  	\`segments\` numeric NOT NULL,
  	\`sent_at\` text NOT NULL,
  	\`report_status\` text,
  	\`report_code\` text,
  	\`reported_at\` text,
  	\`updated_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
  	\`created_at\` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
  );
  `)
  await db.run(sql`CREATE INDEX \`sms_messages_delivery_idx\` ON \`sms_messages\` (\`delivery\`);`)
  await db.run(sql`CREATE INDEX \`sms_messages_phone_index_idx\` ON \`sms_messages\` (\`phone_index\`);`)
  await db.run(sql`CREATE INDEX \`sms_messages_biz_id_idx\` ON \`sms_messages\` (\`biz_id\`);`)
  await db.run(sql`CREATE INDEX \`sms_messages_sent_at_idx\` ON \`sms_messages\` (\`sent_at\`);`)
  await db.run(sql`CREATE INDEX \`sms_messages_updated_at_idx\` ON \`sms_messages\` (\`updated_at\`);`)
  await db.run(sql`CREATE INDEX \`sms_messages_created_at_idx\` ON \`sms_messages\` (\`created_at\`);`)
  await db.run(sql`CREATE UNIQUE INDEX \`delivery_subscriber_1_idx\` ON \`sms_messages\` (\`delivery\`,\`subscriber\`);`)
}

export async function down({ db, payload, req }: MigrateDownArgs): Promise<void> {
  await db.run(sql`DROP TABLE \`sms_messages\`;`)
}
