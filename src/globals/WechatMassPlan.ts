import type { GlobalConfig } from 'payload'

import { editorsOnly, nobody } from '../access'
import { label } from '../i18n/messages'
import { engineEndpoint } from '../jobs/nudge'

/**
 * 群发计划: the editors' queue of WeChat deliveries waiting for their mass
 * send, one a day (src/delivery/wechat/plan.ts). Edited in its own admin
 * view (/admin/wechat-plan, src/components/WechatPlanView.tsx) through the
 * endpoints below, which check each entry; the global's own form is hidden.
 */
export const WechatMassPlan: GlobalConfig = {
  slug: 'wechat-mass-plan',
  label: label('previews.plan.title'),
  admin: { hidden: true },
  // Written only through the plan endpoint, which checks every entry (no raw JSON from the API).
  access: { read: editorsOnly, update: nobody },
  endpoints: [
    { path: '/plan', method: 'get', handler: engineEndpoint('wechatPlan') },
    { path: '/plan', method: 'post', handler: engineEndpoint('wechatPlanSave') },
  ],
  fields: [
    // [{ delivery, addedBy, addedAt }] in the editors' order: one JSON value, reordered as a whole.
    { name: 'queue', type: 'json', label: label('previews.plan.queue'), defaultValue: [] },
  ],
}
