/**
 * Fills the engine registry (src/jobs/nudge.ts) with the HTTP handlers that collection
 * configs serve, so that the configs (and Next's bundle of them) never import the
 * delivery or readership engine. initPayload calls it, so every process that has Payload
 * (server, worker, tests) answers these endpoints.
 */
import { DELIVERY_ENDPOINTS } from '../delivery/endpoints'
import { registerEndpoints } from '../jobs/nudge'
import { dashboardCsvEndpoint, dashboardEndpoint } from '../readership/dashboardEndpoint'

export function registerEngineEndpoints(): void {
  registerEndpoints({
    ...DELIVERY_ENDPOINTS,
    dashboard: dashboardEndpoint,
    dashboardCsv: dashboardCsvEndpoint,
  })
}
