/** Catalogue section: admin. Spread into the one catalogue in ../messages.ts. */
export const adminMessages = {
  // Admin branding (src/components/AdminBrand.tsx, the page title in src/payload.config.ts).
  'brand.adminSubtitle': { zh: '管理后台', en: 'Administration' },
  'brand.adminTitle': { zh: '街道资讯', en: 'Street News' },
  'brand.adminTitleSuffix': { zh: '· 管理', en: '· Admin' },
  // The edit-lock dialog (src/components/LockNotice.tsx): who holds the document, since when.
  'lock.editing': {
    zh: '{name} 正在编辑此文档。如果您接管，对方将无法继续编辑，尚未保存的更改可能会丢失。',
    en: '{name} is editing this document. If you take over, they can no longer edit it and may lose unsaved changes.',
  },
  'lock.since': { zh: '自 {date} 起编辑。', en: 'Editing since {date}.' },
  'lock.someone': { zh: '另一位工作人员', en: 'Another staff member' },
} satisfies Record<string, { zh: string; en: string }>
