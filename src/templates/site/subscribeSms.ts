/**
 * The subscription pages' SMS parts (issue 17): the SMS choice and mobile
 * number on the subscribe form, the human check, the page where the texted
 * code is typed, and the page where a number-only resident asks for a code to
 * manage their subscription. All plain forms: no JavaScript needed.
 */
import { t } from '../../i18n/messages'
import { esc } from '../html'
import { layout } from './layout'
import type { PageContext } from './types'

type FieldError = { field: string; message: string }

const fieldErrors = (errors: FieldError[], field: string) =>
  errors
    .filter((e) => e.field === field)
    .map((e) => `<p class="field-error" id="e-${esc(field)}">${esc(e.message)}</p>`)
    .join('')

const invalid = (errors: FieldError[], field: string) => (errors.some((e) => e.field === field) ? ` aria-invalid="true" aria-describedby="e-${esc(field)}"` : '')

function errorList(errors: FieldError[]): string {
  if (!errors.length) return ''
  const items = errors.map((e) => `<li><a href="#f-${esc(e.field)}">${esc(e.message)}</a></li>`).join('')
  return `<div class="form-errors" role="alert" tabindex="-1" id="form-errors"><h2>${esc(t('subscribe.errorsTitle'))}</h2><ul>${items}</ul></div>`
}

export type Challenge = { question: string; token: string }

/** The sum to answer, as text (a screen reader reads it; no picture, no script). */
export function challengeField(challenge: Challenge | null, errors: FieldError[]): string {
  if (!challenge) return ''
  return (
    `<div class="human-check"><input type="hidden" name="challenge" value="${esc(challenge.token)}">` +
    `<label for="f-challenge">${esc(t('subscribe.challenge.label', 'zh', { question: challenge.question }))}</label>` +
    `<input type="text" name="answer" id="f-challenge" inputmode="numeric" autocomplete="off" maxlength="4" required${invalid(errors, 'challenge')}>` +
    fieldErrors(errors, 'challenge') +
    `</div>`
  )
}

/** The subscribe form's SMS choice: a box, the number, and (past an address's first request) the human check. */
export function smsChoice(v: { checked: boolean; mobile: string; errors: FieldError[]; challenge: Challenge | null }): string {
  return (
    `<div class="channel-sms"><label class="check"><input type="checkbox" name="channels" value="sms" id="f-channel-sms"${v.checked ? ' checked' : ''}> ${esc(t('subscribe.channel.sms'))}</label>` +
    `<label for="f-mobile">${esc(t('subscribe.mobileLabel'))}</label>` +
    `<input type="tel" name="mobile" id="f-mobile" value="${esc(v.mobile)}" maxlength="20" autocomplete="tel" inputmode="tel"${invalid(v.errors, 'mobile')}>` +
    fieldErrors(v.errors, 'mobile') +
    `<p class="hint">${esc(t('subscribe.mobileHint'))}</p>` +
    challengeField(v.challenge, v.errors) +
    `</div>`
  )
}

/** Where the texted code is typed. `token` says which number (its keyed index, signed) and why. */
export function codePage(ctx: PageContext, v: { masked: string; token: string; csrf: string; errors: FieldError[]; againHref: string }): string {
  const main =
    `<div class="notice subscribe-notice"><h1>${esc(t('subscribe.code.title'))}</h1>` +
    errorList(v.errors) +
    `<p>${esc(t('subscribe.code.body', 'zh', { mobile: v.masked }))}</p>` +
    `<form method="post" action="/subscribe/sms/code" class="subscribe"><input type="hidden" name="t" value="${esc(v.token)}"><input type="hidden" name="csrf" value="${esc(v.csrf)}">` +
    `<label for="f-code">${esc(t('subscribe.code.label'))}</label>` +
    `<input type="text" name="code" id="f-code" inputmode="numeric" autocomplete="one-time-code" maxlength="6" pattern="[0-9]*" required${invalid(v.errors, 'code')}>` +
    fieldErrors(v.errors, 'code') +
    `<p><button type="submit" class="button">${esc(t('subscribe.code.submit'))}</button></p></form>` +
    `<p><a href="${esc(v.againHref)}">${esc(t('subscribe.code.again'))}</a></p></div>`
  return layout(ctx, { title: t('subscribe.code.title'), noindex: true, type: 'website' }, main)
}

/** A number-only resident's way in: the number, the human check when needed, then a code. */
export function managePage(ctx: PageContext, v: { mobile: string; csrf: string; errors: FieldError[]; challenge: Challenge | null }): string {
  const main =
    `<div class="notice subscribe-notice"><h1>${esc(t('subscribe.manage.title'))}</h1>` +
    errorList(v.errors) +
    `<p>${esc(t('subscribe.manage.intro'))}</p>` +
    `<form method="post" action="/subscribe/sms/manage" class="subscribe"><input type="hidden" name="csrf" value="${esc(v.csrf)}">` +
    `<label for="f-mobile">${esc(t('subscribe.mobileLabel'))}</label>` +
    `<input type="tel" name="mobile" id="f-mobile" value="${esc(v.mobile)}" maxlength="20" autocomplete="tel" inputmode="tel" required${invalid(v.errors, 'mobile')}>` +
    fieldErrors(v.errors, 'mobile') +
    challengeField(v.challenge, v.errors) +
    `<p><button type="submit" class="button">${esc(t('subscribe.manage.submit'))}</button></p></form></div>`
  return layout(ctx, { title: t('subscribe.manage.title'), noindex: true, type: 'website' }, main)
}
