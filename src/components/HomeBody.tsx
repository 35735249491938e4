import type { PayloadRequest } from 'payload'

import { isRefusal, type SubscribeKit, subscribeKits } from '../collections/GridsShare'
import { awaitingMyReview } from '../hooks/reviewQueue'
import { myNotices, type StaffNoticeItem } from '../hooks/staffNotices'
import { type Freshness, freshnessList } from '../content/freshness'
import { type Lang, type MessageKey, t } from '../i18n/messages'
import { type EditorHome, editorHome, type LeaderHome, leaderHome, writableTypes } from '../readership/home'
import { type SetupItem, setupChecklist } from '../readership/homeSetup'
import { type LateContent, lateRelays } from '../readership/relayLate'
import { env } from '../server/env'
import { FreshnessWarning } from './FreshnessWarning'
import { NoticesCard } from './HomeNotices'
import { scopedGridIds } from '../access'
import { RELAY_CSS } from './RelayFigures'
import { RelayUrgentCard } from './RelayUrgentCard'
import { AwaitingCard, ChannelsCard, DeliveriesCard, GridsCard, HOME_CSS, ResultsCard, SetupCard, SubmissionsCard, WriteCard } from './HomeCards'

/**
 * The admin home's data and body (the view: HomeView.tsx), one home per role.
 * Editors: 待审核, deliveries to watch with their buttons, the latest results
 * in one plain line each, a button to write each content type, the channels
 * (an editor reads "未配置，请联系管理员", never a setting's name). Admins get
 * the same and the set-up checklist first. Grid leaders and community staff:
 * their grids' figures and subscribe QR codes, their announcements and
 * their grids' latest results with the share kits. Free of Payload's UI
 * packages, so a test renders it as the admin does.
 */
export type HomeData = {
  lang: Lang
  name: string
  role: string
  admin: string
  api: string
  write: ReturnType<typeof writableTypes>
  editor: EditorHome | null
  leader: LeaderHome | null
  setup: SetupItem[] | null
  /** 待审核 for everyone a review step names (editors, 审核领导, community staff, named staff). */
  awaiting: EditorHome['awaiting']
  /** Columns without an update for too long (editors and admins). */
  freshness: Freshness | null
  kits: SubscribeKit[]
  k: number
  /** 我的通知: this user's own in-admin notices (approved, returned). */
  notices: { unread: number; items: StaffNoticeItem[] }
  /** A grid leader's contents with buildings whose head has not confirmed in time (issue 18): first on their home. */
  relayLate: LateContent[]
}

/** Everything the home shows this user, read with their own access. */
export async function homeData(req: PayloadRequest, lang: Lang): Promise<HomeData> {
  const user = req.user as { name?: string; email?: string; role?: string } | null
  const [editor, leader, setup] = await Promise.all([editorHome(req, lang), leaderHome(req, lang), setupChecklist(req, lang)])
  const kits = leader ? await subscribeKits(req) : []
  const [awaiting, freshness, notices] = await Promise.all([editor?.awaiting ?? awaitingMyReview(req), editor ? freshnessList(req.payload) : null, myNotices(req, lang)])
  return {
    lang,
    name: user?.name || user?.email || '',
    role: user?.role ? t(`role.${user.role}` as MessageKey, lang) : '',
    admin: req.payload.config.routes.admin,
    api: req.payload.config.routes.api,
    write: writableTypes(req),
    editor,
    leader,
    setup,
    awaiting,
    freshness,
    kits: isRefusal(kits) ? [] : kits,
    k: env.minGroupSize,
    notices,
    relayLate: req.user?.role === 'grid-leader' ? await lateRelays(req.payload, await scopedGridIds(req)) : [],
  }
}

/** The home's body: a plain function of its data (a test renders it the same way). */
export function HomeBody({ data }: { data: HomeData }) {
  const { lang, admin, api, editor, leader, setup } = data
  return (
    <div className="home" id="home">
      <style>{HOME_CSS}</style>
      {data.relayLate.length ? <style>{RELAY_CSS}</style> : null}
      <h1>{t('home.title', lang)}</h1>
      <p className="home-hello">{t('home.hello', lang, { name: data.name, role: data.role })}</p>
      {data.freshness ? <FreshnessWarning freshness={data.freshness} lang={lang} admin={admin} /> : null}
      <RelayUrgentCard items={data.relayLate} admin={admin} lang={lang} />
      <div className="home-cards">
        {setup ? <SetupCard items={setup} lang={lang} /> : null}
        {/* First for whoever has one (a grid leader's phone shows it before anything else); for staff who submit, even when empty. */}
        {data.notices.items.length || leader ? <NoticesCard notices={data.notices} api={api} lang={lang} /> : null}
        {editor || data.awaiting.total ? <AwaitingCard awaiting={data.awaiting} admin={admin} lang={lang} /> : null}
        {editor ? <DeliveriesCard deliveries={editor.deliveries} admin={admin} api={api} lang={lang} /> : null}
        {leader ? <GridsCard home={leader} kits={data.kits} admin={admin} lang={lang} k={data.k} /> : null}
        {leader ? <SubmissionsCard submissions={leader.submissions} admin={admin} lang={lang} /> : null}
        <WriteCard types={data.write} admin={admin} lang={lang} />
        {/* The admin reads the channels in the checklist, with what to set. */}
        {editor && !setup ? <ChannelsCard channels={editor.channels} lang={lang} /> : null}
        {editor ? <ResultsCard results={editor.results} admin={admin} lang={lang} /> : null}
        {leader ? <ResultsCard results={leader.results} admin={admin} lang={lang} mine /> : null}
      </div>
    </div>
  )
}
