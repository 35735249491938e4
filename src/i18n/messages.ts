/**
 * The one message catalogue. Every text a user sees (admin labels, validation
 * errors, resident pages) comes from here: Chinese first, English fallback.
 */
export type Lang = 'zh' | 'en'
type Entry = { zh: string; en: string }

export const messages = {
  // Roles
  'role.admin': { zh: '管理员', en: 'Administrator' },
  'role.editor': { zh: '编辑', en: 'Editor' },
  'role.community-staff': { zh: '社区工作人员', en: 'Community staff' },
  'role.grid-leader': { zh: '网格长', en: 'Grid leader' },

  // Admin groups
  'group.content': { zh: '内容', en: 'Content' },
  'group.street': { zh: '街道与网格', en: 'Street and grids' },
  'group.system': { zh: '系统', en: 'System' },

  // Collections
  'col.users.singular': { zh: '工作人员', en: 'Staff user' },
  'col.users.plural': { zh: '工作人员', en: 'Staff users' },
  'col.communities.singular': { zh: '社区', en: 'Community' },
  'col.communities.plural': { zh: '社区', en: 'Communities' },
  'col.grids.singular': { zh: '网格', en: 'Grid' },
  'col.grids.plural': { zh: '网格', en: 'Grids' },
  'col.media.singular': { zh: '图片', en: 'Image' },
  'col.media.plural': { zh: '图片库', en: 'Images' },
  'col.issues.singular': { zh: '期刊', en: 'Issue' },
  'col.issues.plural': { zh: '期刊', en: 'Issues' },
  'col.events.singular': { zh: '活动通知', en: 'Event notice' },
  'col.events.plural': { zh: '活动通知', en: 'Event notices' },
  'col.policies.singular': { zh: '政策解读', en: 'Policy explainer' },
  'col.policies.plural': { zh: '政策解读', en: 'Policy explainers' },
  'col.announcements.singular': { zh: '网格公告', en: 'Grid announcement' },
  'col.announcements.plural': { zh: '网格公告', en: 'Grid announcements' },
  'col.audit-log.singular': { zh: '操作日志', en: 'Audit entry' },
  'col.audit-log.plural': { zh: '操作日志', en: 'Audit log' },
  'col.counters.singular': { zh: '计数器', en: 'Counter' },
  'col.counters.plural': { zh: '计数器', en: 'Counters' },
  'col.claims.singular': { zh: '任务认领', en: 'Claim' },
  'col.claims.plural': { zh: '任务认领', en: 'Claims' },
  'global.site-settings': { zh: '站点设置', en: 'Site settings' },

  // Common fields
  'field.name': { zh: '姓名', en: 'Name' },
  'field.title': { zh: '标题', en: 'Title' },
  'field.code': { zh: '编码', en: 'Code' },
  'field.community': { zh: '所属社区', en: 'Community' },
  'field.grids': { zh: '网格', en: 'Grids' },
  'field.role': { zh: '角色', en: 'Role' },
  'field.phone': { zh: '联系电话', en: 'Phone' },
  'field.households': { zh: '户数', en: 'Households' },
  'field.buildings': { zh: '楼栋', en: 'Buildings' },
  'field.estate': { zh: '小区', en: 'Estate' },
  'field.buildingName': { zh: '楼栋名称', en: 'Building' },
  'field.buildingHead': { zh: '楼栋长', en: 'Building head' },
  'field.summary': { zh: '摘要', en: 'Summary' },
  'field.summary.description': {
    zh: '一两句话概括,用于列表、分享卡片和推送。',
    en: 'One or two sentences for lists, share cards and notifications.',
  },
  'field.body': { zh: '正文', en: 'Body' },
  'field.urgent': { zh: '紧急', en: 'Urgent' },
  'field.urgent.description': {
    zh: '停水停电、天气预警等:在网站置顶,并发送给范围内所有订阅者(不论其选择的栏目)。',
    en: 'Water or power cut, weather warning: shown first on the site and delivered to everyone in its audience whatever their topics.',
  },
  'field.publishDate': { zh: '发布日期', en: 'Publish date' },
  'field.firstPublishedAt': { zh: '首次发布时间', en: 'First published' },
  'field.withdrawnAt': { zh: '撤回时间', en: 'Withdrawn at' },
  'field.number': { zh: '期号', en: 'Number' },
  'field.number.description': { zh: '自动编号,不可修改。', en: 'Assigned automatically.' },
  'field.cover': { zh: '封面图片', en: 'Cover image' },
  'field.articles': { zh: '文章', en: 'Articles' },
  'field.article': { zh: '文章', en: 'Article' },
  'field.author': { zh: '作者', en: 'Author' },
  'field.startsAt': { zh: '开始时间', en: 'Starts' },
  'field.endsAt': { zh: '结束时间', en: 'Ends' },
  'field.location': { zh: '地点', en: 'Location' },
  'field.organiser': { zh: '主办单位', en: 'Organiser' },
  'field.wholeStreet': { zh: '面向全街道', en: 'Whole street' },
  'field.wholeStreet.description': {
    zh: '不勾选时,请选择相关网格。',
    en: 'Untick to choose the grids it concerns.',
  },
  'field.signup': { zh: '报名方式', en: 'Sign-up' },
  'field.issuingBody': { zh: '发文机关', en: 'Issuing body' },
  'field.documentNumber': { zh: '文号', en: 'Document number' },
  'field.effectiveDate': { zh: '施行日期', en: 'Effective date' },
  'field.plainSummary': { zh: '通俗解读', en: 'Plain-language summary' },
  'field.qa': { zh: '问答', en: 'Q&A' },
  'field.question': { zh: '问', en: 'Question' },
  'field.answer': { zh: '答', en: 'Answer' },
  'field.sourceUrl': { zh: '原文链接', en: 'Source document' },
  'field.alt': { zh: '图片说明', en: 'Alt text' },
  'field.review': { zh: '审核', en: 'Review' },
  'field.reviewStatus': { zh: '审核状态', en: 'Review status' },
  'field.reviewComment': { zh: '审核意见', en: 'Review comment' },
  'field.reviewedBy': { zh: '审核人', en: 'Reviewed by' },
  'field.author.user': { zh: '创建人', en: 'Created by' },
  'review.none': { zh: '未提交', en: 'Not submitted' },
  'review.pending': { zh: '待审核', en: 'Awaiting review' },
  'review.approved': { zh: '已通过', en: 'Approved' },
  'review.returned': { zh: '已退回', en: 'Sent back' },

  // Site settings
  'settings.streetName': { zh: '街道名称', en: 'Street name' },
  'settings.periodicalName': { zh: '刊物名称', en: 'Periodical name' },
  'settings.logo': { zh: '标志', en: 'Logo' },
  'settings.hotline': { zh: '服务热线', en: 'Hotline' },
  'settings.wechatName': { zh: '微信公众号名称', en: 'WeChat account name' },
  'settings.wechatQr': { zh: '公众号二维码', en: 'WeChat account QR code' },
  'settings.footerText': { zh: '页脚文字', en: 'Footer text' },
  'settings.icp': { zh: 'ICP备案号', en: 'ICP filing number' },
  'settings.psb': { zh: '公安备案号', en: 'Public-security filing number' },
  'settings.allowDirect': {
    zh: '允许网格长直接发布公告(无需审核)',
    en: 'Grid leaders may publish announcements without review',
  },
  'settings.sensitiveWords': { zh: '敏感词', en: 'Sensitive words' },
  'settings.sensitiveWords.description': {
    zh: '每行一个词。内容包含其中任何一个词时不能发布。',
    en: 'One word per line. Content containing any of them cannot be published.',
  },

  // Audit log
  'audit.action': { zh: '操作', en: 'Action' },
  'audit.actor': { zh: '操作人', en: 'By' },
  'audit.target': { zh: '对象', en: 'Target' },
  'audit.detail': { zh: '详情', en: 'Detail' },
  'audit.at': { zh: '时间', en: 'At' },
  'audit.publish': { zh: '发布', en: 'Publish' },
  'audit.unpublish': { zh: '撤回', en: 'Unpublish' },
  'audit.submit': { zh: '提交审核', en: 'Submit for review' },
  'audit.approve': { zh: '审核通过', en: 'Approve' },
  'audit.return': { zh: '退回', en: 'Send back' },
  'audit.role-change': { zh: '角色变更', en: 'Role change' },
  'audit.export': { zh: '导出', en: 'Export' },
  'audit.login': { zh: '登录', en: 'Login' },
  'audit.login-failed': { zh: '登录失败', en: 'Failed login' },

  // Validation errors
  'error.required': { zh: '此项必填。', en: 'This field is required.' },
  'error.endBeforeStart': { zh: '结束时间不能早于开始时间。', en: 'The end cannot be before the start.' },
  'error.unknownRelation': { zh: '{label}不存在:{id}', en: '{label}: {id} does not exist.' },
  'error.gridsRequired': {
    zh: '请至少选择一个网格,或勾选“面向全街道”。',
    en: 'Choose at least one grid, or tick “Whole street”.',
  },
  'error.notYourGrid': {
    zh: '只能为自己负责的网格发布公告。',
    en: 'You can only write for your own grids.',
  },
  'error.sensitiveWords': {
    zh: '内容包含敏感词,不能发布:{found}',
    en: 'The content contains sensitive words and cannot be published: {found}',
  },
  'error.needsApproval': {
    zh: '公告须经编辑审核通过后才能发布。请先“提交审核”。',
    en: 'This announcement needs an editor’s approval before it can be published. Submit it for review first.',
  },
  'error.changedSinceApproval': {
    zh: '公告在审核通过后被修改,请重新提交审核。',
    en: 'The announcement changed after it was approved; submit it for review again.',
  },
  'error.reviewNotAllowed': {
    zh: '只有编辑可以通过或退回审核。',
    en: 'Only editors can approve or send back.',
  },
  'error.returnNeedsComment': {
    zh: '退回时请填写审核意见。',
    en: 'Write a comment when sending back.',
  },
  'error.communityRequired': {
    zh: '社区工作人员必须绑定一个社区。',
    en: 'Community staff must be bound to a community.',
  },
  'error.gridLeaderGrids': {
    zh: '网格长必须绑定至少一个网格。',
    en: 'A grid leader must be bound to at least one grid.',
  },
  'error.invalidUrl': { zh: '请输入以 http:// 或 https:// 开头的网址。', en: 'Enter a URL starting with http:// or https://.' },
  'error.householdsRange': { zh: '户数应在 1 到 100000 之间。', en: 'Households must be between 1 and 100000.' },
  'error.tooLong': { zh: '内容过长(最多 {max} 字)。', en: 'Too long (at most {max} characters).' },

  // Resident site
  'site.home': { zh: '首页', en: 'Home' },
  'site.latestIssue': { zh: '最新一期', en: 'Latest issue' },
  'site.recentNotices': { zh: '近期通知', en: 'Recent notices' },
  'site.pastIssues': { zh: '往期回顾', en: 'Past issues' },
  'site.events': { zh: '活动通知', en: 'Event notices' },
  'site.policies': { zh: '政策解读', en: 'Policy explainers' },
  'site.grids': { zh: '网格', en: 'Grids' },
  'site.announcements': { zh: '网格公告', en: 'Grid announcements' },
  'site.issueNumber': { zh: '第 {number} 期', en: 'No. {number}' },
  'site.urgent': { zh: '紧急', en: 'Urgent' },
  'site.largeText': { zh: '大字', en: 'Large text' },
  'site.normalText': { zh: '标准字', en: 'Normal text' },
  'site.withdrawn.title': { zh: '内容已撤回', en: 'Withdrawn' },
  'site.withdrawn.body': {
    zh: '此内容已由发布单位撤回。如有疑问,请拨打服务热线 {hotline}。',
    en: 'This content has been withdrawn by its publisher. Questions: call {hotline}.',
  },
  'site.notFound.title': { zh: '页面不存在', en: 'Page not found' },
  'site.notFound.body': { zh: '您访问的页面不存在或尚未发布。', en: 'This page does not exist or is not published yet.' },
  'site.error.title': { zh: '出错了', en: 'Something went wrong' },
  'site.error.body': { zh: '服务暂时不可用,请稍后再试。', en: 'The service is unavailable; please try again later.' },
  'site.error.badRequest': { zh: '请求格式有误,请检查链接后重试。', en: 'The request is malformed; check the link and try again.' },
  'site.preview': { zh: '预览 — 尚未发布', en: 'Preview — not published' },
  'site.hotline': { zh: '服务热线', en: 'Hotline' },
  'site.time': { zh: '时间', en: 'When' },
  'site.location': { zh: '地点', en: 'Where' },
  'site.organiser': { zh: '主办', en: 'Organiser' },
  'site.signup': { zh: '报名', en: 'Sign-up' },
  'site.audience': { zh: '范围', en: 'Audience' },
  'site.wholeStreet': { zh: '全街道', en: 'Whole street' },
  'site.issuingBody': { zh: '发文机关', en: 'Issued by' },
  'site.documentNumber': { zh: '文号', en: 'Document no.' },
  'site.effectiveDate': { zh: '施行日期', en: 'Effective' },
  'site.plainSummary': { zh: '一图读懂 · 通俗解读', en: 'In plain words' },
  'site.qa': { zh: '常见问答', en: 'Questions and answers' },
  'site.source': { zh: '查看原文', en: 'Source document' },
  'site.by': { zh: '文/{author}', en: 'By {author}' },
  'site.noContent': { zh: '暂无内容。', en: 'Nothing here yet.' },
  'site.households': { zh: '{n} 户', en: '{n} households' },
  'site.followWechat': { zh: '关注公众号“{name}”', en: 'Follow “{name}” on WeChat' },
  'site.contents': { zh: '本期目录', en: 'In this issue' },
  'site.backHome': { zh: '返回首页', en: 'Back to home' },
  'site.print': { zh: '打印', en: 'Print' },
  'site.timeRange': { zh: '{start} 至 {end}', en: '{start} to {end}' },
  'site.skip': { zh: '跳到正文', en: 'Skip to content' },
  'site.readIssue': { zh: '阅读全文', en: 'Read the issue' },
  'site.allIssues': { zh: '全部往期', en: 'All issues' },
  'site.allEvents': { zh: '全部活动', en: 'All event notices' },
  'site.allPolicies': { zh: '全部政策解读', en: 'All policy explainers' },
  'site.gridsIntro': {
    zh: '找到您所在的网格,查看本网格的公告。有事找网格长。',
    en: 'Find your grid to see its announcements. Your grid leader is there to help.',
  },
  'site.gridCount': { zh: '{n} 个网格', en: '{n} grids' },
  'site.gridAnnouncements': { zh: '本网格公告', en: 'Announcements for this grid' },
  'site.streetWide': { zh: '全街道内容', en: 'For the whole street' },
  'site.gridName': { zh: '{code} · {name}', en: '{code} · {name}' },
  'site.wechatQrAlt': { zh: '公众号“{name}”二维码', en: 'QR code of “{name}”' },
  'site.forbidden.title': { zh: '无权查看', en: 'Not allowed' },
  'site.forbidden.body': { zh: '您的账号无权预览此内容。', en: 'Your account may not preview this content.' },
  'site.tagline': { zh: '{street} · {periodical}', en: '{street} · {periodical}' },

  // Subscribers (issue 4): model, admin labels
  'group.residents': { zh: '居民订阅', en: 'Residents' },
  'col.subscribers.singular': { zh: '订阅者', en: 'Subscriber' },
  'col.subscribers.plural': { zh: '订阅者', en: 'Subscribers' },
  'col.push-subscriptions.singular': { zh: '推送设备', en: 'Push device' },
  'col.push-subscriptions.plural': { zh: '推送设备', en: 'Push devices' },
  'subscribers.description': {
    zh: '订阅者的邮箱地址只有管理员可见;编辑可查看数量和分布。',
    en: 'Only administrators see subscribers’ addresses; editors see counts and distribution.',
  },
  'field.email': { zh: '电子邮箱', en: 'Email' },
  'field.grid': { zh: '网格', en: 'Grid' },
  'field.channels': { zh: '接收渠道', en: 'Channels' },
  'field.topics': { zh: '订阅栏目', en: 'Topics' },
  'field.status': { zh: '状态', en: 'Status' },
  'field.consents': { zh: '同意记录', en: 'Consents' },
  'field.consentPurpose': { zh: '用途', en: 'Purpose' },
  'field.consentGranted': { zh: '同意', en: 'Granted' },
  'field.consentAt': { zh: '时间', en: 'At' },
  'field.consentVersion': { zh: '条款版本', en: 'Text version' },
  'field.consentMethod': { zh: '方式', en: 'Method' },
  'field.consentEvidence': { zh: '凭证', en: 'Evidence' },
  'field.confirmedAt': { zh: '确认时间', en: 'Confirmed' },
  'field.unsubscribedAt': { zh: '退订时间', en: 'Unsubscribed' },
  'field.source': { zh: '来源', en: 'Source' },
  'field.suppressedReason': { zh: '停发原因', en: 'Suppression reason' },
  'field.endpoint': { zh: '推送地址', en: 'Endpoint' },
  'field.userAgent': { zh: '浏览器', en: 'Browser' },
  'field.lastSuccessAt': { zh: '最近成功推送', en: 'Last successful push' },
  'field.subscriber': { zh: '订阅者', en: 'Subscriber' },
  'channel.email': { zh: '电子邮件', en: 'Email' },
  'channel.webpush': { zh: '网页推送', en: 'Web push' },
  'channel.wechat': { zh: '微信公众号', en: 'WeChat account' },
  'topic.issues': { zh: '期刊', en: 'Periodical issues' },
  'topic.events': { zh: '活动通知', en: 'Event notices' },
  'topic.policies': { zh: '政策解读', en: 'Policy explainers' },
  'topic.announcements': { zh: '本网格公告', en: 'My grid’s announcements' },
  'status.pending': { zh: '待确认', en: 'Awaiting confirmation' },
  'status.active': { zh: '已订阅', en: 'Subscribed' },
  'status.unsubscribed': { zh: '已退订', en: 'Unsubscribed' },
  'status.suppressed': { zh: '已停发', en: 'Suppressed' },
  'consent.content': { zh: '接收订阅内容', en: 'Receiving content' },
  'consent.statistics': { zh: '个人阅读统计', en: 'Personal reading statistics' },
  'consentMethod.web': { zh: '网页订阅', en: 'Subscribe page' },
  'consentMethod.preferences': { zh: '偏好设置页', en: 'Preferences page' },
  'consentMethod.import': { zh: '批量导入', en: 'Import' },
  'consentMethod.admin': { zh: '管理员录入', en: 'Entered by an administrator' },
  // end of subscribers block

  // WeChat: what each API error means for the editor (codes kept in the log; see src/channels/wechat/errors.ts)
  'wechat.err.-1': { zh: '微信系统繁忙,稍后会自动重试。', en: 'WeChat is busy; it will be retried shortly.' },
  'wechat.err.40001': {
    zh: '接口调用凭证(access_token)无效或已被刷新。系统会自动重新获取;若反复出现,请检查公众号的 AppSecret 是否被重置。',
    en: 'The access token is invalid or was replaced. It is fetched again automatically; if this keeps happening, check whether the AppSecret was reset.',
  },
  'wechat.err.40014': {
    zh: '接口调用凭证(access_token)不合法。系统会自动重新获取;若反复出现,请检查公众号配置。',
    en: 'The access token is not valid. It is fetched again automatically; if this keeps happening, check the account settings.',
  },
  'wechat.err.42001': { zh: '接口调用凭证(access_token)已过期,系统会自动重新获取。', en: 'The access token expired; it is fetched again automatically.' },
  'wechat.err.40013': { zh: '公众号 AppID 无效,请管理员检查 WECHAT_APP_ID。', en: 'The AppID is invalid; an administrator should check WECHAT_APP_ID.' },
  'wechat.err.40125': {
    zh: '公众号 AppSecret 无效。若在公众平台重置过,请管理员更新 WECHAT_APP_SECRET。',
    en: 'The AppSecret is invalid. If it was reset on the platform, an administrator must update WECHAT_APP_SECRET.',
  },
  'wechat.err.40164': {
    zh: '本服务器的 IP 地址不在公众号的 IP 白名单中。请管理员登录微信公众平台,在“设置与开发 — 基本配置”中把服务器的出口 IP 加入白名单。',
    en: "This server's IP address is not on the account's IP whitelist. An administrator must add the server's outgoing IP in the platform's basic settings.",
  },
  'wechat.err.45009': {
    zh: '今天的接口调用次数已达上限。请明天再试,或由管理员在公众平台清零调用次数。',
    en: "Today's API call quota is used up. Try again tomorrow, or an administrator can reset the quota on the platform.",
  },
  'wechat.err.45011': { zh: '接口调用太频繁,稍后会自动重试。', en: 'API calls are too frequent; it will be retried shortly.' },
  'wechat.err.45028': {
    zh: '今天的群发次数已用完:订阅号每天只能成功群发 1 次。请明天再群发;已发布的文章读者仍可通过链接阅读。',
    en: "Today's mass send is used up: a subscription account may mass send once a day. Send tomorrow; published articles can still be read through their links.",
  },
  'wechat.err.45065': { zh: '这次群发已经提交过(群发编号相同),不会重复发送。', en: 'This mass send was already submitted (same client message id); it is not sent twice.' },
  'wechat.err.48001': {
    zh: '公众号没有调用此接口的权限(例如未认证的订阅号不能发布或群发)。请确认公众号已认证并开通相应权限。',
    en: 'The account is not authorised for this API (an unverified subscription account cannot publish or mass send). Check that the account is verified and has the permission.',
  },
  'wechat.err.53503': {
    zh: '草稿未通过发布检查。请检查文章内容(敏感词、图片、原文链接)后重新提交。',
    en: 'The draft failed the publishing check. Check the content (wording, images, source link) and submit again.',
  },
  'wechat.err.40005': { zh: '图片格式不被微信接受(只接受 JPG 或 PNG)。', en: 'WeChat does not accept this image type (JPG or PNG only).' },
  'wechat.err.40007': { zh: '素材不存在或已失效(草稿发布或群发后会从草稿箱移除)。', en: 'The media no longer exists (a draft leaves the draft box once published or mass sent).' },
  'wechat.err.40009': { zh: '图片大小超过微信的限制。', en: "The image exceeds WeChat's size limit." },
  'wechat.err.other': { zh: '微信接口返回错误 {code}:{message}', en: 'WeChat answered error {code}: {message}' },
  'wechat.publish.1': { zh: '正在发布,稍后自动查询结果。', en: 'Publishing; the result is checked again shortly.' },
  'wechat.publish.2': {
    zh: '原创校验未通过,文章未发布。请取消原创声明或修改内容后重新发布。',
    en: 'The originality check failed; nothing was published. Remove the originality claim or change the content and publish again.',
  },
  'wechat.publish.3': { zh: '发布失败(常规失败)。可稍后重试;若反复失败,请在公众平台查看原因。', en: 'Publishing failed. Try again later; if it keeps failing, see the reason on the platform.' },
  'wechat.publish.4': { zh: '平台审核未通过,文章未发布。请修改内容后重新发布。', en: "The platform's review rejected the articles; nothing was published. Change the content and publish again." },
  'wechat.publish.5': { zh: '文章发布成功后已被删除(在公众平台删除或已撤回)。', en: 'The articles were deleted after publishing (on the platform, or withdrawn).' },
  'wechat.publish.6': { zh: '文章发布成功后被平台封禁,读者已无法阅读。请在公众平台查看通知。', en: 'The platform blocked the articles after publishing; readers can no longer open them. See the notice on the platform.' },
  'wechat.check.noArticles': { zh: '至少需要一篇文章。', en: 'At least one article is needed.' },
  'wechat.check.tooManyArticles': { zh: '一次最多 {max} 篇文章,现有 {count} 篇。', en: 'At most {max} articles at once; there are {count}.' },
  'wechat.check.required': { zh: '第 {index} 篇文章缺少{field}。', en: 'Article {index} has no {field}.' },
  'wechat.check.tooLong': { zh: '第 {index} 篇文章的{field}超过 {max} 字(现有 {count} 字)。', en: 'The {field} of article {index} exceeds {max} characters ({count}).' },
  'wechat.check.contentTooLarge': { zh: '第 {index} 篇文章的正文超过 1 MB。', en: 'The body of article {index} exceeds 1 MB.' },
  'wechat.check.sourceUrl': { zh: '第 {index} 篇文章的原文链接不是 http(s) 地址或超过 1 KB。', en: 'The source link of article {index} is not an http(s) URL or exceeds 1 KB.' },
  'wechat.check.imageType': { zh: '图片只能是 JPG 或 PNG 格式。', en: 'Images must be JPG or PNG.' },
  'wechat.check.imageTooLarge': { zh: '正文图片须小于 1 MB,此图 {size}。', en: 'Body images must be under 1 MB; this one is {size}.' },
  'wechat.check.thumbCannotFit': { zh: '封面图无法压缩到 64 KB 以内,请换一张图片。', en: 'The cover cannot be compressed under 64 KB; choose another image.' },
  'wechat.check.clientMsgId': { zh: '群发编号不能超过 64 字节。', en: 'The client message id may not exceed 64 bytes.' },
} satisfies Record<string, Entry>

export type MessageKey = keyof typeof messages

const FALLBACK: Lang = 'en'

/** Resolve a message in `lang` (zh by default), English where zh is missing, with {var} substitution. */
export function t(key: MessageKey, lang: string = 'zh', vars?: Record<string, string | number>): string {
  const entry: Entry = messages[key]
  const l: Lang = lang === 'en' ? 'en' : 'zh'
  let text = entry[l] || entry[FALLBACK]
  if (vars) text = text.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m))
  return text
}

/** A Payload label object ({ zh, en }) for admin labels. */
export function label(key: MessageKey): Entry {
  return { ...messages[key] }
}

/** Language of a Payload request (admin users pick zh or en; default zh). */
export function langOf(req?: { i18n?: { language?: string } } | null): Lang {
  return req?.i18n?.language === 'en' ? 'en' : 'zh'
}
