/** Catalogue section: staff notices (the in-admin inbox), the audit of residents' notices, review-chain settings checks. Spread into ../messages.ts. */
export const staffNoticesMessages = {
  // The in-admin inbox (src/collections/StaffNotices.ts).
  'col.staff-notices.singular': { zh: '站内通知', en: 'Staff notice' },
  'col.staff-notices.plural': { zh: '站内通知', en: 'Staff notices' },
  'staffNotice.field.recipient': { zh: '收件人', en: 'Recipient' },
  'staffNotice.field.kind': { zh: '类型', en: 'Kind' },
  'staffNotice.field.contentType': { zh: '内容类型', en: 'Content type' },
  'staffNotice.field.contentId': { zh: '内容编号', en: 'Content id' },
  'staffNotice.field.title': { zh: '内容标题', en: 'Content title' },
  'staffNotice.field.step': { zh: '审核步骤', en: 'Review step' },
  'staffNotice.field.reviewer': { zh: '审核人', en: 'Reviewer' },
  'staffNotice.field.comment': { zh: '审核意见', en: 'Comment' },
  'staffNotice.field.readAt': { zh: '已读时间', en: 'Read at' },
  'staffNotice.kind.approved': { zh: '审核通过', en: 'Approved' },
  'staffNotice.kind.returned': { zh: '被退回', en: 'Returned' },
  'staffNotice.line.approved': { zh: '“{title}”已通过{step}（审核人：{by}）。', en: '“{title}” passed {step} (by {by}).' },
  'staffNotice.line.approvedAll': { zh: '“{title}”已通过全部审核（{step}，审核人：{by}），可以发布。', en: '“{title}” passed every review step ({step}, by {by}) and may be published.' },
  'staffNotice.line.returned': { zh: '“{title}”在{step}被退回（审核人：{by}）。', en: '“{title}” was sent back at {step} (by {by}).' },
  'staffNotice.comment': { zh: '意见：{comment}', en: 'Comment: {comment}' },
  'staffNotice.nav': { zh: '未读通知', en: 'Unread notices' },
  'staffNotice.card.title': { zh: '我的通知（未读 {n}）', en: 'My notices ({n} unread)' },
  'staffNotice.card.none': { zh: '暂无通知。', en: 'No notices.' },
  'staffNotice.card.unread': { zh: '未读', en: 'Unread' },
  'staffNotice.card.open': { zh: '查看', en: 'Open' },
  'staffNotice.error.notFound': { zh: '找不到这条通知。', en: 'No such notice.' },

  // The audit of a notice to residents (a correction or withdrawal notice).
  'audit.notice': { zh: '发送更正/撤回通知', en: 'Notice to residents' },
  'notice.audit.correction': { zh: '更正通知（第 {n} 次）', en: 'Correction notice (no. {n})' },
  'notice.audit.withdrawal': { zh: '撤回通知（第 {n} 次）', en: 'Withdrawal notice (no. {n})' },
  'notice.audit.channels': { zh: '渠道：{list}', en: 'Channels: {list}' },
  'notice.audit.audience': { zh: '受众：{list}', en: 'Audience: {list}' },
  'notice.audit.and': { zh: '、', en: ', ' },
  'notice.audit.street': { zh: '全街道', en: 'the whole street' },

  // Review chains in site settings.
  'review.settings.communityStaffOnlyAnnouncements': {
    zh: '社区工作人员只能审核本社区网格的公告：{type}不能设置由社区工作人员审核的步骤（包括点名的社区工作人员）。请改由编辑、审核领导或点名的编辑审核。',
    en: 'Community staff review only their community’s announcements: {type} cannot have a step done by community staff (nor by named community staff). Use editors, reviewers or named editors.',
  },
} as const
