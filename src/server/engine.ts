/**
 * Fills the engine registry (src/jobs/nudge.ts) with the HTTP handlers that collection
 * configs serve, so that the configs (and Next's bundle of them) never import the
 * delivery or readership engine. initPayload calls it, so every process that has Payload
 * (server, worker, tests) answers these endpoints.
 */
import { testSendEndpoint } from '../delivery/testSend'
import { massSendEndpoint, wechatQuotaEndpoint } from '../delivery/wechat'
import { registerEndpoints } from '../jobs/nudge'
import { dashboardCsvEndpoint, dashboardEndpoint } from '../readership/dashboardEndpoint'

export function registerEngineEndpoints(): void {
  registerEndpoints({
    testSend: testSendEndpoint,
    wechatQuota: wechatQuotaEndpoint,
    massSend: massSendEndpoint,
    dashboard: dashboardEndpoint,
    dashboardCsv: dashboardCsvEndpoint,
  })
}
