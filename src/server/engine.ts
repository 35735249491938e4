/**
 * Fills the engine registry (src/jobs/nudge.ts) with what collection configs reach
 * without importing it: the HTTP handlers they serve, the work of their job tasks and
 * the staff mail sender. So the configs (and Next's bundle of them) never import the
 * delivery or readership engine or a channel. initPayload calls it, so every process
 * that has Payload (server, worker, tests) has them.
 */
import { DELIVERY_ENDPOINTS } from '../delivery/endpoints'
import { previewsEndpoint } from '../delivery/preview'
import { wechatPlanEndpoint, wechatPlanSaveEndpoint } from '../delivery/wechat/plan'
import { registerEndpoints, registerWork } from '../jobs/nudge'
import { relayTellJob } from '../jobs/relayTell'
import { retractWechatJob } from '../jobs/wechat'
import { dashboardCsvEndpoint, dashboardEndpoint } from '../readership/dashboardEndpoint'
import { RELAY_LEADER_ENDPOINTS } from '../readership/relayEndpoints'
import { staffMailer } from './staffMailer'

export function registerEngine(): void {
  registerEndpoints({
    ...DELIVERY_ENDPOINTS,
    dashboard: dashboardEndpoint,
    dashboardCsv: dashboardCsvEndpoint,
    previews: previewsEndpoint,
    wechatPlan: wechatPlanEndpoint,
    wechatPlanSave: wechatPlanSaveEndpoint,
    ...RELAY_LEADER_ENDPOINTS,
  })
  registerWork({ tasks: { wechatRetract: retractWechatJob, relayTell: relayTellJob }, staffMail: staffMailer })
}
