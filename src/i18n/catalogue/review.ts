/** Catalogue section: review. Spread into the one catalogue in ../messages.ts. */
export const reviewMessages = {
  'role.reviewer': { zh: '审核领导', en: 'Reviewer (office leader)' },

  'review.settings.title': { zh: '审核流程', en: 'Review chains' },
  'review.settings.description': {
    zh: '每种内容的审核步骤（最多三步：初审、复审、终审）。不自定义时沿用默认规则：编辑撰写的内容无需审核；网格长和社区工作人员的公告须经编辑初审（允许网格长直接发布时除外）。',
    en: 'The review steps of each content type (up to three: first, second, final review). Without a custom chain the default applies: nothing an editor writes is reviewed; announcements by grid leaders and community staff need an editor’s review (unless grid leaders may publish directly).',
  },
  'review.settings.custom': { zh: '自定义审核流程', en: 'Custom review chain' },
  'review.settings.default.issues': { zh: '默认：无需审核。', en: 'Default: no review.' },
  'review.settings.default.events': { zh: '默认：无需审核。', en: 'Default: no review.' },
  'review.settings.default.policies': { zh: '默认：无需审核。', en: 'Default: no review.' },
  'review.settings.default.announcements': {
    zh: '默认：网格长和社区工作人员的公告须经编辑初审。自定义时第一步须为编辑审核。',
    en: 'Default: announcements by grid leaders and community staff need an editor’s review. A custom chain must start with an editors’ step.',
  },
  'review.settings.editorsToo': { zh: '编辑撰写的内容也须审核', en: 'Content editors write is reviewed too' },
  'review.settings.steps': { zh: '审核步骤', en: 'Review steps' },
  'review.settings.step': { zh: '审核步骤', en: 'Review step' },
  'review.settings.stepName': { zh: '步骤名称', en: 'Step name' },
  'review.settings.by': { zh: '审核人', en: 'Reviewed by' },
  'review.settings.by.role': { zh: '按角色', en: 'A role' },
  'review.settings.by.users': { zh: '指定人员', en: 'Named staff' },
  'review.settings.users': { zh: '指定审核人员', en: 'Named reviewers' },
  'review.settings.announcementsFirst': {
    zh: '公告的第一步须由编辑审核（网格长提交，编辑初审）。',
    en: 'An announcement’s first step must be the editors’ (grid leaders submit to editors).',
  },

  'review.field.step': { zh: '当前步骤', en: 'Current step' },
  'review.field.history': { zh: '审核记录', en: 'Review history' },
  'review.action.submit': { zh: '提交审核', en: 'Submit for review' },
  'review.action.approve': { zh: '通过', en: 'Approve' },
  'review.action.return': { zh: '退回', en: 'Send back' },
  'review.action.withdraw': { zh: '撤回提交', en: 'Withdraw submission' },
  'review.action.reset': { zh: '内容已修改，退回第一步', en: 'Changed: back to step 1' },
  'review.state.pending': { zh: '待{step}（第 {n}/{of} 步）', en: 'Awaiting {step} (step {n} of {of})' },

  'review.error.state': { zh: '当前审核状态下不能进行此操作。', en: 'This action is not possible in the current review state.' },
  'review.error.noChain': { zh: '此类内容没有设置审核步骤，无需提交审核。', en: 'This content type has no review steps: nothing to submit.' },
  'review.error.notYourStep': { zh: '您不是当前审核步骤“{step}”的审核人。', en: 'You are not a reviewer of the current step “{step}”.' },
  'review.error.ownSubmission': { zh: '不能审核通过自己提交的内容。', en: 'You cannot approve your own submission.' },
  'review.error.notSubmitter': { zh: '只有提交人可以撤回提交。', en: 'Only the submitter can withdraw the submission.' },
  'review.error.needsApproval': {
    zh: '须完成全部审核步骤后才能发布。请先“提交审核”。',
    en: 'Every review step must be completed before publishing. Submit it for review first.',
  },
  'review.error.forbidden': { zh: '您无权审核此内容。', en: 'You may not review this content.' },
  'review.error.notFound': { zh: '找不到此内容。', en: 'No such content.' },
  'review.error.invalid': { zh: '请求无效。', en: 'Invalid request.' },

  'audit.review-withdraw': { zh: '撤回提交', en: 'Submission withdrawn' },
  'audit.review-reset': { zh: '修改后退回第一步', en: 'Changed: review restarted' },
  'review.audit.step': { zh: '第 {n} 步（{step}）', en: 'Step {n} ({step})' },

  'review.panel.history': { zh: '审核记录', en: 'History' },
  'review.panel.noHistory': { zh: '暂无审核记录。', en: 'No review yet.' },
  'review.panel.comment': { zh: '审核意见', en: 'Comment' },
  'review.panel.commentHint': { zh: '退回时必须填写意见。', en: 'Required when sending back.' },
  'review.panel.saveFirst': { zh: '保存后即可提交审核。', en: 'Save the content to submit it for review.' },
  'review.panel.failed': { zh: '操作失败：{message}', en: 'Failed: {message}' },
  'review.panel.noChain': { zh: '此类内容无需审核。', en: 'This content type is not reviewed.' },

  'review.nav.awaiting': { zh: '待审核', en: 'Awaiting my review' },

  'review.mail.button': { zh: '打开内容', en: 'Open the content' },
  'review.mail.comment': { zh: '意见：{comment}', en: 'Comment: {comment}' },
  'review.mail.awaiting.subject': { zh: '待审核（{step}）：《{title}》', en: 'Awaiting your review ({step}): “{title}”' },
  'review.mail.awaiting.intro': {
    zh: '{by}的{type}《{title}》等待您{step}。请在后台打开内容，通过或退回。',
    en: 'The {type} “{title}” ({by}) awaits your review ({step}). Open it in the admin to approve or send it back.',
  },
  'review.mail.approved.subject': { zh: '审核通过：《{title}》', en: 'Approved: “{title}”' },
  'review.mail.approved.intro': {
    zh: '您提交的{type}《{title}》已通过全部审核（最后一步{step}由{by}通过），现在可以发布。',
    en: 'The {type} “{title}” you submitted passed every review step (the last, {step}, by {by}); it can be published now.',
  },
  'review.mail.stepApproved.subject': { zh: '{step}通过：《{title}》', en: '{step} passed: “{title}”' },
  'review.mail.stepApproved.intro': {
    zh: '您提交的{type}《{title}》已由{by}{step}通过，正在进入下一步审核。',
    en: 'The {type} “{title}” you submitted passed {step} ({by}) and goes on to the next step.',
  },
  'review.mail.returned.subject': { zh: '审核退回：《{title}》', en: 'Sent back: “{title}”' },
  'review.mail.returned.intro': {
    zh: '您提交的{type}《{title}》在{step}被{by}退回。请按意见修改后重新提交审核。',
    en: 'The {type} “{title}” you submitted was sent back at {step} by {by}. Change it as asked and submit it again.',
  },
  'review.mail.scheduled.intro': {
    zh: '您设置定时发布的{type}《{title}》没有发布：审核尚未完成（当前：{state}）。内容仍是草稿。',
    en: 'The {type} “{title}” you scheduled was not published: its review is not complete (now: {state}). It is still a draft.',
  },
  'review.mail.scheduled.next': {
    zh: '审核全部通过后，请重新发布或重新设置定时发布。',
    en: 'Once every review step has passed, publish it or schedule it again.',
  },
} satisfies Record<string, { zh: string; en: string }>
