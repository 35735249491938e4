import { type CollectionBeforeChangeHook, type CollectionBeforeReadHook, type FieldHook, ValidationError } from 'payload'

import { langOf, t } from '../i18n/messages'
import { maskMobile, mobileIndex, normaliseMobile, openMobile, sealMobile } from '../subscribers/phone'

const SEALED = /^v1\./

/** A subscriber's `phone` as written: a plain number is normalised and sealed; a seal is kept; empty clears it. */
export const sealPhoneOnSave: FieldHook = ({ value, req, path }) => {
  if (value == null || value === '') return null
  if (typeof value === 'string' && SEALED.test(value)) return value
  const mobile = normaliseMobile(value)
  if (!mobile) {
    const lang = langOf(req)
    throw new ValidationError({ errors: [{ message: t('error.mobile', lang), path: path.join('.') }] }, req.t)
  }
  return sealMobile(mobile)
}

/** `phoneIndex` follows `phone` (as sent or as sealed: hooks see their siblings as they came in), whatever a request sent. */
export const indexPhoneOnSave: FieldHook = ({ siblingData }) => {
  const value = siblingData.phone
  if (typeof value !== 'string' || !value) return null
  const mobile = SEALED.test(value) ? openMobile(value) : normaliseMobile(value)
  return mobile ? mobileIndex(mobile) : null
}

/** A subscriber read by anyone: `phoneMasked` is 138****1234 from the sealed number (a seal that does not open shows ****). */
export const maskPhoneOnRead: CollectionBeforeReadHook = ({ doc }) => {
  const sealed = (doc as { phone?: unknown }).phone
  if (typeof sealed !== 'string' || !SEALED.test(sealed)) return { ...doc, phoneMasked: null }
  let masked = '****'
  try {
    masked = maskMobile(openMobile(sealed))
  } catch {
    // another key, or a damaged value: the number is not shown
  }
  return { ...doc, phoneMasked: masked }
}

/**
 * A resident who gets news by text message only (the subscribe form's SMS
 * choice) gets by SMS the content types they ticked: their topics are their
 * SMS topics. Residents with another channel keep SMS for urgent notices and
 * the types set apart for it (`smsTopics`, urgent only by default).
 */
export const smsOnlyTopics: CollectionBeforeChangeHook = ({ data, originalDoc }) => {
  const channels = (data.channels ?? originalDoc?.channels) as string[] | undefined
  const topics = data.topics ?? originalDoc?.topics
  if (channels?.length === 1 && channels[0] === 'sms' && Array.isArray(topics)) data.smsTopics = topics
  return data
}
