/** Catalogue section: the names of Payload's own collections (src/collections/internalLabels.ts). Spread into ../messages.ts. */
export const payloadCollectionsMessages = {
  'col.payload-locked-documents.singular': { zh: '编辑锁', en: 'Edit lock' },
  'col.payload-locked-documents.plural': { zh: '编辑锁', en: 'Edit locks' },
  'col.payload-preferences.singular': { zh: '界面偏好', en: 'Preference' },
  'col.payload-preferences.plural': { zh: '界面偏好', en: 'Preferences' },
  'col.payload-jobs.singular': { zh: '后台任务', en: 'Background job' },
  'col.payload-jobs.plural': { zh: '后台任务', en: 'Background jobs' },
  'col.payload-migrations.singular': { zh: '数据库迁移', en: 'Database migration' },
  'col.payload-migrations.plural': { zh: '数据库迁移', en: 'Database migrations' },
} satisfies Record<string, { zh: string; en: string }>
