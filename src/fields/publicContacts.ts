import type { Field, TextareaFieldValidation } from 'payload'

import { label, langOf, t } from '../i18n/messages'

/** The numbers of a `publicContacts` value, one a line (commas and 、 also separate). */
export function publicContactsOf(value: unknown): string[] {
  if (typeof value !== 'string') return []
  return value
    .split(/[\n,\uFF0C\u3001;\uFF1B]/)
    .map((line) => line.trim())
    .filter(Boolean)
}

// A telephone number as people write one: digits with spaces, hyphens, a leading +, brackets round an area code.
const PHONE = /^\+?[0-9\uFF10-\uFF19][0-9\uFF10-\uFF19 \-\u2010-\u2015()\uFF08\uFF09]{4,24}$/

const validatePublicContacts: TextareaFieldValidation = (value, { req }) => {
  const bad = publicContactsOf(value).find((n) => !PHONE.test(n))
  return bad ? t('checks.publicContacts.invalid', langOf(req), { value: bad.slice(0, 40) }) : true
}

/**
 * 公开联系电话: numbers this content publishes on purpose (an office's
 * service line, an event organiser's contact). The pre-publish checks do
 * not count them as personal information; the hotline, the settings'
 * contact fields and staff work phones are exempt without being listed.
 */
export const publicContactsField: Field = {
  name: 'publicContacts',
  type: 'textarea',
  label: label('checks.publicContacts.label'),
  maxLength: 1000,
  validate: validatePublicContacts,
  admin: { position: 'sidebar', rows: 2, description: label('checks.publicContacts.description') },
}
