/**
 * The SMS templates Street News sends, one per message kind. A text
 * message in mainland China may only be sent from a template the provider
 * approved; the street applies for these texts in the provider's console and
 * puts the template codes it gets in SMS_TEMPLATE_NOTICE,
 * SMS_TEMPLATE_URGENT and (for correction and withdrawal notices, optional)
 * SMS_TEMPLATE_CHANGE (docs/channels.md, "SMS").
 *
 * The provider refuses a URL inside a parameter (isv.PARAM_NOT_SUPPORT_URL:
 * domains belong in the approved text), so the link to the resident page is
 * written into the template up to its short code: `${linkBase}${code}`, the
 * base being the site's own /s/ path and the code at most 8 characters.
 * The texts are built from the link base, so they change with PUBLIC_URL (and
 * must then be approved again).
 */
import { SMS_PARAM_MAX_CHARS, templateParams, type ParamSpec } from './segments'

export type SmsKind = 'notice' | 'urgent' | 'change'
export const SMS_KINDS: readonly SmsKind[] = ['notice', 'urgent', 'change']
/** The kinds every configured street has a template for; `change` (corrections and withdrawals, SMS_TEMPLATE_CHANGE) is optional. */
export const SMS_REQUIRED_KINDS: readonly SmsKind[] = ['notice', 'urgent']

/** What a `change` message says happened to the content: 更正 or 撤回, never clipped. */
export const SMS_CHANGE_WORDS = { correction: '更正', withdrawal: '撤回' } as const

/** Most characters of a short-link code (/s/CODE). */
export const SMS_LINK_CODE_MAX_CHARS = 8

/** The unsubscribe instruction notice templates end with; a reply of TD (or T, R, N, 退订) unsubscribes the number. */
export const SMS_UNSUBSCRIBE_TEXT = '回复TD退订'

type TemplateDef = { text: (linkBase: string) => string; params: ParamSpec[] }

const code: ParamSpec = { name: 'code', max: SMS_LINK_CODE_MAX_CHARS, clip: 0 }

export const SMS_TEMPLATES: Record<SmsKind, TemplateDef> = {
  /** Any published content: its title and the resident's own short link. */
  notice: {
    text: (linkBase) => '${title}，详见 ' + linkBase + '${code} ' + SMS_UNSUBSCRIBE_TEXT,
    params: [{ name: 'title', max: SMS_PARAM_MAX_CHARS, clip: 1 }, code],
  },
  /** Urgent content (water, power or gas cut, weather warning): what, the essentials, the link. The detail is shortened before the title. */
  urgent: {
    text: (linkBase) => '紧急通知：${title}。${detail}详见 ' + linkBase + '${code} ' + SMS_UNSUBSCRIBE_TEXT,
    params: [{ name: 'title', max: SMS_PARAM_MAX_CHARS, clip: 2 }, { name: 'detail', max: SMS_PARAM_MAX_CHARS, clip: 1 }, code],
  },
  /**
   * The notice of a correction or a withdrawal, to those the content's SMS reached: what happened
   * (更正 or 撤回), the title, the resident's short link (the corrected page, or the 410 notice of a
   * withdrawn one).
   */
  change: {
    text: (linkBase) => '街道资讯${change}：${title}，详见 ' + linkBase + '${code} ' + SMS_UNSUBSCRIBE_TEXT,
    params: [{ name: 'change', max: 2, clip: 0 }, { name: 'title', max: SMS_PARAM_MAX_CHARS, clip: 1 }, code],
  },
}

/**
 * The building heads' message (issue 18, src/jobs/relayTell.ts), applied for
 * on its own, its code in SMS_TEMPLATE_RELAY: a head is told of a notice to
 * pass on with their own page 我的楼栋 behind the short link. Not a notice
 * template: a head is no subscriber, so there is no 回复TD退订 (a head's
 * consent is recorded by their grid leader, who withdraws it on request),
 * and the link is the head's alone (请勿转发). Up to 2 segments: a head's
 * message is worth a readable title.
 */
export const SMS_RELAY_TEMPLATE: TemplateDef = {
  text: (linkBase) => '楼栋长您好：${title}，请转发到楼栋群。您的楼栋页 ' + linkBase + '${code} 仅供本人使用，请勿转发。',
  params: [{ name: 'title', max: SMS_PARAM_MAX_CHARS, clip: 1 }, code],
}
export const SMS_RELAY_MAX_SEGMENTS = 2

/** The building heads' template text to apply for, with the site's link base. */
export function smsRelayTemplateText(linkBase: string): string {
  const text = SMS_RELAY_TEMPLATE.text(linkBase)
  const names = templateParams(text)
  if (names.join() !== SMS_RELAY_TEMPLATE.params.map((p) => p.name).join()) throw new Error(`SMS relay template: text uses ${names.join()}`)
  return text
}

/** The text to apply for in the provider's console for a kind, with the site's link base (e.g. https://street.example/s/). */
export function smsTemplateText(kind: SmsKind, linkBase: string): string {
  const text = SMS_TEMPLATES[kind].text(linkBase)
  // The parameters the text uses and the ones our code fills must be the same names.
  const names = templateParams(text)
  const specs = SMS_TEMPLATES[kind].params.map((p) => p.name)
  if (names.join() !== specs.join()) throw new Error(`SMS template ${kind}: text uses ${names.join()} but fills ${specs.join()}`)
  return text
}

/**
 * The verification-code template (subscribing by mobile number): applied for
 * on its own, its code in SMS_TEMPLATE_CODE. Verification templates carry no
 * link and no unsubscribe text (the resident asked for this one message).
 */
export const SMS_VERIFY_TEMPLATE_TEXT = '您的验证码为${code}，10分钟内有效，用于订阅街道资讯。如非本人操作，请忽略本短信。'
