import { type Lang, t } from '../i18n/messages'

/**
 * The staff password policy, as plain values and one pure check, so that the
 * admin's client components can show the same numbers the server enforces
 * (src/hooks/staffAuth.ts). 等保 asks for a minimum length and mixed kinds of
 * characters; we take at least 10 characters with both letters and digits.
 */
export const PASSWORD_MIN_LENGTH = 10
export const PASSWORD_MAX_LENGTH = 128
/** How long a new account's set-password link works. */
export const SET_PASSWORD_HOURS = 72
/** How long a forgot-password link works (Payload's forgotPassword.expiration). */
export const RESET_LINK_MINUTES = 60

/** What is wrong with a new password, in the user's language; null when it passes. */
export function passwordProblem(password: string, lang: Lang): string | null {
  if (password.length < PASSWORD_MIN_LENGTH) return t('error.passwordTooShort', lang, { min: PASSWORD_MIN_LENGTH })
  if (password.length > PASSWORD_MAX_LENGTH) return t('error.passwordTooLong', lang, { max: PASSWORD_MAX_LENGTH })
  if (!/[A-Za-z]/.test(password) || !/[0-9]/.test(password)) return t('error.passwordLettersDigits', lang)
  return null
}
