/** Catalogue section: admin. Spread into the one catalogue in ../messages.ts. */
export const adminMessages = {
  // Admin branding (src/components/AdminBrand.tsx, the page title in src/payload.config.ts).
  'brand.adminSubtitle': { zh: '管理后台', en: 'Administration' },
  'brand.adminTitle': { zh: '街道资讯', en: 'Street News' },
  'brand.adminTitleSuffix': { zh: '· 管理', en: '· Admin' },
  // The edit-lock dialog (src/components/LockNotice.tsx): who holds the document, and when they last edited it
  // (Payload's time: the lock's updatedAt, moved on while the holder edits; see LockNotice.tsx).
  'lock.editing': {
    zh: '{name} 正在编辑此文档。如果您接管，对方将无法继续编辑，尚未保存的更改可能会丢失。',
    en: '{name} is editing this document. If you take over, they can no longer edit it and may lose unsaved changes.',
  },
  'lock.lastEdited': { zh: '上次编辑：{date}。', en: 'Last edited {date}.' },
  'lock.someone': { zh: '另一位工作人员', en: 'Another staff member' },
  // The image library's required alt text (src/collections/Media.ts).
  'field.alt.description': {
    zh: '用一句话说明图片内容，读屏软件会为视障居民朗读；图片加载失败时也会显示这句话。',
    en: 'One sentence on what the image shows: screen readers read it aloud, and it shows when the image does not load.',
  },
  'error.altRequired': { zh: '请填写图片说明。', en: 'Please describe the image (alt text).' },
} satisfies Record<string, { zh: string; en: string }>
