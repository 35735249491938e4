/**
 * WeChat's stages of a delivery (no recipient list), one module per concern:
 * - state.ts: the delivery's `wechat` field, its types, reading and explaining it;
 * - settings.ts: the client of this process, the wait between looks;
 * - media.ts: body images, the cover thumb, the draft's articles;
 * - stages.ts: the driver: images → draft → publish, failures, the publish poll;
 * - polling.ts: the poll job's work (publish status, mass-send status);
 * - massSend.ts: mass send (群发) and today's quota, an editor's explicit action;
 * - retract.ts: deleting a retracted content's published article.
 * Their HTTP handlers are in src/delivery/endpoints.ts.
 */
export { runWechatDelivery, wechatDriver } from './stages'
export { pollDue, pollWechatDelivery, wechatPollCandidates } from './polling'
export { clientMsgIdOf, massSend, wechatQuota, type QuotaView } from './massSend'
export { retractWechat, type RetractOutcome } from './retract'
export { forgetWechatClient, pollDelayMs, wechatClient } from './settings'
export { nextStreetDay, type WechatMassSend, type WechatStage, type WechatState } from './state'
