import type { Payload, TaskHandler } from 'payload'

import type { Id } from '../access'
import { EmailChannel } from '../channels/email'
import { SmsChannel } from '../channels/sms'
import { isFailure } from '../channels/types'
import { headShortLinkKey, relayPath, relayToken } from '../relay/links'
import { headsToTell, noticeToTell, tellMail, type TellHead, type TellNotice } from '../relay/tell'
import { emailSettings } from '../server/env'
import { smsSettings } from '../server/smsEnv'
import { claimSlot, newestClaims } from '../store/claims'
import { leaseScope, processOwner, takeLease, withLease } from '../store/leases'
import { staffMobile, textStaff, type StaffTextResult } from './staffSms'
import { queueRelayTell, type RelayTellInput } from './relayTellTask'
import { jobLeaseMs } from './runner'

/**
 * The work of the "tell the building heads" job (its config and queueing:
 * jobs/relayTellTask.ts; who and what: src/relay/tell.ts).
 *
 * Once per head and content, whatever the processes and crashes: each head
 * is told under a lease of its own (claims `lease:relay-tell:<type>:<id>:<building>`),
 * and a head told is recorded by the claim `relay-told:<type>:<id>:<building>`,
 * written right after the message was accepted. A second process (a job run
 * twice, a republication) finds the record, or the live lease, and leaves the
 * head alone; after a crash only the head in flight may get the message
 * twice (the architecture's crash bound), once the lease ran out.
 *
 * By SMS where the SMS channel and SMS_TEMPLATE_RELAY are configured and the
 * head's phone is a mobile number: the head's own short link /s/CODE (stored
 * before the call, under `relay-head:<building>` so that a revoke or reissue
 * deletes it: src/relay/links.ts) redirects to their /relay/<token>, nothing
 * more. Non-urgent notices are not texted in the SMS quiet hours: the job
 * comes back when they end. Each message is counted in the month's spend
 * (an sms-messages row, content type `relay-heads`) and checked against the
 * budget first. Otherwise, or when the SMS is refused for good, by email
 * when the head has one.
 */
/**
 * A head's lease: shorter than the job's own (JOB_LEASE_SECONDS), so that when
 * a dead worker's job is taken over, the head it was telling is free again.
 */
export const relayTellLeaseMs = () => Math.min(2 * 60_000, Math.floor(jobLeaseMs() / 2))
/** A head the providers refused for now (a temporary failure) is tried again this much later, this many times. */
export const RELAY_TELL_RETRY_MS = 5 * 60_000
export const RELAY_TELL_ATTEMPTS = 6
/** The month's SMS spend counts heads' messages under this type (label: col.relay-heads.plural). */
export const RELAY_SMS_TYPE = 'relay-heads'

export type Told = { building: string; by: 'sms' | 'email' | 'none' | 'held' | 'later' | 'busy' }
export type TellRun = { told: Told[]; heldUntil: Date | null; later: boolean }

const keyOf = (n: TellNotice, h: TellHead) => `${n.type}:${String(n.id)}:${h.code}`
export const toldScope = (type: string, id: Id, building: string) => `relay-told:${type}:${String(id)}:${building}`

type Ctx = { payload: Payload; n: TellNotice; now: Date; sms: { channel: SmsChannel; template: string } | null; mail: () => EmailChannel | null; log: Payload['logger'] }

/** An outcome: `final` when the head is done with (told, or never to be told by this notice). */
type Outcome = { by: Told['by']; final: boolean; heldUntil?: Date }

/** The head's text (jobs/staffSms.ts): the heads' own template, and their own short link to their page. */
async function bySms(ctx: Ctx, h: TellHead, phone: string): Promise<StaffTextResult> {
  const { payload, n, sms, log } = ctx
  const result = await textStaff(payload, sms!.channel, {
    urgent: !!n.urgent,
    now: ctx.now,
    prepare: (channel, code) => channel.prepareRelay(phone, { title: n.title, code }, sms!.template),
    link: { key: headShortLinkKey(h.code), target: relayPath(relayToken(h.code, h.version)) },
    count: { delivery: `relay-tell:${n.type}:${String(n.id)}`, to: `head:${h.code}`, contentType: RELAY_SMS_TYPE },
  })
  if (isFailure(result) && result.code === 'budget') log.warn({ building: h.code, reason: result.reason }, 'head not texted: the monthly SMS budget would be passed')
  return result
}

async function byEmail(ctx: Ctx, h: TellHead): Promise<Outcome> {
  const mailer = ctx.mail()
  if (!mailer || !h.building.headEmail) return { by: 'none', final: true }
  const result = await mailer.send({ to: h.building.headEmail, ...tellMail(ctx.n, h) })
  if (result.ok) return { by: 'email', final: true }
  ctx.log.warn({ building: h.code, kind: result.kind, code: result.code }, 'head not mailed')
  return result.kind === 'retryable' ? { by: 'later', final: false } : { by: 'none', final: true }
}

async function tellOne(ctx: Ctx, h: TellHead): Promise<Outcome> {
  const phone = ctx.sms ? staffMobile(h.building.headPhone) : null
  if (phone) {
    const r = await bySms(ctx, h, phone)
    if ('held' in r) return { by: 'held', final: false, heldUntil: r.held }
    if (r.ok) return { by: 'sms', final: true }
    ctx.log.warn({ building: h.code, kind: r.kind, code: r.code }, 'head not texted; email if there is one')
    const mailed = await byEmail(ctx, h)
    if (mailed.by === 'none' && r.kind === 'retryable') return { by: 'later', final: false }
    return mailed
  }
  const mailed = await byEmail(ctx, h)
  if (mailed.by === 'none') ctx.log.info({ building: h.code, contentType: ctx.n.type, phone: Boolean(h.building.headPhone), sms: ctx.sms !== null }, 'head not told: no way configured for them')
  return mailed
}

/** Tell every head of a content who was not told yet. */
export async function tellHeads(payload: Payload, ref: { type: string; id: Id }, now = new Date()): Promise<TellRun> {
  const log = payload.logger.child({ component: 'relay' })
  const run: TellRun = { told: [], heldUntil: null, later: false }
  const n = await noticeToTell(payload, ref.type, ref.id)
  if (!n) return run
  const heads = await headsToTell(payload, n)
  if (!heads.length) return run
  const done = await newestClaims(payload, heads.map((h) => toldScope(n.type, n.id, h.code)))
  const settings = smsSettings()
  const sms = settings?.relayTemplate ? { channel: new SmsChannel(settings), template: settings.relayTemplate } : null
  if (settings && !settings.relayTemplate) log.info({ contentType: n.type }, 'SMS_TEMPLATE_RELAY is not set: heads are told by email')
  let mailer: EmailChannel | null | undefined
  const mail = () => {
    if (mailer === undefined) {
      const e = emailSettings()
      mailer = e ? new EmailChannel({ url: e.url, from: e.from, maxConnections: 2 }) : null
    }
    return mailer
  }
  const ctx: Ctx = { payload, n, now, sms, mail, log }
  try {
    for (const h of heads) {
      const scope = toldScope(n.type, n.id, h.code)
      if (done.has(scope)) continue
      const key = keyOf(n, h)
      const newest = (await newestClaims(payload, [leaseScope('relay-tell', key)])).get(leaseScope('relay-tell', key))
      const lease = newest && !newest.releasedAt && newest.until && new Date(newest.until).getTime() > Date.now() ? null : await takeLease(payload, 'relay-tell', key, Number(newest?.slot ?? 0) + 1, processOwner, relayTellLeaseMs())
      if (!lease) {
        // Another process tells this head now; its own job comes back to it if it fails.
        run.told.push({ building: h.code, by: 'busy' })
        continue
      }
      let outcome: Outcome = { by: 'busy', final: false }
      await withLease(
        payload,
        lease,
        relayTellLeaseMs(),
        async () => {
          // Told meanwhile by a process that held the lease before this one.
          if ((await newestClaims(payload, [scope])).has(scope)) return
          outcome = await tellOne(ctx, h)
          if (outcome.final) await claimSlot(payload, { scope, slot: 0, owner: outcome.by })
        },
        () => outcome.final,
      )
      if (outcome.by === 'busy') continue
      run.told.push({ building: h.code, by: outcome.by })
      if (outcome.heldUntil && (!run.heldUntil || outcome.heldUntil < run.heldUntil)) run.heldUntil = outcome.heldUntil
      if (outcome.by === 'later') run.later = true
      if (outcome.final) log.info({ building: h.code, contentType: n.type, content: String(n.id), by: outcome.by }, outcome.by === 'none' ? 'head not told' : 'head told')
    }
  } finally {
    await sms?.channel.close()
    await mailer?.close()
  }
  return run
}

/** The job's handler: tell, and come back for the heads held by the quiet hours or refused for now. */
export const relayTellJob: TaskHandler<any> = async ({ input, req }) => {
  const { contentType, contentId, attempt = 1 } = input as RelayTellInput
  const run = await tellHeads(req.payload, { type: contentType, id: contentId })
  const retry = run.later && attempt < RELAY_TELL_ATTEMPTS
  if (run.later && !retry) req.payload.logger.error({ component: 'relay', contentType, contentId }, 'heads still not told after every attempt; giving up')
  if (run.heldUntil || retry) {
    const at = Math.max(run.heldUntil?.getTime() ?? 0, retry ? Date.now() + RELAY_TELL_RETRY_MS : 0)
    await queueRelayTell(req, { contentType, contentId, attempt: retry ? attempt + 1 : attempt }, new Date(at))
  }
  return { output: { told: run.told.filter((x) => x.by === 'sms' || x.by === 'email').length } }
}
