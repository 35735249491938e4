import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { en } from '@payloadcms/translations/languages/en'
import { zh } from '@payloadcms/translations/languages/zh'
import { buildConfig } from 'payload'
import sharp from 'sharp'

import { withInternalAccess } from './access/payloadInternals'
import { Announcements } from './collections/Announcements'
import { withAdminViews } from './collections/adminViews'
import { withInternalLabels } from './collections/internalLabels'
import { AuditLog } from './collections/AuditLog'
import { StaffNotices } from './collections/StaffNotices'
import { CheckRecords } from './collections/CheckRecords'
import { Communities } from './collections/Communities'
import { Counters } from './collections/Counters'
import { Deliveries, DeliveryReceipts } from './collections/Deliveries'
import { RelayConfirmations } from './collections/RelayConfirmations'
import { OfflineReach } from './collections/OfflineReach'
import { SmsMessages } from './collections/SmsMessages'
import { SmsLinks } from './collections/SmsLinks'
import { Events } from './collections/Events'
import { Grids } from './collections/Grids'
import { Issues } from './collections/Issues'
import { Media } from './collections/Media'
import { Policies } from './collections/Policies'
import { PolicyDocuments } from './collections/PolicyDocuments'
import { PushSubscriptions } from './collections/PushSubscriptions'
import { ReadEvents, ReadingHistory } from './collections/ReadEvents'
import { ReadRollups, WechatArticleStats } from './collections/Readership'
import { Subscribers } from './collections/Subscribers'
import { Users } from './collections/Users'
import { ADMIN_DATE_TIME } from './fields/dates'
import { contentEditor } from './fields/richText'
import { t } from './i18n/messages'
import { withDeletionAudit } from './hooks/audit'
import { inspectionEndpoints } from './hooks/inspection'
import { accessQuery } from './hooks/graphqlAccess'
import { noVerifyMutation } from './hooks/staffVerify'
import { SiteSettings } from './globals/SiteSettings'
import { WechatMassPlan } from './globals/WechatMassPlan'
import { withApiQueryRules } from './hooks/apiQuery'
import { jobsConfig } from './jobs/config'
import { env, publicUrl, sqliteUrl } from './server/env'
import { payloadSecret } from './server/secret'
import { staffMailAdapter } from './server/staffMail'
import { widenIds } from './store/idTypes'
import { Claims } from './store/claims'
import { mongoAdapter } from './store/mongo'
import { sqliteAdapterInTurn } from './store/sqlite'

const dirname = path.dirname(fileURLToPath(import.meta.url))

function database() {
  // MongoDB in production; MONGODB_COMPAT=ferretdb narrows it for FerretDB (docs/databases.md).
  if (env.isMongo) return mongoAdapter(env.databaseUri)
  // Writes take turns inside the process (store/sqlite.ts): SQLite has one writer.
  return sqliteAdapterInTurn({
    client: { url: sqliteUrl() },
    // The schema comes from src/migrations only, in every mode, so tests run
    // on exactly what production runs.
    push: false,
    // A deleted row's id is never handed out again (SQLite reuses the highest rowid otherwise): an old
    // email link or token must never open newer content. Existing tables: migration *_autoincrement_ids.
    autoIncrement: true,
    migrationDir: path.resolve(dirname, 'migrations'),
    // One writer: each transaction takes the write lock when it begins and
    // waits its turn, instead of failing when two writes meet.
    busyTimeout: 15_000,
    wal: true,
    transactionOptions: { behavior: 'immediate' },
  })
}

// Payload's own collections (edit locks, migrations) get our access rules: src/access/payloadInternals.ts.
// The HTTP API's page-size cap and id checks go on every collection, Payload's own included (hooks/apiQuery.ts);
// the API tab (admins only) and the edit-lock dialog's name and date go on every document view (collections/adminViews.ts);
// Payload's own collections are named from the catalogue (collections/internalLabels.ts).
export default withInternalAccess(buildConfig({
  serverURL: publicUrl(),
  secret: payloadSecret(),
  telemetry: false,
  // Structured JSON lines (pino), level from LOG_LEVEL.
  logger: { options: { level: env.logLevel } },
  admin: {
    user: Users.slug,
    avatar: 'default',
    // The tab reads "街道资讯 · 管理" (login, dashboard) or "<page> · 管理": Payload joins title and suffix with
    // a space and would add "- Payload" otherwise. Our icon (public/icons), no generated Payload share card.
    meta: {
      title: t('brand.adminTitle', 'zh'),
      titleSuffix: t('brand.adminTitleSuffix', 'zh'),
      description: t('brand.adminTitle', 'zh'),
      icons: [
        { rel: 'icon', type: 'image/svg+xml', url: '/icons/icon.svg' },
        { rel: 'apple-touch-icon', type: 'image/png', url: '/icons/icon-192.png' },
      ],
      defaultOGImageType: 'off',
      openGraph: { siteName: t('brand.adminTitle', 'zh'), description: t('brand.adminTitle', 'zh') },
    },
    dateFormat: ADMIN_DATE_TIME,
    importMap: { baseDir: path.resolve(dirname) },
    // Our own views in the navigation (src/components/AdminToolsLinks.tsx): Payload lists only collections and globals.
    components: {
      // The street's name and logo from site settings instead of Payload's (src/components/AdminBrand.tsx).
      graphics: { Logo: '/components/AdminBrand#AdminLogo', Icon: '/components/AdminBrand#AdminIcon' },
      beforeNavLinks: ['/components/AdminBrand#NavBrand'],
      // 待审核 (src/components/ReviewAwaitingLink.tsx): the content awaiting this user's review step;
      // 未读通知 (src/components/StaffNoticesLink.tsx): the user's unread in-admin notices.
      afterNavLinks: ['/components/AdminToolsLinks', '/components/ReviewAwaitingLink', '/components/StaffNoticesLink'],
      views: {
        // The admin home, one per role (src/components/HomeView.tsx): editors' review queue, deliveries and
        // results, grid leaders' grids and announcements, the admin's set-up checklist.
        dashboard: { Component: '/components/HomeView#HomeView' },
        // 阅读统计 (src/components/ReadershipView.tsx): grid leaders see their grids only.
        readership: { Component: '/components/ReadershipView#ReadershipView', path: '/readership', exact: true },
        // The share kits: each grid's subscribe link and QR code, or one content's share links (ReadershipShareKits.tsx).
        // 楼栋转达 (src/components/RelayLeaderView.tsx): one content's buildings for a grid leader, with the heads to call (issue 18).
        relay: { Component: '/components/RelayLeaderView#RelayLeaderView', path: '/relay', exact: true },
        readershipShare: { Component: '/components/ReadershipShareKits#ReadershipShareKits', path: '/readership/share', exact: true },
        // Subscriber CSV import and export, admins only (SubscriberToolsView.tsx; endpoints: collections/SubscribersTools.ts).
        subscriberTools: { Component: '/components/SubscriberToolsView#SubscriberToolsView', path: '/subscriber-tools', exact: true },
        // The street's communities, grids and buildings from and to CSV, admins only (StreetToolsView.tsx; endpoints: collections/GridsTools.ts).
        streetTools: { Component: '/components/StreetToolsView#StreetToolsView', path: '/street-tools', exact: true },
        // 文件与解读 (src/components/PolicyLinksView.tsx): explainers and policy documents not yet linked both ways.
        policyLinks: { Component: '/components/PolicyLinksView#PolicyLinksView', path: '/policy-links', exact: true },
        // The inspection report for a chosen period, admins only (InspectionView.tsx; endpoints: hooks/inspection.ts).
        inspection: { Component: '/components/InspectionView#InspectionView', path: '/inspection', exact: true },
        // 群发计划: the queue of WeChat mass sends, one a day, editors (WechatPlanView.tsx; endpoints: globals/WechatMassPlan.ts).
        wechatPlan: { Component: '/components/WechatPlanView#WechatPlanView', path: '/wechat-plan', exact: true },
        // 本月短信: the month's SMS segments and cost by content type and the budget, editors (SmsMonthView.tsx; endpoint: hooks/smsSpend.ts).
        smsMonth: { Component: '/components/SmsMonthView#SmsMonthView', path: '/sms-month', exact: true },
      },
    },
  },
  i18n: {
    supportedLanguages: { zh, en },
    fallbackLanguage: 'zh',
  },
  // Deletions of content, grids, communities, staff, media and subscribers are written to the audit log (hooks/audit.ts).
  collections: withDeletionAudit([
    Issues,
    Events,
    Policies,
    PolicyDocuments,
    Announcements,
    Media,
    Communities,
    Grids,
    Subscribers,
    PushSubscriptions,
    Deliveries,
    DeliveryReceipts,
    SmsMessages,
    SmsLinks,
    RelayConfirmations,
    OfflineReach,
    ReadRollups,
    WechatArticleStats,
    ReadEvents,
    ReadingHistory,
    Users,
    AuditLog,
    StaffNotices,
    CheckRecords,
    Counters,
    Claims,
  ]),
  globals: [SiteSettings, WechatMassPlan],
  // The inspection report as JSON and CSV, admins only (hooks/inspection.ts).
  endpoints: inspectionEndpoints,
  editor: contentEditor,
  db: database(),
  sharp,
  // Payload's own multipart limits (20 MB a file, 1 MB a field by default) follow ours: server/bodyLimit.ts
  // refuses a larger request before Payload reads it, with the documented message.
  upload: { limits: { fileSize: env.uploadLimit, fieldSize: env.apiBodyLimit }, requestSizeLimit: Math.max(env.uploadLimit, env.apiBodyLimit) },
  // Payload's verifyEmailUser replaced: staff have no email verification (hooks/staffVerify.ts); Access answers
  // canAccessAdmin false instead of a 500 to a caller without the admin (hooks/graphqlAccess.ts).
  graphQL: { disablePlaygroundInProduction: true, mutations: noVerifyMutation, queries: accessQuery },
  // Payload's own mail (password reset, set-password links) over SMTP_URL / MAIL_FROM, sent after the answer.
  email: staffMailAdapter(),
  // node-cron in src/jobs is the one runner; it claims each job under a lease.
  jobs: jobsConfig(),
  // Generated by `npm run generate:types` (test/habits/types.test.ts fails when they are behind the
  // config); ids widened to number | string, once, for both databases (src/store/idTypes.ts).
  typescript: { autoGenerate: false, outputFile: path.resolve(dirname, 'payload-types.ts'), schema: [widenIds] },
})).then(withApiQueryRules).then(withAdminViews).then(withInternalLabels)
