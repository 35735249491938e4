/**
 * Subscribing by mobile number (issue 17): the request, and its confirmation
 * by the code texted to the number (the SMS twin of the mailed confirmation
 * link). A number is found by its keyed index (phone.ts), never in clear.
 *
 * As with an address, a request changes nothing in force: its choices wait
 * in `pendingRequest` until the code comes back. An unsubscribed or
 * suppressed (dead) number stays so until its owner types a code texted to
 * it: the do-not-contact state of a number is kept as an address's is.
 */
import type { Payload } from 'payload'

import { type PendingRequest, type SubscriberDoc, newRef } from '../model/subscribers'
import { isUniqueViolation } from '../store/claims'
import { consentVersion, newNonce, pendingRecord, pendingRequestOf } from './consent'
import { mobileIndex } from './phone'
import { confirm, type ConfirmResult } from './service'
import { type CodeCheck, checkCode, codeFields, newCode } from './smsCode'
import type { SmsSubscribeInput } from './validate'

export async function findByMobile(payload: Payload, mobile: string): Promise<SubscriberDoc | null> {
  return findByIndex(payload, mobileIndex(mobile))
}

export async function findByIndex(payload: Payload, index: string): Promise<SubscriberDoc | null> {
  if (!index || index.length > 64) return null
  const { docs } = await payload.find({ collection: 'subscribers', where: { phoneIndex: { equals: index } }, limit: 1, depth: 0, overrideAccess: true })
  return (docs[0] as unknown as SubscriberDoc) ?? null
}

async function emailFree(payload: Payload, email: string): Promise<boolean> {
  const { totalDocs } = await payload.count({ collection: 'subscribers', where: { email: { equals: email } }, overrideAccess: true })
  return totalDocs === 0
}

async function update(payload: Payload, id: SubscriberDoc['id'], data: Record<string, unknown>): Promise<SubscriberDoc> {
  return (await payload.update({ collection: 'subscribers', id, data: data as never, overrideAccess: true, depth: 0 })) as unknown as SubscriberDoc
}

/**
 * Record a request by number and give the code to text. An unknown number
 * becomes a pending subscriber (its address kept when given and nobody has
 * it: an address already subscribed is not taken over, and the page says
 * nothing about it either way); a known one keeps its status and has the
 * request wait for the code.
 */
export async function requestBySms(payload: Payload, input: SmsSubscribeInput, now = new Date()): Promise<{ subscriber: SubscriberDoc; code: string }> {
  const at = now.toISOString()
  const code = newCode()
  const request = pendingRequestOf(input, at)
  for (let attempt = 0; attempt < 3; attempt++) {
    const existing = await findByMobile(payload, input.mobile)
    if (existing) {
      const pending = existing.status === 'pending'
      const subscriber = await update(payload, existing.id, {
        ...(pending ? { grid: request.grid, channels: request.channels, topics: request.topics } : {}),
        pendingRequest: request,
        confirmNonce: existing.confirmNonce || newNonce(),
        lastRequestAt: at,
        ...codeFields(existing.ref, code, now.getTime()),
      })
      return { subscriber, code }
    }
    const ref = newRef()
    // No `email` key at all without an address: MongoDB's sparse unique index then leaves the record out.
    const email = input.email && attempt < 2 && (await emailFree(payload, input.email)) ? { email: input.email } : {}
    try {
      const subscriber = (await payload.create({
        collection: 'subscribers',
        data: {
          ...email,
          phone: input.mobile,
          ...pendingRecord(request, at),
          ref,
          ...codeFields(ref, code, now.getTime()),
        } as never,
        overrideAccess: true,
      })) as unknown as SubscriberDoc
      return { subscriber, code }
    } catch (err) {
      // The address was taken meanwhile, or the same number asked twice at once: look again.
      if (!isUniqueViolation(err) && !isValidationOnEmail(err)) throw err
    }
  }
  throw new Error('could not record the subscribe request by number')
}

function isValidationOnEmail(err: unknown): boolean {
  const data = (err as { data?: { errors?: { path?: string }[] } }).data
  return Boolean(data?.errors?.some((e) => e.path === 'email'))
}

export type CodeConfirm = ConfirmResult | { kind: 'code'; check: Exclude<CodeCheck, { ok: true }> }

/** The code typed on the page after a subscribe request: right, the waiting request comes into force. */
export async function confirmByCode(payload: Payload, s: SubscriberDoc, typed: string, now = new Date()): Promise<CodeConfirm> {
  const check = await checkCode(payload, s, typed, now.getTime())
  if (!check.ok) return { kind: 'code', check }
  const fresh = (await payload.findByID({ collection: 'subscribers', id: s.id, depth: 0, overrideAccess: true })) as unknown as SubscriberDoc
  if (fresh.status === 'active' && fresh.pendingRequest) {
    // An active resident asking again by number: the code proves the number, so the new choices stand.
    const r = fresh.pendingRequest
    const updated = await update(payload, fresh.id, { grid: r.grid, channels: r.channels, topics: r.topics, pendingRequest: null, confirmNonce: null })
    return { kind: 'already', subscriber: updated }
  }
  return confirm(payload, fresh, fresh.confirmNonce ?? undefined, now)
}

/** A code to open a number's preferences page; null for a number nobody subscribed (no text is sent then). */
export async function manageCode(payload: Payload, mobile: string, now = new Date()): Promise<{ subscriber: SubscriberDoc; code: string } | null> {
  const existing = await findByMobile(payload, mobile)
  if (!existing) return null
  const code = newCode()
  const subscriber = await update(payload, existing.id, codeFields(existing.ref, code, now.getTime()))
  return { subscriber, code }
}
