import type { AdminViewServerProps } from 'payload'

import { isEditor, type StaffUser } from '../access'
import { t } from '../i18n/messages'
import { langFrom, ReadershipTemplate } from './ReadershipView'
import { WechatPlanClient } from './WechatPlanClient'

/**
 * /admin/wechat-plan (群发计划), editors: which content holds today's one mass
 * send and the queue for the next days, moved by the editor; read and saved
 * through GET/POST /api/globals/wechat-mass-plan/plan (src/delivery/wechat/plan.ts).
 */
export async function WechatPlanView(props: AdminViewServerProps) {
  const req = props.initPageResult.req
  const lang = langFrom(req)
  return (
    <ReadershipTemplate {...props}>
      <h1>{t('previews.plan.title', lang)}</h1>
      {isEditor(req.user as StaffUser | null) ? (
        <WechatPlanClient api={`${req.payload.config.routes.api}/globals/wechat-mass-plan/plan`} admin={req.payload.config.routes.admin} lang={lang} />
      ) : (
        <p className="rs-error" role="alert" id="wechat-plan-forbidden">
          {t('previews.plan.editorsOnly', lang)}
        </p>
      )}
    </ReadershipTemplate>
  )
}
